"""What a node needs to serve requests, checked the way a request would use it."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

PROBE_DIR = "readiness"


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
    name = default_storage.save(f"{PROBE_DIR}/{uuid.uuid4().hex}.probe", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as stored:
            if stored.read() != b"ok":
                raise RuntimeError("storage did not return what was just stored")
    finally:
        default_storage.delete(name)


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
