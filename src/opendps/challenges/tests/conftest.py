"""Set-up shared by the challenge tests: decisions a supplier can challenge, made through
the real services."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine

from opendps.competitions import services as competition_services
from opendps.competitions.models import Award, TenderSubmission
from opendps.core.calendar import LONDON
from opendps.membership import services as membership_services
from opendps.testing.factories import apply, make_call, make_market, member_suppliers, tender

# Tuesday 20 April 2027, 09:00 London: the tenders' deadline; the award follows a minute
# later and its PA 2023 standstill (8 working days beginning with that day; 3 May is a bank
# holiday) ends at the end of Thursday 29 April.
DEADLINE = datetime(2027, 4, 20, 9, tzinfo=LONDON)
STANDSTILL_END = datetime(2027, 4, 29, 23, 59, 59, 999999, tzinfo=LONDON)


def evaluate_and_award(people: Any, call: Any, quality: dict[Any, int]) -> Award:
    """Open, score, moderate and award at one minute past the deadline."""
    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=False):
        competition_services.call_open(actor=people.buyer, call=call)
        competition_services.conflict_declare(actor=people.evaluator, call=call, has_conflict=False)
        live = {
            s.supplier_id: s
            for s in TenderSubmission.objects.filter(
                call=call, superseded_at=None, withdrawn_at=None
            )
        }
        scores = {
            str(live[supplier.pk].pk): {
                key: {"score": score, "reason": f"{supplier.name} scored {score}"}
                for key in ("quality", "social_value")
            }
            for supplier, score in quality.items()
        }
        competition_services.scoresheet_save(
            actor=people.evaluator, call=call, scores=scores, submit=True
        )
        competition_services.moderation_record(actor=people.commissioner, call=call, scores=scores)
        return competition_services.award_decide(actor=people.buyer, call=call)


def awarded_call(people: Any, regime: str = "pa2023_dynamic_market") -> Award:
    """Both suppliers tender; Beta wins and Alpha loses. Under PA 2023 a standstill runs."""
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=LONDON), tick=False):
        market = make_market(
            people,
            regime=regime,
            first_period_ends_at=datetime(2027, 4, 1, 8, tzinfo=LONDON)
            if regime == "pcr2015_dps"
            else None,
        )
    with time_machine.travel(datetime(2027, 4, 2, 9, tzinfo=LONDON), tick=False):
        member_suppliers(
            people,
            market,
            (people.supplier_a, people.supplier_a_admin),
            (people.supplier_b, people.supplier_b_admin),
        )
        call = make_call(people, market, deadline=DEADLINE)
        tender(people, call, price="4000")
        tender(people, call, supplier=people.supplier_b, price="5000")
    return evaluate_and_award(people, call, {people.supplier_a: 2, people.supplier_b: 4})


@pytest.fixture
def award_in_standstill(people: Any) -> Award:
    return awarded_call(people)


@pytest.fixture
def during_standstill() -> Iterator[None]:
    with time_machine.travel(datetime(2027, 4, 22, 10, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def after_standstill() -> Iterator[None]:
    with time_machine.travel(datetime(2027, 4, 30, 10, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def fixed_day() -> Iterator[None]:
    """Monday 1 March 2027, 09:00 London, the clock stopped."""
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def rejected_application(people: Any, fixed_day: None) -> Any:
    market = make_market(people, regime="pa2023_dynamic_market")
    application = apply(people, market)[0]
    return membership_services.application_decide(
        actor=people.evaluator,
        application=application,
        outcome="rejected",
        reasons={application.questionnaire.questions[0]["id"]: "Insurance cover below the level."},
    )


@pytest.fixture
def member(people: Any, fixed_day: None) -> Any:
    market = make_market(people, regime="pa2023_dynamic_market")
    member_suppliers(people, market, (people.supplier_a, people.supplier_a_admin))
    return market.members.get()
