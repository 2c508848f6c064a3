"""Bearer tokens answered from the cache: no queries on a hit, and never a stale answer.

Each test makes the first request (a miss, which stores the entry) and checks the second
is a hit before changing anything, so what follows really is served against a cached
entry.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from opendps.accounts import services
from opendps.accounts.models import ApiToken, Membership, Role
from opendps.core import clock
from opendps.testing.fixtures import PASSWORD, use_redis_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["memory", "redis"])
def _token_cache_on(request, settings):
    """Each test twice: on Redis, as in production (on by itself there), and in this
    process's memory switched on (one process: its memory is shared by every request)."""
    if request.param == "redis":
        use_redis_cache(settings, request.getfixturevalue("redis_url"))
    else:
        settings.OPENDPS_TOKEN_CACHE = True


def get_me(token: str):
    return Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def auth_queries(token: str) -> list[str]:
    """The token and membership queries one request of /me makes (/me itself reads the
    organisations, never these two tables)."""
    with CaptureQueriesContext(connection) as queries:
        assert get_me(token).status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if '"accounts_apitoken"' in q["sql"] or 'FROM "accounts_membership"' in q["sql"]
    ]


def cached_token(user, days: int = 90) -> str:
    """A token whose answer is in the cache (checked: the second request reads nothing)."""
    _, token = services.api_token_create(actor=user, name="cached", days=days)
    assert len(auth_queries(token)) >= 2  # the miss: token (with its touch) and roles
    assert auth_queries(token) == []
    return token


def test_a_hit_makes_no_token_or_role_query(people):
    _, token = services.api_token_create(actor=people.buyer, name="t")
    with CaptureQueriesContext(connection) as miss:
        assert get_me(token).status_code == 200
    with CaptureQueriesContext(connection) as hit:
        body = get_me(token).json()
    # The miss: the token with its person, the first-use write and the roles; a hit: none.
    assert len(miss.captured_queries) - len(hit.captured_queries) == 3
    assert auth_queries(token) == []
    assert body["email"] == people.buyer.email
    assert body["organisations"][0]["roles"] == ["buyer"]


def test_a_revoked_token_is_refused_on_the_next_request(people):
    token = cached_token(people.buyer)
    row = ApiToken.objects.get(user=people.buyer)
    services.api_token_revoke(actor=people.buyer, token_id=row.pk)
    assert get_me(token).status_code == 401


def test_an_expired_token_is_refused_though_its_entry_is_fresh(people):
    start = clock.now()
    with time_machine.travel(start, tick=False):
        _, token = services.api_token_create(actor=people.buyer, name="t", days=1)
    with time_machine.travel(start + timedelta(days=1, seconds=-5), tick=False):
        assert get_me(token).status_code == 200
        assert auth_queries(token) == []  # cached, for TTL seconds more
    with time_machine.travel(start + timedelta(days=1, seconds=1), tick=False):
        assert get_me(token).status_code == 401


def test_a_password_change_refuses_the_cached_token(people):
    token = cached_token(people.buyer)
    services.password_change(
        actor=people.buyer, current_password=PASSWORD, new_password="another-long-phrase-42"
    )
    assert get_me(token).status_code == 401


def test_a_password_reset_refuses_the_cached_token(people):
    token = cached_token(people.buyer)
    services.password_reset_complete(user=people.buyer, password="another-long-phrase-42")
    assert get_me(token).status_code == 401


def test_an_ended_membership_ends_the_cached_token(people):
    token = cached_token(people.buyer)
    membership = Membership.objects.get(user=people.buyer, organisation=people.authority)
    services.membership_remove(actor=people.authority_admin, membership=membership)
    assert get_me(token).status_code == 401


def test_a_membership_ended_outside_the_services_loses_its_role_at_once(people):
    """A shell or a migration that deletes a membership is heard too (the receiver)."""
    token = cached_token(people.buyer)
    Membership.objects.filter(user=people.buyer).delete()
    assert get_me(token).json()["organisations"] == []


def test_a_membership_added_shows_at_once(people):
    token = cached_token(people.buyer)
    services.member_add(
        actor=people.staff,
        organisation=people.other_authority,
        email=people.buyer.email,
        full_name="Buyer",
        role=Role.EVALUATOR,
    )
    organisations = {o["id"]: o["roles"] for o in get_me(token).json()["organisations"]}
    assert organisations == {
        people.authority.pk: ["buyer"],
        people.other_authority.pk: ["evaluator"],
    }


def test_a_deactivated_person_is_refused_though_cached(people):
    token = cached_token(people.buyer)
    people.buyer.is_active = False
    people.buyer.save()
    assert get_me(token).status_code == 401


def test_revoking_one_token_leaves_the_others_cached(people):
    other = cached_token(people.buyer)
    _, token = services.api_token_create(actor=people.buyer, name="second")
    get_me(token)
    services.api_token_revoke(
        actor=people.buyer, token_id=ApiToken.objects.get(user=people.buyer, name="second").pk
    )
    assert get_me(token).status_code == 401
    assert get_me(other).status_code == 200


def test_the_last_use_is_still_written_once_a_minute(people):
    start = clock.now()
    with time_machine.travel(start, tick=False):
        _, token = services.api_token_create(actor=people.buyer, name="t")
        get_me(token)
    row = ApiToken.objects.get(user=people.buyer)
    assert row.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=20), tick=False):
        get_me(token)  # a hit: no write
    row.refresh_from_db()
    assert row.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        get_me(token)
    row.refresh_from_db()
    assert row.last_used_at == start + timedelta(seconds=61)


def test_the_cached_person_holds_no_password_hash(people):
    from django.core.cache import cache

    from opendps.accounts.token_cache import _entry_key
    from opendps.accounts.tokens import secret_hash

    token = cached_token(people.buyer)
    entry = cache.get(_entry_key(secret_hash(token)))
    assert "password" not in entry["user"]
    assert entry["user"]["email"] == people.buyer.email


def test_off_by_default_with_each_processs_own_memory(people, settings):
    """Another worker would go on answering from its own copy after a revocation here."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.OPENDPS_TOKEN_CACHE = None  # unset in the environment
    _, token = services.api_token_create(actor=people.buyer, name="t")
    get_me(token)
    assert len(auth_queries(token)) == 2  # the token and the roles, every time
