"""Registration does not tell anyone whether an address already has an account.

The page answers a taken address exactly as it answers a new one; the address's owner is
emailed instead (someone tried to register with it: sign in, or reset the password).
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from opendps.accounts.models import Organisation, User
from opendps.core.models import AuditEvent
from opendps.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def registration(email: str, organisation: str) -> dict[str, str]:
    return {
        "full_name": "Kim Delta",
        "email": email,
        "password": "a-long-enough-pass-7",
        "name": organisation,
        "nation": "scotland",
        "is_sme": "on",
    }


def without_csrf(content: bytes) -> str:
    """The page without what differs on every request anyway: CSRF token and CSP nonce."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())
    return re.sub(r'nonce="[^"]+"', "", page)


def test_a_taken_address_gets_the_same_answer_as_a_new_one_and_its_owner_an_email(people, mailbox):
    new_client, taken_client = Client(), Client()
    new = new_client.post("/account/register", registration("kim@delta.test", "Delta Ltd"))
    taken = taken_client.post("/account/register", registration("ADMIN@alpha.test", "Another Org"))
    assert new.status_code == taken.status_code
    assert new.headers == taken.headers
    assert new.content == taken.content
    assert sorted(new.cookies) == sorted(taken.cookies)
    new_page = new_client.get(new["Location"])
    taken_page = taken_client.get(taken["Location"])
    assert new_page.status_code == taken_page.status_code == 200
    assert without_csrf(new_page.content) == without_csrf(taken_page.content)
    assert "Check your email" in new_page.content.decode()

    # the owner of the taken address is told, and nothing else happened to it
    (message,) = mailbox.to("admin@alpha.test")
    assert message["Subject"] == "Someone tried to register with your email address"
    lines = mailbox.body(message).splitlines()
    assert f"{settings.SITE_URL}/account/sign-in" in lines
    assert f"{settings.SITE_URL}/account/password-reset" in lines
    assert User.objects.filter(email__iexact="admin@alpha.test").count() == 1
    assert not Organisation.objects.filter(name="Another Org").exists()
    assert not AuditEvent.objects.filter(data__email="admin@alpha.test").exists()

    # the new address has its account, and a welcome that says how to sign in
    assert User.objects.filter(email="kim@delta.test").exists()
    (welcome,) = mailbox.to("kim@delta.test")
    assert welcome["Subject"] == "Welcome to OpenDPS"
    assert f"{settings.SITE_URL}/account/sign-in" in mailbox.body(welcome).splitlines()


def test_registration_signs_no_one_in_and_the_new_owner_signs_in_with_their_password(db, mailbox):
    client = Client()
    response = client.post("/account/register", registration("kim@delta.test", "Delta Ltd"))
    assert response.status_code == 302
    # not signed in: that would differ by address
    assert client.get("/account/organisation").status_code == 302
    org = Organisation.objects.get(name="Delta Ltd")
    assert org.nation == "scotland" and org.is_sme and not org.is_vcse
    signed_in = client.post(
        "/account/sign-in", {"username": "kim@delta.test", "password": "a-long-enough-pass-7"}
    )
    assert signed_in.status_code == 302
    assert "Delta Ltd" in client.get("/").content.decode()


def test_a_weak_password_is_refused_alike_for_new_and_taken_addresses(people, mailbox):
    """The password is checked before the address, so even errors do not tell them apart."""
    pages = []
    for email in ["kim@delta.test", "admin@alpha.test"]:
        data = registration(email, "Delta Ltd") | {"password": "short"}
        response = Client().post("/account/register", data)
        assert response.status_code == 200
        page = without_csrf(response.content).replace(email, "EMAIL")
        pages.append(page)
    assert "too short" in pages[0]
    assert pages[0] == pages[1]
    assert mailbox.messages == []
    assert not Organisation.objects.filter(name="Delta Ltd").exists()
    assert User.objects.get(email="admin@alpha.test").check_password(PASSWORD)
