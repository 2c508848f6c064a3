"""Tables and charts: one description of each figure, read by the page, the CSV and the
XLSX export alike, so the three always show the same numbers.

A ``Table`` holds typed cells (int, Decimal, date, text); ``format_cell`` is the only
place that turns a cell into the text a person reads, and the exports write the same
values as numbers (see ``exports``). A ``Section`` groups a heading, a one-sentence
summary, an optional chart and its tables: every chart is drawn from figures that are
also in a table on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.utils import formats


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    MONEY = "money"  # pounds, two decimal places
    PERCENT = "percent"  # 0-100, one decimal place
    DECIMAL = "decimal"  # points, days, averages: as stored
    MONTH = "month"
    DATE = "date"


NOT_APPLICABLE = "–"  # an en dash: no figure (nothing to divide by, no score)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = Kind.TEXT

    @property
    def numeric(self) -> bool:
        return self.kind in {Kind.INT, Kind.MONEY, Kind.PERCENT, Kind.DECIMAL}


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[tuple[Any, ...]]
    empty: str = ""

    def formatted(self) -> list[list[str]]:
        return [
            [
                format_cell(value, column.kind)
                for value, column in zip(row, self.columns, strict=True)
            ]
            for row in self.rows
        ]


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int | None
    lower: Decimal | None = None
    upper: Decimal | None = None
    forecast: bool = False


@dataclass(frozen=True)
class Chart:
    """Bars (with optional intervals) drawn as inline SVG; the same figures are in a table."""

    title: str
    bars: list[Bar]
    kind: Kind = Kind.INT
    horizontal: bool = False
    legend: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    summary: str
    tables: list[Table]
    chart: Chart | None = None
    notes: list[str] = field(default_factory=list)


def format_cell(value: Any, kind: Kind | str) -> str:
    """The text a person reads for one cell (pages only: exports keep the value)."""
    if value is None or value == "":
        return NOT_APPLICABLE if kind != Kind.TEXT else ""
    kind = Kind(kind)
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


def find_table(sections: list[Section], key: str) -> Table | None:
    for section in sections:
        for table in section.tables:
            if table.key == key:
                return table
    return None


def all_tables(sections: list[Section]) -> list[Table]:
    return [table for section in sections for table in section.tables]


def month_label(month: date) -> str:
    return formats.date_format(month, "M Y")
