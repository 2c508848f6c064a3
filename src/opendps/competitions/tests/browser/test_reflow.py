"""Reflow at 320 px (WCAG 2.2 1.4.10): the pages with wide tables never scroll sideways;
the tables scroll inside their own box, which keyboard users can focus."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from opendps.competitions.tests.test_services import evaluate_and_award
from opendps.testing.factories import make_call, market_with_both_suppliers, tender
from opendps.testing.fixtures import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}


@pytest.fixture
def awarded(people: Any) -> Any:
    market = market_with_both_suppliers(people)
    call = make_call(people, market, title="CV and interview coaching for 20 claimants")
    tender(people, call, price="4000")
    tender(people, call, supplier=people.supplier_b, price="4500")
    evaluate_and_award(people, call, {people.supplier_a: 3, people.supplier_b: 4})
    make_call(
        people,
        market,
        title="Another call with a long enough title",
        estimated_value=Decimal("9000"),
    )
    return call


def page_width(page: Any, path: str) -> int:
    page.goto(path)
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_wide_tables_scroll_in_their_own_box_at_320_px(
    page: Any, people: Any, awarded: Any
) -> None:
    page.set_viewport_size(NARROW)
    with time_machine.travel(awarded.deadline + timedelta(days=1), tick=True):
        sign_in(page, people.supplier_b_admin.email)
        for path in ["/invitations", f"/calls/{awarded.pk}/feedback"]:
            assert page_width(page, path) <= 320, path
        assert_accessible(page)
        page.context.clear_cookies()
        sign_in(page, people.buyer.email)
        for path in ["/calls", f"/calls/{awarded.pk}/award", f"/calls/{awarded.pk}"]:
            assert page_width(page, path) <= 320, path
        assert_accessible(page)
        box = page.locator(".opendps-table-scroll").first
        box.focus()
        assert box.evaluate("el => el === document.activeElement")
