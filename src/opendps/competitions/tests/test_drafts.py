"""Changing a draft call; drafts that could never be published; rapid calls' hints and
suggested criteria; cancelling a draft says nobody was told (issue 15)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from opendps.competitions import services
from opendps.competitions.criteria import criteria_parse, social_value_weight
from opendps.competitions.services.calls import default_criteria, social_value_minimum
from opendps.core import clock
from opendps.core.errors import Conflict, NotPermitted, RuleViolation
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.testing.factories import make_call, market_with_both_suppliers
from opendps.testing.fixtures import client_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fixed_day")]


@pytest.fixture
def market(people):
    return market_with_both_suppliers(people)


def _fields(call, **changes):
    fields = {
        "title": call.title,
        "requirement": call.requirement,
        "estimated_value": call.estimated_value,
        "deadline": call.deadline,
        "criteria": call.criteria,
    }
    return fields | changes


def test_a_draft_can_be_changed_and_the_change_is_audited(people, market):
    draft = make_call(people, market, publish=False)
    reference = draft.reference
    later = draft.deadline + timedelta(days=2)
    changed = services.call_update(
        actor=people.buyer,
        call=draft,
        **_fields(draft, title="CV support for 25 claimants", deadline=later),
    )
    changed.refresh_from_db()
    assert (changed.title, changed.deadline, changed.reference) == (
        "CV support for 25 claimants",
        later,
        reference,
    )
    event = AuditEvent.objects.get(event_type=AuditEventType.CALL_UPDATED)
    assert {"title", "deadline"} <= set(event.data["changed"])


def test_a_published_call_cannot_be_changed_as_a_draft(people, market):
    call = make_call(people, market)
    with pytest.raises(Conflict):
        services.call_update(actor=people.buyer, call=call, **_fields(call, title="New"))
    call.refresh_from_db()
    assert call.title != "New"


@pytest.mark.parametrize("who", ["evaluator", "other_buyer", "supplier_a_admin"])
def test_only_the_authoritys_buyers_change_a_draft(people, market, who):
    draft = make_call(people, market, publish=False)
    with pytest.raises(NotPermitted):
        services.call_update(actor=people.by_name(who), call=draft, **_fields(draft, title="X"))
    draft.refresh_from_db()
    assert draft.title != "X"


def test_the_edit_page_for_the_buyer_only_and_only_for_drafts(people, market):
    draft = make_call(people, market, publish=False)
    published = make_call(people, market, title="Published")
    buyer = client_for(people.buyer)
    page = buyer.get(f"/calls/{draft.pk}/edit").content.decode()
    assert "Change the draft call" in page and draft.title in page
    assert client_for(people.other_buyer).get(f"/calls/{draft.pk}/edit").status_code == 404
    assert client_for(people.supplier_a_admin).get(f"/calls/{draft.pk}/edit").status_code == 404
    assert buyer.get(f"/calls/{published.pk}/edit").status_code == 409


def test_no_draft_is_saved_with_a_deadline_it_could_never_be_published_with(people, market):
    """PA 2023: 10 days from the invitation, counted from now for a draft."""
    with pytest.raises(RuleViolation) as refused:
        make_call(people, market, publish=False, deadline=clock.now() + timedelta(days=5))
    assert refused.value.code == "tender_deadline_too_early"
    draft = make_call(people, market, publish=False)
    with pytest.raises(RuleViolation):
        services.call_update(
            actor=people.buyer,
            call=draft,
            **_fields(draft, deadline=clock.now() + timedelta(days=5)),
        )


def test_a_rapid_draft_may_close_within_hours_but_not_sooner_than_the_minimum(people, market):
    """The platform's floor for a rapid light-touch call: one hour from the invitation."""
    with pytest.raises(RuleViolation) as refused:
        make_call(
            people, market, publish=False, rapid=True, deadline=clock.now() + timedelta(minutes=30)
        )
    assert refused.value.code == "tender_deadline_too_early"
    make_call(people, market, publish=False, rapid=True, deadline=clock.now() + timedelta(hours=2))


def test_the_deadline_hint_names_the_real_minimum_for_rapid_calls(people, market):
    category = market.categories.get()
    page = client_for(people.buyer).get(f"/calls/new?category={category.pk}").content.decode()
    assert "for a rapid light-touch call it is" in page
    assert "may close within hours" not in page


def test_suggested_rapid_criteria_meet_a_central_government_minimum(people, market):
    people.authority.is_central_government = True
    people.authority.save()
    market.refresh_from_db()
    minimum = social_value_minimum(market)
    assert minimum == Decimal("10")
    suggested = criteria_parse(default_criteria(rapid=True, social_value_minimum=minimum))
    assert social_value_weight(suggested) == minimum
    # A rapid call drafted with the suggested criteria is accepted as it stands.
    call = make_call(
        people, market, publish=False, rapid=True, deadline=clock.now() + timedelta(hours=3)
    )
    assert social_value_weight(criteria_parse(call.criteria)) == Decimal("10")
    category = market.categories.get()
    page = client_for(people.buyer).get(f"/calls/new?category={category.pk}&rapid=1")
    assert 'value="social_value"' in page.content.decode()


def test_cancelling_a_draft_does_not_say_suppliers_were_told(people, market, mailbox):
    draft = make_call(people, market, publish=False)
    buyer = client_for(people.buyer)
    page = buyer.get(f"/calls/{draft.pk}/cancel").content.decode()
    assert "no supplier was invited" in page
    assert "Every invited supplier is sent this reason" not in page
    mailbox.clear()
    done = buyer.post(f"/calls/{draft.pk}/cancel", {"reason": "Not needed."}, follow=True)
    text = done.content.decode()
    assert "No supplier was invited, so nobody was told." in text
    assert "the suppliers have been told" not in text
    assert not [m for m in mailbox.messages if m["Subject"].startswith("Call cancelled")]


def test_the_call_form_answers_every_box_in_one_round(people, market):
    """Issue 15: a missing title, a money box typed as people type it, and weights that do
    not add up are all answered at once; the key of a criterion is never asked for."""
    from opendps.competitions.models import Call
    from opendps.competitions.tests.test_views import call_data

    category = market.categories.get()
    buyer = client_for(people.buyer)
    page = buyer.get(f"/calls/new?category={category.pk}").content.decode()
    assert "social_value" not in page.replace('value="social_value"', "")
    response = buyer.post(
        f"/calls/new?category={category.pk}",
        call_data(title="", estimated_value="£1,200.50", criterion_0_weight="50"),
    )
    text = response.content.decode()
    assert 'href="#id_title"' in text and 'href="#id_criterion_0_weight"' in text
    assert "must add up to 100" in text
    assert 'href="#id_estimated_value"' not in text  # "£1,200.50" is a fine amount
    assert not Call.objects.exists()
    created = buyer.post(
        f"/calls/new?category={category.pk}",
        call_data(estimated_value="£1,200.50", criterion_1_key="", criterion_1_name="Social value"),
    )
    assert created.status_code == 302
    call = Call.objects.get()
    assert call.estimated_value == Decimal("1200.50")
    assert [c["key"] for c in call.criteria] == ["quality", "social_value", "price"]
