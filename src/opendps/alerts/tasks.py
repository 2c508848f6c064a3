"""Alert jobs: one per published call (immediate alerts), and the daily digest."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from opendps.alerts import services


@db_task(retries=3, retry_delay=60)
def alerts_send_for_call(call_id: int) -> int:
    return services.alerts_send_for_call(call_id)


@db_periodic_task(crontab(hour="7", minute="0"))
def alerts_send_daily() -> int:
    """Every morning at 07:00 (the worker's clock, UTC)."""
    return services.alerts_send_daily()
