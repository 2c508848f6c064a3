"""Past performance of a category's members, for buyers about to call."""

from __future__ import annotations

from django.utils.translation import gettext as _

from opendps.contracts.selectors import PastPerformance
from opendps.insights.sections.common import Field, table_of
from opendps.insights.tables import (
    Bar,
    Chart,
    Kind,
    Section,
)

# --- past performance -----------------------------------------------------------------------


def past_performance_sections(past: PastPerformance) -> list[Section]:
    rows = past.rows
    with_contracts = sum(1 for r in rows if r.contracts)
    summary = _(
        "%(with)s of the %(members)s current members have had contracts with you in this category."
    ) % {"with": with_contracts, "members": len(rows)}
    table = table_of(
        key="past_performance",
        title=_("Members' past performance in this category"),
        fields=[
            Field("supplier", _("Supplier"), source="supplier_name"),
            Field("sme", _("SME"), source=lambda r: _("Yes") if r.is_sme else _("No")),
            Field("vcse", _("VCSE"), source=lambda r: _("Yes") if r.is_vcse else _("No")),
            Field("contracts", _("Contracts"), Kind.INT),
            Field("active", _("Active"), Kind.INT, source="active_contracts"),
            Field("terminated", _("Terminated"), Kind.INT, source="terminated_contracts"),
            Field("value", _("Contract value"), Kind.MONEY, source="contract_value"),
            Field("ratings", _("Ratings"), Kind.INT),
            Field("average_rating", _("Average rating (1–5)"), Kind.DECIMAL),
            Field("confirmed", _("Confirmed records"), Kind.INT, source="confirmed_records"),
            Field("disputed", _("Disputed records"), Kind.INT, source="disputed_records"),
            Field("targets_set", _("Confirmed results with a target"), Kind.INT),
            Field("targets_met", _("Targets met"), Kind.INT),
            Field(
                "targets_met_share",
                _("Targets met (%)"),
                Kind.PERCENT,
                source="targets_met_percent",
            ),
        ],
        rows=rows,
        empty=_("The category has no members yet."),
    )
    rated = [r for r in rows if r.average_rating is not None]
    chart = Chart(
        title=_("Average rating per member"),
        bars=[Bar(r.supplier_name, r.average_rating) for r in rated],
        kind=Kind.DECIMAL,
        horizontal=True,
        legend=_("Members without a rating are not drawn; the table lists every member."),
    )
    return [
        Section(
            key="past-performance",
            heading=_("Past performance"),
            summary=summary,
            tables=[table],
            chart=chart,
            notes=[
                _(
                    "This is information for preparing a call. A call is awarded only on its "
                    "published award criteria, and a new member with no contracts yet must "
                    "not be marked down for that."
                )
            ],
        )
    ]
