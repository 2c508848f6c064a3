"""Account pages: sign-in throttling, CSRF, security headers, scoping by organisation."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from opendps.accounts.models import Invitation, Membership, Organisation
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.testing.fixtures import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def sign_in(client: Client, email: str, password: str):
    return client.post("/account/sign-in", {"username": email, "password": password})


def test_sign_in_with_the_right_password_goes_home_and_is_audited(people):
    client = Client()
    response = sign_in(client, people.buyer.email, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.SIGNED_IN, actor=people.buyer
    ).exists()


def test_wrong_password_shows_an_error_summary(people):
    response = sign_in(Client(), people.buyer.email, "wrong")
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "Enter a correct email address and password." in response.content.decode()


def test_sign_in_is_throttled_after_five_failures(people, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, people.buyer.email, "wrong").status_code == 200
    assert sign_in(client, people.buyer.email, "wrong").status_code == 429
    # Now even the right password is refused until the cool-off ends.
    locked = sign_in(client, people.buyer.email, PASSWORD)
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.content.decode()
    assert client.get("/account/organisation").status_code == 302  # not signed in


def test_throttling_one_account_does_not_lock_another(people, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, people.buyer.email, "wrong")
    assert sign_in(client, people.evaluator.email, PASSWORD).status_code == 302


def test_forms_refuse_a_post_without_csrf_token(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.authority_admin, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        "/account/organisation/team", {"email": "x@authority.test", "role": "buyer"}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    anonymous = Client(enforce_csrf_checks=True)
    assert sign_in(anonymous, people.buyer.email, PASSWORD).status_code == 403


def test_a_form_post_with_its_csrf_token_works(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.authority_admin, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/account/organisation/team").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        "/account/organisation/team",
        {"email": "x@authority.test", "role": "buyer", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert Invitation.objects.filter(email="x@authority.test").exists()


def test_pages_send_security_headers(db):
    response = Client().get("/account/sign-in")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert f'nonce="{nonce}"' in response.content.decode()  # the one inline script
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_http_only(people):
    client = Client()
    sign_in(client, people.buyer.email, PASSWORD)
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


@pytest.mark.parametrize(
    ("who", "sees", "hidden"),
    [
        ("supplier_a_admin", "writer@alpha.test", "admin@beta.test"),
        ("supplier_b_admin", "admin@beta.test", "writer@alpha.test"),
        ("buyer", "evaluator@authority.test", "buyer@other.test"),
        ("other_buyer", "buyer@other.test", "evaluator@authority.test"),
    ],
)
def test_team_page_shows_only_your_own_organisation(people, who, sees, hidden):
    page = client_for(people.by_name(who)).get("/account/organisation/team").content.decode()
    assert sees in page
    assert hidden not in page


@pytest.mark.parametrize("who", ["buyer", "supplier_a_writer"])
def test_non_admins_see_no_invite_form_and_cannot_invite(people, who):
    client = client_for(people.by_name(who))
    assert "Invite a colleague" not in client.get("/account/organisation/team").content.decode()
    client.post("/account/organisation/team", {"email": "x@a.test", "role": "viewer"})
    assert not Invitation.objects.exists()


def test_removing_another_organisations_member_is_not_found(people):
    other = Membership.objects.get(user=people.supplier_b_admin)
    response = client_for(people.supplier_a_admin).post(
        f"/account/organisation/team/{other.pk}/remove"
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


def test_registration_errors_are_shown_and_nothing_is_created(db):
    response = Client().post("/account/register", {"email": "not-an-email"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter an email address in the correct format, like name@example.com" in page
    assert not Organisation.objects.exists()


def test_password_reset_by_email_over_smtp(people, mailbox):
    client = Client()
    client.post("/account/password-reset", {"email": people.buyer.email})
    (message,) = mailbox.to(people.buyer.email)
    assert message["Subject"] == "Reset your OpenDPS password"
    path = re.search(r"http://testserver(/account/password-reset/\S+)", mailbox.body(message))
    form = client.get(path.group(1), follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "brand-new-secret-42", "new_password2": "brand-new-secret-42"},
    )
    assert done.status_code == 302
    assert sign_in(Client(), people.buyer.email, "brand-new-secret-42").status_code == 302
    assert AuditEvent.objects.filter(event_type=AuditEventType.PASSWORD_RESET_COMPLETED).exists()


def test_unknown_email_for_password_reset_sends_nothing_and_says_the_same(db, mailbox):
    response = Client().post("/account/password-reset", {"email": "nobody@x.test"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert mailbox.messages == []


def test_signed_out_home_is_the_public_front_door_and_own_pages_need_sign_in(db):
    home = Client().get("/")
    assert home.status_code == 200
    assert "Sign in" in home.content.decode() and "Hello," not in home.content.decode()
    response = Client().get("/account/organisation")
    assert response.status_code == 302 and response["Location"].startswith("/account/sign-in")
