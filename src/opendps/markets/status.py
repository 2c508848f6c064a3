"""A market's status, derived from its timestamps and the clock (never stored)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case, Q, QuerySet, Value, When

from opendps.core import clock
from opendps.markets.models import Market, MarketStatus


def market_status(market: Market, now: datetime | None = None) -> MarketStatus:
    now = now or clock.now()
    if market.published_at is None:
        return MarketStatus.DRAFT
    if market.ceased_at is not None and market.ceased_at <= now:
        return MarketStatus.CEASED
    if market.validity_ends_at <= now:
        return MarketStatus.EXPIRED
    return MarketStatus.OPEN


def with_status(queryset: QuerySet[Market], now: datetime | None = None) -> QuerySet[Market]:
    """The same rule as ``market_status`` as an annotation (a test holds the two equal)."""
    now = now or clock.now()
    return queryset.annotate(
        status=Case(
            When(published_at__isnull=True, then=Value(MarketStatus.DRAFT.value)),
            When(ceased_at__lte=now, then=Value(MarketStatus.CEASED.value)),
            When(validity_ends_at__lte=now, then=Value(MarketStatus.EXPIRED.value)),
            default=Value(MarketStatus.OPEN.value),
        )
    )


def open_markets_q(now: datetime) -> Q:
    return (
        Q(published_at__isnull=False)
        & (Q(ceased_at__isnull=True) | Q(ceased_at__gt=now))
        & Q(validity_ends_at__gt=now)
    )


__all__ = ["market_status", "open_markets_q", "with_status"]
