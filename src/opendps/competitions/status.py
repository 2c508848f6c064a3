"""A call's status, derived from its timestamps and the clock (never stored)."""

from __future__ import annotations

import operator
from datetime import datetime
from functools import reduce

from django.db import models
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from opendps.competitions.models import Award, Call
from opendps.core import clock


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for tenders")
    CLOSED = "closed", _("Closed: awaiting opening")
    EVALUATION = "evaluation", _("Being evaluated")
    STANDSTILL = "standstill", _("Awarded: standstill")
    AWARDED = "awarded", _("Awarded")
    CANCELLED = "cancelled", _("Cancelled")
    NO_COMPLIANT = "no_compliant", _("Closed: no compliant tender")


def call_status(call: Call, now: datetime | None = None) -> CallStatus:
    now = now or clock.now()
    if call.cancelled_at is not None:
        return CallStatus.CANCELLED
    if call.no_compliant_at is not None:
        return CallStatus.NO_COMPLIANT
    if call.published_at is None:
        return CallStatus.DRAFT
    if now < call.deadline:
        return CallStatus.OPEN
    if call.opened_at is None:
        return CallStatus.CLOSED
    award = getattr(call, "award", None) if _award_loaded_or_exists(call) else None
    if award is None:
        return CallStatus.EVALUATION
    if award.standstill_ends_at is not None and now <= award.standstill_ends_at:
        return CallStatus.STANDSTILL
    return CallStatus.AWARDED


def _award_loaded_or_exists(call: Call) -> bool:
    try:
        call.award  # noqa: B018 - a reverse one-to-one raises when missing
    except Award.DoesNotExist:
        return False
    return True


def _rules(now: datetime) -> list[tuple[CallStatus, Q]]:
    """``call_status`` as an ordered list: the first rule that holds names the status.

    The award conditions read the one-to-one join (one LEFT JOIN on the award's unique
    ``call_id``), not an EXISTS per call: the EXISTS became a scan of every award
    (BENCHMARKS.md H2)."""
    return [
        (CallStatus.CANCELLED, Q(cancelled_at__isnull=False)),
        (CallStatus.NO_COMPLIANT, Q(no_compliant_at__isnull=False)),
        (CallStatus.DRAFT, Q(published_at__isnull=True)),
        (CallStatus.OPEN, Q(deadline__gt=now)),
        (CallStatus.CLOSED, Q(opened_at__isnull=True)),
        (CallStatus.EVALUATION, Q(award__isnull=True)),
        (CallStatus.STANDSTILL, Q(award__standstill_ends_at__gte=now)),
        (CallStatus.AWARDED, Q()),
    ]


def status_case(now: datetime | None = None) -> Case:
    """The same rule as ``call_status`` as an SQL expression (a test holds the two equal)."""
    *conditions, (default, _always) = _rules(now or clock.now())
    return Case(
        *(When(rule, then=Value(status.value)) for status, rule in conditions),
        default=Value(default.value),
    )


def with_status(queryset: QuerySet[Call], now: datetime | None = None) -> QuerySet[Call]:
    return queryset.annotate(status=status_case(now))


def status_q(*statuses: CallStatus, now: datetime | None = None) -> Q:
    """Calls in any of ``statuses``, as a condition on the raw columns.

    Unlike filtering on the ``with_status`` annotation, the database can use the
    timestamp columns' indexes and stops evaluating the CASE for every row."""
    matched: list[Q] = []
    earlier_failed = Q()
    for status, rule in _rules(now or clock.now()):
        if status in statuses:
            matched.append(earlier_failed & rule)
        earlier_failed &= ~rule
    return reduce(operator.or_, matched, Q(pk__in=[]))
