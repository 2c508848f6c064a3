"""The sources of releases: one table and one timestamp column each, and the builder.

The querysets leave out the columns that must never be published, so they are not even
read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from opendps.competitions.models import Award, Call, PlannedCall, TenderSubmission
from opendps.contracts.models import ChangeKind, Contract, ContractChange, PerformanceRecord
from opendps.markets.models import Category, MarketNotice
from opendps.publication import call_amendments, releases
from opendps.publication.ocds import Context, Kind, Process

# Columns of a call that open data never reads.
_CALL_PRIVATE = ("service_user_needs", "closed_reason", "public_key", "wrapped_private_key")


def _call_private(prefix: str) -> list[str]:
    return [f"{prefix}{name}" for name in _CALL_PRIVATE]


def _notices() -> QuerySet[MarketNotice]:
    return (
        MarketNotice.objects.filter(market__published_at__isnull=False)
        .select_related("market__authority")
        .prefetch_related(
            Prefetch("market__categories", queryset=Category.objects.order_by("position", "pk"))
        )
    )


def _calls_published() -> QuerySet[Call]:
    return (
        Call.objects.filter(published_at__isnull=False)
        .select_related("market__authority", "category", "buyer")
        .defer(*_call_private(""))
        .annotate(original_deadline=call_amendments.original_deadline())
    )


def _calls_cancelled() -> QuerySet[Call]:
    # A draft that was cancelled was never published, so it has no release.
    return Call.objects.filter(published_at__isnull=False, cancelled_at__isnull=False).only(
        "id", "cancelled_at"
    )


def _calls_unsuccessful() -> QuerySet[Call]:
    return Call.objects.filter(no_compliant_at__isnull=False).only("id", "no_compliant_at")


def _live_tenders_count() -> Subquery:
    """How many suppliers tendered: each supplier's last submission, unless withdrawn."""
    return Subquery(
        TenderSubmission.objects.filter(
            call_id=OuterRef("call_id"), withdrawn_at__isnull=True, superseded_at__isnull=True
        )
        .order_by()
        .values("call_id")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def _awards() -> QuerySet[Award]:
    return (
        Award.objects.select_related(
            "call__market__authority", "call__category", "call__buyer", "winner__supplier"
        )
        .defer(
            "ranking",
            "winner__sealed_payload",
            "winner__receipt",
            "winner__receipt_signature",
            "winner__exclusion_reason",
            *_call_private("call__"),
        )
        .annotate(number_of_tenderers=Coalesce(_live_tenders_count(), 0))
    )


def _contracts() -> QuerySet[Contract]:
    """Contracts, with their value and end date at signing (a variation changes the row;
    the first change remembers what they were)."""
    first_change = ContractChange.objects.filter(contract=OuterRef("pk")).order_by(
        "changed_at", "pk"
    )
    return (
        Contract.objects.select_related("call__market__authority", "buyer", "supplier")
        .defer("commitments", *_call_private("call__"))
        .annotate(
            changed=Exists(first_change),
            signed_value=Subquery(first_change.values("value_before")[:1]),
            signed_ends_on=Subquery(first_change.values("ends_before")[:1]),
        )
    )


def _contract_release(ctx: Context, contract: Any) -> dict[str, Any]:
    if contract.changed:
        return releases.contract_release(
            ctx, contract, value=contract.signed_value, ends_on=contract.signed_ends_on
        )
    return releases.contract_release(ctx, contract, value=contract.value, ends_on=contract.ends_on)


def _contract_changes(kind: str) -> Callable[[], QuerySet[ContractChange]]:
    def rows() -> QuerySet[ContractChange]:
        return (
            ContractChange.objects.filter(kind=kind)
            .select_related("contract")
            .only(
                "id",
                "kind",
                "value_before",
                "value_after",
                "ends_before",
                "ends_after",
                "changed_at",
                "contract__id",
                "contract__award_id",
                "contract__call_id",
            )
        )

    return rows


def _performance_confirmed() -> QuerySet[PerformanceRecord]:
    # Only what both parties agreed; notes and disputes are never read.
    return (
        PerformanceRecord.objects.filter(disputed_at__isnull=True)
        .select_related("contract")
        .only(
            "id",
            "kind",
            "metric",
            "quantity",
            "target",
            "period_start",
            "period_end",
            "confirmed_at",
            "contract__id",
            "contract__award_id",
            "contract__call_id",
        )
    )


def _planned_public() -> QuerySet[PlannedCall]:
    # A plan announced before its market was published becomes public only with the
    # market; it is left out so that no release appears with a date before it was public
    # (a harvester reading ``since`` its last visit would never see it).
    return PlannedCall.objects.filter(
        category__market__published_at__isnull=False,
        created_at__gte=F("category__market__published_at"),
    )


def _planned() -> QuerySet[PlannedCall]:
    return _planned_public().select_related("category__market__authority", "buyer")


def _planned_withdrawn() -> QuerySet[PlannedCall]:
    return _planned_public().filter(withdrawn_at__isnull=False).only("id", "withdrawn_at")


@dataclass(frozen=True)
class Source:
    """One kind of release: the rows it comes from and how each becomes a release."""

    kind: str
    rank: int  # orders releases of the same moment: the earlier step first
    process: str
    date_field: str
    process_field: str  # the field holding the id of the row's contracting process
    rows: Callable[[], QuerySet[Any]]
    build: Callable[[Context, Any], dict[str, Any]]


SOURCES: tuple[Source, ...] = (
    Source(
        Kind.PLANNING, 0, Process.PLANNED, "created_at", "pk", _planned, releases.planned_release
    ),
    Source(
        Kind.WITHDRAWAL,
        1,
        Process.PLANNED,
        "withdrawn_at",
        "pk",
        _planned_withdrawn,
        releases.planned_withdrawal_release,
    ),
    Source(
        Kind.NOTICE,
        2,
        Process.MARKET,
        "published_at",
        "market_id",
        _notices,
        releases.market_notice_release,
    ),
    Source(
        Kind.TENDER,
        3,
        Process.CALL,
        "published_at",
        "pk",
        _calls_published,
        releases.call_tender_release,
    ),
    Source(
        Kind.CANCELLATION,
        4,
        Process.CALL,
        "cancelled_at",
        "pk",
        _calls_cancelled,
        releases.call_cancellation_release,
    ),
    Source(
        Kind.UNSUCCESSFUL,
        5,
        Process.CALL,
        "no_compliant_at",
        "pk",
        _calls_unsuccessful,
        releases.call_unsuccessful_release,
    ),
    Source(
        Kind.AWARD,
        6,
        Process.CALL,
        "decided_at",
        "call_id",
        _awards,
        lambda ctx, award: releases.award_release(ctx, award, award.number_of_tenderers),
    ),
    Source(Kind.CONTRACT, 7, Process.CALL, "entered_at", "call_id", _contracts, _contract_release),
    Source(
        Kind.AMENDMENT,
        8,
        Process.CALL,
        "changed_at",
        "contract__call_id",
        _contract_changes(ChangeKind.VARIATION),
        releases.contract_change_release,
    ),
    Source(
        Kind.TERMINATION,
        9,
        Process.CALL,
        "changed_at",
        "contract__call_id",
        _contract_changes(ChangeKind.TERMINATION),
        releases.contract_change_release,
    ),
    Source(
        Kind.IMPLEMENTATION,
        10,
        Process.CALL,
        "confirmed_at",
        "contract__call_id",
        _performance_confirmed,
        releases.implementation_release,
    ),
    Source(
        call_amendments.KIND,
        11,
        Process.CALL,
        "made_at",
        "call_id",
        call_amendments.deadline_changes,
        call_amendments.call_amendment_release,
    ),
)
_RANKS = {source.rank for source in SOURCES}
