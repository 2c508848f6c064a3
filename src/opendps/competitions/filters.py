"""Filters of the API's call list (``GET /api/v1/competitions?status=open&deadline_after=…``).

Every filter is a condition on the calls' own columns, applied in SQL: a status is the
timestamp rule of ``status.status_q`` (never computed per row in Python). Ranges are
half-open: ``…_after`` is "at or after", ``…_before`` "strictly before". A value that is
not one of the statuses, or not a date and time with a zone, is a 422.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from ninja import Field, Schema

from opendps.competitions.models import Call
from opendps.competitions.status import CallStatus, status_q
from opendps.markets.schemas import Moment

STATUSES = ", ".join(status.value for status in CallStatus)


class CallFilter(Schema):
    status: CallStatus | None = Field(None, description=f"Only calls in this status: {STATUSES}.")
    deadline_after: Moment | None = Field(
        None, description="Only calls whose deadline for tenders is at or after this moment."
    )
    deadline_before: Moment | None = Field(
        None, description="Only calls whose deadline for tenders is before this moment."
    )
    published_after: Moment | None = Field(
        None, description="Only calls published at or after this moment (drafts never)."
    )
    published_before: Moment | None = Field(
        None, description="Only calls published before this moment (drafts never)."
    )
    created_after: Moment | None = Field(
        None, description="Only calls drafted at or after this moment."
    )
    created_before: Moment | None = Field(
        None, description="Only calls drafted before this moment."
    )

    def moments(self) -> dict[str, datetime]:
        """The ranges given, by name (``deadline_after``…)."""
        return {name: value for name in RANGES if (value := getattr(self, name)) is not None}


# Each range filter and the condition it puts on its column.
RANGES = {
    f"{column.removesuffix('_at')}_{side}": f"{column}__{'gte' if side == 'after' else 'lt'}"
    for column in ("deadline", "published_at", "created_at")
    for side in ("after", "before")
}


def filter_calls(
    calls: QuerySet[Call],
    status: CallStatus | None,
    moments: dict[str, datetime],
    now: datetime | None = None,
) -> QuerySet[Call]:
    """``calls`` in ``status`` (at ``now``) and within the ranges ``moments`` (by name)."""
    condition = Q()
    if status is not None:
        condition &= status_q(status, now=now)
    for name, lookup in RANGES.items():  # in one order, so one shape has one SQL text
        if name in moments:
            condition &= Q(**{lookup: moments[name]})
    return calls.filter(condition) if condition else calls
