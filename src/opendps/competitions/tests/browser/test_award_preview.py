"""The award preview in headless Chromium, axe on every page: the buyer sees the ranking
with each tender's points per criterion, the totals and the winner, continues to a
confirmation step, and only then awards."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from opendps.competitions import services
from opendps.competitions.models import Award, TenderSubmission
from opendps.testing.factories import make_call, market_with_both_suppliers, tender
from opendps.testing.fixtures import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _live(call: Any, supplier: Any) -> TenderSubmission:
    return TenderSubmission.objects.get(
        call=call, supplier=supplier, withdrawn_at=None, superseded_at=None
    )


def test_buyer_previews_the_ranking_then_confirms_the_award(page: Any, people: Any) -> None:
    market = market_with_both_suppliers(people)
    call = make_call(people, market)
    tender(people, call, price="4000")
    tender(people, call, supplier=people.supplier_b, price="5000")
    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=True):
        services.call_open(actor=people.buyer, call=call)
        scores = {
            str(_live(call, supplier).pk): {
                key: {"score": score, "reason": f"{supplier.name}: {score} on {key}"}
                for key in ("quality", "social_value")
            }
            for supplier, score in ((people.supplier_a, 2), (people.supplier_b, 4))
        }
        services.conflict_declare(actor=people.evaluator, call=call, has_conflict=False)
        services.scoresheet_save(actor=people.evaluator, call=call, scores=scores, submit=True)
        services.moderation_record(actor=people.commissioner, call=call, scores=scores)

        sign_in(page, "buyer@authority.test")
        page.goto(f"/calls/{call.pk}/award")
        expect(
            page.get_by_role("heading", name="Check the ranking before you award")
        ).to_be_visible()
        table = page.get_by_role("table").first
        expect(table).to_contain_text("Quality of the proposed service (out of 60)")
        expect(table).to_contain_text("Social value (out of 10)")
        winner_row = page.get_by_role("row").filter(has_text="Beta Care Ltd").first
        expect(winner_row).to_contain_text("Would win")
        expect(winner_row).to_contain_text("94.00")
        expect(page.get_by_role("row").filter(has_text="Alpha Support CIC").first).to_contain_text(
            "65.00"
        )
        assert_accessible(page)
        page.get_by_label("Hold a voluntary standstill period").check()
        page.get_by_role("button", name="Continue to confirm the award").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Confirm the award")
        expect(page.locator("main")).to_contain_text("Beta Care Ltd")
        assert_accessible(page)
        assert not Award.objects.exists()
        page.get_by_role("button", name="Award the call").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "The call is awarded."
        )
        assert_accessible(page)
    award = Award.objects.get()
    assert award.winner.supplier == people.supplier_b
    assert award.standstill_ends_at is not None
