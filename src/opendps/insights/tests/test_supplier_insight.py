"""Supplier insight: every figure pinned against the hand-made history in ``scenario``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from opendps.core.errors import NotFound
from opendps.insights.selectors import supplier_insight
from opendps.insights.tests.scenario import build, viewing
from opendps.testing.factories import make_call

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def scenario(people):
    return build(people)


@pytest.fixture
def alpha(people, scenario):
    with viewing():
        return supplier_insight(people.supplier_a_admin, supplier_id=people.supplier_a.pk)


def test_every_call_with_its_points_against_the_winners_and_its_rank(alpha):
    """Newest first, from Alpha's own feedback: bidders, rank, totals, prices."""
    assert [
        (c.title, c.decided_on, c.bidders, c.rank, c.won, c.your_total, c.winner_total, c.gap)
        for c in alpha.calls
    ] == [
        ("Call three", date(2027, 3, 26), 2, 2, False, D("42.50"), D("100.00"), D("57.50")),
        ("Call two", date(2027, 3, 19), 3, 1, True, D("90.50"), D("90.50"), D("0.00")),
        ("Call one", date(2027, 2, 21), 2, 2, False, D("65.00"), D("94.00"), D("29.00")),
    ]
    assert [(c.your_price, c.winning_price) for c in alpha.calls] == [
        (D("3000"), D("2500")),
        (D("6000"), D("6000")),
        (D("4000"), D("5000")),
    ]
    call_one = alpha.calls[2]
    assert [(k.key, k.your_points, k.winner_points, k.gap) for k in call_one.criteria] == [
        ("quality", D("30.00"), D("60.00"), D("30.00")),
        ("social_value", D("5.00"), D("10.00"), D("5.00")),
        ("price", D("30.00"), D("24.00"), D("-6.00")),
    ]
    assert alpha.awaiting == 1  # call four: tendered, closed, not yet decided


def test_win_rate_and_its_trend_by_month(alpha):
    assert (alpha.tendered, alpha.won, alpha.win_rate) == (3, 1, D("33.3"))
    assert [(m.month, m.tendered, m.won, m.win_rate) for m in alpha.months] == [
        (date(2027, 2, 1), 1, 0, D("0.0")),
        (date(2027, 3, 1), 2, 1, D("50.0")),
        (date(2027, 4, 1), 0, 0, None),
        (date(2027, 5, 1), 0, 0, None),
    ]
    trend = alpha.trend
    assert (trend.recent_tendered, trend.recent_won, trend.recent_rate) == (2, 1, D("50.0"))
    assert (trend.previous_tendered, trend.previous_won, trend.previous_rate) == (1, 0, D("0.0"))
    assert trend.direction == "up"


def test_where_it_loses_most_is_the_largest_average_gap_over_lost_calls(alpha):
    """Calls one and three were lost: quality gaps 30 and 45, social value 5 and 7.5,
    price −6 (Alpha was cheaper) and 5."""
    assert [(g.name, g.calls, g.average_gap, g.largest_gap) for g in alpha.gaps] == [
        ("Quality of the proposed service", 2, D("37.50"), D("45.00")),
        ("Social value", 2, D("6.25"), D("7.50")),
        ("Price", 2, D("-0.50"), D("5.00")),
    ]
    assert alpha.loses_most is not None
    assert alpha.loses_most.name == "Quality of the proposed service"


def test_demand_by_month_and_region_in_its_categories(alpha):
    assert alpha.categories == ["CV and job search support"]
    assert [(d.month, d.calls, d.value, d.complete) for d in alpha.demand] == [
        (date(2027, 2, 1), 1, D("5000.00"), True),
        (date(2027, 3, 1), 2, D("11000.00"), True),
        (date(2027, 4, 1), 1, D("4000.00"), True),
        (date(2027, 5, 1), 0, D("0.00"), False),
    ]
    assert [(r.month, r.region, r.calls, r.value) for r in alpha.demand_by_region] == [
        (date(2027, 2, 1), "Leeds", 1, D("5000.00")),
        (date(2027, 3, 1), "Bradford", 1, D("3000.00")),
        (date(2027, 3, 1), "Leeds", 1, D("8000.00")),
        (date(2027, 4, 1), "Leeds", 1, D("4000.00")),
    ]


def test_too_short_a_history_gives_no_forecast_but_says_why(alpha):
    assert not alpha.forecast_calls.available and not alpha.forecast_value.available
    assert alpha.forecast_calls.message == (
        "There is not enough history for a forecast yet: it needs at least 8 complete months "
        "of calls in your categories, and there are 3."
    )


def test_planned_calls_only_in_its_own_categories(alpha):
    assert [(p.title, p.expected_month, p.estimated_value) for p in alpha.planned] == [
        ("Summer cohort", date(2027, 7, 1), D("12000.00"))
    ]


def test_another_supplier_sees_only_its_own_results(people, scenario):
    """Beta's insight is built from Beta's feedback; Alpha cannot ask for Beta's."""
    with viewing():
        beta = supplier_insight(people.supplier_b_admin, supplier_id=people.supplier_b.pk)
        assert [(c.title, c.rank, c.your_total) for c in beta.calls] == [
            ("Call three", 1, D("100.00")),
            ("Call two", 2, D("82.50")),
            ("Call one", 1, D("94.00")),
        ]
        with pytest.raises(NotFound, match=r"Supplier not found\."):
            supplier_insight(people.supplier_a_admin, supplier_id=people.supplier_b.pk)
        with pytest.raises(NotFound):
            supplier_insight(people.buyer, supplier_id=people.supplier_a.pk)


def test_with_enough_history_the_page_shows_the_forecast_and_its_interval(people):
    """Ten complete months of calls (1, 2, 1, 2, … a month, each £1,000): a forecast of
    about 1.5 calls a month, each with its 80% interval, on the page and in the API."""
    from datetime import timedelta

    import time_machine

    from opendps.core.calendar import LONDON
    from opendps.testing.factories import make_market, member_suppliers
    from opendps.testing.fixtures import client_for

    with time_machine.travel(datetime(2026, 1, 5, 9, tzinfo=LONDON), tick=False):
        market = make_market(people)
        member_suppliers(people, market, (people.supplier_a, people.supplier_a_admin))
    for month in range(2, 12):
        for n in range(1 if month % 2 else 2):
            published = datetime(2026, month, 10 + n, 9, tzinfo=LONDON)
            with time_machine.travel(published, tick=False):
                make_call(
                    people,
                    market,
                    title=f"Call {month}-{n}",
                    region="Leeds",
                    estimated_value=Decimal("1000"),
                    deadline=published + timedelta(days=12),
                )
    with time_machine.travel(datetime(2026, 12, 10, 9, tzinfo=LONDON), tick=False):
        insight = supplier_insight(people.supplier_a_admin, supplier_id=people.supplier_a.pk)
        forecast = insight.forecast_calls
        assert forecast.available and forecast.history_months == 10
        assert [p.month for p in forecast.points] == [
            date(2026, 12, 1),
            date(2027, 1, 1),
            date(2027, 2, 1),
        ]
        for point in forecast.points:
            assert D("1.0") <= point.expected <= D("2.0")
            assert point.lower < point.expected < point.upper
        # Every call is worth £1,000, so the value forecast is the calls forecast in pounds.
        value = insight.forecast_value.points[0].expected
        assert abs(value - forecast.points[0].expected * 1000) <= D("100")
        page = client_for(people.supplier_a_admin).get("/insights/supplier").content.decode()
    assert "In the next three months we expect about" in page
    assert "Forecast for the next three months (80% prediction intervals)" in page
    assert "Next three months" in page and "Method: Holt" in page
