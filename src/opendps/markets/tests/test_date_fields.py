"""The GOV.UK date and month inputs: typed parts in, a date out, anything else refused
with the field's own message and the typed text shown again."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from opendps.competitions.forms import MonthField
from opendps.markets.forms import DateField


@pytest.mark.parametrize(
    ("field", "typed", "expected"),
    [
        (DateField(), ["27", "3", "2028"], date(2028, 3, 27)),
        (DateField(required=False), ["", "", ""], None),
        (MonthField(), ["11", "2027"], date(2027, 11, 1)),
        (MonthField(required=False), ["", ""], None),
    ],
)
def test_typed_parts_make_a_date(field, typed, expected):
    assert field.clean(typed) == expected


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        (DateField(), ["31", "2", "2028"], "Enter a real date"),
        (DateField(), ["1", "1", "28"], "Enter a real date"),
        (DateField(), ["a", "1", "2028"], "Enter a real date"),
        (MonthField(), ["13", "2027"], "month"),
        (MonthField(), ["11", ""], "month"),
    ],
)
def test_impossible_dates_are_refused_with_the_fields_message(field, typed, message):
    with pytest.raises(ValidationError, match=message):
        field.clean(typed)
    assert field.prepare_value(typed) == typed  # the page shows what was typed


def test_a_date_is_shown_in_its_parts():
    assert DateField().prepare_value(date(2028, 3, 27)) == ["27", "3", "2028"]
    assert MonthField().prepare_value(date(2027, 11, 1)) == ["11", "2027"]
