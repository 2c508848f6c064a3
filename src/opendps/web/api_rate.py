"""Rate limits on the API: per bearer token and per client address, in Django's cache.

Every request under /api/ counts once against its client address and, when it carries a
bearer token, once against that token (the token's hash: no database read). Over either
limit the answer is 429 ``{"detail", "code": "too_many_requests"}`` with ``Retry-After``
(seconds until the window ends); the refused request is not run. Counts live in the default
cache, so with Redis configured (``OPENDPS_REDIS_URL``) every web node shares them; with the
per-process cache each worker counts on its own.

Settings (environment variables of the same names):

- ``OPENDPS_API_RATE_LIMIT``: per token, ``N/second|minute|hour|day`` (default
  ``120/minute``); ``0`` or ``off`` turns it off.
- ``OPENDPS_API_ADDRESS_RATE_LIMIT``: per client address, the same form (default
  ``600/minute``: several integrators may share one address behind a gateway).
- ``OPENDPS_API_CLIENT_ADDRESS_HEADER``: behind a trusted proxy, the header carrying the
  client's address (e.g. ``X-Forwarded-For``; its last entry, the one the proxy added);
  unset, the connection's address is used.

Fixed windows: a window starts on a multiple of its length, so a client may send up to twice
the limit around a window's edge, never more.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from opendps.accounts import token_cache
from opendps.accounts.tokens import secret_hash

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
RATE = re.compile(r"^(\d+)\s*/\s*(second|minute|hour|day)$")
OFF = frozenset({"", "0", "off", "none", "false", "no"})
PREFIX = "/api/"


@dataclass(frozen=True)
class Rate:
    requests: int
    seconds: int


@lru_cache(maxsize=16)
def parse_rate(text: str) -> Rate | None:
    """``"120/minute"`` → Rate(120, 60); ``"0"``, ``"off"`` or ``""`` → None (no limit)."""
    value = text.strip().lower()
    if value in OFF:
        return None
    match = RATE.match(value)
    if match is None:
        raise ImproperlyConfigured(
            f"An API rate limit is N/second, N/minute, N/hour, N/day or off, not {text!r}."
        )
    requests = int(match[1])
    return Rate(requests, PERIODS[match[2]]) if requests else None


def _address(request: HttpRequest) -> str:
    header = settings.OPENDPS_API_CLIENT_ADDRESS_HEADER
    if header:
        forwarded = request.headers.get(header, "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def _token(request: HttpRequest) -> str | None:
    """The bearer token's hash (as stored: ``accounts.tokens.secret_hash``), if one is sent."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return secret_hash(token.strip())


def _window(kind: str, who: str, rate: Rate, now: float) -> tuple[str, int]:
    """The key counting ``who`` in the current window of ``rate``, and the window's end."""
    window = int(now // rate.seconds)
    return f"api-rate:{kind}:{who}:{rate.seconds}:{window}", (window + 1) * rate.seconds


def _count(
    keys: list[tuple[str, int]], also_read: list[str] | None = None
) -> tuple[list[int], dict[str, Any] | None]:
    """Count one request under each (key, seconds to keep it): the counts after it, and
    (with Redis) the values of the cache keys ``also_read``, by key (None: not read).

    With Redis every key is counted in one pipelined round trip (SET NX with its expiry,
    then INCR), not three per key through the cache API, and the keys to read ride along:
    the limiter runs on every API request, and its round trips were a third of a one-row
    read (issue 17)."""
    backend = caches["default"]  # the backend itself: ``cache`` is only a proxy to it
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)  # type: ignore[attr-defined]
        pipe = client.pipeline(transaction=False)
        for key, timeout in keys:
            stored = backend.make_and_validate_key(key)
            pipe.set(stored, 0, ex=timeout, nx=True)
            pipe.incr(stored)
        if also_read:
            pipe.mget([backend.make_and_validate_key(key) for key in also_read])
        answers = pipe.execute()
        counts = [int(count) for count in answers[1 : 2 * len(keys) : 2]]
        if not also_read:
            return counts, None
        loads = backend._cache._serializer.loads  # type: ignore[attr-defined]
        read = {
            key: loads(value)
            for key, value in zip(also_read, answers[-1], strict=True)
            if value is not None
        }
        return counts, read
    counts = []
    for key, timeout in keys:
        cache.add(key, 0, timeout=timeout)
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=timeout)
            counts.append(1)
    return counts, None


def too_many(seconds: int) -> JsonResponse:
    response = JsonResponse(
        {
            "detail": _("Too many requests: try again in %(seconds)s seconds.")
            % {"seconds": seconds},
            "code": "too_many_requests",
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


class ApiRateLimitMiddleware:
    """Refuses API requests over the per-token or per-address limit with 429."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # A mistyped limit stops the server starting rather than silently not limiting.
        parse_rate(settings.OPENDPS_API_RATE_LIMIT)
        parse_rate(settings.OPENDPS_API_ADDRESS_RATE_LIMIT)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(PREFIX):
            wait = self._wait(request)
            if wait is not None:
                return too_many(wait)
        return self.get_response(request)

    def _wait(self, request: HttpRequest) -> int | None:
        now = time.time()
        limits: list[tuple[Rate, str, int]] = []  # (rate, key, end of its window)
        per_address = parse_rate(settings.OPENDPS_API_ADDRESS_RATE_LIMIT)
        if per_address is not None:
            limits.append((per_address, *_window("address", _address(request), per_address, now)))
        per_token = parse_rate(settings.OPENDPS_API_RATE_LIMIT)
        token = _token(request)
        if per_token is not None and token is not None:
            limits.append((per_token, *_window("token", token[:32], per_token, now)))
        # The token's cache entry, read in the same round trip for authentication.
        prefetch = token_cache.keys(token) if token and token_cache.enabled() else None
        counts, read = _count([(key, rate.seconds + 1) for rate, key, _end in limits], prefetch)
        if token is not None and read is not None:
            request.token_cache_prefetch = {token: read}  # type: ignore[attr-defined]
        waits = [
            max(1, math.ceil(end - now))
            for (rate, _key, end), count in zip(limits, counts, strict=True)
            if count > rate.requests
        ]
        return max(waits) if waits else None
