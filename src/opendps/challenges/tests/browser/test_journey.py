"""A challenge to an award in headless Chromium, every page checked with axe-core: the
losing bidder challenges the award during the PA 2023 standstill, attaching a document;
after the standstill the buyer cannot enter into the contract while the challenge is open;
the buyer acknowledges it and dismisses it with reasons, the supplier reads the outcome,
and the contract is then entered into.

The live server runs in a thread of this process, so ``time_machine.travel(..., tick=True)``
moves its clock too. Sessions last eight hours: each traveller signs in again.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from opendps.challenges.models import Challenge
from opendps.challenges.tests.conftest import awarded_call
from opendps.contracts.models import Contract
from opendps.core.calendar import LONDON
from opendps.testing.factories import TINY_PDF
from opendps.testing.fixtures import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "CV support for 20 claimants"
GROUNDS = "The panel did not read our recruiters' placement evidence."
REASONS = "The panel read the placement evidence; the quality score stands."


def h1(page: Any) -> Any:
    return page.get_by_role("heading", level=1).first


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/account/sign-in"))


def success(page: Any, text: str) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def supplier_challenges_the_award(page: Any, evidence: Any) -> Challenge:
    sign_in(page, "admin@alpha.test")
    page.get_by_role("link", name="Challenges", exact=True).first.click()
    expect(h1(page)).to_have_text("Challenges")
    assert_accessible(page)
    page.get_by_role("button", name="Challenge a decision").click()
    expect(h1(page)).to_have_text("Challenge a decision")
    assert_accessible(page)
    page.get_by_role("link", name=f"Challenge the award of {TITLE}").click()
    expect(page.locator("main")).to_contain_text("The standstill period ends")
    assert_accessible(page)
    page.get_by_role("button", name="Send the challenge").click()  # no grounds
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the grounds of the challenge"
    )
    assert_accessible(page)
    page.get_by_label("Grounds of the challenge").fill(GROUNDS)
    page.get_by_label("Supporting documents (optional)").set_input_files(str(evidence))
    page.get_by_role("button", name="Send the challenge").click()
    success(page, "sent to Test Borough Council")
    expect(page.locator("main")).to_contain_text(
        "The contract cannot be entered into until this challenge is decided."
    )
    expect(page.get_by_role("link", name="placements.pdf")).to_be_visible()
    assert_accessible(page)
    sign_out(page)
    return Challenge.objects.get()


def buyer_is_held_then_dismisses(page: Any, challenge: Challenge) -> None:
    sign_in(page, "buyer@authority.test")
    page.get_by_role("link", name=f"Enter into the contract for {TITLE}").click()
    page.get_by_role("button", name="Enter into the contract").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        f"while a challenge to the award is being decided (challenge {challenge.reference})"
    )
    assert_accessible(page)
    page.goto("/")
    page.get_by_role("link", name=f"Acknowledge challenge {challenge.reference}").click()
    expect(h1(page)).to_have_text(f"Challenge {challenge.reference}")
    expect(page.locator("main")).to_contain_text(GROUNDS)
    assert_accessible(page)
    page.get_by_role("button", name="Acknowledge the challenge").click()
    success(page, "Challenge acknowledged")
    assert_accessible(page)
    page.get_by_role("button", name="Record the outcome").click()  # nothing chosen
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the outcome")
    assert_accessible(page)
    page.get_by_label("Dismissed").check()
    page.get_by_label("Reasons for the outcome").fill(REASONS)
    page.get_by_label("No remedy").check()
    page.get_by_role("button", name="Record the outcome").click()
    success(page, "Outcome recorded")
    expect(page.locator("main")).to_contain_text(REASONS)
    expect(page.locator("main")).to_contain_text("Challenge decided")
    assert_accessible(page)


def buyer_enters_into_the_contract(page: Any) -> None:
    page.goto("/")
    page.get_by_role("link", name=f"Enter into the contract for {TITLE}").click()
    page.get_by_role("button", name="Enter into the contract").click()
    success(page, "The contract with Beta Care Ltd is entered into.")
    assert_accessible(page)
    sign_out(page)


def supplier_reads_the_outcome(page: Any, challenge: Challenge) -> None:
    sign_in(page, "admin@alpha.test")
    page.goto("/challenges")
    expect(page.get_by_role("table")).to_contain_text("Dismissed")
    assert_accessible(page)
    page.get_by_role("link", name=challenge.reference).click()
    expect(page.locator("main")).to_contain_text(REASONS)
    expect(page.locator("main")).not_to_contain_text("Acknowledge the challenge")
    assert_accessible(page)
    sign_out(page)


def test_losing_bidder_challenges_in_standstill_then_the_contract(
    page: Any, people: Any, tmp_path: Any
) -> None:
    award = awarded_call(people)
    evidence = tmp_path / "placements.pdf"
    evidence.write_bytes(TINY_PDF)
    with time_machine.travel(datetime(2027, 4, 22, 10, tzinfo=LONDON), tick=True):
        challenge = supplier_challenges_the_award(page, evidence)
    assert challenge.raised_in_standstill
    with time_machine.travel(datetime(2027, 4, 30, 10, tzinfo=LONDON), tick=True):
        buyer_is_held_then_dismisses(page, challenge)
        assert not Contract.objects.exists()
        buyer_enters_into_the_contract(page)
        supplier_reads_the_outcome(page, challenge)
    assert Contract.objects.get(call=award.call).supplier == people.supplier_b
