"""The admission clock: queue place, and the median time to admit over the last 90 days."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from opendps.core.calendar import LONDON
from opendps.membership import services
from opendps.membership.admission_clock import admission_median, duration_text, queue_place
from opendps.testing.factories import admit, apply, make_market
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db

T0 = datetime(2027, 3, 1, 9, tzinfo=LONDON)


@pytest.fixture
def market(people):
    with time_machine.travel(T0 - timedelta(days=1), tick=False):
        return make_market(
            people, regime="pa2023_dynamic_market", categories=("Home care", "Day care", "Respite")
        )


def test_the_median_counts_admissions_of_the_last_90_days_only(people, market):
    home, day, respite = market.categories.order_by("pk")
    with time_machine.travel(T0, tick=False):
        first, second = apply(people, market, categories=[home, day])
        rejected = apply(
            people,
            market,
            supplier=people.supplier_b,
            actor=people.supplier_b_admin,
            categories=[respite],
        )[0]
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        admit(people, first)
    with time_machine.travel(T0 + timedelta(days=4), tick=False):
        admit(people, second)
    with time_machine.travel(T0 + timedelta(days=9), tick=False):
        services.application_decide(
            actor=people.evaluator,
            application=rejected,
            outcome="rejected",
            reasons={rejected.questionnaire.questions[0]["id"]: "Not shown."},
        )
    # Admitted after 2 and 4 days: the median is 3 days; a rejection does not count.
    assert admission_median(market.pk, T0 + timedelta(days=10)) == timedelta(days=3)
    # 90 days after the second admission only it counts; after that, none.
    assert admission_median(market.pk, T0 + timedelta(days=93)) == timedelta(days=4)
    assert admission_median(market.pk, T0 + timedelta(days=95)) is None
    with time_machine.travel(T0 + timedelta(days=10), tick=False):
        page = client_for(None).get(f"/markets/{market.pk}").content.decode()
    assert "Median time to admit" in page and "3 days, over the last 90 days" in page


def test_the_queue_place_follows_the_evaluator_queue(people, market):
    """Most urgent first: by due date, then arrival; decided applications leave it."""
    home, day, _respite = market.categories.order_by("pk")
    with time_machine.travel(T0, tick=False):
        first = apply(people, market, categories=[home])[0]
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        second = apply(
            people,
            market,
            supplier=people.supplier_b,
            actor=people.supplier_b_admin,
            categories=[home],
        )[0]
        third = apply(people, market, categories=[day])[0]
    assert [queue_place(a) for a in (first, second, third)] == [1, 2, 3]
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        admit(people, first)
        first.refresh_from_db()
        assert queue_place(first) is None
        assert queue_place(second) == 1
        page = client_for(people.supplier_a_admin).get(f"/applications/{third.pk}").content
    text = page.decode()
    assert "Place in the evaluator&#39;s queue" in text or "Place in the evaluator's queue" in text
    assert "Decision due by" in text


def test_durations_read_as_hours_then_days():
    assert duration_text(None) == ""
    assert duration_text(timedelta(hours=5)) == "5 hours"
    assert duration_text(timedelta(minutes=10)) == "1 hour"
    assert duration_text(timedelta(days=3, hours=12)) == "3.5 days"
