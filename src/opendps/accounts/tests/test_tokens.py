"""API tokens expire, are revoked with a password reset or a membership's end, and show
their last use (written at most once a minute)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from opendps.accounts import services
from opendps.accounts.models import ApiToken, Membership
from opendps.core.errors import RuleViolation
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db

UNAUTHENTICATED = {
    "detail": "Authentication required: send a valid, unrevoked API token.",
    "code": "not_authenticated",
}
START = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)


def get_me(token: str):
    return Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def test_a_token_lasts_90_days_by_default(people):
    with time_machine.travel(START, tick=False):
        token, _ = services.api_token_create(actor=people.buyer, name="t")
    assert token.expires_at == START + timedelta(days=90)


@pytest.mark.parametrize("days", [30, 90, 365])
def test_an_expired_token_gets_401_json(people, days):
    with time_machine.travel(START, tick=False):
        token, secret = services.api_token_create(actor=people.buyer, name="t", days=days)
    assert token.expires_at == START + timedelta(days=days)
    with time_machine.travel(token.expires_at - timedelta(seconds=1), tick=False):
        assert get_me(secret).status_code == 200
    with time_machine.travel(token.expires_at, tick=False):
        response = get_me(secret)
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


@pytest.mark.parametrize("days", [366, 1000, 0, -5])
def test_a_token_cannot_last_more_than_a_year_or_less_than_a_day(people, days):
    with pytest.raises(RuleViolation) as refused:
        services.api_token_create(actor=people.buyer, name="t", days=days)
    assert str(refused.value) == "An API token must last between 1 and 365 days."
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_token_command_takes_days_and_refuses_more_than_365(people):
    out = StringIO()
    with time_machine.travel(START, tick=False):
        call_command("token", "create", "--user", people.buyer.email, "--days", "30", stdout=out)
    token = ApiToken.objects.get(user=people.buyer)
    assert token.expires_at == START + timedelta(days=30)
    assert get_me(out.getvalue().strip()).status_code == 200
    with pytest.raises(CommandError, match="between 1 and 365 days"):
        call_command(
            "token", "create", "--user", people.buyer.email, "--days", "400", "--name", "x"
        )
    assert ApiToken.objects.count() == 1


def test_a_password_reset_revokes_every_token_of_the_user(people):
    _, first = services.api_token_create(actor=people.buyer, name="one")
    _, second = services.api_token_create(actor=people.buyer, name="two")
    _, someone_elses = services.api_token_create(actor=people.evaluator, name="one")
    assert get_me(first).status_code == 200
    services.password_reset_complete(user=people.buyer, password="brand-new-secret-42")
    assert get_me(first).json() == UNAUTHENTICATED
    assert get_me(second).status_code == 401
    assert get_me(someone_elses).status_code == 200
    event = AuditEvent.objects.get(event_type=AuditEventType.PASSWORD_RESET_COMPLETED)
    assert event.data["tokens_revoked"] == 2
    assert AuditEvent.objects.filter(event_type=AuditEventType.API_TOKEN_REVOKED).count() == 0


def test_a_password_reset_by_email_revokes_the_old_token(people, mailbox):
    _, secret = services.api_token_create(actor=people.buyer, name="bid system")
    client = Client()
    client.post("/account/password-reset", {"email": people.buyer.email})
    (message,) = mailbox.to(people.buyer.email)
    path = re.search(r"http://testserver(/account/password-reset/\S+)", mailbox.body(message))
    form = client.get(path.group(1), follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "brand-new-secret-42", "new_password2": "brand-new-secret-42"},
    )
    assert get_me(secret).status_code == 401


def test_the_end_of_a_membership_revokes_the_users_tokens(people):
    """Tokens are personal, not per organisation: when any of a person's roles ends, all
    their tokens are revoked (the safe choice; they make new ones for what remains)."""
    _, secret = services.api_token_create(actor=people.buyer, name="bid system")
    _, admins = services.api_token_create(actor=people.authority_admin, name="admin")
    membership = Membership.objects.get(user=people.buyer)
    services.membership_remove(actor=people.authority_admin, membership=membership)
    response = get_me(secret)
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED
    assert get_me(admins).status_code == 200
    (event,) = AuditEvent.objects.filter(event_type=AuditEventType.MEMBERSHIP_REMOVED)
    assert event.data["tokens_revoked"] == 1


def test_last_use_is_written_at_most_once_a_minute(people):
    with time_machine.travel(START, tick=False):
        token, secret = services.api_token_create(actor=people.buyer, name="t")
        assert services.api_token_authenticate(secret) == people.buyer
    token.refresh_from_db()
    assert token.last_used_at == START
    with time_machine.travel(START + timedelta(seconds=59), tick=False):
        services.api_token_authenticate(secret)
    token.refresh_from_db()
    assert token.last_used_at == START
    with time_machine.travel(START + timedelta(minutes=1, seconds=1), tick=False):
        services.api_token_authenticate(secret)
    token.refresh_from_db()
    assert token.last_used_at == START + timedelta(minutes=1, seconds=1)


def test_the_tokens_page_shows_last_use_expiry_and_state(people):
    with time_machine.travel(START, tick=False):
        _, secret = services.api_token_create(actor=people.buyer, name="used one", days=30)
        services.api_token_create(actor=people.buyer, name="never used", days=365)
    with time_machine.travel(datetime(2027, 1, 12, 14, 30, tzinfo=UTC), tick=False):
        get_me(secret)
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=UTC), tick=False):
        page = client_for(people.buyer).get("/account/tokens").content.decode()
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", page, re.S)
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows[1:]]
    assert "Expires" in rows[0]
    assert text[0].startswith("used one")
    assert "12 January 2027, 2:30pm" in text[0]  # last used
    assert "10 February 2027, 9:00am" in text[0]  # expired on
    assert "Expired" in text[0] and "Revoke" not in text[0]
    assert "Never" in text[1] and "11 January 2028, 9:00am" in text[1]
    assert "Revoke" in text[1]


def test_the_tokens_page_creates_a_token_with_the_chosen_lifetime(people):
    with time_machine.travel(START, tick=False):
        response = client_for(people.buyer).post(
            "/account/tokens", {"name": "nightly export", "days": "30"}
        )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=people.buyer)
    assert token.expires_at == START + timedelta(days=30)
    assert re.search(r'<code id="new-token">odps_', response.content.decode())


def test_the_tokens_page_refuses_a_lifetime_it_does_not_offer(people):
    response = client_for(people.buyer).post("/account/tokens", {"name": "x", "days": "3650"})
    assert "There is a problem" in response.content.decode()
    assert not ApiToken.objects.exists()
