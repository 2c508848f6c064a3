"""What anyone may read of calls for competition, signed in or not: the open data's subset.

A published call's title, requirement, category, region, buyer, deadline and value band are
in its OCDS tender release already; nothing else is read here (never a service user's needs,
never anything about tenders, never a draft).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opendps.competitions.models import Award, Call
from opendps.competitions.status import CallStatus, status_q
from opendps.core import clock
from opendps.core.calendar import LONDON
from opendps.core.errors import NotFound
from opendps.markets.models import Market

CALL_NOT_FOUND = _("Call for competition not found.")
PUBLIC_FIELDS = (
    "id",
    "title",
    "reference",
    "requirement",
    "region",
    "estimated_value",
    "deadline",
    "published_at",
    "rapid",
    "market__id",
    "market__title",
    "market__regime",
    "market__cpv_codes",
    "category__id",
    "category__title",
    "buyer__id",
    "buyer__name",
)

# (upper bound, label): what the value band of a call says about its estimated value.
VALUE_BANDS: list[tuple[Decimal | None, object]] = [
    (Decimal("10000"), _("Up to £10,000")),
    (Decimal("100000"), _("£10,000 to £100,000")),
    (Decimal("1000000"), _("£100,000 to £1 million")),
    (None, _("Over £1 million")),
]


def value_band(estimated_value: Decimal) -> str:
    for bound, label in VALUE_BANDS:
        if bound is None or estimated_value <= bound:
            return str(label)
    raise AssertionError("the last band is open")  # pragma: no cover


@dataclass(frozen=True)
class OpportunityFilter:
    """What a prospective supplier searches by; every field optional."""

    text: str = ""
    region: str = ""
    cpv: str = ""
    buyer_id: int | None = None
    category_id: int | None = None
    regime: str = ""
    closes_by: date | None = None


def _open_public(now: datetime) -> QuerySet[Call]:
    return Call.objects.filter(
        status_q(CallStatus.OPEN, now=now), market__published_at__isnull=False
    )


def _markets_with_cpv(prefix: str) -> list[int]:
    """Markets whose CPV codes start with ``prefix`` (a few hundred markets: read in Python,
    so the same on SQLite and PostgreSQL)."""
    digits = prefix.split("-")[0].strip()
    rows = Market.objects.filter(published_at__isnull=False).values_list("pk", "cpv_codes")
    return [pk for pk, codes in rows if any(str(c).startswith(digits) for c in codes or [])]


def opportunity_list(*, filters: OpportunityFilter) -> QuerySet[Call]:
    """Published calls open for tenders, soonest deadline first, as ``filters`` narrow them."""
    now = clock.now()
    calls = _open_public(now)
    if filters.text:
        calls = calls.filter(
            Q(title__icontains=filters.text)
            | Q(reference__iexact=filters.text)
            | Q(requirement__icontains=filters.text)
            | Q(category__title__icontains=filters.text)
            | Q(buyer__name__icontains=filters.text)
        )
    if filters.region:
        calls = calls.filter(region__icontains=filters.region)
    if filters.cpv:
        calls = calls.filter(market_id__in=_markets_with_cpv(filters.cpv))
    if filters.buyer_id is not None:
        calls = calls.filter(buyer_id=filters.buyer_id)
    if filters.category_id is not None:
        calls = calls.filter(category_id=filters.category_id)
    if filters.regime:
        calls = calls.filter(market__regime=filters.regime)
    if filters.closes_by is not None:
        end_of_day = datetime.combine(filters.closes_by + timedelta(days=1), time(), LONDON)
        calls = calls.filter(deadline__lt=end_of_day)
    return (
        calls.select_related("market", "category", "buyer")
        .only(*PUBLIC_FIELDS)
        .order_by("deadline", "pk")
    )


def opportunity_get(*, call_id: int) -> Call:
    """A published call's public page (open or closed); a draft is not found."""
    call = (
        Call.objects.filter(
            pk=call_id, published_at__isnull=False, market__published_at__isnull=False
        )
        .select_related("market", "category", "buyer")
        .only(*PUBLIC_FIELDS, "cancelled_at")
        .first()
    )
    if call is None:
        raise NotFound(CALL_NOT_FOUND)
    return call


def opportunity_buyers() -> list[tuple[int, str]]:
    """The buyers with calls open now, for the filter's choices."""
    rows = (
        _open_public(clock.now())
        .order_by("buyer__name")
        .values_list("buyer_id", "buyer__name")
        .distinct()
    )
    return list(rows)


@dataclass(frozen=True)
class AwardFilter:
    text: str = ""
    buyer_id: int | None = None


def award_list(*, filters: AwardFilter) -> QuerySet[Award]:
    """Every award, newest first: who won which call, when, for how much (as the open data
    publishes it: never the other tenders' prices, scores or names)."""
    awards = Award.objects.filter(call__market__published_at__isnull=False)
    if filters.text:
        awards = awards.filter(
            Q(call__title__icontains=filters.text)
            | Q(call__reference__iexact=filters.text)
            | Q(winner__supplier__name__icontains=filters.text)
            | Q(call__buyer__name__icontains=filters.text)
        )
    if filters.buyer_id is not None:
        awards = awards.filter(call__buyer_id=filters.buyer_id)
    return (
        awards.select_related("call__buyer", "call__category", "winner__supplier")
        .only(
            "id",
            "decided_at",
            "contract_value",
            "standstill_ends_at",
            "call__id",
            "call__title",
            "call__reference",
            "call__buyer__name",
            "call__category__title",
            "winner__id",
            "winner__supplier__name",
        )
        .order_by("-decided_at", "-pk")
    )


def award_for_call(*, call_id: int) -> Award | None:
    """The award of a published call, if any: who won, when, for how much."""
    return award_list(filters=AwardFilter()).filter(call_id=call_id).first()


def contract_for_call(*, call_id: int) -> Any:
    """The contract entered into after a published call, as the open data shows it: its
    value, dates and whether it was ended (never the fee or its commitments' wording)."""
    from opendps.contracts.models import Contract

    return (
        Contract.objects.filter(call_id=call_id, call__published_at__isnull=False)
        .only("id", "value", "entered_at", "starts_on", "ends_on", "terminated_at")
        .first()
    )


def opportunity_categories() -> list[tuple[int, str]]:
    """The categories with calls open now, "Market: category", for the filter's choices."""
    rows = (
        _open_public(clock.now())
        .order_by("market__title", "category__position", "category_id")
        .values_list("category_id", "market__title", "category__title")
        .distinct()
    )
    return [(pk, f"{market}: {title}") for pk, market, title in rows]
