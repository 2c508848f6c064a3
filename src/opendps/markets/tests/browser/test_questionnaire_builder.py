"""A commissioner builds a category's questionnaire in headless Chromium, every page checked
with axe-core: sets up a market choosing its rules first, adds a category, adds a question
with an automatic check (and is told, naming the question, what is missing), changes it,
moves it, previews the questions as suppliers will see them, and removes one."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from opendps.core import clock
from opendps.core.calendar import london_date
from opendps.markets.models import Market
from opendps.testing.fixtures import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Do you hold public liability insurance of at least £5 million?"


def h1(page: Any) -> Any:
    return page.get_by_role("heading", level=1).first


def success(page: Any, text: str) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def sets_up_a_draft_market(page: Any) -> Market:
    page.goto("/markets/new")
    expect(h1(page)).to_contain_text("Which rules will the market run under?")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()  # nothing chosen
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose the rules the market runs under"
    )
    assert_accessible(page)
    page.get_by_label("PCR 2015 Dynamic Purchasing System").check()
    page.get_by_role("button", name="Continue").click()
    expect(h1(page)).to_have_text("Set up a market")
    # Only this regime's own settings are asked.
    expect(page.get_by_text("First period for requests to participate ends")).to_be_visible()
    expect(page.get_by_label("Fee charged to suppliers awarded a contract")).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Title", exact=True).fill("Employment Support DPS")
    page.get_by_label("Description", exact=True).fill("Support for people looking for work.")
    page.get_by_label("CPV codes").fill("banana, 1234")
    page.get_by_label("Estimated total value").fill("1000000")
    page.get_by_label("Estimated number of purchases").fill("500")
    today = london_date(clock.now())
    for name, day in (("validity_starts_at", today), ("validity_ends_at", today + timedelta(400))):
        page.locator(f"#id_{name}").fill(str(day.day))
        page.locator(f"#id_{name}_month").fill(str(day.month))
        page.locator(f"#id_{name}_year").fill(str(day.year))
    page.get_by_label("Two officers must approve opening tenders").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("'banana' is not a CPV code")
    assert_accessible(page)
    page.get_by_label("CPV codes").fill("79600000-0")
    page.get_by_role("button", name="Save and continue").click()
    success(page, "Draft market created")
    expect(page.get_by_text("79600000-0 – Recruitment services")).to_be_visible()
    expect(page.get_by_text("Two officers: one approves, a different one opens")).to_be_visible()
    return Market.objects.get()


def test_commissioner_builds_a_questionnaire(page: Any, people: Any) -> None:
    sign_in(page, "commissioner@authority.test")
    market = sets_up_a_draft_market(page)
    page.get_by_role("link", name="Add a category").click()
    page.get_by_label("Title", exact=True).fill("CV and job search support")
    page.get_by_role("button", name=re.compile("Add|Save")).click()
    page.get_by_role("link", name=re.compile("Selection questions")).click()
    expect(h1(page)).to_contain_text("Questionnaire: CV and job search support")
    assert_accessible(page)

    page.get_by_role("button", name="Change the questions").click()
    expect(h1(page)).to_contain_text("Change the questions")
    assert_accessible(page)
    count = page.locator(".govuk-summary-card").count()

    page.get_by_role("button", name="Add a question").click()
    expect(h1(page)).to_have_text("Add a question")
    assert_accessible(page)
    page.get_by_label("Section (optional)").fill("Insurance")
    page.get_by_label("Question", exact=True).fill(QUESTION)
    page.get_by_label("Yes or no").check()
    page.get_by_label("Passes if the answer is one of the answers listed below").check()
    page.get_by_role("button", name="Save question").click()  # no passing answers yet
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        f"Enter the answers that pass for “{QUESTION}”"
    )
    assert_accessible(page)
    page.get_by_label("Answers that pass").fill("yes")
    page.get_by_label("A mandatory exclusion ground: the supplier cannot be admitted").check()
    page.get_by_role("button", name="Save question").click()
    success(page, "Question saved")
    expect(page.locator(".govuk-summary-card")).to_have_count(count + 1)
    last = page.locator(".govuk-summary-card").last
    expect(last).to_contain_text(QUESTION)
    expect(last).to_contain_text("Passes if the answer is: yes")
    assert_accessible(page)

    last.get_by_role("link", name=re.compile("^Change")).click()
    expect(h1(page)).to_have_text("Change the question")
    expect(page.get_by_label("Answers that pass")).to_have_value("yes")
    page.get_by_label("Hint (optional)").fill("Attach the certificate later in the form.")
    page.get_by_role("button", name="Save question").click()
    success(page, "Question saved")

    page.locator(".govuk-summary-card").last.get_by_role(
        "button", name=re.compile("^Move up")
    ).click()
    success(page, "Question moved")
    expect(page.locator(".govuk-summary-card").nth(count - 1)).to_contain_text(QUESTION)
    assert_accessible(page)

    page.get_by_role("button", name="Preview as suppliers will see it").click()
    expect(h1(page)).to_contain_text("Preview")
    expect(page.get_by_role("group", name=QUESTION)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the questions").click()

    page.locator(".govuk-summary-card").nth(count - 1).get_by_role(
        "link", name=re.compile("^Remove")
    ).click()
    expect(h1(page)).to_have_text("Remove this question?")
    assert_accessible(page)
    page.get_by_role("button", name="Remove question").click()
    success(page, "Question removed")
    expect(page.locator(".govuk-summary-card")).to_have_count(count)
    category = market.categories.get()
    versions = category.questionnaire_versions.count()
    assert versions == 5  # template, added, changed, moved, removed
