"""Shared pieces of the insight selectors: calendar months and safe ratios."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import DateField
from django.db.models.functions import TruncMonth

from opendps.core.calendar import LONDON, london_date
from opendps.insights.forecast import add_months

# How far back the monthly tables and the forecast look.
HISTORY_MONTHS = 36
HUNDRED = Decimal(100)
ONE_PLACE = Decimal("0.1")
TWO_PLACES = Decimal("0.01")


def month_of(moment: datetime) -> date:
    """The first day of the London month ``moment`` falls in."""
    return london_date(moment).replace(day=1)


def month_start(month: date) -> datetime:
    """Midnight in London at the start of ``month``, as an aware datetime."""
    return datetime.combine(month, time.min, tzinfo=LONDON)


def months_between(first: date, last: date) -> list[date]:
    """Every month from ``first`` to ``last`` inclusive (both first days of months)."""
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def trunc_month(field: str) -> Any:
    """The London month of a datetime column, as a date, computed by the database."""
    return TruncMonth(field, output_field=DateField(), tzinfo=LONDON)


def as_date(value: Any) -> date:
    """A truncated month as a date (backends return a date or a datetime)."""
    return value.date() if isinstance(value, datetime) else value


def percent(part: Any, whole: Any) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal place; None when ``whole`` is 0."""
    if not whole:
        return None
    return (HUNDRED * Decimal(part) / Decimal(whole)).quantize(ONE_PLACE)


def money(value: Any) -> Decimal:
    return (Decimal(value) if value is not None else Decimal(0)).quantize(TWO_PLACES)
