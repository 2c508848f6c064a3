"""Background jobs: extend deadlines that an incident put at risk."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def incident_extensions() -> int:
    """Every minute: open calls whose last hours were degraded get their extension."""
    from opendps.availability.services import deadlines_extend_for_incidents

    return deadlines_extend_for_incidents()
