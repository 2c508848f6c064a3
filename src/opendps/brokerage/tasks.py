"""Background jobs: placement offers whose acceptance window closed unanswered."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from opendps.brokerage.services import placements_lapse_due


@db_periodic_task(crontab(minute="*"))
def placements_lapse() -> int:
    """Every minute: an unanswered offer lapses and the next-ranked provider is offered."""
    return placements_lapse_due()
