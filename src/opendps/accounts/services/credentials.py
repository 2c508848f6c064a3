"""Credentials: API tokens (create, revoke, authenticate), passwords (reset, change) and
signing in. A new password ends every API token of its person.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opendps.accounts import token_cache
from opendps.accounts.models import (
    ApiToken,
    User,
)
from opendps.accounts.tokens import new_api_token, secret_hash
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import (
    Conflict,
    NotFound,
    RuleViolation,
    full_clean_or_refuse,
)
from opendps.core.events import AuditEventType

# A stolen token is useful for as long as it lives: a year at most, 90 days unless the
# person chooses otherwise (the tokens page offers 30, 90 and 365).
TOKEN_LIFETIME_DAYS_DEFAULT = 90
TOKEN_LIFETIME_DAYS_MAX = 365
# ``last_used_at`` is written at most this often per token, not on every request.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)
TOKEN_NAME_TAKEN = _("You already have an active token with this name.")
TOKEN_ALREADY_REVOKED = _("This token has already been revoked.")
TOKEN_LIFETIME_OUT_OF_RANGE = _("An API token must last between 1 and 365 days.")
CURRENT_PASSWORD_WRONG = _("Your current password is not right")


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise RuleViolation(" ".join(error.messages), code="weak_password") from error


@transaction.atomic(durable=True)
def api_token_create(
    *, actor: User, name: str, days: int = TOKEN_LIFETIME_DAYS_DEFAULT
) -> tuple[ApiToken, str]:
    """Create a personal API token that lasts ``days``; the secret is returned once and
    never stored."""
    if not 1 <= days <= TOKEN_LIFETIME_DAYS_MAX:
        raise RuleViolation(TOKEN_LIFETIME_OUT_OF_RANGE, code="token_lifetime")
    name = name.strip()
    if ApiToken.objects.filter(user=actor, name=name, revoked_at=None).exists():
        raise Conflict(TOKEN_NAME_TAKEN, code="token_name_taken")
    secret, prefix, key_hash = new_api_token()
    now = clock.now()
    token = ApiToken(
        user=actor,
        name=name,
        prefix=prefix,
        key_hash=key_hash,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    full_clean_or_refuse(token)
    token.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.API_TOKEN_CREATED,
        subject=token,
        data={"name": name, "prefix": prefix, "days": days},
    )
    return token, secret


def _api_tokens_revoke_all(user: User) -> int:
    """Revoke every live token of ``user`` (inside the caller's transaction and audit
    event, which records the count); return how many."""
    revoked = ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=clock.now())
    token_cache.forget_person(user.pk)
    return revoked


@transaction.atomic(durable=True)
def api_token_revoke(*, actor: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
    if token is None:
        raise NotFound(_("Token not found."))
    if token.revoked_at is not None:
        raise Conflict(TOKEN_ALREADY_REVOKED)
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    token_cache.forget_token(token.key_hash)
    audit_record(
        actor=actor,
        event_type=AuditEventType.API_TOKEN_REVOKED,
        subject=token,
        data={"name": token.name, "prefix": token.prefix},
    )
    return token


def api_token_authenticate(
    secret: str, prefetched: dict[str, dict[str, Any]] | None = None
) -> User | None:
    """The active user behind a live (unrevoked, unexpired) bearer token, or None.

    Not audited: it changes nothing but ``last_used_at``, which is written at most once a
    minute per token (``TOKEN_TOUCH_INTERVAL``) so that an API client does not cost a
    write per request. The answer, with the person's roles, is reused for a few seconds
    (``token_cache``): every change that could narrow it makes it stale at once.
    ``prefetched``: what this request already read of the token's cache keys, by key hash
    (``token_cache.keys``)."""
    now = clock.now()
    key_hash = secret_hash(secret)
    found = prefetched.get(key_hash) if prefetched else None
    cached = token_cache.lookup(key_hash, now, found)
    if isinstance(cached, token_cache.CachedToken):
        if _due_for_touch(cached.last_used_at, now):
            ApiToken.objects.filter(pk=cached.token_id).update(last_used_at=now)
            cached.touched(now)
        return cached.user()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=key_hash, revoked_at=None, expires_at__gt=now, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if _due_for_touch(token.last_used_at, now):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    if cached is not None:  # the generation read before the query above
        token_cache.store(key_hash, cached, token, token.user)
    return token.user


def _due_for_touch(last_used_at: datetime | None, now: datetime) -> bool:
    return last_used_at is None or now - last_used_at >= TOKEN_TOUCH_INTERVAL


@transaction.atomic(durable=True)
def password_reset_complete(*, user: User, password: str) -> User:
    """Set a new password and revoke every API token: whoever had the old password may
    have made one (``password_change`` does the same)."""
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    revoked = _api_tokens_revoke_all(user)
    audit_record(
        actor=user,
        event_type=AuditEventType.PASSWORD_RESET_COMPLETED,
        subject=user,
        data={"email": user.email, "tokens_revoked": revoked},
    )
    return user


@transaction.atomic(durable=True)
def password_change(*, actor: User, current_password: str, new_password: str) -> User:
    """A signed-in person changes their password, knowing the current one. Every API token
    goes, as after a reset, and so does every other session: the session hash follows the
    password, so the page keeps only its own session (``update_session_auth_hash``)."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    if not user.check_password(current_password):
        raise RuleViolation(CURRENT_PASSWORD_WRONG, code="current_password_wrong")
    _check_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    revoked = _api_tokens_revoke_all(user)
    audit_record(
        actor=user,
        event_type=AuditEventType.PASSWORD_CHANGED,
        subject=user,
        data={"email": user.email, "tokens_revoked": revoked},
    )
    return user


@transaction.atomic(durable=True)
def sign_in_record(*, user: User, locked_out: bool = False) -> None:
    audit_record(
        actor=user,
        event_type=AuditEventType.SIGN_IN_LOCKED_OUT if locked_out else AuditEventType.SIGNED_IN,
        subject=user,
        data={"email": user.email},
    )
