"""Award feedback follows the placement when it falls through to the next-ranked tender."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from opendps.accounts.models import Organisation, OrganisationKind, Role
from opendps.brokerage import services
from opendps.brokerage.models import Placement
from opendps.competitions.feedback import advantages_text
from opendps.competitions.models import Award, Feedback
from opendps.competitions.schemas import FeedbackOut
from opendps.testing.factories import market_with_both_suppliers, member_suppliers, tender
from opendps.testing.fixtures import client_for, make_person

from .conftest import award_rapid, rapid_call

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def gamma(people: Any) -> Any:
    supplier = Organisation.objects.create(
        kind=OrganisationKind.SUPPLIER, name="Gamma Homecare Ltd", is_sme=True
    )
    supplier.admin = make_person("admin@gamma.test", supplier, Role.SUPPLIER_ADMIN)
    return supplier


@pytest.fixture
def ranked_three(people: Any, gamma: Any, fixed_day: None) -> Iterator[Any]:
    """Alpha ranks first, Gamma second, Beta third; the clock just after the award."""
    market = market_with_both_suppliers(people)
    member_suppliers(people, market, (gamma, gamma.admin))
    call = rapid_call(people, market, acceptance_hours=2)
    tender(people, call, price="4000")
    tender(people, call, supplier=gamma, actor=gamma.admin, price="4500")
    tender(people, call, supplier=people.supplier_b, price="5000")
    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=True):
        award_rapid(people, call, {people.supplier_a: 4, gamma: 3, people.supplier_b: 2})
        yield call


def feedback_of(call: Any, supplier: Any) -> dict[str, Any]:
    return Feedback.objects.get(call=call, supplier=supplier).content


def ranked(call: Any, supplier: Any) -> dict[str, Any]:
    award = Award.objects.get(call=call)
    return next(e for e in award.ranking if e["supplier_id"] == supplier.pk)


def test_a_decline_makes_the_next_provider_the_winner_the_others_are_compared_with(
    people, gamma, ranked_three
):
    call = ranked_three
    assert feedback_of(call, people.supplier_a)["won"]
    first = Placement.objects.get(call=call, supplier=people.supplier_a)
    services.placement_decline(
        actor=people.supplier_a_admin, placement=first, reason="No carer free on mornings."
    )

    gamma_now = ranked(call, gamma)
    assert feedback_of(call, gamma)["won"]
    assert advantages_text(feedback_of(call, gamma)) == []
    # Beta, third, is compared with Gamma: its totals, price and per-criterion advantages.
    beta = feedback_of(call, people.supplier_b)
    assert not beta["won"]
    assert beta["winner_total"] == gamma_now["total"]
    assert beta["winning_price"] == gamma_now["price"]
    assert [c["winner_points"] for c in beta["criteria"]] == [
        gamma_now["points"][c["key"]] for c in beta["criteria"]
    ]
    assert {a["winner_points"] for a in beta["advantages"]} <= set(gamma_now["points"].values())
    assert any("Gamma Homecare Ltd scored 3" in line for line in advantages_text(beta))
    # Alpha, who ranked first, is told it declined, not that Gamma did better.
    alpha = feedback_of(call, people.supplier_a)
    assert not alpha["won"]
    assert alpha["placement_not_taken"]["outcome"] == "declined"
    assert alpha["advantages"] == []
    assert "you declined it" in advantages_text(alpha)[0]
    # The API and the page name Gamma as the winner.
    out = FeedbackOut.build(Feedback.objects.get(call=call, supplier=people.supplier_b))
    assert out.winning_supplier == "Gamma Homecare Ltd"
    page = client_for(people.supplier_a_admin).get(reverse("competitions:feedback", args=[call.pk]))
    text = page.content.decode()
    assert "Gamma Homecare Ltd" in text
    assert "you declined it" in text
    assert "Your tender won" not in text
    # Under its own heading, not among "where the winning tender did better".
    placement = text.index("The placement</h2>")
    assert placement < text.index("you declined it")
    assert "Where the winning tender did better" not in text


def test_no_answer_in_time_passes_the_win_on_and_says_so(people, gamma, ranked_three):
    call = ranked_three
    first = Placement.objects.get(call=call, supplier=people.supplier_a)
    services.placement_decline(actor=people.supplier_a_admin, placement=first, reason="Full.")
    second = Placement.objects.get(call=call, supplier=gamma)
    with time_machine.travel(second.respond_by, tick=False):
        assert services.placements_lapse_due() == 1

    assert feedback_of(call, people.supplier_b)["won"]
    gamma_feedback = feedback_of(call, gamma)
    assert not gamma_feedback["won"]
    assert gamma_feedback["placement_not_taken"]["outcome"] == "lapsed"
    assert "was not accepted in time" in advantages_text(gamma_feedback)[0]
    # Alpha's decline stays on its feedback; it is now compared with Beta's totals.
    alpha = feedback_of(call, people.supplier_a)
    assert alpha["placement_not_taken"]["outcome"] == "declined"
    assert alpha["winner_total"] == ranked(call, people.supplier_b)["total"]
    out = FeedbackOut.build(Feedback.objects.get(call=call, supplier=gamma))
    assert out.winning_supplier == people.supplier_b.name
    assert "was not accepted in time" in out.relative_advantages[0]


def test_an_accepted_placement_leaves_the_award_feedback_as_written(people, gamma, ranked_three):
    call = ranked_three
    before = {f.supplier_id: f.content for f in Feedback.objects.filter(call=call)}
    first = Placement.objects.get(call=call, supplier=people.supplier_a)
    services.placement_accept(actor=people.supplier_a_admin, placement=first)
    after = {f.supplier_id: f.content for f in Feedback.objects.filter(call=call)}
    assert after == before
