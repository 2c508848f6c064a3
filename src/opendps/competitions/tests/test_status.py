"""A call's status has one rule in three forms: ``call_status`` (Python), ``with_status``
(an SQL annotation) and ``status_q`` (a WHERE condition). These tests hold them equal for
every status, so a list filtered in SQL never disagrees with the tag it shows."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from opendps.competitions import services
from opendps.competitions.models import Call
from opendps.competitions.status import CallStatus, call_status, status_q, with_status
from opendps.competitions.tests.test_services import evaluate_and_award
from opendps.core.calendar import LONDON
from opendps.testing.factories import make_call, make_market, member_suppliers, tender

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime(2027, 4, 1, 9, tzinfo=LONDON)


@pytest.fixture
def calls(people):
    """A PA 2023 market (awards have a standstill) with a call heading for every status."""
    with time_machine.travel(START, tick=False):
        market = make_market(people, regime="pa2023_dynamic_market")
        member_suppliers(people, market, (people.supplier_a, people.supplier_a_admin))
        deadline = datetime(2027, 4, 20, 12, tzinfo=LONDON)
        made = {
            "draft": make_call(people, market, publish=False, title="draft"),
            "cancelled": make_call(people, market, title="cancelled", deadline=deadline),
            "no_compliant": make_call(people, market, title="no_compliant", deadline=deadline),
            "awarded": make_call(people, market, title="awarded", deadline=deadline),
            "evaluation": make_call(people, market, title="evaluation", deadline=deadline),
            "late": make_call(people, market, title="late", deadline=deadline + timedelta(days=30)),
        }
        services.call_cancel(actor=people.buyer, call=made["cancelled"], reason="Budget cut")
        excluded = tender(people, made["no_compliant"])
        for name in ("awarded", "evaluation"):
            tender(people, made[name])
    with time_machine.travel(deadline + timedelta(minutes=1), tick=False):
        services.call_open(actor=people.buyer, call=made["no_compliant"])
        services.tender_exclude(actor=people.buyer, submission=excluded, reason="No DBS check")
        services.call_close_no_compliant(
            actor=people.buyer, call=made["no_compliant"], reason="No compliant tender"
        )
        services.call_open(actor=people.buyer, call=made["evaluation"])
    award = evaluate_and_award(people, made["awarded"], {people.supplier_a: 3})
    assert award.standstill_ends_at is not None
    return made, award


def statuses_three_ways(now: datetime) -> dict[str, set[CallStatus]]:
    """Each call's status by the Python rule, the annotation and the WHERE condition."""
    seen: dict[str, set[CallStatus]] = {}
    annotated = {call.pk: call.status for call in with_status(Call.objects.all(), now)}  # type: ignore[attr-defined]
    for call in Call.objects.select_related("award"):
        by_filter = {s for s in CallStatus if Call.objects.filter(status_q(s, now=now), pk=call.pk)}
        seen[call.title] = {call_status(call, now), CallStatus(annotated[call.pk]), *by_filter}
    return seen


def test_the_python_rule_the_annotation_and_the_filter_agree_on_every_status(calls):
    made, award = calls
    moments = {
        "before the deadline": datetime(2027, 4, 20, 11, 59, 59, tzinfo=LONDON),
        "in the standstill": award.standstill_ends_at - timedelta(seconds=1),
        "at the standstill's last instant": award.standstill_ends_at,
        "after the standstill": award.standstill_ends_at + timedelta(microseconds=1),
        "after the late call's deadline": made["late"].deadline + timedelta(seconds=1),
    }
    observed: set[CallStatus] = set()
    for label, moment in moments.items():
        for title, statuses in statuses_three_ways(moment).items():
            assert len(statuses) == 1, (label, title, statuses)  # one status, three ways
            observed |= statuses
    assert observed == set(CallStatus)  # every status was reached


def test_filtering_by_status_partitions_the_calls(calls):
    made, award = calls
    now = award.standstill_ends_at - timedelta(seconds=1)
    expected = {
        "draft": CallStatus.DRAFT,
        "cancelled": CallStatus.CANCELLED,
        "no_compliant": CallStatus.NO_COMPLIANT,
        "awarded": CallStatus.STANDSTILL,
        "evaluation": CallStatus.EVALUATION,
        "late": CallStatus.OPEN,
    }
    for title, status in expected.items():
        titles = set(Call.objects.filter(status_q(status, now=now)).values_list("title", flat=True))
        assert title in titles
    several = Call.objects.filter(status_q(CallStatus.DRAFT, CallStatus.OPEN, now=now))
    assert set(several.values_list("title", flat=True)) == {"draft", "late"}
    assert not Call.objects.filter(status_q(now=now)).exists()  # no status asked: no call
    assert made["late"].pk in {
        c.pk for c in Call.objects.filter(status_q(CallStatus.OPEN, now=now))
    }
