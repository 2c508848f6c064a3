"""A call's status, derived from its timestamps and the clock (never stored)."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
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


def with_status(queryset: QuerySet[Call], now: datetime | None = None) -> QuerySet[Call]:
    """The same rule as ``call_status`` as an annotation (a test holds the two equal)."""
    now = now or clock.now()
    award = Award.objects.filter(call=OuterRef("pk"))
    in_standstill = award.filter(standstill_ends_at__gte=now)
    return queryset.annotate(
        status=Case(
            When(cancelled_at__isnull=False, then=Value(CallStatus.CANCELLED.value)),
            When(no_compliant_at__isnull=False, then=Value(CallStatus.NO_COMPLIANT.value)),
            When(published_at__isnull=True, then=Value(CallStatus.DRAFT.value)),
            When(deadline__gt=now, then=Value(CallStatus.OPEN.value)),
            When(opened_at__isnull=True, then=Value(CallStatus.CLOSED.value)),
            When(~Q(Exists(award)), then=Value(CallStatus.EVALUATION.value)),
            When(Exists(in_standstill), then=Value(CallStatus.STANDSTILL.value)),
            default=Value(CallStatus.AWARDED.value),
        )
    )
