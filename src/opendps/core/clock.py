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


def utc_text(moment: datetime) -> str:
    """``moment`` as the platform writes it everywhere: UTC, ISO 8601, to the millisecond,
    with ``Z`` (``2027-07-01T08:00:00.000Z``).

    One fixed-width form, whatever zone the datetime carries: the legal calendar hands out
    London times (``+01:00`` in summer), the database UTC ones. Naive datetimes are refused:
    they would be read in the server's zone.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"A naive datetime has no place in OpenDPS: {moment!r}")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").removesuffix("+00:00") + "Z"


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Run the block as if it were ``moment`` (demo and benchmark history only)."""
    token = _fixed.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _fixed.reset(token)
