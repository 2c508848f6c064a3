"""The insight pages as sections: heading, one-sentence summary, chart and tables.

Built from the selectors' results; the page, the CSV and the XLSX exports all read these
tables, so they cannot disagree. Summaries are whole translatable sentences with named
placeholders (never f-strings), so a Welsh translation can reorder them.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from opendps.insights.tables import (
    Kind,
    format_cell,
)


def kind_labels() -> dict[str, str]:
    """Criterion kinds in the request's language, translated once per table (a table of
    points has a row per criterion of every call: translating per row cost more than the
    rest of the page)."""
    return {"price": _("Price"), "quality": _("Quality"), "social_value": _("Social value")}


def pct(value: Decimal | None) -> str:
    return format_cell(value, Kind.PERCENT)
