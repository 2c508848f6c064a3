"""The service in Welsh, in headless Chromium, every page checked with axe-core: a supplier
chooses Cymraeg and starts an application to a market; a buyer, whose profile keeps Welsh,
drafts a call with a Welsh title and publishes it. ``<html lang>`` is "cy" on every page,
and a passage still in English (a market with no Welsh title) is marked ``lang="en"``."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from playwright.sync_api import expect

from opendps.accounts.models import User
from opendps.competitions.models import Call
from opendps.core import clock
from opendps.core.calendar import LONDON
from opendps.testing.factories import make_market, market_with_both_suppliers
from opendps.testing.fixtures import PASSWORD, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKET = "Employment Support DPS"
TITLE = "CV coaching for 12 claimants"
TITLE_CY = "Hyfforddiant CV i 12 hawlydd"


def h1(page: Any) -> Any:
    return page.get_by_role("heading", level=1).first


@cache
def english_sentences() -> frozenset[str]:
    """Every English message of three words or more that has a different Welsh."""
    po = Path(settings.LOCALE_PATHS[0]) / "cy" / "LC_MESSAGES" / "django.po"
    with po.open("rb") as file:
        return frozenset(
            message.id
            for message in read_po(file)
            if isinstance(message.id, str)
            and message.string
            and message.string != message.id
            and "%" not in message.id
            and len(message.id.split()) >= 3
        )


def welsh_and_accessible(page: Any) -> None:
    """The page is Welsh: lang="cy", the toggle says so, and no sentence of the English
    catalogue is on it outside a passage marked lang="en"; and axe finds nothing."""
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.locator(".opendps-language-toggle [aria-current]")).to_have_text("Cymraeg")
    text = page.evaluate(
        """() => { const body = document.body.cloneNode(true);
        body.querySelectorAll('[lang="en"]').forEach((e) => e.remove());
        return body.textContent.replace(/\\s+/g, " "); }"""
    )
    english = sorted(sentence for sentence in english_sentences() if sentence in text)
    assert english == [], f"English on a Welsh page ({page.url}): {english}"
    assert_accessible(page)


def sign_in_in_welsh(page: Any, email: str) -> None:
    page.get_by_role("link", name="Mewngofnodi").first.click()
    expect(h1(page)).to_have_text("Mewngofnodi")
    welsh_and_accessible(page)
    page.get_by_label("Cyfeiriad e-bost").fill(email)
    page.get_by_label("Cyfrinair", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Mewngofnodi").click()


def test_a_supplier_chooses_welsh_and_starts_an_application(page: Any, people: Any) -> None:
    make_market(people)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Newid yr iaith i’r Gymraeg").click()
    expect(page).to_have_url(re.compile(r"/$"))
    welsh_and_accessible(page)

    sign_in_in_welsh(page, "admin@alpha.test")
    expect(h1(page)).to_have_text("Helo, Admin")
    welsh_and_accessible(page)
    # chosen before signing in: the cookie keeps Welsh, the profile records no choice
    assert User.objects.get(email="admin@alpha.test").language == ""

    page.get_by_role("link", name="Dod o hyd i farchnadoedd").first.click()
    expect(h1(page)).to_have_text("Dod o hyd i farchnadoedd")
    welsh_and_accessible(page)
    # no Welsh title was given: the English one is there, marked as English
    expect(page.locator(f'span[lang="en"]:text-is("{MARKET}")')).to_be_visible()
    page.get_by_role("link", name=MARKET).click()
    expect(h1(page).locator('span[lang="en"]')).to_have_text(MARKET)
    welsh_and_accessible(page)

    page.get_by_role("button", name="Gwneud cais i ymuno").click()
    welsh_and_accessible(page)
    page.get_by_role("button", name="Parhau").click()  # the only category, pre-selected
    expect(page.locator(".govuk-task-list")).to_be_visible()
    expect(page.get_by_text("Rydych wedi cwblhau 0 o")).to_be_visible()
    welsh_and_accessible(page)

    page.locator(".govuk-task-list a").first.click()
    welsh_and_accessible(page)
    page.get_by_role("button", name="Cadw a dod yn ôl yn nes ymlaen").click()
    expect(page.get_by_text("Mae eich atebion wedi’u cadw.")).to_be_visible()
    welsh_and_accessible(page)


def test_a_buyer_drafts_and_publishes_a_call_in_welsh(page: Any, people: Any) -> None:
    market_with_both_suppliers(people)
    sign_in(page, "buyer@authority.test")  # in English: the toggle comes next
    page.get_by_role("link", name="Newid yr iaith i’r Gymraeg").click()
    assert User.objects.get(email="buyer@authority.test").language == "cy"
    welsh_and_accessible(page)

    page.get_by_role("link", name="Galwadau am gystadleuaeth").click()
    expect(h1(page)).to_have_text("Galwadau am gystadleuaeth")
    welsh_and_accessible(page)
    page.get_by_role("button", name="Gwneud galwad am gystadleuaeth").click()
    welsh_and_accessible(page)
    page.locator('input[name="category"]').first.check()
    page.get_by_role("button", name="Parhau").click()
    expect(h1(page)).to_have_text("Gwneud galwad am gystadleuaeth")
    welsh_and_accessible(page)

    page.get_by_role("button", name="Cadw’r alwad ddrafft").click()  # nothing filled in
    expect(page.locator(".govuk-error-summary")).to_contain_text("Mae problem")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Rhowch deitl")
    welsh_and_accessible(page)

    page.get_by_label("Teitl", exact=True).fill(TITLE)
    page.get_by_label("Beth sydd ei angen arnoch?").fill("Two sessions per claimant, in Leeds.")
    page.get_by_label("Teitl yn Gymraeg (dewisol)").fill(TITLE_CY)
    page.get_by_label("Beth sydd ei angen arnoch, yn Gymraeg (dewisol)").fill(
        "Dwy sesiwn i bob hawlydd, yn Leeds."
    )
    page.get_by_label("Gwerth amcangyfrifedig").fill("6000")
    deadline = clock.now().astimezone(LONDON).date() + timedelta(days=12)
    page.locator('[name="deadline_date_day"]').fill(str(deadline.day))
    page.locator('[name="deadline_date_month"]').fill(str(deadline.month))
    page.locator('[name="deadline_date_year"]').fill(str(deadline.year))
    page.get_by_label("Amser y dyddiad cau (amser Llundain)").fill("12:00")
    page.get_by_role("button", name="Cadw’r alwad ddrafft").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Galwad ddrafft wedi’i chreu"
    )
    welsh_and_accessible(page)

    page.get_by_role("button", name="Cyhoeddi’r alwad").click()
    welsh_and_accessible(page)
    page.get_by_role("button", name="Cyhoeddi’r alwad").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Mae’r alwad wedi’i chyhoeddi"
    )
    welsh_and_accessible(page)

    call = Call.objects.get(title=TITLE)
    assert call.title_cy == TITLE_CY
    page.goto(f"/opportunities/{call.pk}")
    expect(h1(page)).to_have_text(TITLE_CY)
    expect(page.get_by_text("Dwy sesiwn i bob hawlydd, yn Leeds.")).to_be_visible()
    welsh_and_accessible(page)


PUBLIC_PAGES = [
    "/",
    "/markets",
    "/opportunities",
    "/opportunities?cpv=bad",
    "/awards",
    "/accessibility",
    "/privacy",
    "/cookies",
    "/help",
    "/feedback",
    "/open-data",
    "/account/sign-in",
    "/account/register",
    "/no-such-page",
]
SUPPLIER_PAGES = [
    "/",
    "/invitations",
    "/applications",
    "/memberships",
    "/insights",
    "/account/tokens",
]
BUYER_PAGES = ["/", "/calls", "/manage/markets", "/contracts", "/insights", "/account/organisation"]


def test_pages_read_in_welsh_have_no_english_sentence(page: Any, people: Any) -> None:
    """Signed out, as a supplier and as a buyer, with Welsh chosen: every page is Welsh."""
    market_with_both_suppliers(people)
    page.goto("/")
    page.get_by_role("link", name="Newid yr iaith i’r Gymraeg").click()
    for path in PUBLIC_PAGES:
        page.goto(path)
        welsh_and_accessible(page)
    for email, paths in (
        ("admin@alpha.test", SUPPLIER_PAGES),
        ("buyer@authority.test", BUYER_PAGES),
    ):
        page.goto("/account/sign-in")
        page.get_by_label("Cyfeiriad e-bost").fill(email)
        page.get_by_label("Cyfrinair", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Mewngofnodi").click()
        for path in paths:
            page.goto(path)
            welsh_and_accessible(page)
        page.get_by_role("button", name="Allgofnodi").click()
