"""What a node needs to serve requests, checked the way a request would use it."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection

PROBE = "readiness/probe"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    key = f"readiness:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache did not return what was just stored")
    cache.delete(key)


def _storage() -> None:
    # A read, never a write: a load balancer asks every node twice a second, and on S3 this
    # is one HEAD request (an unreachable store or refused credentials raise).
    default_storage.exists(PROBE)


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "cache": _cache,
    "storage": _storage,
}


def readiness() -> dict[str, str]:
    """Each part's state: "ok", or the error's kind (never its message: it may name hosts)."""
    states = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:
            states[name] = f"failed: {type(error).__name__}"
        else:
            states[name] = "ok"
    return states
