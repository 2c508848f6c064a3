"""Membership jobs: reminders before evidence in the locker expires."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from opendps.membership.services.evidence import evidence_reminders_send


@db_periodic_task(crontab(hour="8", minute="0"))
def evidence_reminders_daily() -> int:
    """Every morning at 08:00 (the worker's clock, UTC): 30 and 7 days before expiry."""
    return evidence_reminders_send()
