"""The one clock. Everything that asks "what time is it?" asks here.

Tests move it with time-machine. Loaders of demo and benchmark data, which must create
history (an application received six weeks ago), set it with ``clock.at``; nothing on a
request path does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from django.utils import timezone

_fixed: ContextVar[datetime | None] = ContextVar("opendps_clock_fixed", default=None)


def now() -> datetime:
    """The server's current time, timezone-aware (UTC)."""
    return _fixed.get() or timezone.now()


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Run the block as if it were ``moment`` (demo and benchmark history only)."""
    token = _fixed.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _fixed.reset(token)
