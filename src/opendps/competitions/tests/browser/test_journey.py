"""A call for competition from start to contract in headless Chromium, every page checked
with axe-core: a buyer publishes a call, a supplier asks a question and the buyer answers
it, the supplier tenders and tenders again, the deadline passes, the buyer opens the box,
an evaluator scores and moderates, the buyer awards, the supplier reads its feedback, and
after the PA 2023 standstill the buyer enters into the contract.

The live server runs in a thread of this process, so ``time_machine.travel(..., tick=True)``
moves its clock too. Sessions last eight hours: each traveller signs in again.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from opendps.competitions.models import Award, Call, TenderSubmission
from opendps.competitions.receipts import receipt_check
from opendps.contracts.models import Contract
from opendps.core import clock
from opendps.core.calendar import LONDON
from opendps.testing.factories import TINY_PDF, make_market, member_suppliers, tender
from opendps.testing.fixtures import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "CV coaching for 12 claimants"
CATEGORY = "CV and job search support"
QUESTION = "Is travel to the claimant's home paid separately?"
ANSWER = "Yes: 45p a mile, invoiced monthly."
QUALITY = "Former recruiters coach each claimant twice, in person."


def h1(page: Any) -> Any:
    return page.get_by_role("heading", level=1).first


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/account/sign-in"))


def success(page: Any, text: str) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def live(call: Call, supplier: Any) -> TenderSubmission:
    return TenderSubmission.objects.get(
        call=call, supplier=supplier, withdrawn_at=None, superseded_at=None
    )


def buyer_publishes_a_call(page: Any) -> Call:
    sign_in(page, "buyer@authority.test")
    page.get_by_role("link", name="Calls for competition").click()
    expect(h1(page)).to_have_text("Calls for competition")
    assert_accessible(page)
    page.get_by_role("button", name="Make a call for competition").click()
    expect(page.get_by_role("group")).to_contain_text("Make a call for competition")
    assert_accessible(page)
    page.get_by_label(f"{CATEGORY} (Employment Support DPS)").check()
    page.get_by_role("button", name="Continue").click()
    expect(h1(page)).to_have_text("Make a call for competition")
    expect(
        page.get_by_role("link", name="Past performance of members in this category")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Save draft call").click()  # nothing filled in
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a title")
    assert_accessible(page)

    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("What do you need?").fill("Two 1-2-1 sessions per claimant, in Leeds.")
    page.get_by_label("Estimated value").fill("6000")
    deadline = clock.now().astimezone(LONDON).date() + timedelta(days=12)
    page.locator('[name="deadline_date_day"]').fill(str(deadline.day))
    page.locator('[name="deadline_date_month"]').fill(str(deadline.month))
    page.locator('[name="deadline_date_year"]').fill(str(deadline.year))
    page.get_by_label("Time of the deadline (London time)").fill("12:00")
    page.get_by_role("button", name="Save draft call").click()
    expect(h1(page)).to_have_text(TITLE)
    success(page, "Draft call created")
    assert_accessible(page)

    page.get_by_role("button", name="Publish the call").click()
    expect(h1(page)).to_have_text(f"Publish {TITLE}")
    assert_accessible(page)
    page.get_by_role("button", name="Publish the call").click()
    success(page, "The call is published: 2 suppliers are invited.")
    expect(page.locator("main .govuk-tag").first).to_have_text("Open for tenders")
    assert_accessible(page)
    sign_out(page)
    return Call.objects.get(title=TITLE)


def supplier_asks_a_question(page: Any) -> None:
    sign_in(page, "admin@alpha.test")
    expect(page.get_by_role("link", name=f"Tender for {TITLE}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Invitations to tender").click()
    expect(h1(page)).to_have_text("Invitations to tender")
    expect(page.get_by_role("table")).to_contain_text("Not tendered yet")
    assert_accessible(page)
    page.get_by_role("link", name=TITLE).click()
    expect(h1(page)).to_have_text(TITLE)
    assert_accessible(page)
    page.get_by_role("button", name="Ask the question").click()  # empty
    expect(page.locator(".govuk-error-summary")).to_contain_text("Write the question")
    assert_accessible(page)
    page.get_by_label("Your question").fill(QUESTION)
    page.get_by_role("button", name="Ask the question").click()
    success(page, "Your question is sent.")
    expect(page.get_by_text(QUESTION)).to_be_visible()
    assert_accessible(page)
    sign_out(page)


def buyer_answers(page: Any) -> None:
    sign_in(page, "buyer@authority.test")
    page.get_by_role("link", name=f"Answer 1 question on {TITLE}").click()
    expect(h1(page)).to_have_text(TITLE)
    assert_accessible(page)
    page.get_by_label("Answer", exact=True).fill(ANSWER)
    page.get_by_role("button", name="Send the answer to every supplier").click()
    success(page, "The answer is sent to every invited supplier.")
    expect(page.get_by_text(ANSWER)).to_be_visible()
    assert_accessible(page)
    sign_out(page)


def supplier_tenders_twice(page: Any, call: Call, evidence: Any) -> None:
    sign_in(page, "admin@alpha.test")
    page.goto(f"/calls/{call.pk}")
    expect(page.locator("main")).to_contain_text(ANSWER)
    page.get_by_role("button", name="Submit a tender").click()
    expect(h1(page)).to_have_text(f"Tender for {TITLE}")
    assert_accessible(page)
    page.get_by_role("button", name="Submit the tender").click()  # empty
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your price")
    assert_accessible(page)

    page.get_by_label("Your price").fill("4200")
    page.get_by_label("Quality of the proposed service").fill(QUALITY)
    page.get_by_label("Social value", exact=True).fill("Two apprenticeships for care leavers.")
    page.locator('input[name="documents"]').set_input_files([str(evidence)])
    page.get_by_role("button", name="Submit the tender").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Tender received")
    first = live(call, call.invitations.get(supplier__name="Alpha Support CIC").supplier)
    expect(page.locator("main")).to_contain_text(first.sealed_sha256)
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the receipt (JSON)").click()
    body = json.loads(open(download_info.value.path()).read())  # noqa: SIM115
    assert body == {"receipt": first.receipt, "signature": first.receipt_signature}
    assert receipt_check(body["receipt"], body["signature"]).valid

    page.get_by_role("link", name="Back to the call").click()
    page.get_by_role("button", name="Change your tender").click()
    expect(page.get_by_text("You already have a tender in")).to_be_visible()
    # The change starts from the current tender, unsealed for its own supplier only.
    expect(page.get_by_label("Your price")).to_have_value("4200.00")
    expect(page.get_by_label("Quality of the proposed service")).to_have_value(QUALITY)
    expect(page.get_by_label(evidence.name)).to_be_checked()  # the document is carried over
    assert_accessible(page)
    page.get_by_label("Your price").fill("3900")
    page.get_by_role("button", name="Submit the tender").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Tender received")
    page.get_by_role("link", name="All your receipts for this call").click()
    expect(page.get_by_role("table")).to_contain_text("Replaced by a later tender")
    expect(page.get_by_role("button", name="Withdraw your tender")).to_be_visible()
    assert_accessible(page)
    sign_out(page)


def buyer_opens_the_box(page: Any) -> None:
    sign_in(page, "buyer@authority.test")
    page.get_by_role("link", name=f"Open the tenders for {TITLE}").click()
    expect(page.locator("main")).to_contain_text("2 tenders are waiting, sealed")
    expect(page.locator("main")).not_to_contain_text(QUALITY)
    assert_accessible(page)
    page.get_by_role("button", name="Open the tenders").click()
    success(page, "The tenders are open.")
    expect(h1(page)).to_have_text("Tenders")
    expect(page.locator("main")).to_contain_text(QUALITY)
    expect(page.get_by_role("link", name="Download evidence.pdf")).to_be_visible()
    assert_accessible(page)
    sign_out(page)


def evaluator_scores_and_moderates(page: Any, call: Call, alpha: Any, beta: Any) -> None:
    sign_in(page, "evaluator@authority.test")
    page.get_by_role("link", name="Calls to evaluate").first.click()
    expect(h1(page)).to_have_text("Calls to evaluate")
    expect(page.get_by_role("table")).to_contain_text("Not started")
    assert_accessible(page)
    page.get_by_role("link", name=TITLE).click()
    expect(h1(page)).to_have_text("Your scoresheet")
    expect(page.locator("main")).not_to_contain_text(QUALITY)  # not before declaring
    assert_accessible(page)
    page.get_by_label("No, I have no conflict of interest").check()
    page.get_by_role("button", name="Record my declaration").click()
    success(page, "Your declaration is recorded.")
    expect(page.locator("main")).to_contain_text(QUALITY)
    assert_accessible(page)

    page.get_by_role("button", name="Submit scores").click()  # nothing scored
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a score for")
    assert_accessible(page)
    for submission, score in [(live(call, alpha), 2), (live(call, beta), 4)]:
        for key in ("quality", "social_value"):
            page.locator(f'input[name="score_{submission.pk}_{key}"][value="{score}"]').check()
            page.locator(f'textarea[name="reason_{submission.pk}_{key}"]').fill(
                f"{submission.supplier.name}: evidence scored {score} on {key}"
            )
    page.get_by_role("button", name="Submit scores").click()
    success(page, "Your scores are submitted.")
    expect(page.locator("main")).to_contain_text("Your submitted scores")
    assert_accessible(page)

    page.get_by_role("link", name="Back to the call").click()
    page.get_by_role("link", name="Consensus scores (moderation)").click()
    expect(h1(page)).to_have_text("Consensus scores")
    expect(page.locator("main")).to_contain_text("We have filled in the average")
    notes = page.locator(f"#notes_{live(call, alpha).pk}_quality")
    expect(notes).to_contain_text("Evaluators' notes — not shared with bidders")
    expect(notes).to_contain_text("Alpha Support CIC: evidence scored 2 on quality")
    assert_accessible(page)
    # The reasons start empty: bidders read only what the moderator writes.
    submit_and_expect_error(page, "Record the consensus scores", "Give the reason for the score")
    for submission in (live(call, alpha), live(call, beta)):
        for key in ("quality", "social_value"):
            page.locator(f'textarea[name="reason_{submission.pk}_{key}"]').fill(
                f"Panel view of {submission.supplier.name} on {key}"
            )
    page.get_by_role("button", name="Record the consensus scores").click()
    success(page, "The consensus scores are recorded.")
    assert_accessible(page)
    sign_out(page)


def buyer_awards(page: Any, call: Call) -> None:
    sign_in(page, "buyer@authority.test")
    page.goto(f"/calls/{call.pk}")
    page.get_by_role("link", name="Award the call").click()
    expect(h1(page)).to_have_text("Award")
    expect(page.locator("main")).to_contain_text("A standstill period applies")
    expect(page.locator("main")).to_contain_text("Would win")  # the preview (issue 15)
    assert_accessible(page)
    page.get_by_role("button", name="Continue to confirm the award").click()
    expect(h1(page)).to_have_text("Confirm the award")
    assert_accessible(page)
    page.get_by_role("button", name="Award the call").click()
    success(page, "The call is awarded.")
    expect(page.get_by_role("table")).to_contain_text("Winner")
    expect(page.locator("main")).to_contain_text("You can enter into the contract once")
    assert_accessible(page)
    sign_out(page)


def supplier_reads_feedback(page: Any) -> None:
    sign_in(page, "admin@alpha.test")
    page.get_by_role("link", name=f"Read your feedback on {TITLE}").click()
    expect(h1(page)).to_have_text(f"Feedback on {TITLE}")
    expect(page.locator("main")).to_contain_text("Your tender ranked 2 of 2.")
    expect(page.locator("main")).to_contain_text("Where the winning tender did better")
    expect(page.locator("main")).to_contain_text("Panel view of Alpha Support CIC on quality")
    # The winning tender's advantages in the panel's words, and (PA 2023: the contract
    # award notice is published with the decision) who won.
    expect(page.locator("main")).to_contain_text(
        "The evaluators' reason: Panel view of Beta Care Ltd on quality"
    )
    expect(page.locator(".govuk-summary-list")).to_contain_text("Beta Care Ltd")
    expect(page.locator("main")).not_to_contain_text("evidence scored")  # evaluators' notes
    assert_accessible(page)
    sign_out(page)


def buyer_enters_into_the_contract(page: Any) -> None:
    sign_in(page, "buyer@authority.test")
    page.get_by_role("link", name=f"Enter into the contract for {TITLE}").click()
    expect(h1(page)).to_have_text("Award")
    assert_accessible(page)
    page.get_by_role("button", name="Enter into the contract").click()
    success(page, "The contract with Beta Care Ltd is entered into.")
    expect(page.locator("main")).to_contain_text("Entered into on")
    assert_accessible(page)


def test_call_from_publication_to_contract(page: Any, people: Any, tmp_path: Any) -> None:
    """Publish → question → answer → tender → tender again → deadline → open → score →
    moderate → award → feedback → standstill → contract, every page passing axe."""
    market = make_market(people, regime="pa2023_dynamic_market")
    member_suppliers(
        people,
        market,
        (people.supplier_a, people.supplier_a_admin),
        (people.supplier_b, people.supplier_b_admin),
    )
    evidence = tmp_path / "evidence.pdf"
    evidence.write_bytes(TINY_PDF)

    call = buyer_publishes_a_call(page)
    supplier_asks_a_question(page)
    buyer_answers(page)
    supplier_tenders_twice(page, call, evidence)
    tender(people, call, supplier=people.supplier_b, price="5000")

    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=True):
        buyer_opens_the_box(page)
        evaluator_scores_and_moderates(page, call, people.supplier_a, people.supplier_b)
        buyer_awards(page, call)
        supplier_reads_feedback(page)
    award = Award.objects.get(call=call)
    assert award.winner.supplier == people.supplier_b
    assert award.standstill_ends_at is not None
    assert not Contract.objects.exists()

    with time_machine.travel(award.standstill_ends_at + timedelta(hours=1), tick=True):
        buyer_enters_into_the_contract(page)
    assert Contract.objects.get(call=call).supplier == people.supplier_b


def submit_and_expect_error(page: Any, button: str, message: str) -> None:
    page.get_by_role("button", name=button).first.click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(message)
    assert_accessible(page)


def test_every_other_competition_page_and_its_errors_are_accessible(page: Any, people: Any) -> None:
    """The pages the journey does not reach, and their error states, pass axe too."""
    from opendps.testing.factories import make_call

    market = make_market(people, regime="pa2023_dynamic_market", light_touch=True)
    member_suppliers(
        people,
        market,
        (people.supplier_a, people.supplier_a_admin),
        (people.supplier_b, people.supplier_b_admin),
    )
    category = market.categories.get()
    call = make_call(people, market)
    tender(people, call, supplier=people.supplier_b, price="5000")

    sign_in(page, "admin@alpha.test")
    page.goto("/standing-offers")
    expect(h1(page)).to_have_text("Standing offers")
    assert_accessible(page)
    page.get_by_role("link", name=f"Add the standing offer for {CATEGORY}").click()
    expect(h1(page)).to_have_text(f"Standing offer: {CATEGORY}")
    assert_accessible(page)
    submit_and_expect_error(page, "Save the standing offer", "Describe the service you offer")
    page.get_by_label("Service description").fill("Home care visits by a named carer.")
    submit_and_expect_error(page, "Save the standing offer", "Give a price per service user")
    page.get_by_label("Price per hour (optional)").fill("24.50")
    page.get_by_role("button", name="Save the standing offer").click()
    success(page, "Your standing offer")
    expect(page.get_by_role("table")).to_contain_text("£24.50")
    assert_accessible(page)

    page.goto(f"/calls/{call.pk}/tender")
    expect(page.get_by_label("Your price")).to_have_value("24.50")
    expect(page.get_by_label("Quality of the proposed service")).to_have_value(
        "Home care visits by a named carer."
    )
    page.get_by_label("Social value", exact=True).fill("Local carers paid the real living wage.")
    page.get_by_label("Your price").fill("free")
    submit_and_expect_error(page, "Submit the tender", "Enter the price as a number of pounds")
    page.get_by_label("Your price").fill("4100")
    page.get_by_role("button", name="Submit the tender").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Tender received")
    page.goto(f"/calls/{call.pk}/receipts")
    expect(h1(page)).to_contain_text("Your receipts for")
    assert_accessible(page)
    page.get_by_role("button", name="Withdraw your tender").click()
    expect(h1(page)).to_have_text("Are you sure you want to withdraw your tender?")
    assert_accessible(page)
    page.get_by_role("button", name="Yes, withdraw my tender").click()
    success(page, "Your tender is withdrawn.")
    assert_accessible(page)
    sign_out(page)

    sign_in(page, "buyer@authority.test")
    page.goto("/calls")
    submit_and_expect_error(page, "Announce the planned call", "Choose the category")
    page.goto(f"/calls/new?category={category.pk}&rapid=1")
    expect(page.get_by_label("The service user's needs (anonymised)")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title", exact=True).fill("Care package for one person")
    page.get_by_label("What do you need?").fill("Morning and evening visits.")
    page.get_by_label("Estimated value").fill("2000")
    # A rapid call starts priced per hour: give the hours expected.
    page.get_by_label("Expected quantity over the whole contract").fill("104")
    soon = (clock.now() + timedelta(days=2)).astimezone(LONDON)
    page.locator('[name="deadline_date_day"]').fill(str(soon.day))
    page.locator('[name="deadline_date_month"]').fill(str(soon.month))
    page.locator('[name="deadline_date_year"]').fill(str(soon.year))
    page.get_by_label("Time of the deadline (London time)").fill("10am")
    page.get_by_label("The service user's needs (anonymised)").fill("Mr Jones at LS6 2AB.")
    submit_and_expect_error(page, "Save draft call", "Remove personal details")
    page.goto(f"/calls/{call.pk}/tenders")
    # Before the deadline the buyer learns nothing about who or how many tendered.
    expect(page.locator("main")).to_contain_text("Sealed until the deadline")
    expect(page.locator("main")).not_to_contain_text("tender received")
    assert_accessible(page)
    page.goto(f"/calls/{call.pk}/cancel")
    expect(h1(page)).to_have_text(f"Cancel {call.title}")
    assert_accessible(page)
    submit_and_expect_error(page, "Cancel the call", "Enter a reason")
    sign_out(page)

    sign_in(page, "evaluator@authority.test")
    page.get_by_role("link", name="Calls to evaluate").first.click()
    expect(page.get_by_text("No calls are waiting for evaluation.")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=True):
        sign_in(page, "commissioner@authority.test")
        page.goto(f"/calls/{call.pk}")
        page.get_by_role("button", name="Open the tenders").click()
        success(page, "The tenders are open.")
        submit_and_expect_error(page, "Exclude this tender", "Enter a reason")
        page.goto(f"/calls/{call.pk}/evaluation")
        submit_and_expect_error(page, "Record my declaration", "Say whether you have a conflict")
        page.goto(f"/calls/{call.pk}/moderation")
        expect(page.locator("main")).to_contain_text("No submitted scoresheet is visible to you")
        assert_accessible(page)
        page.goto(f"/calls/{call.pk}/award")
        expect(page.locator("main")).to_contain_text("Record the consensus scores before")
        assert_accessible(page)
        page.goto(f"/calls/{call.pk}/close")
        expect(h1(page)).to_contain_text("with no compliant tender")
        assert_accessible(page)
        submit_and_expect_error(page, "Close the call", "Enter a reason")
