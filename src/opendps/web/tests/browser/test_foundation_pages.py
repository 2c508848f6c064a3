"""Browser journeys through the foundation pages, each page checked with axe-core.

Sign-in, supplier registration, organisation, team and invitations, API tokens, password
reset and the locked-out page, in real headless Chromium against the live server.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from opendps.testing.fixtures import PASSWORD, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INVITATION_PATH = re.compile(r"/account/invitations/[^\s/]+")
LOCKED_OUT = "Too many attempts to sign in"
HOME = re.compile(r"^http://[^/]+/$")


def invitation_path(mailbox: Any, email: str) -> str:
    """The accept link's path, read from the one invitation email sent to ``email``."""
    messages = mailbox.to(email)
    assert len(messages) == 1, [m["Subject"] for m in mailbox.messages]
    found = INVITATION_PATH.search(mailbox.body(messages[0]))
    assert found is not None, mailbox.body(messages[0])
    return found.group(0)


def h1(page: Any) -> Any:
    return page.get_by_role("heading", level=1).first


# --- Sign in and home --------------------------------------------------------------------


def test_supplier_admin_signs_in_and_sees_next_actions(page: Any, people: Any) -> None:
    """A supplier admin signs in and lands on home: next actions and their organisation."""
    page.goto("/account/sign-in")
    assert_accessible(page)

    sign_in(page, "admin@alpha.test")

    expect(page).to_have_url(HOME)
    expect(page.get_by_role("heading", name="Your next actions")).to_be_visible()
    expect(page.locator(".govuk-caption-l")).to_have_text("Alpha Support CIC · Administrator")
    expect(page.get_by_text("Signed in as admin@alpha.test")).to_be_visible()
    assert_accessible(page)


def test_wrong_password_shows_an_accessible_error(page: Any, people: Any) -> None:
    """A wrong password shows the error summary and keeps the person signed out."""
    sign_in(page, "admin@alpha.test", password="not-the-password")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a correct email address and password.")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(h1(page)).to_have_text("Sign in")
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    assert_accessible(page)


def test_too_many_failed_sign_ins_show_the_locked_out_page(page: Any, people: Any) -> None:
    """After the failure limit, signing in is paused and the locked-out page says so."""
    for _attempt in range(7):
        sign_in(page, "admin@alpha.test", password="not-the-password")
        page.wait_for_load_state()
        if h1(page).inner_text() == LOCKED_OUT:
            break
    expect(h1(page)).to_have_text(LOCKED_OUT)
    expect(page.get_by_role("link", name="Reset your password")).to_be_visible()
    assert_accessible(page)

    sign_in(page, "admin@alpha.test")  # even the right password waits out the pause
    page.wait_for_load_state()
    expect(h1(page)).to_have_text(LOCKED_OUT)


# --- Supplier registration ---------------------------------------------------------------


def test_register_page_with_and_without_errors_is_accessible(page: Any, db: Any) -> None:
    """The registration page, and its error state after an empty submit, pass axe."""
    page.goto("/account/register")
    expect(h1(page)).to_have_text("Register your organisation")
    assert_accessible(page)

    page.get_by_role("button", name="Register").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    # your name, email, password and organisation name are required
    expect(summary.get_by_role("link")).to_have_count(4)
    assert_accessible(page)


def test_supplier_registers_then_signs_in_as_its_administrator(page: Any, mailbox: Any) -> None:
    """A supplier fills in the form, is told to check its email (the same answer a taken
    address gets, so registration reveals no accounts) and signs in as its administrator."""
    page.goto("/account/sign-in")
    page.get_by_role("link", name="Register your organisation").click()

    page.get_by_label("Your full name").fill("Nia Roberts")
    page.get_by_label("Email address").fill("nia@gamma.test")
    page.get_by_label("Create a password", exact=True).fill(PASSWORD)
    page.get_by_label("Organisation name").fill("Gamma Skills Co-operative")
    page.get_by_label("Companies House or charity number").fill("IP031234")
    page.get_by_label("Postcode").fill("CF10 1AA")
    page.get_by_label("England and Wales").check()
    page.get_by_label("We are a small or medium-sized enterprise (SME)").check()
    page.get_by_label("We are a voluntary, community or social enterprise (VCSE)").check()
    page.get_by_role("button", name="Register").click()

    expect(h1(page)).to_have_text("Check your email")
    assert_accessible(page)
    sign_in(page, "nia@gamma.test")
    expect(page).to_have_url(HOME)
    expect(h1(page)).to_have_text("Hello, Nia")
    expect(page.locator(".govuk-caption-l")).to_have_text(
        "Gamma Skills Co-operative · Administrator"
    )
    expect(page.get_by_text("Signed in as nia@gamma.test")).to_be_visible()
    assert [m["Subject"] for m in mailbox.to("nia@gamma.test")] == ["Welcome to OpenDPS"]

    page.get_by_role("link", name="Your organisation").click()
    details = page.locator(".govuk-summary-list")
    expect(details).to_contain_text("IP031234")
    expect(details).to_contain_text("CF10 1AA")


# --- Organisation and team ---------------------------------------------------------------


def test_organisation_and_team_pages_are_accessible(page: Any, people: Any) -> None:
    """The organisation page (with its change form) and the team page pass axe."""
    sign_in(page, "admin@alpha.test")
    expect(page.get_by_role("heading", name="Your next actions")).to_be_visible()

    page.goto("/account/organisation")
    expect(h1(page)).to_have_text("Alpha Support CIC")
    expect(page.get_by_role("heading", name="Change details")).to_be_visible()
    assert_accessible(page)

    page.goto("/account/organisation/team")
    expect(h1(page)).to_have_text("Team")
    table = page.get_by_role("table")
    expect(table).to_contain_text("admin@alpha.test")
    expect(table).to_contain_text("writer@alpha.test")
    assert_accessible(page)


def test_admin_invites_a_colleague_who_joins_with_the_new_role(
    page: Any, people: Any, mailbox: Any, chromium: Any, live_server: Any
) -> None:
    """An admin invites a colleague; the emailed link lets them set up and join as Viewer."""
    sign_in(page, "admin@alpha.test")
    expect(page.get_by_role("heading", name="Your next actions")).to_be_visible()
    page.goto("/account/organisation/team")
    page.get_by_label("Colleague's email address").fill("sam@alpha.test")
    page.get_by_label("Viewer").check()
    page.get_by_role("button", name="Send invitation").click()

    expect(page.get_by_text("Invitation sent to sam@alpha.test.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="sam@alpha.test")).to_contain_text(
        "sam@alpha.test — Viewer"
    )
    path = invitation_path(mailbox, "sam@alpha.test")

    invitee_context = chromium.new_context(base_url=live_server.url)
    try:
        invitee = invitee_context.new_page()
        invitee.goto(path)
        expect(h1(invitee)).to_have_text("Join Alpha Support CIC")
        expect(invitee.get_by_label("Email address")).to_have_value("sam@alpha.test")
        invitee.get_by_label("Your full name").fill("Sam Taylor")
        invitee.get_by_label("Create a password", exact=True).fill(PASSWORD)
        invitee.get_by_role("button", name="Accept invitation").click()

        expect(invitee).to_have_url(HOME)
        expect(invitee.get_by_text("You have joined Alpha Support CIC.")).to_be_visible()
        expect(h1(invitee)).to_have_text("Hello, Sam")
        expect(invitee.locator(".govuk-caption-l")).to_have_text("Alpha Support CIC · Viewer")

        invitee.goto(path)  # the link is spent once used
        expect(h1(invitee)).to_have_text("Page not found")
    finally:
        invitee_context.close()

    page.reload()
    expect(page.get_by_role("table")).to_contain_text("Sam Taylor")


def test_invitation_accept_page_is_accessible_with_and_without_errors(
    page: Any, people: Any, mailbox: Any
) -> None:
    """The accept page from a real emailed link, and its error state, pass axe."""
    from opendps.accounts import services
    from opendps.accounts.models import Role

    services.invitation_create(
        actor=people.authority_admin,
        organisation=people.authority,
        email="new.evaluator@authority.test",
        role=Role.EVALUATOR,
    )
    page.goto(invitation_path(mailbox, "new.evaluator@authority.test"))
    expect(h1(page)).to_have_text("Join Test Borough Council")
    expect(page.get_by_text("as Evaluator")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Accept invitation").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)


# --- API tokens --------------------------------------------------------------------------


def test_token_is_shown_once_and_works_against_the_api(
    page: Any, people: Any, chromium: Any, live_server: Any
) -> None:
    """A new token is shown once; it then authenticates /api/v1/me on its own."""
    sign_in(page, "admin@alpha.test")
    page.get_by_role("link", name="API tokens").click()
    expect(h1(page)).to_have_text("API tokens")
    assert_accessible(page)

    page.get_by_label("Token name").fill("bid management system")
    page.get_by_role("button", name="Create token").click()

    expect(page.get_by_text("Copy this token now. It will not be shown again.")).to_be_visible()
    new_token = page.locator("code#new-token")
    expect(new_token).to_have_text(re.compile(r"^odps_\S+$"))
    secret = new_token.inner_text()
    assert_accessible(page)

    page.goto("/account/tokens")
    expect(page.get_by_role("row").filter(has_text="bid management system")).to_contain_text(
        "Never"
    )
    expect(page.locator("#new-token")).to_have_count(0)
    assert secret not in page.content()

    # A fresh context has no session cookie, so only the token can authenticate.
    api_context = chromium.new_context(base_url=live_server.url)
    try:
        response = api_context.request.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
        )
        assert response.status == 200, response.text()
        body = response.json()
        assert body["email"] == "admin@alpha.test"
        assert body["organisations"] == [
            {
                "id": people.supplier_a.pk,
                "name": "Alpha Support CIC",
                "kind": "supplier",
                "roles": ["supplier_admin"],
            }
        ]
        assert api_context.request.get("/api/v1/me").status == 401
    finally:
        api_context.close()


# --- Password reset ----------------------------------------------------------------------


def test_password_reset_request_pages_are_accessible(page: Any, people: Any, mailbox: Any) -> None:
    """The reset request page and its 'check your email' page pass axe; the email arrives."""
    page.goto("/account/sign-in")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(h1(page)).to_have_text("Reset your password")
    assert_accessible(page)

    page.get_by_role("textbox", name="Email").fill("admin@alpha.test")
    page.get_by_role("button", name="Send link").click()

    expect(h1(page)).to_have_text("Check your email")
    assert_accessible(page)
    assert len(mailbox.to("admin@alpha.test")) == 1
