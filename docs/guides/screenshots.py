"""Regenerate the user-guide screenshots in docs/guides/img/ from a running demo server.

Run it against a throwaway database loaded with the demo data, because it changes it: it
sends an invitation, creates (and revokes) an API token, fills in and sends an application
(which the care market's evaluator rejects), submits a tender, attaches a specification to
an open call, declares an evaluator's conflict of interest, submits the evaluator's scores
and records the consensus (the award itself is only previewed, never confirmed):

    export OPENDPS_VAR_DIR=/tmp/odps-shots
    .venv/bin/opendps migrate && .venv/bin/opendps demo
    .venv/bin/opendps serve --port 8013 --workers 2 &
    .venv/bin/python docs/guides/screenshots.py --base-url http://127.0.0.1:8013

It needs Playwright and Chromium (Debian's ``chromium`` package) and nothing else. Run it
on a freshly loaded demo: a second run finds the application sent, the conflict declared
and the consensus recorded, past the steps the screenshots show.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

from opendps.web.demo import DEMO_PASSWORD

CHROMIUM = os.environ.get("OPENDPS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
IMG = Path(__file__).resolve().parent / "img"

SUPPLIER = "bid@brightpath.demo"
BIDDER = "bid@nationwide.demo"  # a member of several Employment Support DPS categories
CARE_BIDDER = "bid@carewell.demo"  # a member of the Home Support Dynamic Market
AUTHORITY_ADMIN = "admin@dwp.demo"
COMMISSIONER = "commissioner@dwp.demo"
EVALUATOR = "evaluator@dwp.demo"
BUYER = "workcoach.leeds@dwp.demo"
CARE_BUYER = "broker@northshire.demo"
CARE_EVALUATOR = "evaluator@northshire.demo"
STAFF = "staff@opendps.demo"
NEXT_PROVIDER = "bid@nextstep.demo"  # took the demo placement that its first provider declined
MAX_HEIGHT = 1100  # keeps the long pages' PNGs small


@contextmanager
def signed_in(browser: Browser, base_url: str, email: str | None) -> Iterator[Page]:
    """A fresh browser context, signed in as ``email`` (or signed out when None)."""
    context = browser.new_context(base_url=base_url, viewport=VIEWPORT)
    page = context.new_page()
    if email is not None:
        page.goto("/account/sign-in")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text(f"Signed in as {email}")).to_be_visible()
    try:
        yield page
    finally:
        context.close()


def shot(page: Page, name: str, *, full_page: bool = False, **options: Any) -> None:
    path = IMG / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, **options)
    print(f"{path.relative_to(IMG.parent)}  {path.stat().st_size // 1024} KB")


REDACT = """body => {
  const prefix = (body.textContent.match(/odps_[0-9a-f]+_/) || ["odps_"])[0];
  body.innerHTML = "<code>" + prefix + "\u2026</code>";
}"""


# The smallest PDF a browser opens: the call document uploaded on the demo server.
SPECIFICATION_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def above_footer(page: Page) -> dict[str, float]:
    """A clip of the whole page down to the end of the main content."""
    box = page.locator("main").bounding_box()
    assert box is not None
    return {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": box["y"] + box["height"]}


def main_clip(
    page: Page, *, start: str = "main", max_height: float = MAX_HEIGHT
) -> dict[str, float]:
    """A clip from the top of ``start`` (the main content unless told) to the end of the main
    content, at most ``max_height`` tall."""
    main = page.locator("main").bounding_box()
    top = page.locator(start).first.bounding_box()
    assert main is not None and top is not None
    y = max(0, top["y"] + (10 if start == "main" else -10))
    bottom = min(main["y"] + main["height"], y + max_height)
    return {"x": 0, "y": y, "width": VIEWPORT["width"], "height": bottom - y}


def main_shot(page: Page, name: str, **options: Any) -> None:
    shot(page, name, full_page=True, clip=main_clip(page, **options))


def take_all(browser: Browser, base_url: str) -> None:
    with signed_in(browser, base_url, None) as page:
        page.goto("/account/sign-in")
        shot(page, "sign-in")
        page.goto("/account/register")
        shot(page, "register")

    with signed_in(browser, base_url, SUPPLIER) as page:
        shot(page, "home-supplier")
        page.goto("/account/organisation")
        shot(page, "organisation")
        page.goto("/account/tokens")
        revoke = page.get_by_role("button", name="Revoke bid management system")
        if revoke.count():  # left over from an interrupted run
            revoke.click()
            expect(page.get_by_text("Token 'bid management system' revoked.")).to_be_visible()
        page.get_by_label("Token name").fill("bid management system")
        page.get_by_role("button", name="Create token").click()
        expect(page.get_by_text("Copy this token now.")).to_be_visible()
        # The secret is real on the demo server: publish only its public prefix.
        page.locator(".govuk-panel__body").evaluate(REDACT)
        shot(page, "tokens")
        # Revoke it, so the token does not outlive the screenshot and the script can rerun.
        page.goto("/account/tokens")
        page.get_by_role("button", name="Revoke bid management system").click()
        expect(page.get_by_text("Token 'bid management system' revoked.")).to_be_visible()

    with signed_in(browser, base_url, AUTHORITY_ADMIN) as page:
        page.goto("/account/organisation/team")
        if page.get_by_text("new.buyer@dwp.demo").count() == 0:
            page.get_by_label("Colleague's email address").fill("new.buyer@dwp.demo")
            page.get_by_label("Buyer").check()
            page.get_by_role("button", name="Send invitation").click()
            expect(page.get_by_text("Invitation sent to new.buyer@dwp.demo.")).to_be_visible()
            page.goto("/account/organisation/team")
        shot(page, "team", clip=above_footer(page))

    take_supplier(browser, base_url)
    take_authority(browser, base_url)

    with signed_in(browser, base_url, STAFF) as page:
        page.get_by_role("link", name="Platform admin").click()
        expect(page.locator("#site-name")).to_be_visible()
        shot(page, "platform-admin")
        page.goto("/debarment")
        main_shot(page, "debarment", max_height=700)


def follow(page: Page, text: str) -> None:
    """Follow a link in the main content, whether it looks like a link or a button."""
    page.locator("main a", has_text=text).first.click()


def answer_section(page: Page) -> None:
    """Answer a questionnaire section as a well-run organisation would: no exclusion ground
    to declare, otherwise the first choice of each question (yes), £5m for each amount
    asked in digits, a sentence in each box and a PDF for each file (answers already given
    are kept)."""
    names: list[str] = []
    for radio in page.locator("main form input[type=radio]").all():
        name = radio.get_attribute("name")
        if name and name not in names:
            names.append(name)
    for name in names:
        group = page.locator(f"main form input[type=radio][name='{name}']")
        if any(radio.is_checked() for radio in group.all()):
            continue
        # Nothing to declare on the exclusion grounds ("ex." questions): no.
        no = group.and_(page.locator("[value=no]"))
        (no if name.startswith("ex.") and no.count() else group.first).check()
    for box in page.locator("main form textarea, main form input[type=text]").all():
        if not box.is_visible() or box.input_value():
            continue
        digits = "govuk-input--width" in (box.get_attribute("class") or "")
        box.fill("5000000" if digits else "Yes: set out in our policy, reviewed each year.")
    for upload in page.locator("main form input[type=file]").all():
        name = (upload.get_attribute("name") or "evidence").split(".")[-1]
        upload.set_input_files(
            {"name": f"{name}.pdf", "mimeType": "application/pdf", "buffer": SPECIFICATION_PDF}
        )


def answer_sections(page: Page, tasks_url: str, indexes: list[int]) -> None:
    """Answer and save these sections of the application, back on its task list."""
    for index in indexes:
        page.goto(tasks_url)
        page.locator(".govuk-task-list a").nth(index).click()
        answer_section(page)
        page.get_by_role("button", name="Save and continue").click()
    page.goto(tasks_url)


def reject_one(browser: Browser, base_url: str, supplier: str) -> None:
    """The care market's evaluator rejects one of ``supplier``'s new applications, with a
    reason on the safeguarding lead (the last question) and a note."""
    with signed_in(browser, base_url, CARE_EVALUATOR) as page:
        page.goto("/assessment")
        page.locator("main table a", has_text=supplier).first.click()
        reasons = page.locator("main form textarea")
        reasons.nth(reasons.count() - 2).fill(
            "The safeguarding policy does not name a designated safeguarding lead, which the "
            "question requires."
        )
        page.get_by_label("Reject").check()
        page.get_by_label("Note to the supplier (optional)").fill(
            "Add the name of your designated safeguarding lead to the policy and apply again."
        )
        page.get_by_role("button", name="Save the decision").click()
        expect(page.locator(".govuk-error-summary")).to_have_count(0)


def take_supplier(browser: Browser, base_url: str) -> None:
    with signed_in(browser, base_url, BIDDER) as page:
        page.goto("/markets")
        main_shot(page, "markets")
        # Applying: choose categories, then the questionnaire (not sent).
        page.goto("/markets")
        page.get_by_role("link", name="Home Support Dynamic Market").click()
        page.get_by_role("button", name="Apply to join").click()
        if page.get_by_label("North zone").count():  # a second run resumes its draft
            main_shot(page, "apply-categories")
            page.get_by_label("North zone").check()
            page.get_by_label("South zone").check()
            page.get_by_role("button", name="Continue").click()
        expect(page.locator(".govuk-task-list")).to_be_visible()
        tasks_url = page.url
        main_shot(page, "apply-tasks", max_height=900)
        page.locator(".govuk-task-list a").first.click()
        expect(page.get_by_role("button", name="Save and continue")).to_be_visible()
        main_shot(page, "apply-questions", max_height=900)
        # Save and return: each section is kept as it is answered; the draft waits on
        # "Your applications" until it is sent.
        answer_sections(page, tasks_url, [0, 1])
        main_shot(page, "apply-tasks-saved", max_height=900)
        page.goto("/applications")
        main_shot(page, "applications-saved", max_height=700)
        answer_sections(page, tasks_url, [2, 3])
        expect(page.get_by_text("You have completed 4 of 4 sections.")).to_be_visible()
        page.goto(tasks_url.rstrip("/") + "/check")
        main_shot(page, "apply-check", max_height=900)
        page.get_by_role("button", name="Accept and send").click()
        page.wait_for_load_state()
        reject_one(browser, base_url, "Nationwide Workforce plc")
        # A rejected application: the outcome and the reasons come first.
        page.goto("/applications")
        page.locator("main table tr", has_text="Rejected").locator("a").first.click()
        main_shot(page, "application-rejected", max_height=900)
        page.goto("/evidence")
        main_shot(page, "evidence-locker", max_height=900)

        page.goto("/invitations")
        main_shot(page, "invitations", max_height=900)
        # The open call with the latest deadline stays open longest.
        page.goto("/invitations?status=open")
        page.locator("table a").first.click()
        call_url = page.url
        main_shot(page, "call-supplier")
        page.get_by_role("button", name="Submit a tender").or_(
            page.get_by_role("button", name="Change your tender")
        ).click()
        page.get_by_label("Your price").fill("5400")
        for box in page.locator("form textarea").all():
            box.fill("Weekly group sessions in Bradford with a named coach for each claimant.")
        main_shot(page, "tender-form")
        page.get_by_role("button", name="Submit the tender").click()
        expect(page.get_by_text("Tender received")).to_be_visible()
        main_shot(page, "tender-receipt")
        page.goto(call_url.rstrip("/") + "/receipts")
        main_shot(page, "receipts")
        page.get_by_role("button", name="Withdraw your tender").click()
        expect(page.get_by_role("button", name="Yes, withdraw my tender")).to_be_visible()
        main_shot(page, "withdraw-confirm")  # not confirmed: the tender stays in
        # Changing the tender starts from the one received, documents carried over.
        page.goto(call_url)
        page.get_by_role("button", name="Change your tender").click()
        main_shot(page, "tender-change", max_height=900)
        page.goto("/receipts/verify")
        main_shot(page, "receipt-verify", max_height=900)

        page.goto("/standing-offers")
        main_shot(page, "standing-offers", max_height=600)

    with signed_in(browser, base_url, CARE_BIDDER) as page:
        page.goto("/insights/supplier")
        main_shot(page, "supplier-insight")
        page.goto("/capacity")
        main_shot(page, "capacity", max_height=800)
        # Challenges: choose the decision, then the grounds (not sent).
        page.goto("/challenges/new")
        main_shot(page, "challenge-choose", max_height=600)
        page.locator("main a[href*='/challenges/new/']").first.click()
        main_shot(page, "challenge-raise", max_height=900)

    with signed_in(browser, base_url, NEXT_PROVIDER) as page:
        # The demo's declined placement fell to this provider, which accepted it.
        for pk in range(1, 20):
            response = page.goto(f"/placements/{pk}")
            if response is not None and response.ok:
                break
        main_shot(page, "placement", max_height=500)
        # Feedback on a tender that did not win: the winner named, the advantages in words.
        page.goto("/invitations?status=awarded")
        links = page.locator("main table a[href$='/feedback']")
        for href in [link.get_attribute("href") for link in links.all()]:
            page.goto(str(href))
            if not page.get_by_text("Your tender won").count():
                main_shot(page, "feedback")
                break


REASONS = [
    "Clear, evidenced approach with named staff and weekly reviews.",
    "A sound plan; the outcomes are less well evidenced.",
    "Meets the requirement, with little detail on delivery.",
]


def score_every_tender(page: Page) -> None:
    """Give every tender on a scoresheet or the consensus form a score and a reason, the
    tenders scored a little differently so that the ranking is worth looking at."""
    names: list[str] = []
    for radio in page.locator("main form input[type=radio]").all():
        name = radio.get_attribute("name")
        if name and name not in names:
            names.append(name)
    for index, name in enumerate(names):
        score = 4 - (index // 2) % 3
        page.locator(f"input[type=radio][name='{name}'][value='{score}']").check()
    for index, box in enumerate(page.locator("main form textarea").all()):
        box.fill(REASONS[(index // 2) % len(REASONS)])


def take_authority(browser: Browser, base_url: str) -> None:
    with signed_in(browser, base_url, COMMISSIONER) as page:
        shot(page, "home-commissioner", clip=above_footer(page))
        page.goto("/manage/markets")
        main_shot(page, "authority-markets", max_height=500)
        page.goto("/markets/new")
        main_shot(page, "market-rules", max_height=600)
        page.get_by_label("PCR 2015 Dynamic Purchasing System").check()
        page.get_by_role("button", name="Continue").click()
        main_shot(page, "market-new")
        page.goto("/manage/markets")
        page.get_by_role("link", name="Employment Support DPS").click()
        main_shot(page, "market-manage", max_height=800)
        market_url = page.url
        # CPV codes are checked against the CPV 2008 list and shown with their descriptions.
        page.goto("/manage/markets")
        page.get_by_role("link", name=re.compile(r"\(draft\)")).first.click()
        main_shot(page, "market-cpv", max_height=700)
        follow(page, "Change the market's details")
        page.get_by_label("CPV codes").fill("banana, 1234")
        page.get_by_role("button", name="Save details").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        main_shot(page, "cpv-error", max_height=500)
        page.goto(market_url)
        page.get_by_role("link", name="Selection questions").first.click()
        page.get_by_role("button", name="Change the questions").click()
        main_shot(page, "questionnaire-builder", max_height=900)
        page.get_by_role("button", name="Add a question").click()
        main_shot(page, "question-new")
        page.go_back()
        page.get_by_role("button", name="Preview as suppliers will see it").click()
        main_shot(page, "questionnaire-preview", max_height=800)
        page.goto(market_url)
        page.goto("/assessment")
        main_shot(page, "assessment-queue", max_height=800)
        together = page.get_by_role("link", name="Assess with")
        if together.count():
            together.first.click()
            main_shot(page, "assess-supplier", max_height=900)
            page.goto("/assessment")
        page.locator("table a").first.click()
        main_shot(page, "assess-application", max_height=900)
        page.get_by_role("heading", name="Your decision").scroll_into_view_if_needed()
        main_shot(page, "assess-decision", start="h2:text('Your decision')", max_height=700)
        page.goto("/manage/markets")
        page.get_by_role("link", name="Employment Support DPS").click()
        page.get_by_role("link", name="Members", exact=True).click()
        page.locator("table a").first.click()
        main_shot(page, "member")
        # A call whose deadline has passed, waiting to be opened.
        page.goto("/calls?status=closed")
        if page.locator("table a").count():
            page.locator("table a").first.click()
            main_shot(page, "call-open", max_height=800)
        page.goto("/calls?status=standstill")
        page.locator("table a").first.click()
        page.get_by_role("link", name="Award, standstill and contract").click()
        main_shot(page, "award")
        page.goto("/insights")
        page.get_by_role("link", name="Market health").first.click()
        main_shot(page, "market-health")
        page.goto("/challenges")
        main_shot(page, "challenges", max_height=500)
        page.locator("main table a").first.click()
        main_shot(page, "challenge", max_height=1000)

    with signed_in(browser, base_url, BUYER) as page:
        page.goto("/calls")
        main_shot(page, "buyer-calls", max_height=800)
        page.get_by_role("button", name="Make a call for competition").click()
        main_shot(page, "call-choose", max_height=600)
        page.get_by_label("CV and job search support").check()
        page.get_by_role("button", name="Continue").click()
        main_shot(page, "call-new")
        main_shot(page, "call-criteria", start="h2:text('Award criteria')", max_height=900)
        # A draft can be changed before it is published.
        page.goto("/calls?status=draft")
        page.locator("main table a").first.click()
        follow(page, "Change the draft")
        main_shot(page, "call-edit", max_height=900)
        # An open call: its documents, a clarification notice and a later deadline.
        page.goto("/calls?status=open")
        page.locator("main table a").first.click()
        call_url = page.url
        follow(page, "Add or replace a call document")
        page.get_by_label("Specification").check()
        # A real file input, or the form is broken: fail rather than shoot a text box.
        page.get_by_label("The document").set_input_files(
            {
                "name": "specification.pdf",
                "mimeType": "application/pdf",
                "buffer": SPECIFICATION_PDF,
            }
        )
        main_shot(page, "call-documents", max_height=700)
        page.get_by_role("button", name="Attach the document").click()
        expect(page.get_by_text("specification.pdf is attached to the call.")).to_be_visible()
        page.goto(call_url)
        main_shot(page, "call-after-publishing", start="h2:text('Call documents')", max_height=700)
        follow(page, "Send a clarification notice")
        page.locator("main form textarea").fill(
            "Correction: the sessions can be delivered online as well as in person. "
            "The specification attached to the call is updated to say so."
        )
        main_shot(page, "call-notice", max_height=700)  # not sent
        page.goto(call_url)
        follow(page, "Change the deadline for tenders")
        later = date.today() + timedelta(days=21)
        page.get_by_label("Day").fill(str(later.day))
        page.get_by_label("Month").fill(str(later.month))
        page.get_by_label("Year").fill(str(later.year))
        page.get_by_label("Time of the new deadline (London time)").fill("5pm")
        page.get_by_label("Why is the deadline changing?").fill(
            "The specification was corrected: suppliers have a week more to take it into account."
        )
        main_shot(page, "call-deadline", max_height=900)  # not changed

    with signed_in(browser, base_url, CARE_BUYER) as page:
        page.goto("/calls/new")
        page.locator("input[name=category]").first.check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("link", name="Start again with the rapid call criteria").click()
        page.get_by_label("This is a rapid light-touch call for one service user").check()
        main_shot(
            page, "call-rapid", start="h2:text('Rapid call for one service user')", max_height=500
        )
        page.goto("/contracts")
        main_shot(page, "contracts", max_height=600)
        page.locator("table a").first.click()
        main_shot(page, "contract")

    with signed_in(browser, base_url, EVALUATOR) as page:
        page.goto("/evaluation")
        main_shot(page, "evaluator-calls", max_height=600)
        page.locator("table a").last.click()
        if page.get_by_role("button", name="Record my declaration").count():
            main_shot(page, "conflict-declaration", max_height=700)
            page.get_by_label("No, I have no conflict of interest").check()
            page.get_by_role("button", name="Record my declaration").click()
            expect(page.get_by_text("Your declaration is recorded.")).to_be_visible()
        main_shot(page, "scoresheet", max_height=900)
        evaluation_url = page.url
        if page.get_by_role("button", name="Submit scores").count():
            score_every_tender(page)
            page.get_by_role("button", name="Submit scores").click()

    with signed_in(browser, base_url, COMMISSIONER) as page:
        page.goto(evaluation_url.replace("/evaluation", "/moderation"))
        if page.get_by_role("button", name="Record the consensus scores").count():
            score_every_tender(page)
        main_shot(page, "moderation", max_height=900)
        if page.get_by_role("button", name="Record the consensus scores").count():
            page.get_by_role("button", name="Record the consensus scores").click()

    with signed_in(browser, base_url, BUYER) as page:
        # The award is previewed and confirmed in two steps; the script stops before the
        # irreversible one.
        page.goto(evaluation_url.replace("/evaluation", "/award"))
        continue_button = page.get_by_role("button", name="Continue to confirm the award")
        if continue_button.count():
            main_shot(page, "award-preview", max_height=1000)
            continue_button.click()
            main_shot(page, "award-confirm", max_height=800)

    with signed_in(browser, base_url, CARE_BUYER) as page:
        # The demo's placement that its first provider declined, taken by the next.
        page.goto("/calls?status=awarded")
        page.get_by_role("link", name=re.compile(r"this morning")).last.click()
        main_shot(page, "placement-buyer", start="h2:text('Placement')", max_height=230)


def take_public(browser: Browser, base_url: str) -> None:
    """What anyone sees signed out, and a supplier's email alerts."""
    with signed_in(browser, base_url, None) as page:
        page.goto("/")
        shot(page, "public-home", clip=above_footer(page))
        page.goto("/opportunities")
        main_shot(page, "opportunities")
        page.get_by_role("link", name="Home care package").first.click()
        main_shot(page, "opportunity")
        page.goto("/awards")
        main_shot(page, "awards")
        page.goto("/open-data")
        main_shot(page, "open-data")
        # The language toggle at the top of every page: the same page in Welsh.
        page.goto("/")
        page.locator(".opendps-language-toggle a").first.click()
        expect(page.locator("html")).to_have_attribute("lang", "cy")
        shot(page, "welsh")
    with signed_in(browser, base_url, CARE_BIDDER) as page:
        page.goto("/alerts?region=NT4")
        main_shot(page, "alerts")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8013")
    parser.add_argument(
        "--only", choices=["public", "supplier", "authority"], help="only this group of screenshots"
    )
    args = parser.parse_args()
    IMG.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            base_url = args.base_url.rstrip("/")
            if args.only:
                {"public": take_public, "supplier": take_supplier, "authority": take_authority}[
                    args.only
                ](browser, base_url)
            else:
                take_all(browser, base_url)
                take_public(browser, base_url)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
