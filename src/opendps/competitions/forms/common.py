"""Competition pages' forms: parse input into the shape the services take.

The services decide and write; a form only says what it cannot parse (a date that does
not exist, a weight that is not a number, a score that was not chosen). Times are London
times: a buyer types "12 3 2027" and "17:00" and means five o'clock in London that day,
GMT or BST, whichever is in force then.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from opendps.competitions.criteria import CriterionKind
from opendps.core.calendar import LONDON
from opendps.markets.forms import DateField, DateInput
from opendps.web.forms import MoneyField

TIME_INVALID = _("Enter a real time, for example 17:00 or 5pm")
TWELVE_HOUR = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s*m\.?$")
TWENTY_FOUR_HOUR = re.compile(r"^(\d{1,2})[:.](\d{2})$")


KIND_LABELS = {
    CriterionKind.PRICE: _("Price"),
    CriterionKind.QUALITY: _("Quality"),
    CriterionKind.SOCIAL_VALUE: _("Social value"),
}


SCORE_LABELS = {
    0: _("0 – Unacceptable"),
    1: _("1 – Poor"),
    2: _("2 – Acceptable"),
    3: _("3 – Good"),
    4: _("4 – Excellent"),
}


def parse_time(text: str) -> time:
    """A time of day as people type it: 17:00, 17.00, 5pm, 5:30pm, midday or midnight."""
    value = text.strip().lower()
    if value in {"midday", "noon", "12 midday"}:
        return time(12, 0)
    if value in {"midnight", "12 midnight"}:
        return time(0, 0)
    twelve = TWELVE_HOUR.match(value)
    twenty_four = TWENTY_FOUR_HOUR.match(value)
    if twelve is not None:
        hour, minute = int(twelve.group(1)), int(twelve.group(2) or 0)
        if not 1 <= hour <= 12:
            raise ValidationError(TIME_INVALID, code="invalid")
        hour = hour % 12 + (12 if twelve.group(3) == "p" else 0)
    elif twenty_four is not None:
        hour, minute = int(twenty_four.group(1)), int(twenty_four.group(2))
    else:
        raise ValidationError(TIME_INVALID, code="invalid")
    if hour > 23 or minute > 59:
        raise ValidationError(TIME_INVALID, code="invalid")
    return time(hour, minute)


def london_moment(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=LONDON)


class TimeField(forms.CharField):
    """A time of day typed into one box (GOV.UK has no time input component)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> time | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        return parse_time(text)


class MonthInput(DateInput):
    """Two boxes (month, year) named ``<name>_month`` and ``<name>_year``."""

    parts = ("month", "year")


class MonthField(DateField):
    """The first day of a month typed as month and year."""

    widget = MonthInput
    govuk_kind = "month"  # "<label> must be a real month and year" (web.form_errors)


def required_error(message: Any) -> dict[str, Any]:
    return {"required": message}


def money_field(label: Any, *, required: bool = True, **extra: Any) -> MoneyField:
    return MoneyField(
        label=label,
        required=required,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages={
            "required": _("Enter the estimated value"),
            "invalid": _("Enter the amount in pounds as a number, like 5000"),
            "max_decimal_places": _("Enter the amount in pounds and pence, like 5000.50"),
            "min_value": _("Enter an amount of 0 or more"),
        },
        **extra,
    )
