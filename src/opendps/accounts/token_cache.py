"""Who a bearer token speaks for, kept for a few seconds in Django's cache.

Without it every API request pays two queries before its own work: the token with its
person, then the person's roles (issue 17). Here ``api_token_authenticate`` keeps the
answer (the person's columns but the password hash, their roles by organisation, the
token's id, expiry and last use) for ``TTL`` seconds in the default cache, when that cache
is shared by every web process (Redis, ``OPENDPS_REDIS_URL``; see ``enabled``).

It must never keep a token alive that was revoked, nor a role that ended. Each token has a
*generation* (a random value beside its entry, keyed by the token's hash) and an entry
counts only while it carries the current one. Everything that may narrow what a token can
do sets new generations for all of its person's tokens (``forget_person``): revoking one
(``forget_token``), a new password (which revokes them all), a membership added, ended or
changed, the person's own row saved (deactivated, made staff or not). It does so at once
and again after the commit, so that a request which read the database just before the
change cannot store an entry that outlives it: that request read the older generation
first, and its entry is stale from the moment it is written. Expiry is checked on every
hit against the clock. A generation is random, never a counter, so one evicted from the
cache and made again cannot match an old entry.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from opendps.accounts.models import ApiToken, Membership, User

# Seconds an answer is reused: short, so that a change made outside the services (and so
# not announced here) lasts this long at most.
TTL = 30
# A generation outlives every entry made under it; when it goes, those entries go too.
GENERATION_TTL = 3600
# The person's columns kept; never the password hash (``password`` stays deferred, and
# saving the object writes only the columns it holds).
USER_FIELDS = tuple(f.attname for f in User._meta.concrete_fields if f.attname != "password")
_VERSION = "v1"  # in the keys: a new shape of entry never reads an old one


def _entry_key(key_hash: str) -> str:
    return f"apitoken:{_VERSION}:{key_hash}"


def _generation_key(key_hash: str) -> str:
    return f"apitoken-gen:{key_hash}"


def _new_generation() -> str:
    return secrets.token_hex(8)


class CachedToken:
    """A cache hit: the person (with roles loaded) and what the last-use write needs."""

    def __init__(self, key_hash: str, entry: dict[str, Any]) -> None:
        self.key_hash = key_hash
        self.entry = entry
        self.token_id: int = entry["token_id"]
        self.last_used_at: datetime | None = entry["last_used_at"]

    def user(self) -> User:
        user = User.from_db("default", USER_FIELDS, [self.entry["user"][f] for f in USER_FIELDS])
        # Roles as ``permissions.role_map`` loads them, so no request reads them again.
        user._opendps_roles = {  # type: ignore[attr-defined]
            org_id: set(roles) for org_id, roles in self.entry["roles"].items()
        }
        return user

    def touched(self, now: datetime) -> None:
        """Keep the written last use, so the next hits do not write it again."""
        self.entry["last_used_at"] = now
        cache.set(_entry_key(self.key_hash), self.entry, TTL)


def enabled() -> bool:
    """On where every web process shares the cache (Redis): a revocation seen by one is
    seen by all. Off with each process's own memory, where another worker would go on
    answering from its copy; ``OPENDPS_TOKEN_CACHE`` (True or False) overrides that, for
    one process alone (the tests) or to turn it off."""
    chosen = getattr(settings, "OPENDPS_TOKEN_CACHE", None)
    if chosen is not None:
        return bool(chosen)
    backend = str(settings.CACHES["default"]["BACKEND"])
    return not backend.endswith((".LocMemCache", ".DummyCache"))


def keys(key_hash: str) -> list[str]:
    """The cache keys ``lookup`` reads for a token: whoever already makes a round trip to
    the cache before authentication (the API's rate limiter) may read them alongside and
    hand them over (``lookup``'s ``found``), saving authentication its own round trip."""
    return [_entry_key(key_hash), _generation_key(key_hash)]


def lookup(
    key_hash: str, now: datetime, found: dict[str, Any] | None = None
) -> CachedToken | str | None:
    """The live entry for ``key_hash`` (one cache round trip, none when ``found`` holds
    what ``keys`` named, read during this request), else the generation under which the
    caller may store a fresh one (None: nothing is to be stored)."""
    if not enabled():
        return None
    if found is None:
        found = cache.get_many(keys(key_hash))
    entry = found.get(_entry_key(key_hash))
    generation = found.get(_generation_key(key_hash))
    if entry is not None and _current(entry, generation, now):
        return CachedToken(key_hash, entry)
    if generation is None:
        cache.add(_generation_key(key_hash), _new_generation(), GENERATION_TTL)
        generation = cache.get(_generation_key(key_hash))
    return generation


def _current(entry: dict[str, Any], generation: str | None, now: datetime) -> bool:
    return (
        generation is not None and entry["generation"] == generation and entry["expires_at"] > now
    )


def store(key_hash: str, generation: str, token: ApiToken, user: User) -> None:
    """Keep what the database said, under the generation read *before* it was asked."""
    roles: dict[int, list[str]] = {}
    for org_id, role in Membership.objects.filter(user_id=user.pk).values_list(
        "organisation_id", "role"
    ):
        roles.setdefault(org_id, []).append(role)
    user._opendps_roles = {org_id: set(held) for org_id, held in roles.items()}  # type: ignore[attr-defined]
    entry = {
        "generation": generation,
        "token_id": token.pk,
        "expires_at": token.expires_at,
        "last_used_at": token.last_used_at,
        "user": {f: getattr(user, f) for f in USER_FIELDS},
        "roles": roles,
    }
    cache.set(_entry_key(key_hash), entry, TTL)


def _renew(key_hashes: Iterable[str]) -> None:
    hashes = list(key_hashes)
    if hashes:
        cache.set_many({_generation_key(h): _new_generation() for h in hashes}, GENERATION_TTL)


def _forget(key_hashes: list[str]) -> None:
    """Now, and again once the change is committed (see the module's docstring)."""
    _renew(key_hashes)
    transaction.on_commit(lambda: _renew(key_hashes))


def forget_token(key_hash: str) -> None:
    """One token's entry stops counting (it was revoked)."""
    _forget([key_hash])


def forget_person(user_id: int | None) -> None:
    """Every entry of the person's tokens stops counting: their roles or their tokens
    changed. Expired tokens are refused on a hit anyway, so only the others are read."""
    if user_id is None:
        return
    from opendps.core import clock

    hashes = list(
        ApiToken.objects.filter(user_id=user_id, expires_at__gt=clock.now()).values_list(
            "key_hash", flat=True
        )
    )
    _forget(hashes)


def _person_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return  # signing in to the pages changes nothing a token can do
    forget_person(instance.pk if isinstance(instance, User) else instance.user_id)


def connect() -> None:
    """Also forget on any save of a person or a membership, the services' or anyone's
    (a shell, a data migration, test fixtures): ``AccountsConfig.ready`` connects it."""
    from django.db.models.signals import post_delete, post_save

    post_save.connect(_person_changed, sender=User, dispatch_uid="token_cache_user")
    post_save.connect(_person_changed, sender=Membership, dispatch_uid="token_cache_member")
    post_delete.connect(_person_changed, sender=Membership, dispatch_uid="token_cache_member")
