"""The council broker's morning in headless Chromium, every page checked with axe-core.

A provider records its capacity; the broker sees it on a rapid call for one service user;
the providers answer in one step from their standing offers; after the award the winner
declines, the placement falls to the next-ranked provider, who accepts, and the contract is
made. The live server runs in this process, so time-machine moves its clock too.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from opendps.brokerage.models import Placement
from opendps.competitions import services as competition_services
from opendps.contracts.models import Contract
from opendps.membership.models import CategoryMember
from opendps.testing.factories import market_with_both_suppliers
from opendps.testing.fixtures import assert_accessible, sign_in

from ..conftest import award_rapid, rapid_call

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def h1(page: Any) -> Any:
    return page.get_by_role("heading", level=1).first


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/account/sign-in"))


def success(page: Any, text: str) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def standing_offers(people: Any, market: Any) -> None:
    for supplier, actor, rate in (
        (people.supplier_a, people.supplier_a_admin, "24.50"),
        (people.supplier_b, people.supplier_b_admin, "23.00"),
    ):
        competition_services.standing_offer_save(
            actor=actor,
            member=CategoryMember.objects.get(market=market, supplier=supplier),
            description=f"{supplier.name}: the same carer on every visit.",
            price_per_hour=Decimal(rate),
        )


def test_the_broker_s_morning(people: Any, fixed_day: None, page: Any) -> None:
    market = market_with_both_suppliers(people)
    standing_offers(people, market)

    # A provider keeps its capacity current.
    sign_in(page, "admin@beta.test")
    page.get_by_role("link", name="Capacity and placements").click()
    expect(h1(page)).to_have_text("Your capacity")
    assert_accessible(page)
    page.get_by_role("button", name="Record the capacity").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the category")
    assert_accessible(page)
    page.get_by_label("Category").select_option(
        label="CV and job search support (Employment Support DPS)"
    )
    page.get_by_label("Zone or area").fill("Northgate")
    page.get_by_label("Care hours available per week").check()
    page.get_by_label("Amount").fill("14")
    page.get_by_label("Day").fill("8")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Record the capacity").click()
    success(page, "Your capacity is recorded")
    expect(page.locator("main")).to_contain_text("Northgate: 14.0 care hours available per week")
    assert_accessible(page)
    sign_out(page)

    # The broker's rapid call shows every member's capacity; both are invited.
    call = rapid_call(people, market, acceptance_hours=2)
    sign_in(page, "buyer@authority.test")
    page.goto(f"/calls/{call.pk}")
    expect(page.locator("main")).to_contain_text("Members' capacity")
    expect(page.locator("main")).to_contain_text("Northgate: 14.0 care hours available per week")
    expect(page.locator("main")).to_contain_text("Not recorded")
    expect(page.locator("main")).to_contain_text("2 hours after the award")
    assert_accessible(page)
    sign_out(page)

    # Each provider answers in one step from its standing offer.
    for email, price in (("admin@alpha.test", ""), ("admin@beta.test", "22.80")):
        sign_in(page, email)
        page.goto(f"/calls/{call.pk}/tender")
        expect(page.get_by_role("heading", name="Answer in one step from your standing offer"))
        assert_accessible(page)
        page.get_by_label("Improved price (optional)").fill(price)
        page.get_by_role("button", name="Confirm my standing offer as my tender").click()
        success(page, "Your tender is received, sealed and signed for")
        assert_accessible(page)
        sign_out(page)

    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=True):
        award_rapid(people, call, {people.supplier_a: 4, people.supplier_b: 2})
        first = Placement.objects.get(call=call, rank=1)

        # The winner cannot start after all: it declines, with its reason.
        sign_in(page, "admin@alpha.test")
        page.goto(f"/placements/{first.pk}")
        expect(h1(page)).to_contain_text("Placement:")
        assert_accessible(page)
        page.get_by_role("button", name="Decline the placement").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Say why")
        assert_accessible(page)
        page.get_by_label("Why you cannot take the placement").fill("No morning carer free.")
        page.get_by_role("button", name="Decline the placement").click()
        success(page, "You have declined the placement")
        sign_out(page)

        # The next-ranked provider is offered it and accepts.
        second = Placement.objects.get(call=call, rank=2)
        assert second.supplier == people.supplier_b
        sign_in(page, "admin@beta.test")
        page.goto("/capacity")
        page.get_by_role("link", name=call.title).click()
        assert_accessible(page)
        page.get_by_role("button", name="Accept: we can start").click()
        success(page, "You have accepted the placement")
        assert_accessible(page)
        sign_out(page)

        # The broker sees the fall-through and the contract.
        sign_in(page, "buyer@authority.test")
        page.goto(f"/calls/{call.pk}")
        main = page.locator("main")
        expect(main).to_contain_text("Declined: No morning carer free.")
        expect(main).to_contain_text("Accepted")
        assert_accessible(page)
        page.goto("/status")
        expect(h1(page)).to_have_text("Service status")
        assert_accessible(page)
    assert Contract.objects.get(call=call).supplier == people.supplier_b
