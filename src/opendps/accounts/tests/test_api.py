"""/api/v1/me with personal tokens: valid, wrong, revoked, missing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from opendps.accounts import services
from opendps.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

UNAUTHENTICATED = {
    "detail": "Authentication required: send a valid, unrevoked API token.",
    "code": "not_authenticated",
}


def get_me(token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().get("/api/v1/me", headers=headers)


def create_token_with_command(email: str) -> str:
    out = StringIO()
    call_command("token", "create", "--user", email, stdout=out)
    return out.getvalue().strip()


def test_a_token_from_the_command_works_on_me(people):
    token = create_token_with_command(people.buyer.email)
    response = get_me(token)
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "buyer@authority.test"
    assert body["organisations"] == [
        {
            "id": people.authority.pk,
            "name": "Test Borough Council",
            "kind": "authority",
            "roles": ["buyer"],
        }
    ]
    assert ApiToken.objects.get(user=people.buyer).last_used_at is not None


def test_token_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No active user"):
        create_token_with_command("nobody@example.test")


@pytest.mark.parametrize("token", [None, "odps_wrong", "not-a-token", "odps_" + "x" * 60])
def test_missing_or_wrong_token_gets_401_json(people, token):
    response = get_me(token)
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_a_revoked_token_gets_401_json(people):
    token_row, token = services.api_token_create(actor=people.buyer, name="t")
    assert get_me(token).status_code == 200
    services.api_token_revoke(actor=people.buyer, token_id=token_row.pk)
    response = get_me(token)
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_a_deactivated_users_token_stops_working(people):
    _, token = services.api_token_create(actor=people.buyer, name="t")
    people.buyer.is_active = False
    people.buyer.save()
    assert get_me(token).status_code == 401


def test_session_cookies_do_not_authenticate_the_api(people):
    """The API takes bearer tokens only, so a browser session cannot be used for CSRF."""
    client = Client()
    client.force_login(people.buyer, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/api/v1/me").status_code == 401


def test_openapi_document_and_docs_are_served(db):
    schema = Client().get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/me" in schema.json()["paths"]
    assert Client().get("/api/v1/docs").status_code == 200


def test_unknown_api_path_is_a_json_404(people):
    _, token = services.api_token_create(actor=people.buyer, name="t")
    response = Client().get("/api/v1/nothing-here", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404
