"""Market health for commissioners: members, entrants, bids, shares, admission, concentration."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opendps.insights.sections.challenges import challenges_section
from opendps.insights.sections.common import Field, pct, table_of
from opendps.insights.selectors.market import MarketHealth
from opendps.insights.tables import (
    MONTHLY,
    Bar,
    Chart,
    Kind,
    Section,
    format_cell,
    month_label,
)

# --- market health -------------------------------------------------------------------------


def _members_section(health: MarketHealth) -> Section:
    totals = health.members_by_month()
    now = totals[-1][1] if totals else 0
    first = totals[0][1] if totals else 0
    summary = _(
        "The categories have %(now)s memberships now, against %(first)s at the end of %(month)s."
    ) % {
        "now": now,
        "first": first,
        "month": format_cell(totals[0][0], Kind.MONTH) if totals else "",
    }
    table = table_of(
        key="members",
        title=_("Members per category at the end of each month"),
        fields=[
            Field("month", _("Month"), Kind.MONTH),
            Field("category", _("Category")),
            Field("members", _("Members"), Kind.INT),
            Field("admitted", _("Admitted"), Kind.INT),
            Field("removed", _("Removed"), Kind.INT),
        ],
        rows=health.members,
    )
    chart = Chart(
        title=_("Category memberships at the end of each month"),
        bars=[Bar(month_label(month), total) for month, total in totals],
        legend=_(
            "Bars show memberships across all categories (a supplier counts once per category)."
        ),
    )
    return Section(
        key="members", heading=_("Members over time"), summary=summary, tables=[table], chart=chart
    )


def _entrants_section(health: MarketHealth) -> Section:
    total = sum(e.new_suppliers for e in health.entrants)
    summary = ngettext(
        "%(count)s supplier joined the market for the first time in these months.",
        "%(count)s suppliers joined the market for the first time in these months.",
        total,
    ) % {"count": total}
    table = table_of(
        key="entrants",
        title=_("New entrants per month"),
        fields=[
            Field("month", _("Month"), Kind.MONTH),
            Field("new_suppliers", _("New suppliers"), Kind.INT),
            Field("admissions", _("Category admissions"), Kind.INT),
        ],
        rows=health.entrants,
        page_rows=MONTHLY,
    )
    chart = Chart(
        title=_("New suppliers per month"),
        bars=[Bar(month_label(e.month), e.new_suppliers) for e in health.entrants],
        legend=_("Bars show suppliers admitted to the market for the first time each month."),
    )
    return Section(
        key="entrants", heading=_("New entrants"), summary=summary, tables=[table], chart=chart
    )


def _bids_section(health: MarketHealth) -> Section:
    summary = _(
        "%(calls)s calls have closed, with %(average)s bids on average; %(few)s of them "
        "(%(share)s) had fewer than 3 bids."
    ) % {
        "calls": health.closed_calls,
        "average": format_cell(health.average_bids, Kind.DECIMAL),
        "few": health.few_bid_calls,
        "share": pct(health.few_bids_share),
    }
    table = table_of(
        key="bids",
        title=_("Bids per call, by month of publication"),
        fields=[
            Field("month", _("Month"), Kind.MONTH),
            Field("calls", _("Closed calls"), Kind.INT),
            Field("bids", _("Bids"), Kind.INT),
            Field("average", _("Bids per call"), Kind.DECIMAL, source="average_bids"),
            Field("few", _("Calls with fewer than 3 bids"), Kind.INT, source="few_bids"),
            Field(
                "few_share",
                _("Share with fewer than 3 bids (%)"),
                Kind.PERCENT,
                source="few_bids_share",
            ),
        ],
        rows=health.bids,
        page_rows=MONTHLY,
    )
    chart = Chart(
        title=_("Average bids per closed call, by month"),
        bars=[Bar(month_label(b.month), b.average_bids) for b in health.bids],
        kind=Kind.DECIMAL,
        legend=_("Bars show the average number of bids per closed call."),
    )
    return Section(
        key="bids", heading=_("Bids per call"), summary=summary, tables=[table], chart=chart
    )


def _shares_section(health: MarketHealth) -> Section:
    labels = {
        "sme": _("SMEs"),
        "vcse": _("VCSEs"),
        "other": _("Neither SME nor VCSE"),
        "all": _("All awards"),
    }
    by_group = {s.group: s for s in health.shares}
    summary = _(
        "SMEs won %(sme_n)s of awards (%(sme_v)s of the value) and VCSEs %(vcse_n)s "
        "(%(vcse_v)s of the value)."
    ) % {
        "sme_n": pct(by_group["sme"].count_share),
        "sme_v": pct(by_group["sme"].value_share),
        "vcse_n": pct(by_group["vcse"].count_share),
        "vcse_v": pct(by_group["vcse"].value_share),
    }
    table = table_of(
        key="shares",
        title=_("SME and VCSE share of awards"),
        fields=[
            Field("group", _("Winners"), source=lambda s: labels[s.group]),
            Field("awards", _("Awards"), Kind.INT),
            Field("count_share", _("Share of awards (%)"), Kind.PERCENT),
            Field("value", _("Awarded value"), Kind.MONEY),
            Field("value_share", _("Share of value (%)"), Kind.PERCENT),
        ],
        rows=health.shares,
    )
    chart = Chart(
        title=_("Share of awarded value"),
        bars=[Bar(labels[s.group], s.value_share) for s in health.shares if s.group != "all"],
        kind=Kind.PERCENT,
        horizontal=True,
        legend=_(
            "A supplier can be both an SME and a VCSE, so the shares can add up to more than 100%."
        ),
    )
    return Section(
        key="shares", heading=_("SME and VCSE share"), summary=summary, tables=[table], chart=chart
    )


def _admission_section(health: MarketHealth) -> Section:
    a = health.admission
    if a.extended_limit_working_days:
        limit = _(
            "%(days)s working days (%(extended)s where an extension is justified and recorded)"
        ) % {"days": a.limit_working_days, "extended": a.extended_limit_working_days}
    else:
        limit = _("%(days)s working days") % {"days": a.limit_working_days}
    summary = _(
        "%(on_time)s of %(decided)s decisions (%(share)s) were made within the legal limit of "
        "%(limit)s; the median time to decide was %(median)s days, and %(overdue)s of "
        "%(waiting)s waiting applications are overdue."
    ) % {
        "on_time": a.on_time,
        "decided": a.decided,
        "share": pct(a.on_time_share),
        "limit": limit,
        "median": format_cell(a.median_days, Kind.DECIMAL),
        "overdue": a.overdue,
        "waiting": a.waiting,
    }
    table = table_of(
        key="admission",
        title=_("Decisions on applications against the legal limit, by month"),
        fields=[
            Field("month", _("Month"), Kind.MONTH),
            Field("decided", _("Decided"), Kind.INT),
            Field("on_time", _("In time"), Kind.INT),
            Field("late", _("Late"), Kind.INT),
            Field("on_time_share", _("In time (%)"), Kind.PERCENT),
        ],
        rows=a.months,
        page_rows=MONTHLY,
    )
    chart = Chart(
        title=_("Share of decisions made in time, by month"),
        bars=[Bar(month_label(m.month), m.on_time_share) for m in a.months],
        kind=Kind.PERCENT,
        legend=_(
            "Bars show the percentage of decisions made within each application's legal deadline."
        ),
    )
    return Section(
        key="admission",
        heading=_("Time to admit"),
        summary=summary,
        tables=[table],
        chart=chart,
        notes=[
            _(
                "Each application is measured against its own legal deadline, which includes any "
                "recorded extension (and, in a PCR 2015 DPS, the longer limit of its first "
                "period)."
            )
        ],
    )


def _concentration_section(health: MarketHealth) -> Section:
    levels = {
        "none": _("No awards"),
        "low": _("Not concentrated"),
        "concentrated": _("Concentrated"),
        "high": _("Highly concentrated"),
    }
    rated = [c for c in health.concentration if c.hhi is not None]
    if rated:
        top = max(rated, key=lambda c: c.hhi or 0)
        summary = _(
            "The most concentrated category is %(category)s, with an HHI of %(hhi)s and the top "
            "five winners holding %(share)s of awarded value."
        ) % {
            "category": top.category,
            "hhi": format_cell(top.hhi, Kind.INT),
            "share": pct(top.top_share),
        }
    else:
        summary = _("No call has been awarded yet, so there is no concentration to measure.")
    table = table_of(
        key="concentration",
        title=_("Concentration of awarded value per category"),
        fields=[
            Field("category", _("Category")),
            Field("awards", _("Awards"), Kind.INT),
            Field("suppliers", _("Winning suppliers"), Kind.INT),
            Field("value", _("Awarded value"), Kind.MONEY),
            Field("top_share", _("Top five's share (%)"), Kind.PERCENT),
            Field("hhi", _("HHI"), Kind.INT),
            Field("level", _("Level"), source=lambda c: levels[c.level]),
        ],
        rows=health.concentration,
    )
    chart = Chart(
        title=_("Herfindahl-Hirschman index per category"),
        bars=[Bar(c.category, c.hhi) for c in health.concentration],
        horizontal=True,
        legend=_("Higher means fewer suppliers win most of the value (10,000: a single supplier)."),
    )
    return Section(
        key="concentration",
        heading=_("Concentration"),
        summary=summary,
        tables=[table],
        chart=chart,
        notes=[
            _(
                "HHI: the sum of the squared percentage shares of awarded value. Above 1,000 "
                "a market is concentrated and above 2,000 highly concentrated (CMA merger "
                "assessment guidelines)."
            )
        ],
    )


def _social_value_section(health: MarketHealth) -> Section:
    committed = sum(s.committed for s in health.social_value)
    delivered = sum(s.delivered for s in health.social_value)
    summary = _(
        "%(committed)s contracts carry social value commitments from the winning tender; "
        "%(delivered)s of them have social value delivery confirmed by both parties."
    ) % {"committed": committed, "delivered": delivered}
    table = table_of(
        key="social_value",
        title=_("Social value committed and delivered, per category"),
        fields=[
            Field("category", _("Category")),
            Field("contracts", _("Contracts"), Kind.INT),
            Field("committed", _("With commitments"), Kind.INT),
            Field("delivered", _("With delivery confirmed"), Kind.INT),
            Field("delivered_share", _("Delivered (%)"), Kind.PERCENT),
            Field("confirmed", _("Confirmed records"), Kind.INT, source="confirmed_records"),
            Field("disputed", _("Disputed records"), Kind.INT, source="disputed_records"),
        ],
        rows=health.social_value,
    )
    chart = Chart(
        title=_("Contracts with social value delivered, as a share of those committed"),
        bars=[Bar(s.category, s.delivered_share) for s in health.social_value],
        kind=Kind.PERCENT,
        horizontal=True,
        legend=_("Bars show the share of committed contracts with confirmed delivery."),
    )
    return Section(
        key="social-value",
        heading=_("Social value"),
        summary=summary,
        tables=[table],
        chart=chart,
    )


def _performance_section(health: MarketHealth) -> Section:
    confirmed = sum(p.confirmed for p in health.performance)
    disputed = sum(p.disputed for p in health.performance)
    ratings = sum(p.ratings for p in health.performance)
    summary = _(
        "%(confirmed)s performance records have been confirmed and %(disputed)s disputed; "
        "buyers have given %(ratings)s ratings."
    ) % {"confirmed": confirmed, "disputed": disputed, "ratings": ratings}
    table = table_of(
        key="performance",
        title=_("Contract performance per category"),
        fields=[
            Field("category", _("Category")),
            Field("contracts", _("Contracts"), Kind.INT),
            Field("confirmed", _("Confirmed records"), Kind.INT),
            Field("disputed", _("Disputed records"), Kind.INT),
            Field("awaiting", _("Awaiting confirmation"), Kind.INT),
            Field("disputed_share", _("Disputed (%)"), Kind.PERCENT),
            Field("ratings", _("Ratings"), Kind.INT),
            Field("average_rating", _("Average rating (1–5)"), Kind.DECIMAL),
        ],
        rows=health.performance,
    )
    chart = Chart(
        title=_("Average rating per category"),
        bars=[Bar(p.category, p.average_rating) for p in health.performance],
        kind=Kind.DECIMAL,
        horizontal=True,
        legend=_("Bars show the buyers' average rating, from 1 (very poor) to 5 (excellent)."),
    )
    return Section(
        key="performance",
        heading=_("Contract performance"),
        summary=summary,
        tables=[table],
        chart=chart,
    )


def market_sections(health: MarketHealth) -> list[Section]:
    return [
        _members_section(health),
        _entrants_section(health),
        _bids_section(health),
        _shares_section(health),
        _admission_section(health),
        _concentration_section(health),
        _social_value_section(health),
        _performance_section(health),
        challenges_section(health),
    ]
