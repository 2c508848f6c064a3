"""Tables and charts: one description of each figure, read by the page, the CSV and the
XLSX export alike, so the three always show the same numbers.

A ``Table`` holds typed cells (int, Decimal, date, text); ``format_cell`` is the only
place that turns a cell into the text a person reads, and the exports write the same
values as numbers (see ``exports``). A ``Section`` groups a heading, a one-sentence
summary, an optional chart and its tables: every chart is drawn from figures that are
also in a table on the page.

A page shows the first ``PAGE_ROWS`` rows of a long table and says how many there are;
the CSV and XLSX exports always hold every row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.utils import formats, translation
from django.utils.dates import MONTHS


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    MONEY = "money"  # pounds, two decimal places
    PERCENT = "percent"  # 0-100, one decimal place
    DECIMAL = "decimal"  # points, days, averages: as stored
    MONTH = "month"
    DATE = "date"


NOT_APPLICABLE = "–"  # an en dash: no figure (nothing to divide by, no score)
# Rows of a table shown on a page; the rest are in the CSV and XLSX downloads. A supplier
# with a few hundred results had 14,000 cells (1.5 MB) on one page (BENCHMARKS.md H8).
PAGE_ROWS = 25
# ``page_rows`` of a table of one row a month: at most HISTORY_MONTHS + 1 rows, shown whole
# because the chart above it draws them and the latest months are at the end.
MONTHLY = None


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
    page_rows: int | None = PAGE_ROWS  # None: the page shows every row

    @property
    def shown(self) -> int:
        """How many rows the page shows."""
        if self.page_rows is None:
            return len(self.rows)
        return min(self.page_rows, len(self.rows))

    @property
    def truncated(self) -> bool:
        return self.shown < len(self.rows)

    @property
    def row_count(self) -> str:
        """The number of rows, written as the page writes numbers ("1,234")."""
        return format_cell(len(self.rows), Kind.INT)

    def formatted(self, limit: int | None = None) -> list[list[str]]:
        """The text of the first ``limit`` rows (all rows without a limit)."""
        cell = _formatter()
        kinds = [column.kind for column in self.columns]
        rows = self.rows if limit is None else self.rows[:limit]
        return [[cell(value, kind) for value, kind in zip(row, kinds, strict=True)] for row in rows]

    def page(self) -> list[list[str]]:
        """The text of the rows the page shows."""
        return self.formatted(limit=self.shown)


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


@dataclass(frozen=True)
class _Locale:
    """What number_format and date_format read for every cell, read once per language."""

    decimal: str
    thousands: str
    grouping: Any
    months: tuple[str, ...]  # "", then January to December in the language

    @property
    def python_grouping(self) -> bool:
        """Whether Python's own ``,`` grouping of threes is the language's grouping."""
        return self.grouping == 3


_LOCALES: dict[str, _Locale] = {}


def _locale() -> _Locale:
    language = translation.get_language() or settings.LANGUAGE_CODE
    found = _LOCALES.get(language)
    if found is None:
        found = _LOCALES[language] = _Locale(
            decimal=str(formats.get_format("DECIMAL_SEPARATOR")),
            thousands=str(formats.get_format("THOUSAND_SEPARATOR")),
            grouping=formats.get_format("NUMBER_GROUPING"),
            months=("", *(str(MONTHS[m]) for m in range(1, 13))),
        )
    return found


def _fixed(value: Decimal, places: int, locale: _Locale) -> str:
    """``value`` with ``places`` decimals and grouped thousands, as number_format writes it:
    extra places are cut, not rounded, and a cut-down zero has no minus sign."""
    if not locale.python_grouping:
        return formats.number_format(value, places, force_grouping=True)
    cut = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
    if cut.is_zero():
        cut = abs(cut)
    return _separators(f"{cut:,.{places}f}", locale)


def _separators(text: str, locale: _Locale) -> str:
    """Python's "1,234.5" with the language's separators."""
    if locale.thousands == "," and locale.decimal == ".":
        return text
    return text.replace(",", "\0").replace(".", locale.decimal).replace("\0", locale.thousands)


def _format(value: Any, kind: Kind | str, locale: _Locale) -> str:
    if value is None or value == "":
        return NOT_APPLICABLE if kind != Kind.TEXT else ""
    kind = Kind(kind)
    if kind == Kind.INT:
        if not locale.python_grouping:
            return formats.number_format(int(value), 0, force_grouping=True)
        return _separators(f"{int(value):,}", locale)
    if kind == Kind.MONEY:
        return "£" + _fixed(Decimal(value), 2, locale)
    if kind == Kind.PERCENT:
        return _fixed(Decimal(value), 1, locale) + "%"
    if kind == Kind.DECIMAL:
        decimal = Decimal(value)
        places = max(0, -decimal.as_tuple().exponent)  # type: ignore[operator]
        return _fixed(decimal, places, locale)
    if kind == Kind.MONTH:  # date_format(value, "F Y")
        return f"{locale.months[value.month]} {value.year:04d}"
    if kind == Kind.DATE:  # date_format(value, "j F Y"): GOV.UK style, "25 November 2026"
        return f"{value.day} {locale.months[value.month]} {value.year:04d}"
    return str(value)


def _formatter() -> Any:
    """``format_cell`` for the active language, its separators and month names read once:
    reading them through number_format and date_format for each of 14,000 cells was a
    quarter of the supplier page's time (BENCHMARKS.md H8)."""
    locale = _locale()
    return lambda value, kind: _format(value, kind, locale)


def format_cell(value: Any, kind: Kind | str) -> str:
    """The text a person reads for one cell (pages only: exports keep the value)."""
    return _format(value, kind, _locale())


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
