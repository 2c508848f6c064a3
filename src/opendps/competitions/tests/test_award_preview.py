"""The award preview and its confirmation step (issue 15): the ranking with each tender's
points per criterion, the totals and the winner, before the irreversible award."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

from opendps.competitions import services
from opendps.competitions.models import Award, TenderSubmission
from opendps.competitions.preview import award_preview
from opendps.core.errors import NotPermitted
from opendps.testing.factories import make_call, market_with_both_suppliers, tender
from opendps.testing.fixtures import client_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fixed_day")]


def _live(call, supplier):
    return TenderSubmission.objects.get(
        call=call, supplier=supplier, withdrawn_at=None, superseded_at=None
    )


@pytest.fixture
def moderated(people):
    market = market_with_both_suppliers(people)
    call = make_call(people, market)
    tender(people, call, price="4000")
    tender(people, call, supplier=people.supplier_b, price="5000")
    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=True):
        services.call_open(actor=people.buyer, call=call)
        scores = {
            str(_live(call, supplier).pk): {
                key: {"score": score, "reason": f"{supplier.name} {key} {score}"}
                for key in ("quality", "social_value")
            }
            for supplier, score in ((people.supplier_a, 2), (people.supplier_b, 4))
        }
        services.conflict_declare(actor=people.evaluator, call=call, has_conflict=False)
        services.scoresheet_save(actor=people.evaluator, call=call, scores=scores, submit=True)
        services.moderation_record(actor=people.commissioner, call=call, scores=scores)
        yield call


def test_the_preview_is_the_ranking_the_award_makes(people, moderated):
    preview = award_preview(people.buyer, call=moderated)
    assert preview is not None
    # Beta: 60 × 4/4 + 10 × 4/4 + 30 × 4000/5000 = 94; Alpha: 30 + 5 + 30 = 65.
    assert [(r.supplier, r.total, r.won) for r in preview] == [
        ("Beta Care Ltd", Decimal("94.00"), True),
        ("Alpha Support CIC", Decimal("65.00"), False),
    ]
    assert preview[0].points == [Decimal("60.00"), Decimal("10.00"), Decimal("24.00")]
    assert not Award.objects.exists()  # nothing written
    award = services.award_decide(actor=people.buyer, call=moderated)
    assert [(e["submission_id"], Decimal(e["total"])) for e in award.ranking] == [
        (r.submission_id, r.total) for r in preview
    ]


def test_the_preview_page_shows_points_totals_and_winner_then_a_confirmation(people, moderated):
    buyer = client_for(people.buyer)
    page = buyer.get(f"/calls/{moderated.pk}/award").content.decode()
    assert "Check the ranking before you award" in page
    assert "Would win" in page and "94.00" in page and "65.00" in page
    assert "Social value (out of 10)" in page
    assert not Award.objects.exists()
    confirm = buyer.get(f"/calls/{moderated.pk}/award/confirm?voluntary_standstill=on")
    text = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Confirm the award" in text and "Beta Care Ltd" in text
    assert 'name="voluntary_standstill" value="on"' in text
    assert not Award.objects.exists()  # still nothing until the confirmation is posted
    awarded = buyer.post(f"/calls/{moderated.pk}/award", {"voluntary_standstill": "on"})
    assert awarded.status_code == 302
    assert Award.objects.get().winner.supplier == people.supplier_b
    # After the award the confirmation step leads back to the award's page.
    again = buyer.get(f"/calls/{moderated.pk}/award/confirm")
    assert again.status_code == 302


@pytest.mark.parametrize(("who", "status"), [("supplier_a_admin", 404), ("other_buyer", 404)])
def test_outsiders_cannot_preview(people, moderated, who, status):
    for path in ("award", "award/confirm"):
        response = client_for(people.by_name(who)).get(f"/calls/{moderated.pk}/{path}")
        assert response.status_code == status


def test_a_conflicted_officer_cannot_preview(people, moderated):
    services.conflict_declare(actor=people.buyer, call=moderated, has_conflict=True, details="x")
    with pytest.raises(NotPermitted):
        award_preview(people.buyer, call=moderated)


def test_a_conflict_is_declared_seeing_the_bidders_names(people):
    """Issue 15: the officer sees who tendered (names only) before declaring."""
    market = market_with_both_suppliers(people)
    call = make_call(people, market)
    tender(people, call, price="4000")
    tender(people, call, supplier=people.supplier_b, price="5000")
    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=True):
        services.call_open(actor=people.buyer, call=call)
        evaluator = client_for(people.evaluator)  # signed in now: sessions last 8 hours
        response = evaluator.get(f"/calls/{call.pk}/evaluation")
        assert response.status_code == 200, response
        page = response.content.decode()
        assert "The bidders" in page
        assert "<li>Alpha Support CIC</li>" in page and "<li>Beta Care Ltd</li>" in page
        from opendps.competitions import selectors
        from opendps.core.errors import NotFound

        with pytest.raises(NotFound):  # not for another authority's officer
            selectors.bidder_names(people.other_buyer, call=call)


def test_bidder_names_stay_sealed_before_opening(people):
    from opendps.competitions import selectors
    from opendps.core.errors import NotFound

    market = market_with_both_suppliers(people)
    call = make_call(people, market)
    tender(people, call)
    with pytest.raises(NotPermitted):
        selectors.bidder_names(people.buyer, call=call)
    with pytest.raises(NotFound):
        selectors.bidder_names(people.supplier_a_admin, call=call)
