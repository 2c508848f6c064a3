"""What the front door shows anyone: counts the open data already publishes."""

from __future__ import annotations

from typing import Any

from opendps.competitions.models import Call
from opendps.competitions.status import CallStatus, status_q
from opendps.core import clock
from opendps.markets.models import Market
from opendps.markets.status import open_markets_q


def front_door_counts() -> dict[str, Any]:
    """Markets open to join and calls open for tenders: two COUNTs, whatever the data size."""
    now = clock.now()
    return {
        "open_markets": Market.objects.filter(open_markets_q(now)).count(),
        "open_calls": Call.objects.filter(status_q(CallStatus.OPEN, now=now)).count(),
    }
