"""``Idempotency-Key`` on state-changing API calls: a repeated key gets the first answer.

A supplier whose connection dropped as it sent a tender at 11:59 cannot know whether the
tender arrived; sending it again with the same key returns the first receipt rather than
making a second submission. Keys are scoped to the caller's bearer token (requests without
one are not replayed: their callers cannot be told apart) and kept for a day. Answers of
500 or more are not kept, so a retry after a server error runs again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from opendps.core import clock
from opendps.core.models import IdempotentRequest

HEADER = "Idempotency-Key"
KEPT_FOR = timedelta(hours=24)
# A claim still "in progress" after this long belongs to a node that died mid-request (no
# request lives longer: gunicorn's worker timeout is 30 s): the key may be claimed again.
ABANDONED_AFTER = timedelta(seconds=60)
MAX_KEY = 255
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _digest(*parts: bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(hashlib.sha256(part).digest())
    return hasher.hexdigest()


def _error(status: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        authorization = request.headers.get("Authorization", "")
        if (
            key is None
            or request.method not in UNSAFE_METHODS
            or not request.path.startswith("/api/")
            or not authorization
        ):
            return self.get_response(request)
        key = key.strip()
        if not key or len(key) > MAX_KEY or not key.isprintable():
            return _error(
                400,
                _("The Idempotency-Key header must be 1 to 255 printable characters."),
                "idempotency_key_invalid",
            )
        caller = _digest(authorization.encode())
        fingerprint = _digest((request.method or "").encode(), request.path.encode(), request.body)
        claimed = _claim(caller, key, fingerprint)
        if isinstance(claimed, HttpResponse):
            return claimed
        response = self.get_response(request)
        _remember(claimed, response)
        return response


def _body_of(request: HttpRequest) -> bytes:
    """What identifies the request's content. A multipart upload (a tender's documents) is
    not read here, where reading it whole would refuse a large one: its type and length
    stand for it, and a key is the client's promise that the request is the same."""
    if request.content_type == "multipart/form-data":
        return f"{request.content_type}:{request.headers.get('Content-Length', '')}".encode()
    return request.body


def _claim(caller: str, key: str, fingerprint: str) -> IdempotentRequest | HttpResponse:
    """Claim the key for this request, or answer from (or about) the request that did."""
    now = clock.now()
    IdempotentRequest.objects.filter(caller=caller, key=key, created_at__lt=now - KEPT_FOR).delete()
    try:
        with transaction.atomic():
            return IdempotentRequest.objects.create(
                caller=caller, key=key, fingerprint=fingerprint, created_at=now
            )
    except IntegrityError:
        first = IdempotentRequest.objects.filter(caller=caller, key=key).first()
    if first is None:  # expired and removed between the two statements: try once more
        return _claim(caller, key, fingerprint)
    if first.fingerprint != fingerprint:
        return _error(
            422,
            _("This Idempotency-Key was already used for a different request."),
            "idempotency_key_reused",
        )
    if first.status is None and first.created_at < now - ABANDONED_AFTER:
        IdempotentRequest.objects.filter(pk=first.pk, status__isnull=True).delete()
        return _claim(caller, key, fingerprint)
    if first.status is None:
        return _error(
            409,
            _("A request with this Idempotency-Key is still being handled: try again shortly."),
            "request_in_progress",
        )
    replay = HttpResponse(bytes(first.body), status=first.status, content_type=first.content_type)
    replay["Idempotent-Replayed"] = "true"
    return replay


def _remember(claimed: IdempotentRequest, response: HttpResponse) -> None:
    if response.status_code >= 500 or getattr(response, "streaming", False):
        IdempotentRequest.objects.filter(pk=claimed.pk).delete()
        return
    IdempotentRequest.objects.filter(pk=claimed.pk).update(
        status=response.status_code,
        content_type=response.get("Content-Type", ""),
        body=response.content,
    )
