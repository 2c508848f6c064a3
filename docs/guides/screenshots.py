"""Regenerate the user-guide screenshots in docs/guides/img/ from a running demo server.

Run it against a throwaway database loaded with the demo data, because it sends an
invitation and creates an API token there:

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
VIEWPORT: ViewportSize = {"width": 1000, "height": 760}
IMG = Path(__file__).resolve().parent / "img"

SUPPLIER = "bid@brightpath.demo"
AUTHORITY_ADMIN = "admin@dwp.demo"
STAFF = "staff@opendps.demo"


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

    with signed_in(browser, base_url, STAFF) as page:
        page.get_by_role("link", name="Platform admin").click()
        expect(page.locator("#site-name")).to_be_visible()
        shot(page, "platform-admin")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8013")
    args = parser.parse_args()
    IMG.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            take_all(browser, args.base_url.rstrip("/"))
        finally:
            browser.close()


if __name__ == "__main__":
    main()
