"""The demand forecast on series with a known pattern: close to the truth, with an
interval that holds the truth, and a clear message when the history is too short."""

from __future__ import annotations

import math
import random
from datetime import date
from decimal import Decimal

import pytest

from opendps.insights.forecast import HOLT, HOLT_WINTERS, add_months, forecast_monthly

START = date(2024, 1, 1)


def truth(t: int) -> float:
    """Linear trend plus 12-month seasonality: 20 calls, +0.5 a month, ±6 over the year."""
    return 20 + 0.5 * t + 6 * math.sin(2 * math.pi * t / 12)


def noisy(months: int, seed: int = 1) -> list[float]:
    rng = random.Random(seed)
    return [truth(t) + rng.gauss(0, 0.8) for t in range(months)]


def test_seasonal_series_is_forecast_close_to_the_truth_within_its_interval():
    forecast = forecast_monthly(noisy(36), first_month=START)
    assert forecast.available and forecast.method == str(HOLT_WINTERS)
    assert forecast.level == 80 and forecast.history_months == 36
    assert [p.month for p in forecast.points] == [
        date(2027, 1, 1),
        date(2027, 2, 1),
        date(2027, 3, 1),
    ]
    for step, point in enumerate(forecast.points):
        expected = Decimal(str(truth(36 + step)))
        assert abs(point.expected - expected) <= expected * Decimal("0.05"), (step, point)
        assert point.lower <= expected <= point.upper, (step, point)
        assert point.lower < point.expected < point.upper
    total = forecast.total
    assert total is not None
    quarter = Decimal(str(sum(truth(t) for t in range(36, 39))))
    assert abs(total.expected - quarter) <= quarter * Decimal("0.05")
    assert total.lower <= quarter <= total.upper
    # The quarter's point is the sum of the months' (each rounded to one place).
    assert abs(total.expected - sum(p.expected for p in forecast.points)) <= Decimal("0.2")


def test_the_interval_widens_with_noise():
    calm = forecast_monthly(noisy(36), first_month=START).points[0]
    rng = random.Random(3)
    wild = forecast_monthly(
        [truth(t) + rng.gauss(0, 4) for t in range(36)], first_month=START
    ).points[0]
    assert (wild.upper - wild.lower) > 2 * (calm.upper - calm.lower)


def test_under_two_years_a_damped_trend_without_seasonality_is_used():
    rng = random.Random(2)
    history = [10 + 0.5 * t + rng.gauss(0, 0.5) for t in range(12)]
    forecast = forecast_monthly(history, first_month=START)
    assert forecast.method == str(HOLT)
    first = forecast.points[0]
    assert abs(first.expected - Decimal("16")) <= Decimal("1.5")
    assert first.lower <= Decimal("16") <= first.upper


def test_too_short_a_history_is_refused_with_the_reason():
    forecast = forecast_monthly([3, 5, 4, 6, 5, 7, 6], first_month=START)
    assert not forecast.available and forecast.total is None
    assert forecast.message == (
        "There is not enough history for a forecast yet: it needs at least 8 complete months "
        "of calls in your categories, and there are 7."
    )


@pytest.mark.parametrize(("months", "seasonal"), [(12, False), (36, True)])
def test_80_percent_intervals_hold_about_80_percent_of_outcomes(months, seasonal):
    """Over 40 simulated histories, the next three outcomes (truth plus fresh noise) fall
    inside the 80% intervals 70–90% of the time: honest uncertainty, not false precision."""
    inside = total = 0
    for seed in range(40):
        rng = random.Random(seed)

        def value(t: int) -> float:
            base = 10 + 0.5 * t
            return base + (6 * math.sin(2 * math.pi * t / 12) if seasonal else 0)

        history = [value(t) + rng.gauss(0, 1) for t in range(months)]
        forecast = forecast_monthly(history, first_month=START, places=Decimal("0.001"))
        for step, point in enumerate(forecast.points):
            outcome = Decimal(str(value(months + step) + rng.gauss(0, 1)))
            inside += point.lower <= outcome <= point.upper
            total += 1
    assert 0.70 <= inside / total <= 0.90, inside / total


def test_no_calls_at_all_is_not_forecast():
    forecast = forecast_monthly([0] * 8, first_month=START)
    assert not forecast.available
    assert "no calls in your categories in the last 8 complete months" in forecast.message


def test_money_is_forecast_to_the_penny_and_never_below_zero():
    forecast = forecast_monthly(
        [0, 0, 0, 5000, 0, 0, 0, 0], first_month=START, places=Decimal("0.01")
    )
    for point in forecast.points:
        assert point.lower >= 0 and point.expected >= 0
        assert point.expected == point.expected.quantize(Decimal("0.01"))


def test_add_months_crosses_years():
    assert add_months(date(2026, 11, 1), 3) == date(2027, 2, 1)
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
