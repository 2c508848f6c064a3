"""The one clock. Everything that asks "what time is it?" asks here.

Tests move it with time-machine; statuses derived from timestamps read it at read time.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    """The server's current time, timezone-aware (UTC)."""
    return timezone.now()
