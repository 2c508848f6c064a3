"""Past performance of a category's members, for buyers about to call."""

from __future__ import annotations

from django.utils.translation import gettext as _

from opendps.contracts.selectors import PastPerformance
from opendps.insights.tables import (
    Bar,
    Chart,
    Column,
    Kind,
    Section,
    Table,
)

# --- past performance -----------------------------------------------------------------------


def past_performance_sections(past: PastPerformance) -> list[Section]:
    rows = past.rows
    with_contracts = sum(1 for r in rows if r.contracts)
    summary = _(
        "%(with)s of the %(members)s current members have had contracts with you in this category."
    ) % {"with": with_contracts, "members": len(rows)}
    table = Table(
        key="past_performance",
        title=_("Members' past performance in this category"),
        columns=[
            Column("supplier", _("Supplier")),
            Column("sme", _("SME")),
            Column("vcse", _("VCSE")),
            Column("contracts", _("Contracts"), Kind.INT),
            Column("active", _("Active"), Kind.INT),
            Column("terminated", _("Terminated"), Kind.INT),
            Column("value", _("Contract value"), Kind.MONEY),
            Column("ratings", _("Ratings"), Kind.INT),
            Column("average_rating", _("Average rating (1–5)"), Kind.DECIMAL),
            Column("confirmed", _("Confirmed records"), Kind.INT),
            Column("disputed", _("Disputed records"), Kind.INT),
            Column("targets_set", _("Confirmed results with a target"), Kind.INT),
            Column("targets_met", _("Targets met"), Kind.INT),
            Column("targets_met_share", _("Targets met (%)"), Kind.PERCENT),
        ],
        rows=[
            (
                r.supplier_name,
                _("Yes") if r.is_sme else _("No"),
                _("Yes") if r.is_vcse else _("No"),
                r.contracts,
                r.active_contracts,
                r.terminated_contracts,
                r.contract_value,
                r.ratings,
                r.average_rating,
                r.confirmed_records,
                r.disputed_records,
                r.targets_set,
                r.targets_met,
                r.targets_met_percent,
            )
            for r in rows
        ],
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
