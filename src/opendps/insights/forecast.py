"""Demand forecasts: exponential smoothing state-space models from statsmodels.

A supplier's demand series (calls, or their estimated value, per calendar month) is short,
noisy and often seasonal. The ETS models of Hyndman et al. ("Forecasting with Exponential
Smoothing: The State Space Approach", 2008), as statsmodels implements them in
``ETSModel``, fit such series with few parameters and give prediction intervals from the
model itself — no hand-rolled statistics here:

- two full years of history or more: Holt-Winters, ETS(A,Ad,A), with a damped additive
  trend and additive 12-month seasonality (initial states by the heuristic of Hyndman et
  al., so that only the smoothing parameters are estimated);
- eight months to two years: Holt's damped trend, ETS(A,Ad,N);
- less than eight months: no forecast, with a message saying why.

Intervals for each month come from ``get_prediction().summary_frame()``; the interval for
the quarter's total comes from simulating the fitted model's future paths
(``ETSResults.simulate``) with a fixed seed, so the same data always give the same page.

Those intervals treat the fitted parameters as known and take the error variance as the
maximum-likelihood estimate (dividing by n), so on short histories they are too narrow: in
simulations of trend-and-season series, nominal 80% intervals held the next three
outcomes only 55–70% of the time with one or two years of history. Each interval is
therefore widened about its point by the usual small-sample factor — the variance over
n − k rather than n, and Student's t with n − k degrees of freedom rather than the normal
quantile, k being the number of estimated parameters — after which the same simulations
held 72–83%. Calls and pounds cannot be negative, so every bound and point is cut at zero.

A fit takes a quarter of a second (several under load) and its inputs change once a month,
so each fit is kept in Django's cache, keyed on everything it is computed from (see
``fit_key``): a second request for the same series reads the result instead of refitting.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MIN_MONTHS = 8
SEASONAL_MONTHS = 24  # two full seasons before seasonality is estimated
SEASON = 12
LEVEL = 80  # per cent: the prediction interval shown
SIMULATIONS = 2000
SEED = 20260101
# Part of every cache key: change it whenever the model, its rounding or its widening
# changes, so that a shared cache never serves a fit made by the old code.
FIT_VERSION = 1
# The key holds the whole series, so an entry can never be stale; the timeout only lets a
# series that is no longer asked for (last month's) leave the cache.
FIT_CACHE_SECONDS = 40 * 24 * 60 * 60
_MISSING = object()

HOLT_WINTERS = _(
    "Holt-Winters exponential smoothing with a damped trend and 12-month seasonality "
    "(ETS(A,Ad,A), statsmodels)"
)
HOLT = _("Holt's exponential smoothing with a damped trend (ETS(A,Ad,N), statsmodels)")
TOO_SHORT = _(
    "There is not enough history for a forecast yet: it needs at least %(needed)s complete "
    "months of calls in your categories, and there are %(months)s."
)
NO_DEMAND = _(
    "There were no calls in your categories in the last %(months)s complete months, so there "
    "is nothing to forecast from."
)
NOT_FITTED = _("The forecast model could not be fitted to this history.")


@dataclass(frozen=True)
class ForecastPoint:
    """One forecast month (or the quarter, for the total): the point and its interval."""

    month: date
    expected: Decimal
    lower: Decimal
    upper: Decimal


@dataclass(frozen=True)
class Forecast:
    """The forecast of one monthly series, or why there is none (``message``)."""

    points: list[ForecastPoint]
    total: ForecastPoint | None
    method: str
    message: str
    history_months: int
    level: int = LEVEL

    @property
    def available(self) -> bool:
        return bool(self.points)


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after ``month``'s."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def _none(message: str | Promise, months: int) -> Forecast:
    return Forecast(points=[], total=None, method="", message=str(message), history_months=months)


def _round(value: float, places: Decimal) -> Decimal:
    return max(Decimal(0), Decimal(str(value)).quantize(places))


@dataclass(frozen=True)
class Fit:
    """The figures of one fitted forecast: what the cache keeps. The method's name is not
    kept as text, so the same fit serves English and Welsh pages."""

    points: list[ForecastPoint]
    total: ForecastPoint
    seasonal: bool


def forecast_monthly(
    history: list[float],
    *,
    first_month: date,
    horizon: int = 3,
    places: Decimal = Decimal("0.1"),
    level: int = LEVEL,
) -> Forecast:
    """Forecast the ``horizon`` months after ``history`` (complete months from
    ``first_month``), each with a ``level`` % prediction interval, and their total.

    The fit comes from the cache when the same series was fitted before."""
    months = len(history)
    if months < MIN_MONTHS:
        return _none(TOO_SHORT % {"needed": MIN_MONTHS, "months": months}, months)
    if not any(history):
        return _none(NO_DEMAND % {"months": months}, months)
    fit = cached_fit(history, first_month=first_month, horizon=horizon, places=places, level=level)
    if fit is None:
        return _none(NOT_FITTED, months)
    return Forecast(
        points=fit.points,
        total=fit.total,
        method=str(HOLT_WINTERS if fit.seasonal else HOLT),
        message="",
        history_months=months,
        level=level,
    )


def fit_key(
    history: list[float], *, first_month: date, horizon: int, places: Decimal, level: int
) -> str:
    """The cache key of a fit: a digest of every input the result depends on. The series
    itself is in it (not the supplier or its categories), so suppliers with the same
    categories share one fit, and a new month or a changed category set is a new key."""
    inputs = repr(
        (
            FIT_VERSION,
            [float(v) for v in history],
            first_month.isoformat(),
            horizon,
            str(places),
            level,
        )
    )
    return "insights:forecast:" + hashlib.sha256(inputs.encode()).hexdigest()


def cached_fit(
    history: list[float], *, first_month: date, horizon: int, places: Decimal, level: int
) -> Fit | None:
    """``fit_monthly`` through the cache; None (no usable fit) is cached too.

    The cache is the default one in settings. With none configured that is Django's
    per-process local-memory cache, which is enough here: each worker fits a series once a
    month, where a database cache would need ``createcachetable`` and a query per read."""
    key = fit_key(history, first_month=first_month, horizon=horizon, places=places, level=level)
    found = cache.get(key, _MISSING)
    if found is not _MISSING:
        return found  # type: ignore[no-any-return]
    fit = fit_monthly(history, first_month=first_month, horizon=horizon, places=places, level=level)
    cache.set(key, fit, FIT_CACHE_SECONDS)
    return fit


def fit_monthly(
    history: list[float], *, first_month: date, horizon: int, places: Decimal, level: int
) -> Fit | None:
    """Fit the ETS model to ``history`` (at least ``MIN_MONTHS`` months, not all zero) and
    forecast ``horizon`` months; None when the model cannot be fitted."""
    months = len(history)
    # Imported here: the libraries are large and most requests never forecast.
    import numpy as np
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    seasonal = months >= SEASONAL_MONTHS
    endog = pd.Series(
        np.asarray(history, dtype=float),
        index=pd.period_range(start=first_month, periods=months, freq="M"),
    )
    alpha = 1 - level / 100
    from scipy import stats

    try:
        with warnings.catch_warnings():
            # Short series often stop the optimiser early; the fit is still usable and
            # the intervals say how uncertain it is.
            warnings.simplefilter("ignore")
            model = ETSModel(
                endog,
                error="add",
                trend="add",
                damped_trend=True,
                seasonal="add" if seasonal else None,
                seasonal_periods=SEASON if seasonal else None,
                initialization_method="heuristic" if seasonal else "estimated",
            )
            fitted = model.fit(disp=False)
            frame = fitted.get_prediction(start=months, end=months + horizon - 1).summary_frame(
                alpha=alpha
            )
            paths = fitted.simulate(
                horizon, anchor="end", repetitions=SIMULATIONS, rng=np.random.default_rng(SEED)
            )
    except (ValueError, np.linalg.LinAlgError):
        return None
    dof = max(months - len(fitted.params), 1)
    widen = (
        math.sqrt(months / dof) * stats.t.ppf(1 - alpha / 2, dof) / stats.norm.ppf(1 - alpha / 2)
    )
    means = np.asarray(frame["mean"], dtype=float)
    lowers = means - widen * (means - np.asarray(frame["pi_lower"], dtype=float))
    uppers = means + widen * (np.asarray(frame["pi_upper"], dtype=float) - means)
    if not (np.isfinite(means).all() and np.isfinite(lowers).all() and np.isfinite(uppers).all()):
        return None
    start = add_months(first_month, months)
    points = [
        ForecastPoint(
            month=add_months(start, step),
            expected=_round(means[step], places),
            lower=_round(lowers[step], places),
            upper=_round(uppers[step], places),
        )
        for step in range(horizon)
    ]
    totals = np.asarray(paths, dtype=float).reshape(horizon, -1).sum(axis=0)
    total_mean = float(means.sum())
    total = ForecastPoint(
        month=start,
        expected=_round(total_mean, places),
        lower=_round(total_mean - widen * (total_mean - np.quantile(totals, alpha / 2)), places),
        upper=_round(
            total_mean + widen * (np.quantile(totals, 1 - alpha / 2) - total_mean), places
        ),
    )
    return Fit(points=points, total=total, seasonal=seasonal)
