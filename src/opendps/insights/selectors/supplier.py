"""Supplier insight: how a supplier has done, and what demand is coming in its categories.

Privacy: the results come only from the supplier's own ``Feedback`` rows — its points, the
winner's points, its rank and the number of bidders, exactly what it was told after each
award. Demand figures are counts of published calls and the buyers' estimated values,
which every invited member reads in the calls themselves; planned calls are announced to
members. Nothing here reads another bidder's tender, score or price.

Queries: a fixed handful, whatever the number of calls (tested). Monthly win rates and
demand are grouped by the database; the per-criterion gaps are read from the supplier's
own feedback rows, which the page lists in full anyway.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import Organisation
from opendps.accounts.permissions import SUPPLIER_ROLES
from opendps.competitions.models import Call, Feedback, PlannedCall
from opendps.core import clock
from opendps.core.calendar import london_date
from opendps.core.errors import NotFound
from opendps.insights.forecast import Forecast, add_months, forecast_monthly
from opendps.insights.selectors.common import (
    HISTORY_MONTHS,
    TWO_PLACES,
    as_date,
    money,
    month_of,
    month_start,
    months_between,
    percent,
    trunc_month,
)
from opendps.membership.models import CategoryMember

SUPPLIER_NOT_FOUND = _("Supplier not found.")
REGION_NOT_STATED = _("Not stated")
# The demand tables by region cover the last year; the forecast reads up to three years.
REGION_MONTHS = 12
TREND_MONTHS = 3


@dataclass(frozen=True)
class CriterionResult:
    key: str
    name: str
    kind: str
    weight: Decimal
    your_points: Decimal | None
    winner_points: Decimal

    @property
    def gap(self) -> Decimal | None:
        """How many points the winner scored above this supplier (0 or less: not behind)."""
        if self.your_points is None:
            return None
        return self.winner_points - self.your_points


@dataclass(frozen=True)
class CallResult:
    """One call the supplier tendered for, as its feedback told it."""

    call_id: int
    title: str
    reference: str
    category: str
    buyer: str
    region: str
    decided_on: date
    bidders: int
    rank: int | None
    won: bool
    excluded: bool
    your_total: Decimal | None
    winner_total: Decimal
    your_price: Decimal | None
    winning_price: Decimal | None
    criteria: list[CriterionResult]

    @property
    def gap(self) -> Decimal | None:
        if self.your_total is None:
            return None
        return self.winner_total - self.your_total


@dataclass(frozen=True)
class MonthResult:
    month: date
    tendered: int
    won: int

    @property
    def win_rate(self) -> Decimal | None:
        return percent(self.won, self.tendered)


@dataclass(frozen=True)
class Trend:
    """The win rate over the last months against the same number of months before."""

    months: int
    recent_tendered: int
    recent_won: int
    previous_tendered: int
    previous_won: int

    @property
    def recent_rate(self) -> Decimal | None:
        return percent(self.recent_won, self.recent_tendered)

    @property
    def previous_rate(self) -> Decimal | None:
        return percent(self.previous_won, self.previous_tendered)

    @property
    def direction(self) -> str | None:
        """'up', 'down' or 'level'; None without decided tenders in both periods."""
        recent, previous = self.recent_rate, self.previous_rate
        if recent is None or previous is None:
            return None
        if recent > previous:
            return "up"
        if recent < previous:
            return "down"
        return "level"


@dataclass(frozen=True)
class CriterionGap:
    """The average gap to the winner on one criterion, over the calls the supplier lost."""

    kind: str
    name: str
    calls: int
    average_gap: Decimal
    largest_gap: Decimal


@dataclass(frozen=True)
class DemandMonth:
    month: date
    calls: int
    value: Decimal
    complete: bool  # False for the month in progress


@dataclass(frozen=True)
class DemandRegion:
    month: date
    region: str
    calls: int
    value: Decimal


@dataclass(frozen=True)
class SupplierInsight:
    supplier: Organisation
    generated_at: datetime
    calls: list[CallResult]
    awaiting: int
    months: list[MonthResult]
    trend: Trend
    gaps: list[CriterionGap]
    categories: list[str]
    demand: list[DemandMonth]
    demand_by_region: list[DemandRegion]
    forecast_calls: Forecast
    forecast_value: Forecast
    planned: list[PlannedCall]

    @property
    def tendered(self) -> int:
        return len(self.calls)

    @property
    def won(self) -> int:
        return sum(1 for c in self.calls if c.won)

    @property
    def win_rate(self) -> Decimal | None:
        return percent(self.won, self.tendered)

    @property
    def loses_most(self) -> CriterionGap | None:
        """The criterion with the largest average gap to the winner, if it is behind."""
        behind = [g for g in self.gaps if g.average_gap > 0]
        return max(behind, key=lambda g: (g.average_gap, g.calls)) if behind else None


def supplier_for_insight(actor: Any, *, supplier_id: int) -> Organisation:
    """A supplier the actor works for; any other id is 'not found'."""
    if supplier_id not in permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES):
        raise NotFound(SUPPLIER_NOT_FOUND)
    return Organisation.objects.get(pk=supplier_id)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _call_result(row: Mapping[str, Any]) -> CallResult:
    content = row["content"]
    criteria = [
        CriterionResult(
            key=str(item.get("key", "")),
            name=str(item.get("name", "")),
            kind=str(item.get("kind", "")),
            weight=Decimal(str(item.get("weight", "0"))),
            your_points=_decimal(item.get("your_points")),
            winner_points=Decimal(str(item.get("winner_points", "0"))),
        )
        for item in content.get("criteria", [])
    ]
    rank = content.get("rank")
    return CallResult(
        call_id=row["call_id"],
        title=row["call__title"],
        reference=row["call__reference"],
        category=row["call__category__title"],
        buyer=row["call__buyer__name"],
        region=row["call__region"] or str(REGION_NOT_STATED),
        decided_on=london_date(row["created_at"]),
        bidders=int(content.get("bidders", 0)),
        rank=int(rank) if rank is not None else None,
        won=bool(content.get("won")),
        excluded=rank is None,
        your_total=_decimal(content.get("your_total")),
        winner_total=Decimal(str(content.get("winner_total", "0"))),
        # Values of the whole contract, comparable across calls: a unit rate times the
        # expected quantity (feedback older than price bases held totals only).
        your_price=_decimal(content.get("your_value", content.get("your_price"))),
        winning_price=_decimal(content.get("winning_value", content.get("winning_price"))),
        criteria=criteria,
    )


def _gaps(calls: list[CallResult]) -> list[CriterionGap]:
    """Average and largest gap per criterion (kind and published name) over lost calls in
    which the supplier was ranked (an excluded tender has no points to compare)."""
    gaps: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    for call in calls:
        if call.won or call.excluded:
            continue
        for criterion in call.criteria:
            if criterion.gap is not None:
                gaps[(criterion.kind, criterion.name)].append(criterion.gap)
    result = [
        CriterionGap(
            kind=kind,
            name=name,
            calls=len(values),
            average_gap=(sum(values, Decimal(0)) / len(values)).quantize(TWO_PLACES),
            largest_gap=max(values).quantize(TWO_PLACES),
        )
        for (kind, name), values in gaps.items()
    ]
    return sorted(result, key=lambda g: (-g.average_gap, g.name))


def _months(supplier: Organisation, this_month: date) -> list[MonthResult]:
    """Tenders decided and won per month, counted by the database, gaps filled with 0."""
    rows = (
        Feedback.objects.filter(supplier=supplier)
        .annotate(month=trunc_month("created_at"))
        .values("month")
        .annotate(tendered=Count("pk"), won=Count("pk", filter=Q(content__won=True)))
        .order_by("month")
    )
    counts = {as_date(r["month"]): (r["tendered"], r["won"]) for r in rows}
    if not counts:
        return []
    first = max(min(counts), add_months(this_month, 1 - HISTORY_MONTHS))
    return [
        MonthResult(month=m, tendered=counts.get(m, (0, 0))[0], won=counts.get(m, (0, 0))[1])
        for m in months_between(first, this_month)
    ]


def _trend(months: list[MonthResult], this_month: date) -> Trend:
    recent_from = add_months(this_month, 1 - TREND_MONTHS)
    previous_from = add_months(recent_from, -TREND_MONTHS)
    recent = [m for m in months if m.month >= recent_from]
    previous = [m for m in months if previous_from <= m.month < recent_from]
    return Trend(
        months=TREND_MONTHS,
        recent_tendered=sum(m.tendered for m in recent),
        recent_won=sum(m.won for m in recent),
        previous_tendered=sum(m.tendered for m in previous),
        previous_won=sum(m.won for m in previous),
    )


def _awaiting(supplier: Organisation) -> int:
    """Calls with the supplier's live tender that are not yet decided (nor closed)."""
    own_feedback = Feedback.objects.filter(call=OuterRef("pk"), supplier=supplier)
    return (
        Call.objects.filter(
            submissions__supplier=supplier,
            submissions__withdrawn_at__isnull=True,
            submissions__superseded_at__isnull=True,
            cancelled_at__isnull=True,
            no_compliant_at__isnull=True,
        )
        .exclude(Exists(own_feedback))
        .distinct()
        .count()
    )


def _demand(
    category_ids: list[int], this_month: date
) -> tuple[list[DemandMonth], list[DemandRegion]]:
    """Published calls and their estimated value per month (and per region), grouped by the
    database, over the last ``HISTORY_MONTHS`` months up to the month in progress."""
    if not category_ids:
        return [], []
    since = add_months(this_month, 1 - HISTORY_MONTHS)
    rows = list(
        Call.objects.filter(
            category_id__in=category_ids,
            published_at__isnull=False,
            published_at__gte=month_start(since),
        )
        .annotate(month=trunc_month("published_at"))
        .values("month", "region")
        .annotate(calls=Count("pk"), value=Sum("estimated_value"))
        .order_by("month", "region")
    )
    if not rows:
        return [], []
    totals: dict[date, list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    regions: dict[tuple[date, str], list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    for row in rows:  # one row per month and region: already aggregated
        month = as_date(row["month"])
        region = row["region"] or str(REGION_NOT_STATED)
        totals[month][0] += row["calls"]
        totals[month][1] += row["value"] or 0
        regions[(month, region)][0] += row["calls"]
        regions[(month, region)][1] += row["value"] or 0
    demand = [
        DemandMonth(
            month=m,
            calls=totals[m][0] if m in totals else 0,
            value=money(totals[m][1] if m in totals else 0),
            complete=m < this_month,
        )
        for m in months_between(min(totals), this_month)
    ]
    region_from = add_months(this_month, 1 - REGION_MONTHS)
    by_region = [
        DemandRegion(month=m, region=region, calls=n, value=money(v))
        for (m, region), (n, v) in sorted(
            regions.items(), key=lambda item: (item[0][0], item[0][1])
        )
        if m >= region_from
    ]
    return demand, by_region


def supplier_insight(actor: Any, *, supplier_id: int) -> SupplierInsight:
    """Everything the supplier insight page and API show, for one supplier the actor works
    for (else 'not found')."""
    supplier = supplier_for_insight(actor, supplier_id=supplier_id)
    now = clock.now()
    this_month = month_of(now)
    feedback = (
        Feedback.objects.filter(supplier=supplier)
        .values(
            "call_id",
            "created_at",
            "content",
            "call__title",
            "call__reference",
            "call__region",
            "call__category__title",
            "call__buyer__name",
        )
        .order_by("-created_at", "-pk")
    )
    calls = [_call_result(row) for row in feedback]
    months = _months(supplier, this_month)
    memberships = list(
        CategoryMember.objects.filter(supplier=supplier, removed_at__isnull=True)
        .values_list("category_id", "category__title")
        .order_by("category__title")
    )
    category_ids = [pk for pk, _title in memberships]
    demand, by_region = _demand(category_ids, this_month)
    complete = [d for d in demand if d.complete]
    first_month = complete[0].month if complete else this_month
    planned = list(
        PlannedCall.objects.filter(
            category_id__in=category_ids,
            withdrawn_at__isnull=True,
            expected_month__gte=this_month,
        )
        .select_related("category", "buyer")
        .order_by("expected_month", "title", "pk")
    )
    return SupplierInsight(
        supplier=supplier,
        generated_at=now,
        calls=calls,
        awaiting=_awaiting(supplier),
        months=months,
        trend=_trend(months, this_month),
        gaps=_gaps(calls),
        categories=[title for _pk, title in memberships],
        demand=demand,
        demand_by_region=by_region,
        forecast_calls=forecast_monthly(
            [float(d.calls) for d in complete], first_month=first_month
        ),
        forecast_value=forecast_monthly(
            [float(d.value) for d in complete], first_month=first_month, places=TWO_PLACES
        ),
        planned=planned,
    )
