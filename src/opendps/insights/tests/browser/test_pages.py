"""Insight and contract pages in headless Chromium: each page passes axe-core with no
violations, charts included, and the figures people read are there."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from opendps.insights.tests.scenario import build, viewing
from opendps.testing.fixtures import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def h1(page: Any) -> Any:
    return page.get_by_role("heading", level=1).first


def test_a_supplier_reads_its_insight(page: Any, people: Any) -> None:
    """Results, win rate, where it loses most, demand and planned calls, all accessible."""
    build(people)
    with viewing():
        sign_in(page, "admin@alpha.test")
        page.goto("/insights")
        assert_accessible(page)
        page.get_by_role("link", name="How you are doing").click()
        expect(h1(page)).to_have_text("How you are doing")
        expect(page.get_by_text("You won 1 of the 3 calls decided so far (33.3%)")).to_be_visible()
        expect(page.get_by_text("You lose most on Quality of the proposed service")).to_be_visible()
        expect(page.get_by_role("img", name="Win rate by month")).to_be_visible()
        expect(
            page.get_by_role("link", name="Download CSV (Calls you tendered for)")
        ).to_be_visible()
        assert_accessible(page)


def test_a_commissioner_reads_market_health_and_past_performance(page: Any, people: Any) -> None:
    scenario = build(people)
    with viewing():
        sign_in(page, "commissioner@authority.test")
        page.goto("/insights")
        assert_accessible(page)
        page.get_by_role("link", name="Market health (Employment Support DPS)").click()
        expect(h1(page)).to_have_text("Market health")
        expect(page.get_by_text("3 of them (75.0%) had fewer than 3 bids")).to_be_visible()
        expect(
            page.get_by_role("img", name="Herfindahl-Hirschman index per category")
        ).to_be_visible()
        assert_accessible(page)
        page.goto(f"/insights/categories/{scenario.category.pk}/past-performance")
        expect(h1(page)).to_have_text("Past performance of members")
        assert_accessible(page)


def test_contract_pages_for_the_buyer_and_the_supplier(page: Any, people: Any) -> None:
    """The register, a contract with records and ratings, and every form, with an error."""
    scenario = build(people)
    beta_3 = scenario.contracts["beta_3"]
    alpha = scenario.contracts["alpha"]
    with viewing():
        sign_in(page, "buyer@authority.test")
        page.goto("/contracts")
        assert_accessible(page)
        page.get_by_role("link", name="Call two").click()
        expect(h1(page)).to_have_text("Call two")
        assert_accessible(page)
        page.get_by_role("button", name="Record performance").click()
        page.get_by_label("Outcome").check()
        page.get_by_label("Measure").fill("job starts")
        page.get_by_label("Quantity").fill("-3")
        page.get_by_role("button", name="Save the record").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the day the period")
        assert_accessible(page)
        page.goto(f"/contracts/{alpha.pk}/ratings/new")
        assert_accessible(page)
        page.goto(f"/contracts/{alpha.pk}/change")
        assert_accessible(page)
        page.goto(f"/contracts/{beta_3.pk}")
        expect(page.get_by_text("Awaiting confirmation")).to_be_visible()
        assert_accessible(page)

    page.context.clear_cookies()
    with viewing():
        sign_in(page, "admin@beta.test")
        page.goto(f"/contracts/{beta_3.pk}")
        page.get_by_role("link", name="Dispute sessions").click()
        expect(h1(page)).to_have_text("Dispute a record")
        assert_accessible(page)
        page.get_by_role("button", name="Dispute the record").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Give the reason")
        assert_accessible(page)
        page.goto(f"/contracts/{beta_3.pk}")
        page.get_by_role("link", name="Answer this rating").click()
        assert_accessible(page)
