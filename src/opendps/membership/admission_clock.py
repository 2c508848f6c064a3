"""The admission clock a supplier can trust: the legal due date (on the application), its
place in the evaluator's queue, and how long admission has recently taken in the market.

Reads only; the median is public (the market's page), the queue place is the applicant's.
"""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opendps.core import clock
from opendps.membership.models import Application, Outcome

MEDIAN_WINDOW = timedelta(days=90)


def admission_median(market_id: int, now: datetime | None = None) -> timedelta | None:
    """The median time from application to admission, over admissions decided in the last
    90 days; None when there were none."""
    now = now or clock.now()
    # decided_at is set on every row: the filter asks for it.
    spans: list[timedelta] = [
        decided - submitted  # type: ignore[operator]
        for submitted, decided in Application.objects.filter(
            market_id=market_id,
            outcome=Outcome.ADMITTED,
            decided_at__gt=now - MEDIAN_WINDOW,
            decided_at__lte=now,
        ).values_list("submitted_at", "decided_at")
    ]
    if not spans:
        return None
    return timedelta(seconds=statistics.median(s.total_seconds() for s in spans))


def queue_place(application: Application) -> int | None:
    """The application's place in its authority's evaluator queue (most urgent first: due
    date, then arrival, as ``selectors.application_queue_for_evaluator`` orders it); None
    once it is decided or withdrawn."""
    if application.decided_at is not None or application.withdrawn_at is not None:
        return None
    ahead = Application.objects.filter(
        Q(assessment_due_at__lt=application.assessment_due_at)
        | Q(
            assessment_due_at=application.assessment_due_at,
            submitted_at__lt=application.submitted_at,
        )
        | Q(
            assessment_due_at=application.assessment_due_at,
            submitted_at=application.submitted_at,
            pk__lt=application.pk,
        ),
        market__authority_id=application.market.authority_id,
        decided_at__isnull=True,
        withdrawn_at__isnull=True,
    ).count()
    return ahead + 1


def duration_text(span: timedelta | None) -> str:
    """ "3.5 days", or hours under two days; "" for none."""
    if span is None:
        return ""
    hours = span.total_seconds() / 3600
    if hours < 48:
        count = max(1, round(hours))
        return ngettext("%(count)s hour", "%(count)s hours", count) % {"count": count}
    days = round(hours / 24, 1)
    text = f"{days:g}"
    return _("%(days)s days") % {"days": text}
