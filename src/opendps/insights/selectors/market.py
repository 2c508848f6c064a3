"""Market health, for the market's own authority: is the market open, competitive and fair?

Every figure is grouped by the database (``TruncMonth``, ``Count``, ``Sum``, ``Avg`` with
filters); Python only runs totals over the grouped rows (a few per category and month),
so the number of queries and the Python work do not grow with the number of calls,
tenders or applications (tested). The indexes these queries use are named beside them.

Only the people of the market's authority see it; for anyone else the market is 'not
found'. Award values are the authority's own awards; no tender content is read.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
)
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.permissions import AUTHORITY_ROLES
from opendps.competitions.models import Award, Call, TenderSubmission
from opendps.contracts.models import Contract, MetricKind, PerformanceRecord, Rating
from opendps.core import clock
from opendps.core.errors import NotFound, RuleViolation
from opendps.core.models import AuditChainHead
from opendps.insights.forecast import add_months
from opendps.insights.selectors.challenges import ChallengeCounts, market_challenges
from opendps.insights.selectors.common import (
    HISTORY_MONTHS,
    ONE_PLACE,
    as_date,
    money,
    month_of,
    month_start,
    months_between,
    percent,
    trunc_month,
)
from opendps.markets.models import Category, Market
from opendps.membership.models import Application, CategoryMember
from opendps.regimes import get_regime

MARKET_NOT_FOUND = _("Market not found.")
FEW_BIDS = 3  # "calls with fewer than 3 bids" (DESIGN.md §2, step 7)
TOP = 5
# HHI above 1,000: concentrated; above 2,000: highly concentrated (Merger Assessment
# Guidelines, CC2/OFT1254, 2010, para 5.3.5).
HHI_CONCENTRATED = 1000
HHI_HIGHLY_CONCENTRATED = 2000


@dataclass(frozen=True)
class MembersMonth:
    month: date
    category: str
    members: int  # at the end of the month (or now, for the month in progress)
    admitted: int
    removed: int


@dataclass(frozen=True)
class EntrantsMonth:
    month: date
    new_suppliers: int  # first admitted to any category of the market that month
    admissions: int  # category memberships granted that month


@dataclass(frozen=True)
class BidsMonth:
    month: date
    calls: int
    bids: int
    few_bids: int

    @property
    def average_bids(self) -> Decimal | None:
        if not self.calls:
            return None
        return (Decimal(self.bids) / self.calls).quantize(ONE_PLACE)

    @property
    def few_bids_share(self) -> Decimal | None:
        return percent(self.few_bids, self.calls)


@dataclass(frozen=True)
class AwardShare:
    group: str  # "sme", "vcse", "other", "all"
    awards: int
    value: Decimal
    all_awards: int
    all_value: Decimal

    @property
    def count_share(self) -> Decimal | None:
        return percent(self.awards, self.all_awards)

    @property
    def value_share(self) -> Decimal | None:
        return percent(self.value, self.all_value)


@dataclass(frozen=True)
class AdmissionMonth:
    month: date
    decided: int
    on_time: int

    @property
    def late(self) -> int:
        return self.decided - self.on_time

    @property
    def on_time_share(self) -> Decimal | None:
        return percent(self.on_time, self.decided)


@dataclass(frozen=True)
class AdmissionTimes:
    limit_working_days: int
    extended_limit_working_days: int | None
    decided: int
    on_time: int
    median_days: Decimal | None
    waiting: int
    overdue: int
    months: list[AdmissionMonth]

    @property
    def on_time_share(self) -> Decimal | None:
        return percent(self.on_time, self.decided)


@dataclass(frozen=True)
class Concentration:
    category: str
    awards: int
    suppliers: int
    value: Decimal
    top_share: Decimal | None  # the top five suppliers' share of awarded value, %
    hhi: int | None  # Herfindahl-Hirschman index of awarded value, 0-10,000

    @property
    def level(self) -> str:
        if self.hhi is None:
            return "none"
        if self.hhi > HHI_HIGHLY_CONCENTRATED:
            return "high"
        if self.hhi > HHI_CONCENTRATED:
            return "concentrated"
        return "low"


@dataclass(frozen=True)
class SocialValue:
    category: str
    contracts: int
    committed: int  # contracts whose winning tender committed social value
    delivered: int  # of those, contracts with confirmed social value delivered
    confirmed_records: int
    disputed_records: int

    @property
    def delivered_share(self) -> Decimal | None:
        return percent(self.delivered, self.committed)


@dataclass(frozen=True)
class Performance:
    category: str
    contracts: int
    confirmed: int
    disputed: int
    awaiting: int
    ratings: int
    average_rating: Decimal | None

    @property
    def disputed_share(self) -> Decimal | None:
        return percent(self.disputed, self.confirmed + self.disputed)


@dataclass(frozen=True)
class MarketHealth:
    market: Market
    generated_at: datetime
    categories: list[str]
    members: list[MembersMonth]
    entrants: list[EntrantsMonth]
    bids: list[BidsMonth]
    shares: list[AwardShare]
    admission: AdmissionTimes
    concentration: list[Concentration]
    social_value: list[SocialValue]
    performance: list[Performance]
    challenges: list[ChallengeCounts] = field(default_factory=list)

    def members_by_month(self) -> list[tuple[date, int]]:
        totals: dict[date, int] = defaultdict(int)
        for row in self.members:
            totals[row.month] += row.members
        return sorted(totals.items())

    @property
    def closed_calls(self) -> int:
        return sum(b.calls for b in self.bids)

    @property
    def total_bids(self) -> int:
        return sum(b.bids for b in self.bids)

    @property
    def few_bid_calls(self) -> int:
        return sum(b.few_bids for b in self.bids)

    @property
    def average_bids(self) -> Decimal | None:
        if not self.closed_calls:
            return None
        return (Decimal(self.total_bids) / self.closed_calls).quantize(ONE_PLACE)

    @property
    def few_bids_share(self) -> Decimal | None:
        return percent(self.few_bid_calls, self.closed_calls)


def market_for_health(actor: Any, *, market_id: int) -> Market:
    """A market of one of the actor's authorities; any other id is 'not found'."""
    authorities = permissions.organisation_ids_with_role(actor, AUTHORITY_ROLES)
    market = (
        Market.objects.filter(pk=market_id, authority_id__in=authorities)
        .select_related("authority")
        .first()
    )
    if market is None:
        raise NotFound(MARKET_NOT_FOUND)
    return market


def _window(market: Market, this_month: date) -> list[date]:
    start = month_of(market.published_at or market.created_at)
    return months_between(max(start, add_months(this_month, 1 - HISTORY_MONTHS)), this_month)


def _members(market: Market, categories: list[Category], months: list[date]) -> list[MembersMonth]:
    """Members per category at the end of each month, from admissions and removals counted
    per category and month by the database (index: member (category, removed_at, ...))."""
    admitted: dict[tuple[int, date], int] = {}
    for row in (
        CategoryMember.objects.filter(market=market)
        .annotate(month=trunc_month("admitted_at"))
        .values("category_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        admitted[(row["category_id"], as_date(row["month"]))] = row["n"]
    removed: dict[tuple[int, date], int] = {}
    for row in (
        CategoryMember.objects.filter(market=market, removed_at__isnull=False)
        .annotate(month=trunc_month("removed_at"))
        .values("category_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        removed[(row["category_id"], as_date(row["month"]))] = row["n"]
    result = []
    for category in categories:
        # Everything before the window counts towards its first month's opening figure.
        running = sum(
            n for (cid, m), n in admitted.items() if cid == category.pk and m < months[0]
        ) - sum(n for (cid, m), n in removed.items() if cid == category.pk and m < months[0])
        for month in months:
            added = admitted.get((category.pk, month), 0)
            gone = removed.get((category.pk, month), 0)
            running += added - gone
            result.append(
                MembersMonth(
                    month=month,
                    category=category.title,
                    members=running,
                    admitted=added,
                    removed=gone,
                )
            )
    return result


def _entrants(market: Market, months: list[date]) -> list[EntrantsMonth]:
    """New suppliers per month: memberships with no earlier membership of the same supplier
    in the market (an anti-join the database runs), counted by month."""
    earlier = CategoryMember.objects.filter(
        market=market, supplier=OuterRef("supplier"), admitted_at__lt=OuterRef("admitted_at")
    )
    rows = (
        CategoryMember.objects.filter(market=market, admitted_at__gte=month_start(months[0]))
        .annotate(month=trunc_month("admitted_at"), returning=Exists(earlier))
        .values("month")
        .annotate(
            admissions=Count("pk"),
            new=Count("supplier", filter=Q(returning=False), distinct=True),
        )
        .order_by()
    )
    counts = {as_date(r["month"]): (r["new"], r["admissions"]) for r in rows}
    return [
        EntrantsMonth(
            month=m,
            new_suppliers=counts.get(m, (0, 0))[0],
            admissions=counts.get(m, (0, 0))[1],
        )
        for m in months
    ]


def _live_tenders(market: Market) -> Any:
    """The market's live tenders (neither withdrawn nor superseded): the rows of the
    partial unique index ``submission_one_live_per_supplier``, so counting them with
    ``Count("*")`` by call never reads the wide tender heap (sealed payloads, receipts)."""
    return TenderSubmission.objects.filter(
        call__market=market, withdrawn_at__isnull=True, superseded_at__isnull=True
    ).order_by()


def _bids(market: Market, months: list[date], now: datetime) -> list[BidsMonth]:
    """Live tenders per closed call (published, past its deadline, not cancelled), grouped
    by the month of publication (index: call (market, published_at)).

    Two grouped queries, each run once, instead of a COUNT per call (BENCHMARKS.md H10):
    the calls per month, with those that reached ``FEW_BIDS`` live tenders found by one
    uncorrelated grouped subquery; and the live tenders per month of their call."""
    closed = Q(
        call__market=market,
        call__published_at__gte=month_start(months[0]),
        call__deadline__lte=now,
        call__cancelled_at__isnull=True,
    )
    enough = (
        _live_tenders(market)
        .filter(closed)
        .values("call_id")
        .annotate(n=Count("*"))
        .filter(n__gte=FEW_BIDS)
        .values("call_id")
    )
    calls = (
        Call.objects.filter(
            market=market,
            published_at__gte=month_start(months[0]),
            deadline__lte=now,
            cancelled_at__isnull=True,
        )
        .annotate(month=trunc_month("published_at"))
        .values("month")
        .annotate(calls=Count("pk"), few=Count("pk", filter=~Q(pk__in=enough)))
        .order_by()
    )
    bids = (
        _live_tenders(market)
        .filter(closed)
        .annotate(month=trunc_month("call__published_at"))
        .values("month")
        .annotate(n=Count("*"))
        .order_by()
    )
    counts = {as_date(r["month"]): (r["calls"], r["few"]) for r in calls}
    totals = {as_date(r["month"]): r["n"] for r in bids}
    return [
        BidsMonth(
            month=m,
            calls=counts.get(m, (0, 0))[0],
            bids=totals.get(m, 0),
            few_bids=counts.get(m, (0, 0))[1],
        )
        for m in months
    ]


@dataclass(frozen=True)
class _Winnings:
    """Awards and awarded value of one winning supplier in one category."""

    category_id: int
    awards: int
    value: Decimal
    is_sme: bool
    is_vcse: bool


def _winnings(market: Market) -> list[_Winnings]:
    """Awards and value per category and winning supplier, summed by the database: one
    row per (category, winner), read once for both the shares and the concentration, as
    the join from an award to its winning tender scans the wide tender table."""
    rows = (
        Award.objects.filter(call__market=market)
        .values(
            "call__category_id",
            "winner__supplier_id",
            "winner__supplier__is_sme",
            "winner__supplier__is_vcse",
        )
        .annotate(n=Count("pk"), value=Sum("contract_value"))
        .order_by()
    )
    return [
        _Winnings(
            category_id=row["call__category_id"],
            awards=row["n"],
            value=money(row["value"]),
            is_sme=row["winner__supplier__is_sme"],
            is_vcse=row["winner__supplier__is_vcse"],
        )
        for row in rows
    ]


def _shares(winnings: list[_Winnings]) -> list[AwardShare]:
    """SME and VCSE share of awards by number and awarded value."""
    groups = {
        "sme": [w for w in winnings if w.is_sme],
        "vcse": [w for w in winnings if w.is_vcse],
        "other": [w for w in winnings if not w.is_sme and not w.is_vcse],
        "all": winnings,
    }
    total_n = sum(w.awards for w in winnings)
    total_value = money(sum((w.value for w in winnings), Decimal(0)))
    return [
        AwardShare(
            group=group,
            awards=sum(w.awards for w in rows),
            value=money(sum((w.value for w in rows), Decimal(0))),
            all_awards=total_n,
            all_value=total_value,
        )
        for group, rows in groups.items()
    ]


def _assessment_limits(market: Market) -> tuple[int, int | None]:
    regime = get_regime(market.regime, market.validity_starts_at)
    try:
        limit = regime.assessment_working_days(False, market.assessment_working_days)
    except RuleViolation:  # a configured period the regime does not allow: its default
        limit = regime.ASSESSMENT_WORKING_DAYS
    return limit, regime.ASSESSMENT_EXTENDED_WORKING_DAYS


def _admission(market: Market, months: list[date], now: datetime) -> AdmissionTimes:
    """Decisions on applications against each one's legal deadline (``assessment_due_at``
    already carries the regime's limit, any recorded extension and the PCR first period),
    per month of decision; the median time to decide (index: application (market,
    decided_at, assessment_due_at))."""
    decided = Application.objects.filter(market=market, decided_at__isnull=False)
    on_time = Q(decided_at__lte=F("assessment_due_at"))
    rows = (
        decided.filter(decided_at__gte=month_start(months[0]))
        .annotate(month=trunc_month("decided_at"))
        .values("month")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=on_time))
        .order_by()
    )
    counts = {as_date(r["month"]): (r["n"], r["on_time"]) for r in rows}
    totals = decided.aggregate(n=Count("pk"), on_time=Count("pk", filter=on_time))
    pending = Application.objects.filter(
        market=market, decided_at__isnull=True, withdrawn_at__isnull=True
    ).aggregate(n=Count("pk"), overdue=Count("pk", filter=Q(assessment_due_at__lt=now)))
    limit, extended = _assessment_limits(market)
    return AdmissionTimes(
        limit_working_days=limit,
        extended_limit_working_days=extended,
        decided=totals["n"],
        on_time=totals["on_time"],
        median_days=_median_days(decided, totals["n"]),
        waiting=pending["n"],
        overdue=pending["overdue"],
        months=[
            AdmissionMonth(
                month=m, decided=counts.get(m, (0, 0))[0], on_time=counts.get(m, (0, 0))[1]
            )
            for m in months
        ],
    )


def _median_days(decided: Any, count: int) -> Decimal | None:
    """The median of (decided_at − submitted_at) in days: the database sorts the durations
    and returns only the middle one or two (portable: no percentile function needed)."""
    if not count:
        return None
    durations = decided.annotate(
        took=ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField())
    ).order_by("took", "pk")
    middle = count // 2
    if count % 2:
        values = list(durations.values_list("took", flat=True)[middle : middle + 1])
    else:
        values = list(durations.values_list("took", flat=True)[middle - 1 : middle + 1])
    seconds = sum((v.total_seconds() for v in values), 0.0) / len(values)
    return (Decimal(str(seconds)) / Decimal(86400)).quantize(ONE_PLACE)


def _concentration(winnings: list[_Winnings], categories: list[Category]) -> list[Concentration]:
    """The top-5 share and the HHI (sum of squared percentage shares) of awarded value per
    category, over the awards per category and winner."""
    by_category: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for row in winnings:
        by_category[row.category_id].append((row.awards, row.value))
    result = []
    for category in categories:
        winners = by_category.get(category.pk, [])
        total = sum((value for _n, value in winners), Decimal(0))
        values = sorted((value for _n, value in winners), reverse=True)
        hhi = None
        if total > 0:
            hhi = int(
                sum(((Decimal(100) * v / total) ** 2 for v in values), Decimal(0)).quantize(
                    Decimal(1)
                )
            )
        result.append(
            Concentration(
                category=category.title,
                awards=sum(n for n, _value in winners),
                suppliers=len(winners),
                value=money(total),
                top_share=percent(sum(values[:TOP], Decimal(0)), total),
                hhi=hhi,
            )
        )
    return result


def _social_value(market: Market, categories: list[Category]) -> list[SocialValue]:
    """Contracts whose winning tender committed social value, against those with social
    value delivery confirmed by both parties (index: record (contract, kind, confirmed_at))."""
    # Uncorrelated, so the database reads the record index once (a hashed subplan) rather
    # than probing it once per contract.
    delivered = PerformanceRecord.objects.filter(
        contract__call__market=market, kind=MetricKind.SOCIAL_VALUE, confirmed_at__isnull=False
    ).values("contract_id")
    committed = ~Q(commitments__social_value={}) & Q(commitments__social_value__isnull=False)
    rows = {
        row["call__category_id"]: row
        for row in Contract.objects.filter(call__market=market)
        .values("call__category_id")
        .annotate(
            n=Count("pk"),
            committed=Count("pk", filter=committed),
            delivered=Count("pk", filter=committed & Q(pk__in=delivered)),
        )
        .order_by()
    }
    records = {
        row["contract__call__category_id"]: row
        for row in PerformanceRecord.objects.filter(
            contract__call__market=market, kind=MetricKind.SOCIAL_VALUE
        )
        .values("contract__call__category_id")
        .annotate(
            confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
            disputed=Count("pk", filter=Q(disputed_at__isnull=False)),
        )
        .order_by()
    }
    return [
        SocialValue(
            category=category.title,
            contracts=rows.get(category.pk, {}).get("n", 0),
            committed=rows.get(category.pk, {}).get("committed", 0),
            delivered=rows.get(category.pk, {}).get("delivered", 0),
            confirmed_records=records.get(category.pk, {}).get("confirmed", 0),
            disputed_records=records.get(category.pk, {}).get("disputed", 0),
        )
        for category in categories
    ]


def _performance(market: Market, categories: list[Category]) -> list[Performance]:
    """Confirmed, disputed and awaiting records and the average rating per category: three
    grouped queries, so no join multiplies one relation by another."""
    contracts = {
        row["call__category_id"]: row["n"]
        for row in Contract.objects.filter(call__market=market)
        .values("call__category_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    records = {
        row["contract__call__category_id"]: row
        for row in PerformanceRecord.objects.filter(contract__call__market=market)
        .values("contract__call__category_id")
        .annotate(
            confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
            disputed=Count("pk", filter=Q(disputed_at__isnull=False)),
            awaiting=Count("pk", filter=Q(confirmed_at__isnull=True, disputed_at__isnull=True)),
        )
        .order_by()
    }
    ratings = {
        row["contract__call__category_id"]: row
        for row in Rating.objects.filter(contract__call__market=market)
        .values("contract__call__category_id")
        .annotate(n=Count("pk"), average=Avg("score"))
        .order_by()
    }
    result = []
    for category in categories:
        r = records.get(category.pk, {})
        g = ratings.get(category.pk, {})
        average = g.get("average")
        result.append(
            Performance(
                category=category.title,
                contracts=contracts.get(category.pk, 0),
                confirmed=r.get("confirmed", 0),
                disputed=r.get("disputed", 0),
                awaiting=r.get("awaiting", 0),
                ratings=g.get("n", 0),
                average_rating=(
                    Decimal(str(average)).quantize(ONE_PLACE) if average is not None else None
                ),
            )
        )
    return result


# A market's health reads all its calls, tenders, awards and contracts: ~0.3 s of SQL at
# DWP's scale, ~1 s at ten times it. The figures change only when something is written
# (every write records an audit event, which advances the chain's sequence) or as time
# passes, so one computation serves every request for the same market, chain sequence and
# minute (BENCHMARKS.md H14). The key makes an entry unreachable once anything changes.
HEALTH_CACHE_SECONDS = 120
HEALTH_CACHE_VERSION = 2  # 2: with the challenge counts


def _health_key(market_id: int, now: datetime) -> str:
    sequence = AuditChainHead.objects.filter(id=1).values_list("sequence", flat=True).first()
    minute = now.astimezone(UTC).strftime("%Y%m%d%H%M")
    return f"insights:market-health:{HEALTH_CACHE_VERSION}:{market_id}:{sequence or 0}:{minute}"


def market_health(actor: Any, *, market_id: int) -> MarketHealth:
    """Every market-health figure for one market of the actor's authority."""
    market = market_for_health(actor, market_id=market_id)
    now = clock.now()
    key = _health_key(market.pk, now)
    health = cache.get(key)
    if health is None:
        health = _market_health(market, now)
        cache.set(key, health, HEALTH_CACHE_SECONDS)
    return health


def _market_health(market: Market, now: datetime) -> MarketHealth:
    months = _window(market, month_of(now))
    categories = list(Category.objects.filter(market=market).order_by("position", "pk"))
    winnings = _winnings(market)
    return MarketHealth(
        market=market,
        generated_at=now,
        categories=[c.title for c in categories],
        members=_members(market, categories, months),
        entrants=_entrants(market, months),
        bids=_bids(market, months, now),
        shares=_shares(winnings),
        admission=_admission(market, months, now),
        concentration=_concentration(winnings, categories),
        social_value=_social_value(market, categories),
        performance=_performance(market, categories),
        challenges=market_challenges(market, now),
    )


__all__ = ["MarketHealth", "market_for_health", "market_health"]
