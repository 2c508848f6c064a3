"""The fixes of BENCHMARKS.md H8-H10 keep what people see: a forecast is fitted once per
series and then read from the cache, long tables show their first rows on the page with
every row in the downloads, and cells read exactly as Django's number and date formats
wrote them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.utils import formats, translation
from openpyxl import load_workbook

from opendps.competitions import services as competition_services
from opendps.core.calendar import LONDON
from opendps.core.errors import NotFound
from opendps.insights import forecast
from opendps.insights.tables import PAGE_ROWS, Column, Kind, Table, format_cell
from opendps.insights.tests.scenario import build, viewing
from opendps.insights.tests.test_views import parse
from opendps.testing.factories import make_call, make_market, member_suppliers
from opendps.testing.fixtures import client_for

START = date(2024, 1, 1)
SERIES = [3.0, 4.0, 2.0, 5.0, 4.0, 3.0, 6.0, 4.0, 5.0, 3.0]


@pytest.fixture
def fits(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Every call of the real fitting function, counted (it still runs); an empty cache."""
    cache.clear()
    calls: list[int] = []
    real = forecast.fit_monthly

    def counted(history: list[float], **kwargs: Any) -> Any:
        calls.append(len(history))
        return real(history, **kwargs)

    monkeypatch.setattr(forecast, "fit_monthly", counted)
    yield calls
    cache.clear()


# --- H8: the forecast is fitted once --------------------------------------------------------


def test_the_same_series_is_fitted_once_and_then_read_from_the_cache(fits):
    first = forecast.forecast_monthly(SERIES, first_month=START)
    second = forecast.forecast_monthly(SERIES, first_month=START)
    assert fits == [10]
    assert first.available and second == first
    key = forecast.fit_key(
        SERIES, first_month=START, horizon=3, places=Decimal("0.1"), level=forecast.LEVEL
    )
    cached = cache.get(key)
    assert cached is not None and cached.points == first.points


def test_another_series_month_or_precision_is_a_new_fit(fits):
    forecast.forecast_monthly(SERIES, first_month=START)
    forecast.forecast_monthly([*SERIES[:-1], 9.0], first_month=START)
    forecast.forecast_monthly(SERIES, first_month=date(2024, 2, 1))
    forecast.forecast_monthly(SERIES, first_month=START, places=Decimal("0.01"))
    forecast.forecast_monthly(SERIES, first_month=START)
    assert fits == [10, 10, 10, 10]


def test_too_short_or_empty_histories_never_reach_the_model(fits):
    assert not forecast.forecast_monthly([1.0] * 7, first_month=START).available
    assert not forecast.forecast_monthly([0.0] * 12, first_month=START).available
    assert fits == []


def _history(people: Any) -> None:
    """Ten complete months of calls in supplier A's category (as the forecast test)."""
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


@pytest.mark.django_db
def test_a_second_page_or_api_request_does_not_refit(people, api_client_for, fits):
    _history(people)
    with time_machine.travel(datetime(2026, 12, 10, 9, tzinfo=LONDON), tick=False):
        page = client_for(people.supplier_a_admin)
        first = page.get("/insights/supplier")
        assert fits == [10, 10]  # the calls and the value series
        second = page.get("/insights/supplier")
        api = api_client_for(people.supplier_a_admin).get("/api/v1/insights/supplier")
    assert fits == [10, 10]
    assert first.status_code == second.status_code == api.status_code == 200
    assert "In the next three months we expect about" in second.content.decode()
    body = api.json()
    assert body["forecast_calls"]["available"] and len(body["forecast_calls"]["points"]) == 3
    assert body["forecast_calls"]["method"].startswith("Holt")


# --- H8: long tables on the page, every row in the files ----------------------------------


@pytest.mark.django_db
def test_a_long_table_shows_its_first_rows_and_the_downloads_every_row(people):
    scenario = build(people)
    extra = PAGE_ROWS + 5
    with viewing():
        for index in range(extra):
            competition_services.planned_call_announce(
                actor=people.buyer,
                category=scenario.category,
                title=f"Planned {index:02d}",
                expected_month=date(2027, 8, 1),
                estimated_value=Decimal("1234567.5"),
                region="Leeds",
            )
        client = client_for(people.supplier_a_admin)
        response = client.get("/insights/supplier")
        csv_response = client.get("/insights/supplier/export/planned.csv")
        xlsx_response = client.get("/insights/supplier/export/planned.xlsx")
    total = extra + 1  # and the scenario's "Summer cohort"
    html = response.content.decode()
    rows = parse(response.content).tables["planned"]
    assert len(rows) == PAGE_ROWS
    assert rows[0] == [
        "July 2027",
        "Summer cohort",
        "CV and job search support",
        "Test Borough Council",
        "Leeds",
        "£12,000.00",
    ]
    assert rows[1][0] == "August 2027" and rows[1][-1] == "£1,234,567.50"
    assert f"Showing {PAGE_ROWS} of {total} rows — download the full table as CSV or XLSX." in html
    assert 'data-truncated="planned"' in html
    assert 'data-truncated="results"' not in html  # short tables are shown whole
    from_csv = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert len(from_csv) == 1 + total
    assert from_csv[-1][1] == f"Planned {extra - 1:02d}"
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert sheet is not None and sheet.max_row == 1 + total


def test_monthly_tables_are_shown_whole():
    table = Table(
        key="t",
        title="T",
        columns=[Column("month", "Month", Kind.MONTH)],
        rows=[(date(2024, 1, 1),)] * 40,
        page_rows=None,
    )
    assert len(table.page()) == 40 and not table.truncated
    long = Table(key="u", title="U", columns=table.columns, rows=table.rows)
    assert len(long.page()) == PAGE_ROWS and long.truncated and long.row_count == "40"


# --- H8: cheap cells, the same text -------------------------------------------------------


def django_format(value: Any, kind: Kind) -> str:
    """How cells were written before: Django's number_format and date_format per cell."""
    if value is None or value == "":
        return "–" if kind != Kind.TEXT else ""
    if kind == Kind.INT:
        return formats.number_format(int(value), 0, force_grouping=True)
    if kind == Kind.MONEY:
        return "£" + formats.number_format(Decimal(value), 2, force_grouping=True)
    if kind == Kind.PERCENT:
        return formats.number_format(Decimal(value), 1, force_grouping=True) + "%"
    if kind == Kind.DECIMAL:
        decimal = Decimal(value)
        places = max(0, -decimal.as_tuple().exponent)  # type: ignore[operator]
        return formats.number_format(decimal, places, force_grouping=True)
    if kind == Kind.MONTH:
        return formats.date_format(value, "F Y")
    if kind == Kind.DATE:
        return formats.date_format(value, "j F Y")
    return str(value)


NUMBERS = [
    0,
    7,
    -7,
    999,
    1000,
    -1000,
    1234567,
    Decimal("0"),
    Decimal("0.004"),
    Decimal("-0.004"),
    Decimal("-0.05"),
    Decimal("12.5"),
    Decimal("12.345"),
    Decimal("-12.349"),
    Decimal("999.999"),
    Decimal("1234567.891"),
    Decimal("-1234567.80"),
    Decimal("1E+3"),
    Decimal("100.0"),
    Decimal("33.3"),
    Decimal("4.10"),
]
DATES = [date(2026, 11, 25), date(2027, 1, 1), date(2024, 2, 29), date(999, 12, 3)]


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_cells_read_as_djangos_number_and_date_formats_wrote_them(language):
    with translation.override(language):
        for kind in [Kind.INT, Kind.MONEY, Kind.PERCENT, Kind.DECIMAL]:
            for value in NUMBERS:
                assert format_cell(value, kind) == django_format(value, kind), (kind, value)
        for kind in [Kind.MONTH, Kind.DATE]:
            for day in DATES:
                assert format_cell(day, kind) == django_format(day, kind), (kind, day)
        for kind in Kind:
            assert format_cell(None, kind) == django_format(None, kind)
    assert format_cell(date(2026, 11, 25), Kind.DATE) == "25 November 2026"
    with translation.override("cy"):
        assert format_cell(date(2026, 11, 25), Kind.DATE) == "25 Tachwedd 2026"


# --- market health: one computation per market, chain sequence and minute -----------------


def test_market_health_is_computed_once_until_something_changes(people, monkeypatch):
    from opendps.insights.selectors import market as market_selectors
    from opendps.insights.tests.scenario import build, viewing
    from opendps.insights.tests.test_views import _more_calls

    scenario = build(people)
    computed: list[int] = []
    real = market_selectors._market_health

    def counting(market, now):
        computed.append(market.pk)
        return real(market, now)

    monkeypatch.setattr(market_selectors, "_market_health", counting)
    read = lambda: market_selectors.market_health(  # noqa: E731
        people.commissioner, market_id=scenario.market.pk
    )
    with viewing():
        first = read()
        second = read()
    assert computed == [scenario.market.pk] and second.bids == first.bids
    _more_calls(people, scenario, 1)  # writes: the audit chain moves on
    with viewing():
        third = read()
    assert len(computed) == 2
    assert sum(b.calls for b in third.bids) > sum(b.calls for b in first.bids)
    # Another authority's people are refused before any cache is read.
    with viewing(), pytest.raises(NotFound):
        market_selectors.market_health(people.other_buyer, market_id=scenario.market.pk)
