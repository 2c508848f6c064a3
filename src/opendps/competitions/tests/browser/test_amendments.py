"""After publishing, in headless Chromium with axe on every page: the buyer sends a
clarification notice and extends the deadline; every invitee is emailed over the real
SMTP fixture, and the invited supplier sees both on the call's page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from opendps.competitions.models import AmendmentKind, CallAmendment
from opendps.core.calendar import LONDON
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.testing.factories import make_call, market_with_both_suppliers, tender
from opendps.testing.fixtures import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTICE = "Sessions may be held online as well as in person."
REASON = "The specification now includes evening sessions."
INVITEES = {"admin@alpha.test", "writer@alpha.test", "admin@beta.test"}


def h1(page: Any) -> Any:
    return page.get_by_role("heading", level=1).first


def test_buyer_sends_a_notice_and_extends_the_deadline(page: Any, people: Any, mailbox: Any):
    market = market_with_both_suppliers(people)
    call = make_call(people, market)
    tender(people, call)  # a tender has arrived: the deadline can now only move later
    mailbox.clear()

    sign_in(page, "buyer@authority.test")
    page.goto(f"/calls/{call.pk}")
    page.get_by_role("link", name="Send a clarification notice").click()
    expect(h1(page)).to_have_text("Send a clarification notice")
    assert_accessible(page)
    page.get_by_role("button", name="Send the notice to every supplier").click()  # empty
    expect(page.locator(".govuk-error-summary")).to_contain_text("Write the notice")
    assert_accessible(page)
    page.get_by_label("Notice to every invited supplier").fill(NOTICE)
    page.get_by_role("button", name="Send the notice to every supplier").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The notice is sent to every invited supplier."
    )
    expect(page.locator("main")).to_contain_text(NOTICE)
    assert_accessible(page)

    page.get_by_role("link", name="Change the deadline for tenders").click()
    expect(h1(page)).to_have_text("Change the deadline for tenders")
    assert_accessible(page)
    # Earlier than now: refused (a tender has arrived), the form answers on the page.
    earlier = call.deadline.astimezone(LONDON) - timedelta(days=1)
    page.locator('[name="deadline_date_day"]').fill(str(earlier.day))
    page.locator('[name="deadline_date_month"]').fill(str(earlier.month))
    page.locator('[name="deadline_date_year"]').fill(str(earlier.year))
    page.get_by_label("Time of the new deadline (London time)").fill("12:00")
    page.get_by_role("button", name="Change the deadline and tell every supplier").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason for the change")
    assert_accessible(page)
    page.get_by_label("Why is the deadline changing?").fill("Sooner.")
    page.get_by_role("button", name="Change the deadline and tell every supplier").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Tenders have already arrived, so the deadline can only be made later"
    )
    assert_accessible(page)
    later = call.deadline.astimezone(LONDON) + timedelta(days=3)
    page.locator('[name="deadline_date_day"]').fill(str(later.day))
    page.locator('[name="deadline_date_month"]').fill(str(later.month))
    page.locator('[name="deadline_date_year"]').fill(str(later.year))
    page.get_by_label("Time of the new deadline (London time)").fill("5pm")
    page.get_by_label("Why is the deadline changing?").fill(REASON)
    page.get_by_role("button", name="Change the deadline and tell every supplier").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The deadline is changed."
    )
    expect(page.locator("main")).to_contain_text(REASON)
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/account/sign-in"))

    call.refresh_from_db()
    assert call.deadline.astimezone(LONDON).date() == later.date()
    assert (call.deadline.astimezone(LONDON).hour, call.deadline.minute) == (17, 0)
    extension = CallAmendment.objects.get(kind=AmendmentKind.DEADLINE)
    assert extension.made_by == people.buyer and extension.text == REASON
    assert AuditEvent.objects.filter(event_type=AuditEventType.CALL_DEADLINE_CHANGED).count() == 1

    notices = [m for m in mailbox.messages if m["Subject"].startswith("Clarification notice")]
    extended = [m for m in mailbox.messages if m["Subject"].startswith("Deadline extended")]
    assert {m["X-Envelope-To"] for m in notices} == INVITEES
    assert {m["X-Envelope-To"] for m in extended} == INVITEES
    assert all(NOTICE in mailbox.body(m) for m in notices)
    assert all(REASON in mailbox.body(m) for m in extended)

    sign_in(page, "admin@beta.test")
    page.goto(f"/calls/{call.pk}")
    expect(page.locator("main")).to_contain_text(NOTICE)
    expect(page.locator("main")).to_contain_text(REASON)
    assert_accessible(page)
