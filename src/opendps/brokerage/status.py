"""A placement's status, derived from its timestamps and the one clock.

An offer whose answer window has closed is "lapsed" from that moment, even before the
lapse job has recorded it: a provider can no longer accept it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opendps.brokerage.models import Placement


class PlacementStatus(StrEnum):
    WAITING = "waiting"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LAPSED = "lapsed"


LABELS = {
    PlacementStatus.WAITING: _("Waiting for an answer"),
    PlacementStatus.ACCEPTED: _("Accepted"),
    PlacementStatus.DECLINED: _("Declined"),
    PlacementStatus.LAPSED: _("Not answered in time"),
}

_UNANSWERED = Q(accepted_at__isnull=True, declined_at__isnull=True, lapsed_at__isnull=True)


def placement_status(placement: Placement, now: datetime) -> PlacementStatus:
    if placement.accepted_at is not None:
        return PlacementStatus.ACCEPTED
    if placement.declined_at is not None:
        return PlacementStatus.DECLINED
    if placement.lapsed_at is not None or now >= placement.respond_by:
        return PlacementStatus.LAPSED
    return PlacementStatus.WAITING


def placement_status_q(status: PlacementStatus, now: datetime) -> Q:
    """The same rule as ``placement_status``, for a filter in SQL."""
    return {
        PlacementStatus.ACCEPTED: Q(accepted_at__isnull=False),
        PlacementStatus.DECLINED: Q(declined_at__isnull=False),
        PlacementStatus.LAPSED: Q(lapsed_at__isnull=False) | (_UNANSWERED & Q(respond_by__lte=now)),
        PlacementStatus.WAITING: _UNANSWERED & Q(respond_by__gt=now),
    }[status]
