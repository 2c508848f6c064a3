"""Regenerate the user-guide screenshots in docs/guides/img/ from a running demo server.

Run it against a throwaway database loaded with the demo data, because it changes it: it
sends an invitation, creates (and revokes) an API token, submits a tender, and declares an
evaluator's conflict of interest:

    export OPENDPS_VAR_DIR=/tmp/odps-shots
    .venv/bin/opendps migrate && .venv/bin/opendps demo
    .venv/bin/opendps serve --port 8013 --workers 2 &
    .venv/bin/python docs/guides/screenshots.py --base-url http://127.0.0.1:8013

It needs Playwright and Chromium (Debian's ``chromium`` package) and nothing else.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
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
VIEWPORT: ViewportSize = {"width": 1200, "height": 800}
IMG = Path(__file__).resolve().parent / "img"

SUPPLIER = "bid@brightpath.demo"
BIDDER = "bid@nationwide.demo"  # a member of several Employment Support DPS categories
CARE_BIDDER = "bid@carewell.demo"  # a member of the Home Support Dynamic Market
AUTHORITY_ADMIN = "admin@dwp.demo"
COMMISSIONER = "commissioner@dwp.demo"
EVALUATOR = "evaluator@dwp.demo"
BUYER = "workcoach.leeds@dwp.demo"
CARE_BUYER = "broker@northshire.demo"
STAFF = "staff@opendps.demo"
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


def above_footer(page: Page) -> dict[str, float]:
    """A clip of the whole page down to the end of the main content."""
    box = page.locator("main").bounding_box()
    assert box is not None
    return {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": box["y"] + box["height"]}


def main_clip(page: Page, *, start: str = "main", max_height: float = MAX_HEIGHT) -> dict[str, float]:
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


def take_supplier(browser: Browser, base_url: str) -> None:
    with signed_in(browser, base_url, BIDDER) as page:
        page.goto("/markets")
        main_shot(page, "markets")
        # Applying: choose categories, then the questionnaire (not sent).
        page.goto("/markets")
        page.get_by_role("link", name="Home Support Dynamic Market").click()
        page.get_by_role("button", name="Apply to join").click()
        main_shot(page, "apply-categories")
        page.get_by_label("North zone").check()
        page.get_by_label("South zone").check()
        page.get_by_role("button", name="Continue").click()
        expect(page.locator(".govuk-task-list")).to_be_visible()
        main_shot(page, "apply-tasks", max_height=900)
        page.locator(".govuk-task-list a").first.click()
        expect(page.get_by_role("button", name="Save and continue")).to_be_visible()
        main_shot(page, "apply-questions", max_height=900)
        # A rejected application: the outcome and the reasons come first.
        page.goto("/applications")
        rejected = page.locator("table tr", has_text="Rejected").locator("a")
        if rejected.count():
            rejected.first.click()
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
        page.goto("/receipts/verify")
        main_shot(page, "receipt-verify", max_height=900)

        page.goto("/invitations?status=awarded")
        page.locator("table").get_by_role("link", name="Feedback").first.click()
        main_shot(page, "feedback")

        page.goto("/standing-offers")
        main_shot(page, "standing-offers", max_height=600)

    with signed_in(browser, base_url, CARE_BIDDER) as page:
        page.goto("/insights/supplier")
        main_shot(page, "supplier-insight")


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

    with signed_in(browser, base_url, BUYER) as page:
        page.goto("/calls")
        main_shot(page, "buyer-calls", max_height=800)
        page.get_by_role("button", name="Make a call for competition").click()
        main_shot(page, "call-choose", max_height=600)
        page.get_by_label("CV and job search support").check()
        page.get_by_role("button", name="Continue").click()
        main_shot(page, "call-new")
        main_shot(page, "call-criteria", start="h2:text('Award criteria')", max_height=900)

    with signed_in(browser, base_url, CARE_BUYER) as page:
        page.goto("/calls/new")
        page.locator("input[name=category]").first.check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("link", name="Start again with the rapid call criteria").click()
        page.get_by_label("This is a rapid light-touch call for one service user").check()
        main_shot(page, "call-rapid", start="h2:text('Rapid call for one service user')", max_height=500)
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

    with signed_in(browser, base_url, COMMISSIONER) as page:
        page.goto(evaluation_url.replace("/evaluation", "/moderation"))
        main_shot(page, "moderation", max_height=900)


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
    with signed_in(browser, base_url, CARE_BIDDER) as page:
        page.goto("/alerts?region=NT4")
        main_shot(page, "alerts")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8013")
    parser.add_argument("--only", choices=["public"], help="only this group of screenshots")
    args = parser.parse_args()
    IMG.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            if args.only == "public":
                take_public(browser, args.base_url.rstrip("/"))
            else:
                take_all(browser, args.base_url.rstrip("/"))
                take_public(browser, args.base_url.rstrip("/"))
        finally:
            browser.close()


if __name__ == "__main__":
    main()
