"""The platform's availability, minute by minute: counting, and reading it back.

Counting is one UPSERT per request into the minute's row, so every web process adds to the
same figure; reading derives "degraded" minutes from the counts and the authority's policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from opendps.availability.models import AvailabilityMinute
from opendps.core import clock

# An authority without a policy of its own.
DEFAULT_THRESHOLD_PERCENT = 20
DEFAULT_WINDOW_HOURS = 2
DEFAULT_EXTENSION_HOURS = 24
# A minute with fewer submissions than this says too little to count as degraded on its
# share alone (one failed request of one is not an outage); failed health checks always do.
MIN_REQUESTS = 3


def minute_of(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def availability_count(
    *, server_error: bool = False, health_failure: bool = False, request: bool = True
) -> None:
    """Add one answer (and whether it was a 5xx) or one failed health check to this
    minute's row, in its own transaction: counting never joins or breaks the request's."""
    minute = minute_of(clock.now())
    changes = {
        "requests": F("requests") + int(request),
        "server_errors": F("server_errors") + int(server_error),
        "health_failures": F("health_failures") + int(health_failure),
    }
    with transaction.atomic():
        if AvailabilityMinute.objects.filter(minute=minute).update(**changes):
            return
        try:
            with transaction.atomic():
                AvailabilityMinute.objects.create(
                    minute=minute,
                    requests=int(request),
                    server_errors=int(server_error),
                    health_failures=int(health_failure),
                )
        except IntegrityError:
            # Another process made the row in the meantime: add to it.
            AvailabilityMinute.objects.filter(minute=minute).update(**changes)


def degraded_minutes(start: datetime, end: datetime, threshold_percent: int) -> list[datetime]:
    """Minutes in [start, end) that count as degraded: a failed health check, or at least
    MIN_REQUESTS tender submissions of which the share answered with a 5xx reaches the
    threshold (compared in whole numbers: errors × 100 ≥ requests × threshold)."""
    rows = (
        AvailabilityMinute.objects.filter(minute__gte=minute_of(start), minute__lt=end)
        .alias(errors_x100=F("server_errors") * 100, requests_x=F("requests") * threshold_percent)
        .filter(
            Q(health_failures__gt=0)
            | Q(requests__gte=MIN_REQUESTS, server_errors__gt=0, errors_x100__gte=F("requests_x"))
        )
    )
    return list(rows.order_by("minute").values_list("minute", flat=True))


@dataclass(frozen=True)
class Incident:
    started_at: datetime
    ended_at: datetime  # the end of its last degraded minute
    minutes: int
    ongoing: bool


def incidents(
    since: datetime, threshold_percent: int = DEFAULT_THRESHOLD_PERCENT
) -> list[Incident]:
    """Runs of degraded minutes (a gap of up to 5 healthy minutes joins two), newest first."""
    now = clock.now()
    runs: list[list[datetime]] = []
    for minute in degraded_minutes(since, now + timedelta(minutes=1), threshold_percent):
        if runs and minute - runs[-1][-1] <= timedelta(minutes=6):
            runs[-1].append(minute)
        else:
            runs.append([minute])
    return [
        Incident(
            started_at=run[0],
            ended_at=run[-1] + timedelta(minutes=1),
            minutes=len(run),
            ongoing=now - run[-1] < timedelta(minutes=5),
        )
        for run in reversed(runs)
    ]
