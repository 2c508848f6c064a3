"""The public front door in Chromium, signed out: every page passes axe and reflows at 320 px."""

from __future__ import annotations

from typing import Any

import pytest

from opendps.testing.fixtures import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/",
    "/accessibility",
    "/privacy",
    "/cookies",
    "/help",
    "/feedback",
    "/open-data",
    "/opportunities",
    "/opportunities?cpv=bad",
    "/awards",
    "/no-such-page",
]


def test_public_pages_signed_out_pass_axe_and_never_scroll_sideways(page: Any, db: Any) -> None:
    for path in PUBLIC_PAGES:
        page.set_viewport_size({"width": 1024, "height": 800})
        page.goto(path)
        assert page.get_by_role("heading", level=1).count() == 1, path
        assert_accessible(page)
        page.set_viewport_size({"width": 320, "height": 640})
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width} px wide at 320 px"


def test_feedback_is_sent_from_the_phase_banner(page: Any, db: Any, mailbox: Any) -> None:
    page.goto("/")
    page.get_by_role("link", name="your feedback").click()
    page.get_by_label("What do you think of OpenDPS?").fill("Clear and quick.")
    page.get_by_role("button", name="Send feedback").click()
    assert page.get_by_text("your feedback has been sent").is_visible()
    assert_accessible(page)
    (message,) = mailbox.to("support@opendps.example")
    assert "Clear and quick." in mailbox.body(message)
