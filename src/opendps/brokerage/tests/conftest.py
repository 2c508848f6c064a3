"""Set-up shared by the brokerage tests: a rapid call for one service user, awarded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine

from opendps.competitions import services
from opendps.competitions.models import TenderSubmission
from opendps.core import clock
from opendps.core.calendar import LONDON
from opendps.testing.factories import make_call, market_with_both_suppliers, tender


@pytest.fixture
def fixed_day() -> Iterator[None]:
    """Monday 1 March 2027, 09:00 in London, the clock running."""
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=LONDON), tick=True):
        yield


def rapid_call(people: Any, market: Any, **fields: Any) -> Any:
    return make_call(
        people,
        market,
        deadline=fields.pop("deadline", clock.now() + timedelta(hours=3)),
        rapid=True,
        title=fields.pop("title", "Home care, 14 hours a week, Northgate"),
        service_user_needs="Help with washing and meals, mornings.",
        **fields,
    )


def award_rapid(people: Any, call: Any, quality: dict[Any, int]) -> Any:
    """Open after the deadline, score, moderate and award; the clock stays after the
    deadline for the rest of the test (the caller's travel ends it)."""
    services.call_open(actor=people.buyer, call=call)
    scores = {
        str(TenderSubmission.objects.get(call=call, supplier=s, superseded_at=None).pk): {
            "quality": {"score": q, "reason": f"{s.name} scored {q}"}
        }
        for s, q in quality.items()
    }
    services.conflict_declare(actor=people.evaluator, call=call, has_conflict=False)
    services.scoresheet_save(actor=people.evaluator, call=call, scores=scores, submit=True)
    services.moderation_record(actor=people.commissioner, call=call, scores=scores)
    return services.award_decide(actor=people.buyer, call=call)


@pytest.fixture
def awarded(people: Any, fixed_day: None) -> Iterator[Any]:
    """Alpha (quality 4, £4000) ranks first, Beta (quality 2, £5000) second; the provider
    has 2 hours to accept. Yields the call, the clock just after its award."""
    market = market_with_both_suppliers(people)
    call = rapid_call(people, market, acceptance_hours=2)
    tender(people, call, price="4000")
    tender(people, call, supplier=people.supplier_b, price="5000")
    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=True):
        award_rapid(people, call, {people.supplier_a: 4, people.supplier_b: 2})
        yield call
