"""Insight pages and their exports: who may open which, the figures on the page, CSV and
XLSX files with the same figures, and query counts that do not grow with the data."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from opendps.insights.selectors import supplier_insight
from opendps.insights.tables import Kind
from opendps.insights.tests.scenario import award, build, viewing
from opendps.testing.factories import make_call, make_market, tender
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "supplier_a_admin",
    "supplier_a_writer",
    "supplier_b_admin",
    "buyer",
    "evaluator",
    "commissioner",
    "authority_admin",
    "other_buyer",
    "staff",
]
SIGN_IN = 302
AUTHORITY = {"buyer", "evaluator", "commissioner", "authority_admin"}
SUPPLIERS = {"supplier_a_admin", "supplier_a_writer", "supplier_b_admin"}


def client_as(people: Any, role: str) -> Any:
    return client_for(None if role == "anonymous" else people.by_name(role))


def supplier_status(role: str) -> int:
    return SIGN_IN if role == "anonymous" else 200 if role in SUPPLIERS else 403


def authority_status(role: str) -> int:
    return SIGN_IN if role == "anonymous" else 200 if role in AUTHORITY else 404


@pytest.fixture
def market(people):
    return make_market(people)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_each_page_and_download(people, market, role):
    category = market.categories.get()
    client = client_as(people, role)
    pages = [
        ("/insights/supplier", supplier_status(role)),
        ("/insights/supplier/export/results.csv", supplier_status(role)),
        ("/insights/supplier/export/all.xlsx", supplier_status(role)),
        (f"/insights/markets/{market.pk}", authority_status(role)),
        (f"/insights/markets/{market.pk}/export/bids.csv", authority_status(role)),
        (f"/insights/markets/{market.pk}/export/shares.xlsx", authority_status(role)),
        (f"/insights/categories/{category.pk}/past-performance", authority_status(role)),
        (
            f"/insights/categories/{category.pk}/past-performance/export/past_performance.csv",
            authority_status(role),
        ),
        (
            "/insights",
            SIGN_IN if role == "anonymous" else 403 if role == "staff" else 200,
        ),
    ]
    for path, status in pages:
        response = client.get(path)
        assert response.status_code == status, (path, response.status_code)
        if status == SIGN_IN:
            assert response["Location"].startswith("/account/sign-in")


def test_unknown_tables_and_formats_are_not_found(people, market):
    client = client_for(people.commissioner)
    assert client.get(f"/insights/markets/{market.pk}/export/nope.csv").status_code == 404
    assert client.get(f"/insights/markets/{market.pk}/export/bids.pdf").status_code == 404
    assert client.get(f"/insights/markets/{market.pk}/export/all.csv").status_code == 404
    assert client.get("/insights/markets/999999").status_code == 404


# --- the figures, on the page and in the files -------------------------------------------------


class TableParser(HTMLParser):
    """The text of every cell of every ``<table data-table=…>`` body, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.summaries: dict[str, str] = {}
        self._table: str | None = None
        self._in_body = False
        self._cell: list[str] | None = None
        self._summary: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and found.get("data-table"):
            self._table = found["data-table"]
            self.tables[self._table] = []
        elif tag == "tbody" and self._table:
            self._in_body = True
        elif tag == "tr" and self._in_body and self._table:
            self.tables[self._table].append([])
        elif tag in {"td", "th"} and self._in_body:
            self._cell = []
        elif tag == "p" and found.get("data-summary"):
            self._summary = found["data-summary"]
            self.summaries[self._summary] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._cell is not None and self._table:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table":
            self._table = None
        elif tag == "p":
            self._summary = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._summary is not None:
            self.summaries[self._summary] += data


def parse(html: bytes) -> TableParser:
    parser = TableParser()
    parser.feed(html.decode())
    return parser


def page_value(text: str, kind: Kind) -> Any:
    """A page cell back as a value: '£13,500.00' → 13500.00, 'February 2027' → a date."""
    if text in {"", "–"}:
        return None
    if kind in {Kind.INT, Kind.MONEY, Kind.PERCENT, Kind.DECIMAL}:
        return Decimal(text.replace("£", "").replace(",", "").replace("%", ""))
    if kind == Kind.MONTH:
        return datetime.strptime(text, "%B %Y").date()
    if kind == Kind.DATE:
        return datetime.strptime(text, "%d %B %Y").date()
    return text


def csv_value(text: str, kind: Kind) -> Any:
    if text == "":
        return None
    if kind in {Kind.INT, Kind.MONEY, Kind.PERCENT, Kind.DECIMAL}:
        return Decimal(text)
    if kind == Kind.MONTH:
        return datetime.strptime(text, "%Y-%m").date()
    if kind == Kind.DATE:
        return date.fromisoformat(text)
    return text


def xlsx_value(value: Any, kind: Kind) -> Any:
    if value is None:
        return None
    if kind in {Kind.INT, Kind.MONEY, Kind.PERCENT, Kind.DECIMAL}:
        return Decimal(str(value))
    if kind in {Kind.MONTH, Kind.DATE}:
        return value.date() if isinstance(value, datetime) else value
    return value


def assert_exports_match_page(client: Any, page: str, export: str, sections: Any) -> None:
    parsed = parse(client.get(page).content)
    workbook = load_workbook(io.BytesIO(client.get(f"{export}/all.xlsx").content))
    index = 0
    for section in sections:
        for table in section.tables:
            kinds = [c.kind for c in table.columns]
            shown = [
                [page_value(cell, kind) for cell, kind in zip(row, kinds, strict=True)]
                for row in parsed.tables[table.key]
                if len(row) == len(kinds)  # not the "nothing to show" row
            ]
            response = client.get(f"{export}/{table.key}.csv")
            assert response["Content-Type"] == "text/csv; charset=utf-8"
            reader = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
            assert reader[0] == [c.label for c in table.columns]
            from_csv = [
                [csv_value(cell, kind) for cell, kind in zip(row, kinds, strict=True)]
                for row in reader[1:]
            ]
            single = load_workbook(
                io.BytesIO(client.get(f"{export}/{table.key}.xlsx").content)
            ).active
            assert single is not None
            rows = list(single.iter_rows(values_only=True))
            assert list(rows[0]) == [c.label for c in table.columns]
            from_xlsx = [
                [xlsx_value(v, kind) for v, kind in zip(row, kinds, strict=True)]
                for row in rows[1:]
            ]
            # The page shows the first rows of a long table; the files hold every row.
            assert len(shown) == table.shown == min(len(table.rows), table.page_rows or 10**9)
            assert shown == from_csv[: len(shown)] and from_csv == from_xlsx, table.key
            assert len(from_csv) == len(table.rows), table.key
            # The workbook of every table has the same sheet, in page order.
            sheet = workbook.worksheets[index]
            index += 1
            assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
                list(r) for r in rows
            ], table.key


def test_supplier_page_shows_the_figures_and_the_exports_match_it(people):
    from opendps.insights.sections import supplier_sections
    from opendps.insights.selectors import supplier_insight

    build(people)
    with viewing():
        client = client_for(people.supplier_a_admin)  # signed in at the viewing time
        response = client.get("/insights/supplier")
        assert response.status_code == 200, response.content[:3000]
        parsed = parse(response.content)
        assert parsed.summaries["results"] == (
            "You won 1 of the 3 calls decided so far (33.3%); 1 more await a decision."
        )
        assert parsed.summaries["criteria"] == (
            "You lose most on Quality of the proposed service: on average 37.50 points behind "
            "the winner, over 2 calls you did not win."
        )
        assert parsed.summaries["win-rate"] == (
            "Your win rate rose to 50.0% over the last 3 months, from 0.0% in the 3 months before."
        )
        assert parsed.tables["results"][0] == [
            "26 March 2027",
            "Call three",
            "TBC-DPS-2027-0003",  # the call's reference, in the page and every export
            "CV and job search support",
            "Test Borough Council",
            "2",
            "2",
            "Not won",
            "42.50",
            "100.00",
            "57.50",
            "£3,000.00",
            "£2,500.00",
        ]
        assert b"82.50" not in response.content and b"4,100" not in response.content
        assert b'role="img"' in response.content and b"style=" not in response.content
        sections = supplier_sections(
            supplier_insight(people.supplier_a_admin, supplier_id=people.supplier_a.pk)
        )
        assert_exports_match_page(
            client, "/insights/supplier", "/insights/supplier/export", sections
        )


def test_market_page_shows_the_figures_and_the_exports_match_it(people):
    from opendps.insights.sections import market_sections
    from opendps.insights.selectors import market_health

    scenario = build(people)
    page = f"/insights/markets/{scenario.market.pk}"
    with viewing():
        client = client_for(people.commissioner)
        parsed = parse(client.get(page).content)
        assert parsed.summaries["bids"] == (
            "4 calls have closed, with 2.0 bids on average; 3 of them (75.0%) had fewer than "
            "3 bids."
        )
        assert parsed.tables["concentration"] == [
            [
                "CV and job search support",
                "3",
                "2",
                "£13,500.00",
                "100.0%",
                "5,062",
                "Highly concentrated",
            ]
        ]
        sections = market_sections(market_health(people.commissioner, market_id=scenario.market.pk))
        assert_exports_match_page(client, page, f"{page}/export", sections)


def test_past_performance_page_and_export(people):
    from opendps.contracts.selectors import past_performance_in_category
    from opendps.insights.sections import past_performance_sections

    scenario = build(people)
    page = f"/insights/categories/{scenario.category.pk}/past-performance"
    with viewing():
        client = client_for(people.buyer)
        parsed = parse(client.get(page).content)
        assert parsed.tables["past_performance"][0][:9] == [
            "Alpha Support CIC",
            "Yes",
            "Yes",
            "1",
            "1",
            "0",
            "£6,000.00",
            "1",
            "4.0",
        ]
        sections = past_performance_sections(
            past_performance_in_category(people.buyer, category_id=scenario.category.pk)
        )
        assert_exports_match_page(client, page, f"{page}/export", sections)


def test_text_that_a_spreadsheet_would_run_is_defused(people):
    """A call titled like a formula stays text in CSV and XLSX."""
    from opendps.insights.exports import table_csv, tables_xlsx
    from opendps.insights.tables import Column, Table

    table = Table(
        key="t",
        title="T",
        columns=[Column("call", "Call"), Column("n", "N", Kind.INT)],
        rows=[('=HYPERLINK("http://evil")', 1), ("-2+3", 2)],
    )
    rows = list(csv.reader(io.StringIO(table_csv(table).decode("utf-8-sig"))))
    assert rows[1] == ['\'=HYPERLINK("http://evil")', "1"]
    assert rows[2] == ["'-2+3", "2"]
    sheet = load_workbook(io.BytesIO(tables_xlsx([table]))).active
    assert sheet is not None
    assert sheet["A2"].value == '=HYPERLINK("http://evil")' and sheet["A2"].data_type == "s"


# --- query counts -----------------------------------------------------------------------------


def _more_calls(people: Any, scenario: Any, count: int) -> None:
    """More awarded calls with contracts, as in the scenario, to grow the data."""
    from opendps.insights.tests.scenario import at

    for index in range(count):
        with at(2027, 4, 6 + index):
            call = make_call(people, scenario.market, title=f"Extra {index}", region="Hull")
            tender(people, call, price="1000")
            tender(people, call, supplier=people.supplier_b, price="1100")
        award(people, call, {people.supplier_a: 3, people.supplier_b: 2})


def _queries(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_query_counts_do_not_grow_with_the_number_of_calls(people):
    scenario = build(people)
    with viewing():
        supplier = client_for(people.supplier_a_admin)
        commissioner = client_for(people.commissioner)
        buyer = client_for(people.buyer)
    paths = [
        (supplier, "/insights/supplier"),
        (supplier, "/insights/supplier/export/all.xlsx"),
        (commissioner, f"/insights/markets/{scenario.market.pk}"),
        (commissioner, f"/insights/markets/{scenario.market.pk}/export/all.xlsx"),
        (buyer, f"/insights/categories/{scenario.category.pk}/past-performance"),
        (buyer, "/contracts"),
    ]
    with viewing():
        before = [_queries(client, path) for client, path in paths]
    _more_calls(people, scenario, 3)
    with viewing():
        after = [_queries(client, path) for client, path in paths]
        insight = supplier_insight(people.supplier_a_admin, supplier_id=people.supplier_a.pk)
        assert len(insight.calls) == 6
    assert after == before
    assert max(before) <= 30
