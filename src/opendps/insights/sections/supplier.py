"""Supplier insight: its results against the winners, win rate, where it loses, demand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opendps.insights.forecast import Forecast, ForecastPoint
from opendps.insights.sections.common import Field, kind_labels, pct, table_of
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
            "rate": pct(insight.win_rate),
            "awaiting": insight.awaiting,
        }
    else:
        summary = _(
            "None of the calls you tendered for has been decided yet (%(awaiting)s await a "
            "decision)."
        ) % {"awaiting": insight.awaiting}
    results = table_of(
        key="results",
        title=_("Calls you tendered for"),
        fields=[
            Field("decided_on", _("Decided"), Kind.DATE),
            Field("call", _("Call"), source="title"),
            Field("reference", _("Reference")),
            Field("category", _("Category")),
            Field("buyer", _("Buyer")),
            Field("bidders", _("Bidders"), Kind.INT),
            Field("rank", _("Your rank"), Kind.INT),
            Field("result", _("Result"), source=lambda c: _result_label(c)),
            Field("your_total", _("Your points"), Kind.DECIMAL),
            Field("winner_total", _("Winner's points"), Kind.DECIMAL),
            Field("gap", _("Points behind the winner"), Kind.DECIMAL),
            Field("your_price", _("Your price"), Kind.MONEY),
            Field("winning_price", _("Winning price"), Kind.MONEY),
        ],
        rows=calls,
        empty=_("No results yet."),
    )
    kinds = kind_labels()
    points = Table(
        key="points",
        title=_("Your points against the winner's, criterion by criterion"),
        columns=[
            Column("decided_on", _("Decided"), Kind.DATE),
            Column("call", _("Call")),
            Column("reference", _("Reference")),
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
                c.reference,
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
            "recent": pct(trend.recent_rate),
            "previous": pct(trend.previous_rate),
            "months": trend.months,
        }
    table = table_of(
        key="win_rate",
        title=_("Win rate by month"),
        fields=[
            Field("month", _("Month"), Kind.MONTH),
            Field("tendered", _("Calls decided"), Kind.INT),
            Field("won", _("Won"), Kind.INT),
            Field("win_rate", _("Win rate (%)"), Kind.PERCENT),
        ],
        rows=insight.months,
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
    kinds = kind_labels()
    table = table_of(
        key="gaps",
        title=_("Average gap to the winner by criterion, in calls you did not win"),
        fields=[
            Field("criterion", _("Criterion"), source="name"),
            Field("kind", _("Kind"), source=lambda g: kinds.get(g.kind, g.kind)),
            Field("calls", _("Calls"), Kind.INT),
            Field("average_gap", _("Average points behind"), Kind.DECIMAL),
            Field("largest_gap", _("Largest gap"), Kind.DECIMAL),
        ],
        rows=insight.gaps,
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
    by_month = table_of(
        key="demand",
        title=_("Calls published in your categories, by month"),
        fields=[
            Field("month", _("Month"), Kind.MONTH),
            Field("calls", _("Calls"), Kind.INT),
            Field("value", _("Estimated value"), Kind.MONEY),
            Field(
                "complete",
                _("Month complete"),
                source=lambda d: _("Yes") if d.complete else _("No: so far"),
            ),
        ],
        rows=insight.demand,
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
    regions = table_of(
        key="regions",
        title=_("Calls by region and month, last 12 months"),
        fields=[
            Field("month", _("Month"), Kind.MONTH),
            Field("region", _("Region or area")),
            Field("calls", _("Calls"), Kind.INT),
            Field("value", _("Estimated value"), Kind.MONEY),
        ],
        rows=insight.demand_by_region,
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
    table = table_of(
        key="planned",
        title=_("Planned calls"),
        fields=[
            Field("month", _("Expected"), Kind.MONTH, source="expected_month"),
            Field("title", _("Call")),
            Field("category", _("Category"), source=lambda p: p.category.title),
            Field("buyer", _("Buyer"), source=lambda p: p.buyer.name),
            Field("region", _("Region or area")),
            Field("value", _("Estimated value"), Kind.MONEY, source="estimated_value"),
        ],
        rows=planned,
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
