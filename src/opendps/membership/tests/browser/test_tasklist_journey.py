"""Applying as a task list in headless Chromium, every page checked with axe-core: a
supplier saves part 1 for later, signs out, comes back, keeps a file across a page with
an error, checks its answers and sends; then reads a rejection with its reasons first."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from opendps.membership import services
from opendps.membership.models import Application
from opendps.membership.tests.browser.test_journey import h1, sign_out, supplier_applies
from opendps.testing.factories import TINY_PDF, make_market
from opendps.testing.fixtures import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_task_list_save_leave_return_send_then_rejection_reasons_first(
    page: Any, people: Any, tmp_path: Any
) -> None:
    evidence = tmp_path / "evidence.pdf"
    evidence.write_bytes(TINY_PDF)
    make_market(people)
    supplier_fills_the_locker(page, evidence)
    supplier_applies(page, evidence)

    application = Application.objects.get()
    assert application.documents.get().original_name == "evidence.pdf"
    services.application_decide(
        actor=people.evaluator,
        application=application,
        outcome="rejected",
        reasons={"p3.turnover": "Your turnover is below the minimum for this category."},
    )
    sign_in(page, "admin@alpha.test")
    page.goto(f"/applications/{application.pk}")
    expect(h1(page)).to_contain_text("Application to")
    outcome = page.locator(".govuk-notification-banner").first
    expect(outcome).to_contain_text("Your application was not successful")
    expect(outcome).to_contain_text("Your turnover is below the minimum")
    expect(outcome).to_contain_text("What you can do next")
    assert_accessible(page)
    sign_out(page)


def supplier_fills_the_locker(page: Any, evidence: Any) -> None:
    sign_in(page, "admin@alpha.test")
    page.get_by_role("link", name="Evidence locker").click()
    expect(h1(page)).to_have_text("Evidence locker")
    assert_accessible(page)
    page.get_by_role("button", name="Add to the locker").click()  # nothing filled in
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the file")
    assert_accessible(page)
    page.get_by_label("Insurance certificate").check()
    page.get_by_label("Name of the document").fill("Public liability 2027")
    page.locator('input[name="file"]').set_input_files(str(evidence))
    page.locator('[name="expires_on_day"]').fill("31")
    page.locator('[name="expires_on_month"]').fill("12")
    page.locator('[name="expires_on_year"]').fill("2099")
    page.get_by_role("button", name="Add to the locker").click()
    expect(page.get_by_text("Public liability 2027 is in your evidence locker.")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Valid")
    assert_accessible(page)
    page.get_by_role("link", name="Remove Public liability 2027").click()
    expect(h1(page)).to_have_text("Remove Public liability 2027?")
    assert_accessible(page)
    page.get_by_role("link", name="No, keep it").click()
    sign_out(page)


def test_checking_a_receipt_on_its_page(page: Any, people: Any) -> None:
    """The public receipt page: bad input is an error at the field, never a 500."""
    page.goto("/receipts/verify")
    expect(h1(page)).to_have_text("Check a tender receipt")
    assert_accessible(page)
    page.get_by_role("button", name="Check the receipt").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Paste the receipt")
    assert_accessible(page)
    page.get_by_label("Paste the receipt").fill('{"receipt": {}, "signature": "x"}')
    page.get_by_role("button", name="Check the receipt").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The receipt must hold")
    assert_accessible(page)
