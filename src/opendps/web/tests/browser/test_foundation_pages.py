"""Browser journeys through the foundation pages, each page checked with axe-core.

Sign-in, supplier registration, organisation, team and invitations, API tokens, password
reset and the locked-out page, in real headless Chromium against the live server.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from opendps.testing.fixtures import PASSWORD, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INVITATION_PATH = re.compile(r"/account/invitations/[^\s/]+")


def invitation_path(mailbox: Any, email: str) -> str:
    """The accept link's path, read from the one invitation email sent to ``email``."""
    messages = mailbox.to(email)
    assert len(messages) == 1, [m["Subject"] for m in mailbox.messages]
    found = INVITATION_PATH.search(mailbox.body(messages[0]))
    assert found is not None, mailbox.body(messages[0])
    return found.group(0)


def heading(page: Any) -> str:
    return page.get_by_role("heading", level=1).inner_text()


# --- Sign in and home --------------------------------------------------------------------


def test_supplier_admin_signs_in_and_sees_next_actions(page: Any, people: Any) -> None:
    """A supplier admin signs in and lands on home: next actions and their organisation."""
    page.goto("/account/sign-in")
    assert_accessible(page)

    sign_in(page, "admin@alpha.test")

    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Your next actions").is_visible()
    caption = page.locator(".govuk-caption-l").inner_text()
    assert "Alpha Support CIC" in caption
    assert "Administrator" in caption
    assert page.get_by_text("Signed in as admin@alpha.test").is_visible()
    assert_accessible(page)


def test_wrong_password_shows_an_accessible_error(page: Any, people: Any) -> None:
    """A wrong password shows the error summary and keeps the person signed out."""
    sign_in(page, "admin@alpha.test", password="not-the-password")

    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter a correct email address and password." in summary.inner_text()
    assert page.title().startswith("Error:")
    assert heading(page) == "Sign in"
    assert_accessible(page)


def test_too_many_failed_sign_ins_show_the_locked_out_page(page: Any, people: Any) -> None:
    """After the failure limit, signing in is paused and the locked-out page says so."""
    for _attempt in range(7):
        sign_in(page, "admin@alpha.test", password="not-the-password")
        if heading(page) == "Too many attempts to sign in":
            break
    assert heading(page) == "Too many attempts to sign in"
    assert page.get_by_role("link", name="Reset your password").is_visible()
    assert_accessible(page)

    sign_in(page, "admin@alpha.test")  # even the right password waits out the pause
    assert heading(page) == "Too many attempts to sign in"


# --- Supplier registration ---------------------------------------------------------------


def test_register_page_with_and_without_errors_is_accessible(page: Any, db: Any) -> None:
    """The registration page, and its error state after an empty submit, pass axe."""
    page.goto("/account/register")
    assert heading(page) == "Register your organisation"
    assert_accessible(page)

    page.get_by_role("button", name="Register").click()

    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert summary.get_by_role("link").count() >= 3  # name, email, password, organisation
    assert_accessible(page)


def test_supplier_registers_and_lands_on_home_signed_in(page: Any, mailbox: Any) -> None:
    """A supplier fills in the form and lands on home signed in as its administrator."""
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

    page.wait_for_url("**/")
    assert page.get_by_text("Your organisation is registered. Welcome to OpenDPS.").is_visible()
    assert heading(page) == "Hello, Nia"
    assert "Gamma Skills Co-operative" in page.locator(".govuk-caption-l").inner_text()
    assert page.get_by_text("Signed in as nia@gamma.test").is_visible()
    assert [m["Subject"] for m in mailbox.to("nia@gamma.test")] == ["Welcome to OpenDPS"]

    page.get_by_role("link", name="Your organisation").click()
    details = page.locator(".govuk-summary-list").inner_text()
    assert "IP031234" in details
    assert "CF10 1AA" in details


# --- Organisation and team ---------------------------------------------------------------


def test_organisation_and_team_pages_are_accessible(page: Any, people: Any) -> None:
    """The organisation page (with its change form) and the team page pass axe."""
    sign_in(page, "admin@alpha.test")

    page.goto("/account/organisation")
    assert heading(page) == "Alpha Support CIC"
    assert page.get_by_role("heading", name="Change details").is_visible()
    assert_accessible(page)

    page.goto("/account/organisation/team")
    assert heading(page) == "Team"
    table = page.get_by_role("table").inner_text()
    assert "admin@alpha.test" in table
    assert "writer@alpha.test" in table
    assert_accessible(page)


def test_admin_invites_a_colleague_who_joins_with_the_new_role(
    page: Any, people: Any, mailbox: Any, chromium: Any, live_server: Any
) -> None:
    """An admin invites a colleague; the emailed link lets them set up and join as Viewer."""
    sign_in(page, "admin@alpha.test")
    page.goto("/account/organisation/team")
    page.get_by_label("Colleague's email address").fill("sam@alpha.test")
    page.get_by_label("Viewer").check()
    page.get_by_role("button", name="Send invitation").click()

    assert page.get_by_text("Invitation sent to sam@alpha.test.").is_visible()
    assert (
        "sam@alpha.test — Viewer"
        in page.get_by_role("list").filter(has_text="sam@alpha.test").inner_text()
    )
    path = invitation_path(mailbox, "sam@alpha.test")

    invitee_context = chromium.new_context(base_url=live_server.url)
    try:
        invitee = invitee_context.new_page()
        invitee.goto(path)
        assert heading(invitee) == "Join Alpha Support CIC"
        assert invitee.get_by_label("Email address").input_value() == "sam@alpha.test"
        invitee.get_by_label("Your full name").fill("Sam Taylor")
        invitee.get_by_label("Create a password", exact=True).fill(PASSWORD)
        invitee.get_by_role("button", name="Accept invitation").click()

        invitee.wait_for_url("**/")
        assert invitee.get_by_text("You have joined Alpha Support CIC.").is_visible()
        assert heading(invitee) == "Hello, Sam"
        assert invitee.locator(".govuk-caption-l").inner_text() == "Alpha Support CIC · Viewer"

        invitee.goto(path)  # the link is spent once used
        assert heading(invitee) == "Page not found"
    finally:
        invitee_context.close()

    page.reload()
    assert "Sam Taylor" in page.get_by_role("table").inner_text()


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
    assert heading(page) == "Join Test Borough Council"
    assert page.get_by_text("as Evaluator").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Accept invitation").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)


# --- API tokens --------------------------------------------------------------------------


def test_token_is_shown_once_and_works_against_the_api(
    page: Any, people: Any, chromium: Any, live_server: Any
) -> None:
    """A new token is shown once; it then authenticates /api/v1/me on its own."""
    sign_in(page, "admin@alpha.test")
    page.get_by_role("link", name="API tokens").click()
    assert heading(page) == "API tokens"
    assert_accessible(page)

    page.get_by_label("Token name").fill("bid management system")
    page.get_by_role("button", name="Create token").click()

    assert page.get_by_text("Copy this token now. It will not be shown again.").is_visible()
    secret = page.locator("#new-token").inner_text().strip()
    assert secret.startswith("odps_")
    assert_accessible(page)

    page.goto("/account/tokens")
    assert page.locator("#new-token").count() == 0
    assert secret not in page.content()
    row = page.get_by_role("row").filter(has_text="bid management system").inner_text()
    assert "Never" in row

    # A fresh context has no session cookie, so only the token can authenticate.
    api_context = chromium.new_context(base_url=live_server.url)
    try:
        response = api_context.request.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
        )
        assert response.status == 200
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
        unauthenticated = api_context.request.get("/api/v1/me")
        assert unauthenticated.status == 401
    finally:
        api_context.close()


# --- Password reset ----------------------------------------------------------------------


def test_password_reset_request_pages_are_accessible(page: Any, people: Any, mailbox: Any) -> None:
    """The reset request page and its 'check your email' page pass axe; the email arrives."""
    page.goto("/account/sign-in")
    page.get_by_role("link", name="Forgotten your password?").click()
    assert heading(page) == "Reset your password"
    assert_accessible(page)

    page.get_by_label("Email address").fill("admin@alpha.test")
    page.get_by_role("button", name="Send link").click()

    assert heading(page) == "Check your email"
    assert_accessible(page)
    assert len(mailbox.to("admin@alpha.test")) == 1
