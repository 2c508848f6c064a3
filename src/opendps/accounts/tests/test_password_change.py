"""Changing one's password: the current one is asked for, the change is audited, and every
API token and every other session of the person ends; this session stays signed in."""

from __future__ import annotations

import pytest
from django.test import Client

from opendps.accounts import services
from opendps.accounts.models import ApiToken
from opendps.core.errors import RuleViolation
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.testing.fixtures import PASSWORD, client_for

pytestmark = pytest.mark.django_db

NEW = "brand-new-secret-42"
PAGE = "/account/password"


def signed_in(user) -> Client:
    """A session of its own (force_login stores the password's session hash too)."""
    return client_for(user)


def get_me(token: str):
    return Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def change(client: Client, current: str = PASSWORD, new: str = NEW, again: str | None = None):
    return client.post(
        PAGE,
        {"current_password": current, "new_password1": new, "new_password2": again or new},
    )


def test_the_page_changes_the_password_revokes_tokens_and_ends_other_sessions(people):
    _, token = services.api_token_create(actor=people.buyer, name="bid system")
    _, someone_elses = services.api_token_create(actor=people.evaluator, name="one")
    here, elsewhere = signed_in(people.buyer), signed_in(people.buyer)
    assert elsewhere.get("/account/tokens").status_code == 200
    form = here.get(PAGE)
    assert form.status_code == 200
    assert 'autocomplete="current-password"' in form.content.decode()

    done = change(here)

    assert done.status_code == 302 and done["Location"] == "/account/tokens"
    people.buyer.refresh_from_db()
    assert people.buyer.check_password(NEW)
    assert get_me(token).status_code == 401
    assert get_me(someone_elses).status_code == 200
    assert here.get("/account/tokens").status_code == 200  # this session stays
    other = elsewhere.get("/account/tokens")
    assert other.status_code == 302 and other["Location"].startswith("/account/sign-in")
    (event,) = AuditEvent.objects.filter(event_type=AuditEventType.PASSWORD_CHANGED)
    assert event.actor_id == people.buyer.pk
    assert event.data == {"email": people.buyer.email, "tokens_revoked": 1}


def test_a_wrong_current_password_is_named_and_changes_nothing(people):
    _, token = services.api_token_create(actor=people.buyer, name="bid system")
    client = signed_in(people.buyer)
    page = change(client, current="not-my-password")
    body = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in body
    assert 'href="#id_current_password"' in body
    assert "Your current password is not right" in body
    people.buyer.refresh_from_db()
    assert people.buyer.check_password(PASSWORD)
    assert get_me(token).status_code == 200
    assert not AuditEvent.objects.filter(event_type=AuditEventType.PASSWORD_CHANGED).exists()


@pytest.mark.parametrize(
    ("new", "again", "message", "box"),
    [
        ("short", None, "too short", "new_password1"),
        (NEW, NEW + "x", "Enter the same new password in both boxes", "new_password2"),
    ],
)
def test_a_weak_or_mismatched_new_password_is_refused_on_its_box(people, new, again, message, box):
    client = signed_in(people.buyer)
    page = change(client, new=new, again=again)
    body = page.content.decode()
    assert page.status_code == 200
    assert message in body
    assert f'href="#id_{box}"' in body
    people.buyer.refresh_from_db()
    assert people.buyer.check_password(PASSWORD)


def test_the_page_needs_a_signed_in_person(db):
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in")


def test_the_service_refuses_a_wrong_current_password_and_writes_nothing(people):
    services.api_token_create(actor=people.buyer, name="bid system")
    with pytest.raises(RuleViolation) as refused:
        services.password_change(actor=people.buyer, current_password="nope", new_password=NEW)
    assert refused.value.code == "current_password_wrong"
    assert ApiToken.objects.filter(user=people.buyer, revoked_at=None).count() == 1
