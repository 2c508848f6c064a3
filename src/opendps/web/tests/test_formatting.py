"""How numbers and moments read on every page: GOV.UK style, never a machine's form."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from opendps.competitions.models import Call
from opendps.competitions.views import criteria_rows
from opendps.web.jinja import datetime_text, number_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("60"), "60"),
        (Decimal("6E+1"), "60"),
        (Decimal("37.50"), "37.5"),
        (Decimal("1250"), "1,250"),
        (12, "12"),
        (None, "–"),
    ],
)
def test_numbers_read_as_people_write_them(value, text):
    with translation.override("en-gb"):
        assert number_text(value) == text


def test_a_criterion_weight_is_a_plain_percentage():
    call = Call(criteria=[{"key": "price", "name": "Price", "kind": "price", "weight": 60}])
    assert criteria_rows(call)[0]["weight"] == "60"


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        # London time, not UTC: 22:59 UTC in summer is 11:59pm in London.
        (datetime(2027, 4, 30, 22, 59, tzinfo=UTC), "30 April 2027, 11:59pm"),
        (datetime(2027, 1, 4, 9, 5, tzinfo=UTC), "4 January 2027, 9:05am"),
    ],
)
def test_times_have_no_full_stops_so_a_sentence_never_ends_twice(moment, text):
    with translation.override("en-gb"):
        assert datetime_text(moment) == text
        assert f"{datetime_text(moment)}.".count("..") == 0
