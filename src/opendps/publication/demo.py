"""Demo: the authorities published their older notices on Find a Tender and recorded each
reference, through the real services at the moment they did; the last few weeks' notices
are still due (one of them overdue), so the notices page and the home page show some."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from opendps.competitions import services as competition_services
from opendps.competitions.models import Award
from opendps.contracts import services as contract_services
from opendps.contracts.models import Contract
from opendps.core import clock
from opendps.web.demo import DemoContext, register

SEED = 2026_11_25
STILL_DUE_FOR = timedelta(days=21)  # notices of the last three weeks are not published yet


def _published_at(event_at: datetime, due_at: datetime, rng: random.Random) -> datetime:
    """Some days after the award or contract, never after the deadline."""
    return min(event_at + timedelta(days=rng.randint(1, 12), hours=rng.randint(1, 6)), due_at)


def _reference(moment: datetime, serial: int) -> str:
    return f"{serial:06d}-{moment.year}"  # the shape of a Find a Tender notice identifier


def _record(subject: Any, event_at: datetime, due_at: datetime, serial: int, rng: Any) -> None:
    moment = _published_at(event_at, due_at, rng)
    with clock.at(moment):
        if isinstance(subject, Award):
            competition_services.award_notice_record(
                actor=subject.call.created_by, award=subject, reference=_reference(moment, serial)
            )
        else:
            contract_services.details_notice_record(
                actor=subject.call.created_by,
                contract=subject,
                reference=_reference(moment, serial),
            )


@register(order=50)
def load_notices(context: DemoContext) -> None:
    rng = random.Random(SEED)
    cutoff = clock.now() - STILL_DUE_FOR
    awards = Award.objects.filter(
        award_notice_published_at=None, award_notice_due_at__isnull=False, decided_at__lt=cutoff
    ).select_related("call__created_by")
    contracts = Contract.objects.filter(
        details_notice_published_at=None, details_notice_due_at__isnull=False, entered_at__lt=cutoff
    ).select_related("call__created_by")
    pending: list[tuple[Any, datetime, datetime]] = [
        (a, a.decided_at, a.award_notice_due_at) for a in awards if a.award_notice_due_at
    ] + [(c, c.entered_at, c.details_notice_due_at) for c in contracts if c.details_notice_due_at]
    pending.sort(key=lambda item: item[1])
    # The newest of the old ones stays unrecorded past its deadline: one overdue notice.
    for serial, (subject, event_at, due_at) in enumerate(pending[:-1], start=1):
        _record(subject, event_at, due_at, serial, rng)
