"""The insight pages as sections: heading, one-sentence summary, chart and tables.

Built from the selectors' results; the page, the CSV and the XLSX exports all read these
tables, so they cannot disagree. Summaries are whole translatable sentences with named
placeholders (never f-strings), so a Welsh translation can reorder them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opendps.contracts.selectors import PastPerformance
from opendps.insights.forecast import Forecast, ForecastPoint
from opendps.insights.selectors.market import MarketHealth
from opendps.insights.selectors.supplier import SupplierInsight
from opendps.insights.tables import (
    MONTHLY,
    Bar,
    Chart,
    Column,
    Kind,
    Section,
    Table,
    format_cell,
    month_label,
)


def _kind_labels() -> dict[str, str]:
    """Criterion kinds in the request's language, translated once per table (a table of
    points has a row per criterion of every call: translating per row cost more than the
    rest of the page)."""
    return {"price": _("Price"), "quality": _("Quality"), "social_value": _("Social value")}


def _pct(value: Decimal | None) -> str:
    return format_cell(value, Kind.PERCENT)


# --- supplier insight ----------------------------------------------------------------------


def _result_label(call: Any) -> str:
    if call.won:
        return _("Won")
    if call.excluded:
        return _("Excluded")
    return _("Not won")


def _results_section(insight: SupplierInsight) -> Section:
    calls = insight.calls
    if calls:
        summary = _(
            "You won %(won)s of the %(tendered)s calls decided so far (%(rate)s); "
            "%(awaiting)s more await a decision."
        ) % {
            "won": insight.won,
            "tendered": insight.tendered,
            "rate": _pct(insight.win_rate),
            "awaiting": insight.awaiting,
        }
    else:
        summary = _(
            "None of the calls you tendered for has been decided yet (%(awaiting)s await a "
            "decision)."
        ) % {"awaiting": insight.awaiting}
    results = Table(
        key="results",
        title=_("Calls you tendered for"),
        columns=[
            Column("decided_on", _("Decided"), Kind.DATE),
            Column("call", _("Call")),
            Column("category", _("Category")),
            Column("buyer", _("Buyer")),
            Column("bidders", _("Bidders"), Kind.INT),
            Column("rank", _("Your rank"), Kind.INT),
            Column("result", _("Result")),
            Column("your_total", _("Your points"), Kind.DECIMAL),
            Column("winner_total", _("Winner's points"), Kind.DECIMAL),
            Column("gap", _("Points behind the winner"), Kind.DECIMAL),
            Column("your_price", _("Your price"), Kind.MONEY),
            Column("winning_price", _("Winning price"), Kind.MONEY),
        ],
        rows=[
            (
                c.decided_on,
                c.title,
                c.category,
                c.buyer,
                c.bidders,
                c.rank,
                _result_label(c),
                c.your_total,
                c.winner_total,
                c.gap,
                c.your_price,
                c.winning_price,
            )
            for c in calls
        ],
        empty=_("No results yet."),
    )
    kinds = _kind_labels()
    points = Table(
        key="points",
        title=_("Your points against the winner's, criterion by criterion"),
        columns=[
            Column("decided_on", _("Decided"), Kind.DATE),
            Column("call", _("Call")),
            Column("criterion", _("Criterion")),
            Column("kind", _("Kind")),
            Column("weight", _("Weight"), Kind.DECIMAL),
            Column("your_points", _("Your points"), Kind.DECIMAL),
            Column("winner_points", _("Winner's points"), Kind.DECIMAL),
            Column("gap", _("Points behind the winner"), Kind.DECIMAL),
        ],
        rows=[
            (
                c.decided_on,
                c.title,
                k.name,
                kinds.get(k.kind, k.kind),
                k.weight,
                k.your_points,
                k.winner_points,
                k.gap,
            )
            for c in calls
            for k in c.criteria
        ],
        empty=_("No results yet."),
    )
    return Section(
        key="results",
        heading=_("Your results"),
        summary=summary,
        tables=[results, points],
        notes=[
            _(
                "From the feedback each buyer gave you: your points, the winner's points and "
                "your rank. Other bidders' scores and prices are never shown."
            )
        ],
    )


def _win_rate_section(insight: SupplierInsight) -> Section:
    trend = insight.trend
    if trend.direction is None:
        summary = _(
            "Over the last %(months)s months you won %(won)s of %(tendered)s decided calls; "
            "there are not enough decided calls to show a trend."
        ) % {
            "months": trend.months,
            "won": trend.recent_won,
            "tendered": trend.recent_tendered,
        }
    else:
        sentences = {
            "up": _(
                "Your win rate rose to %(recent)s over the last %(months)s months, from "
                "%(previous)s in the %(months)s months before."
            ),
            "down": _(
                "Your win rate fell to %(recent)s over the last %(months)s months, from "
                "%(previous)s in the %(months)s months before."
            ),
            "level": _(
                "Your win rate was %(recent)s over the last %(months)s months, the same as in "
                "the %(months)s months before."
            ),
        }
        summary = sentences[trend.direction] % {
            "recent": _pct(trend.recent_rate),
            "previous": _pct(trend.previous_rate),
            "months": trend.months,
        }
    table = Table(
        key="win_rate",
        title=_("Win rate by month"),
        columns=[
            Column("month", _("Month"), Kind.MONTH),
            Column("tendered", _("Calls decided"), Kind.INT),
            Column("won", _("Won"), Kind.INT),
            Column("win_rate", _("Win rate (%)"), Kind.PERCENT),
        ],
        rows=[(m.month, m.tendered, m.won, m.win_rate) for m in insight.months],
        page_rows=MONTHLY,
        empty=_("No results yet."),
    )
    chart = Chart(
        title=_("Win rate by month"),
        bars=[Bar(month_label(m.month), m.win_rate) for m in insight.months],
        kind=Kind.PERCENT,
        legend=_("Bars show the percentage of decided calls you won each month."),
    )
    return Section(
        key="win-rate", heading=_("Win rate"), summary=summary, tables=[table], chart=chart
    )


def _criteria_section(insight: SupplierInsight) -> Section:
    worst = insight.loses_most
    if worst is None:
        summary = _("You have not lost a call on points yet, so there is no gap to show.")
    else:
        summary = _(
            "You lose most on %(criterion)s: on average %(gap)s points behind the winner, over "
            "%(calls)s calls you did not win."
        ) % {
            "criterion": worst.name,
            "gap": format_cell(worst.average_gap, Kind.DECIMAL),
            "calls": worst.calls,
        }
    kinds = _kind_labels()
    table = Table(
        key="gaps",
        title=_("Average gap to the winner by criterion, in calls you did not win"),
        columns=[
            Column("criterion", _("Criterion")),
            Column("kind", _("Kind")),
            Column("calls", _("Calls"), Kind.INT),
            Column("average_gap", _("Average points behind"), Kind.DECIMAL),
            Column("largest_gap", _("Largest gap"), Kind.DECIMAL),
        ],
        rows=[
            (g.name, kinds.get(g.kind, g.kind), g.calls, g.average_gap, g.largest_gap)
            for g in insight.gaps
        ],
        empty=_("No calls lost on points yet."),
    )
    chart = Chart(
        title=_("Average points behind the winner, by criterion"),
        bars=[Bar(g.name, max(g.average_gap, Decimal(0))) for g in insight.gaps],
        kind=Kind.DECIMAL,
        horizontal=True,
        legend=_("Longer bars mean a larger average gap to the winner."),
    )
    return Section(
        key="criteria",
        heading=_("Where you lose most"),
        summary=summary,
        tables=[table],
        chart=chart,
    )


def _forecast_sentence(calls: Forecast, value: Forecast) -> str:
    if not calls.available or calls.total is None:
        return calls.message
    if value.total is None:
        return _(
            "In the next three months we expect about %(calls)s calls in your categories "
            "(%(level)s%% likely between %(low)s and %(high)s)."
        ) % {
            "calls": format_cell(calls.total.expected, Kind.DECIMAL),
            "level": calls.level,
            "low": format_cell(calls.total.lower, Kind.DECIMAL),
            "high": format_cell(calls.total.upper, Kind.DECIMAL),
        }
    return _(
        "In the next three months we expect about %(calls)s calls in your categories "
        "(%(level)s%% likely between %(low)s and %(high)s), worth about %(value)s in total."
    ) % {
        "calls": format_cell(calls.total.expected, Kind.DECIMAL),
        "level": calls.level,
        "low": format_cell(calls.total.lower, Kind.DECIMAL),
        "high": format_cell(calls.total.upper, Kind.DECIMAL),
        "value": format_cell(value.total.expected, Kind.MONEY),
    }


def _demand_section(insight: SupplierInsight) -> Section:
    calls_fc, value_fc = insight.forecast_calls, insight.forecast_value
    if not insight.categories:
        summary = _("You are not a member of any category yet, so there is no demand to show.")
    else:
        summary = _forecast_sentence(calls_fc, value_fc)
    by_month = Table(
        key="demand",
        title=_("Calls published in your categories, by month"),
        columns=[
            Column("month", _("Month"), Kind.MONTH),
            Column("calls", _("Calls"), Kind.INT),
            Column("value", _("Estimated value"), Kind.MONEY),
            Column("complete", _("Month complete")),
        ],
        rows=[
            (d.month, d.calls, d.value, _("Yes") if d.complete else _("No: so far"))
            for d in insight.demand
        ],
        empty=_("No calls yet."),
        page_rows=MONTHLY,
    )
    values: list[ForecastPoint | None] = [*value_fc.points]
    values += [None] * (len(calls_fc.points) - len(values))
    points = list(zip(calls_fc.points, values, strict=False))
    forecast_rows: list[tuple[Any, ...]] = [
        (
            c.month,
            c.expected,
            c.lower,
            c.upper,
            v.expected if v else None,
            v.lower if v else None,
            v.upper if v else None,
        )
        for c, v in points
    ]
    if calls_fc.total is not None:
        v_total = value_fc.total
        forecast_rows.append(
            (
                _("Next three months"),
                calls_fc.total.expected,
                calls_fc.total.lower,
                calls_fc.total.upper,
                v_total.expected if v_total else None,
                v_total.lower if v_total else None,
                v_total.upper if v_total else None,
            )
        )
    forecast = Table(
        key="forecast",
        title=_("Forecast for the next three months (%(level)s%% prediction intervals)")
        % {"level": calls_fc.level},
        columns=[
            Column("month", _("Month")),
            Column("calls", _("Expected calls"), Kind.DECIMAL),
            Column("calls_low", _("Calls: low"), Kind.DECIMAL),
            Column("calls_high", _("Calls: high"), Kind.DECIMAL),
            Column("value", _("Expected value"), Kind.MONEY),
            Column("value_low", _("Value: low"), Kind.MONEY),
            Column("value_high", _("Value: high"), Kind.MONEY),
        ],
        rows=[
            (format_cell(row[0], Kind.MONTH) if not isinstance(row[0], str) else row[0], *row[1:])
            for row in forecast_rows
        ],
        empty=calls_fc.message,
    )
    regions = Table(
        key="regions",
        title=_("Calls by region and month, last 12 months"),
        columns=[
            Column("month", _("Month"), Kind.MONTH),
            Column("region", _("Region or area")),
            Column("calls", _("Calls"), Kind.INT),
            Column("value", _("Estimated value"), Kind.MONEY),
        ],
        rows=[(r.month, r.region, r.calls, r.value) for r in insight.demand_by_region],
        empty=_("No calls yet."),
    )
    bars = [Bar(month_label(d.month), d.calls) for d in insight.demand if d.complete] + [
        Bar(month_label(p.month), p.expected, p.lower, p.upper, forecast=True)
        for p in calls_fc.points
    ]
    chart = Chart(
        title=_("Calls per month in your categories, with the forecast"),
        bars=bars,
        kind=Kind.DECIMAL,
        legend=_(
            "Dark bars are complete months; light bars are the forecast, each with a line "
            "showing its %(level)s%% prediction interval."
        )
        % {"level": calls_fc.level},
    )
    notes = [
        _(
            "Calls counts every call published in your categories and their buyers' estimated "
            "values, which every invited member can read."
        )
    ]
    if calls_fc.available:
        notes.append(
            _("Method: %(method)s, fitted on %(months)s complete months.")
            % {"method": calls_fc.method, "months": calls_fc.history_months}
        )
    return Section(
        key="demand",
        heading=_("Demand in your categories"),
        summary=summary,
        tables=[by_month, forecast, regions],
        chart=chart,
        notes=notes,
    )


def _planned_section(insight: SupplierInsight) -> Section:
    planned = insight.planned
    summary = ngettext(
        "Buyers have announced %(count)s call they expect to make in your categories.",
        "Buyers have announced %(count)s calls they expect to make in your categories.",
        len(planned),
    ) % {"count": len(planned)}
    table = Table(
        key="planned",
        title=_("Planned calls"),
        columns=[
            Column("month", _("Expected"), Kind.MONTH),
            Column("title", _("Call")),
            Column("category", _("Category")),
            Column("buyer", _("Buyer")),
            Column("region", _("Region or area")),
            Column("value", _("Estimated value"), Kind.MONEY),
        ],
        rows=[
            (p.expected_month, p.title, p.category.title, p.buyer.name, p.region, p.estimated_value)
            for p in planned
        ],
        empty=_("No planned calls have been announced."),
    )
    return Section(key="planned", heading=_("Planned calls"), summary=summary, tables=[table])


def supplier_sections(insight: SupplierInsight) -> list[Section]:
    return [
        _results_section(insight),
        _win_rate_section(insight),
        _criteria_section(insight),
        _demand_section(insight),
        _planned_section(insight),
    ]


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
    table = Table(
        key="members",
        title=_("Members per category at the end of each month"),
        columns=[
            Column("month", _("Month"), Kind.MONTH),
            Column("category", _("Category")),
            Column("members", _("Members"), Kind.INT),
            Column("admitted", _("Admitted"), Kind.INT),
            Column("removed", _("Removed"), Kind.INT),
        ],
        rows=[(m.month, m.category, m.members, m.admitted, m.removed) for m in health.members],
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
    table = Table(
        key="entrants",
        title=_("New entrants per month"),
        columns=[
            Column("month", _("Month"), Kind.MONTH),
            Column("new_suppliers", _("New suppliers"), Kind.INT),
            Column("admissions", _("Category admissions"), Kind.INT),
        ],
        rows=[(e.month, e.new_suppliers, e.admissions) for e in health.entrants],
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
        "share": _pct(health.few_bids_share),
    }
    table = Table(
        key="bids",
        title=_("Bids per call, by month of publication"),
        columns=[
            Column("month", _("Month"), Kind.MONTH),
            Column("calls", _("Closed calls"), Kind.INT),
            Column("bids", _("Bids"), Kind.INT),
            Column("average", _("Bids per call"), Kind.DECIMAL),
            Column("few", _("Calls with fewer than 3 bids"), Kind.INT),
            Column("few_share", _("Share with fewer than 3 bids (%)"), Kind.PERCENT),
        ],
        rows=[
            (b.month, b.calls, b.bids, b.average_bids, b.few_bids, b.few_bids_share)
            for b in health.bids
        ],
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
        "sme_n": _pct(by_group["sme"].count_share),
        "sme_v": _pct(by_group["sme"].value_share),
        "vcse_n": _pct(by_group["vcse"].count_share),
        "vcse_v": _pct(by_group["vcse"].value_share),
    }
    table = Table(
        key="shares",
        title=_("SME and VCSE share of awards"),
        columns=[
            Column("group", _("Winners")),
            Column("awards", _("Awards"), Kind.INT),
            Column("count_share", _("Share of awards (%)"), Kind.PERCENT),
            Column("value", _("Awarded value"), Kind.MONEY),
            Column("value_share", _("Share of value (%)"), Kind.PERCENT),
        ],
        rows=[
            (labels[s.group], s.awards, s.count_share, s.value, s.value_share)
            for s in health.shares
        ],
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
        "share": _pct(a.on_time_share),
        "limit": limit,
        "median": format_cell(a.median_days, Kind.DECIMAL),
        "overdue": a.overdue,
        "waiting": a.waiting,
    }
    table = Table(
        key="admission",
        title=_("Decisions on applications against the legal limit, by month"),
        columns=[
            Column("month", _("Month"), Kind.MONTH),
            Column("decided", _("Decided"), Kind.INT),
            Column("on_time", _("In time"), Kind.INT),
            Column("late", _("Late"), Kind.INT),
            Column("on_time_share", _("In time (%)"), Kind.PERCENT),
        ],
        rows=[(m.month, m.decided, m.on_time, m.late, m.on_time_share) for m in a.months],
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
            "share": _pct(top.top_share),
        }
    else:
        summary = _("No call has been awarded yet, so there is no concentration to measure.")
    table = Table(
        key="concentration",
        title=_("Concentration of awarded value per category"),
        columns=[
            Column("category", _("Category")),
            Column("awards", _("Awards"), Kind.INT),
            Column("suppliers", _("Winning suppliers"), Kind.INT),
            Column("value", _("Awarded value"), Kind.MONEY),
            Column("top_share", _("Top five's share (%)"), Kind.PERCENT),
            Column("hhi", _("HHI"), Kind.INT),
            Column("level", _("Level")),
        ],
        rows=[
            (c.category, c.awards, c.suppliers, c.value, c.top_share, c.hhi, levels[c.level])
            for c in health.concentration
        ],
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
    table = Table(
        key="social_value",
        title=_("Social value committed and delivered, per category"),
        columns=[
            Column("category", _("Category")),
            Column("contracts", _("Contracts"), Kind.INT),
            Column("committed", _("With commitments"), Kind.INT),
            Column("delivered", _("With delivery confirmed"), Kind.INT),
            Column("delivered_share", _("Delivered (%)"), Kind.PERCENT),
            Column("confirmed", _("Confirmed records"), Kind.INT),
            Column("disputed", _("Disputed records"), Kind.INT),
        ],
        rows=[
            (
                s.category,
                s.contracts,
                s.committed,
                s.delivered,
                s.delivered_share,
                s.confirmed_records,
                s.disputed_records,
            )
            for s in health.social_value
        ],
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
    table = Table(
        key="performance",
        title=_("Contract performance per category"),
        columns=[
            Column("category", _("Category")),
            Column("contracts", _("Contracts"), Kind.INT),
            Column("confirmed", _("Confirmed records"), Kind.INT),
            Column("disputed", _("Disputed records"), Kind.INT),
            Column("awaiting", _("Awaiting confirmation"), Kind.INT),
            Column("disputed_share", _("Disputed (%)"), Kind.PERCENT),
            Column("ratings", _("Ratings"), Kind.INT),
            Column("average_rating", _("Average rating (1–5)"), Kind.DECIMAL),
        ],
        rows=[
            (
                p.category,
                p.contracts,
                p.confirmed,
                p.disputed,
                p.awaiting,
                p.disputed_share,
                p.ratings,
                p.average_rating,
            )
            for p in health.performance
        ],
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
    ]


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
