"""The insight pages as sections: heading, one-sentence summary, chart and tables.

Built from the selectors' results; the page, the CSV and the XLSX exports all read these
tables, so they cannot disagree. Summaries are whole translatable sentences with named
placeholders (never f-strings), so a Welsh translation can reorder them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from opendps.insights.tables import PAGE_ROWS, Column, Kind, Table, format_cell


def kind_labels() -> dict[str, str]:
    """Criterion kinds in the request's language, translated once per table (a table of
    points has a row per criterion of every call: translating per row cost more than the
    rest of the page)."""
    return {"price": _("Price"), "quality": _("Quality"), "social_value": _("Social value")}


def pct(value: Decimal | None) -> str:
    return format_cell(value, Kind.PERCENT)


@dataclass(frozen=True)
class Field:
    """A table's column and where each row's cell comes from: the row's attribute named
    ``key``, unless ``source`` names another attribute or computes the cell."""

    key: str
    label: str
    kind: Kind = Kind.TEXT
    source: str | Callable[[Any], Any] | None = None

    def cell(self, row: Any) -> Any:
        if callable(self.source):
            return self.source(row)
        return getattr(row, self.source or self.key)


def table_of(
    *,
    key: str,
    title: str,
    fields: Sequence[Field],
    rows: Iterable[Any],
    empty: str = "",
    page_rows: int | None = PAGE_ROWS,
) -> Table:
    """A table declared as its fields: a column and its cells are one entry, so the two
    cannot fall out of step."""
    return Table(
        key=key,
        title=title,
        columns=[Column(f.key, f.label, f.kind) for f in fields],
        rows=[tuple(f.cell(row) for f in fields) for row in rows],
        empty=empty,
        page_rows=page_rows,
    )
