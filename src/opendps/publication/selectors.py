"""Reads for open data: every release in (date, id) order, paged or streamed, and the
releases of one contracting process.

Open data is public, so these selectors take no actor: what is public is decided by which
rows become releases (published markets and calls, their awards, contracts, contract
changes and confirmed performance records) and by ``publication.releases``, which builds
each release. The querysets leave out the columns that must never be published (a service
user's needs, the award's ranking of every bidder, a contract's commitments, reasons
written to bidders or for contract changes, performance notes, sealed keys), so they are
not even read.

Each *source* is one table and one timestamp column (index-backed: the publication
migrations add the indexes the owning apps lack). Releases are ordered by the key
(date, source rank, row id): a page reads at most ``limit + 1`` rows from each source after
the cursor and merges them; the export merges the sources' streams the same way, so memory
stays flat however many releases there are.
"""

from __future__ import annotations

import base64
import binascii
import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from opendps.competitions.models import Award, Call, PlannedCall, TenderSubmission
from opendps.contracts.models import ChangeKind, Contract, ContractChange, PerformanceRecord
from opendps.core.errors import NotFound, RuleViolation
from opendps.markets.models import Category, MarketNotice
from opendps.publication import call_amendments, releases
from opendps.publication.ocds import Context, Kind, Process

PROCESS_NOT_FOUND = _("No contracting process with that OCID has been published.")
CURSOR_INVALID = _("The cursor is not valid: start again from the first page.")

MAX_LIMIT = 1000

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


# --- cursor -----------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Cursor:
    """A position in the order of every release: after the release with this key."""

    date: datetime
    rank: int
    pk: int

    def encode(self) -> str:
        raw = f"{self.date.isoformat()}|{self.rank}|{self.pk}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        """Parse a cursor from the next-page link; anything else is a ``RuleViolation``."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            text, rank, pk = raw.split("|")
            cursor = cls(datetime.fromisoformat(text), int(rank), int(pk))
        except (ValueError, UnicodeDecodeError, binascii.Error):
            raise RuleViolation(CURSOR_INVALID, code="cursor_invalid") from None
        if cursor.date.utcoffset() is None or cursor.rank not in _RANKS or cursor.pk < 0:
            raise RuleViolation(CURSOR_INVALID, code="cursor_invalid")
        return cursor


def _window(
    source: Source,
    rows: QuerySet[Any],
    *,
    since: datetime | None,
    after: Cursor | None,
    until: datetime | None = None,
) -> QuerySet[Any]:
    """The source's rows from ``since`` to ``until`` (both inclusive) and after ``after``,
    in release order."""
    field = source.date_field
    rows = rows.filter(**{f"{field}__isnull": False})
    if since is not None:
        rows = rows.filter(**{f"{field}__gte": since})
    if until is not None:
        rows = rows.filter(**{f"{field}__lte": until})
    if after is not None:
        if source.rank > after.rank:
            rows = rows.filter(**{f"{field}__gte": after.date})
        elif source.rank < after.rank:
            rows = rows.filter(**{f"{field}__gt": after.date})
        else:
            rows = rows.filter(
                Q(**{f"{field}__gt": after.date}) | Q(**{field: after.date, "pk__gt": after.pk})
            )
    return rows.order_by(field, "pk")


def _key(source: Source, row: Any) -> tuple[datetime, int, int]:
    return (getattr(row, source.date_field), source.rank, row.pk)


# --- pages, streams, records -------------------------------------------------------------------


@dataclass(frozen=True)
class ReleasePage:
    releases: list[dict[str, Any]]
    next: Cursor | None


@dataclass(frozen=True)
class PageKeys:
    """Which releases make a page, without building them: enough to tell whether a reader's
    copy of the page is still current (the page's validators) and to build it."""

    keys: list[tuple[tuple[datetime, int, int], Source]]
    next: Cursor | None

    @property
    def latest(self) -> datetime | None:
        """The date of the newest release of the page."""
        return max((key[0] for key, _source in self.keys), default=None)

    @property
    def positions(self) -> list[tuple[datetime, int, int]]:
        return [key for key, _source in self.keys]


def release_page_keys(
    *,
    since: datetime | None,
    after: Cursor | None,
    limit: int,
    until: datetime | None = None,
    process: str | None = None,
) -> PageKeys:
    """The keys of up to ``limit`` releases in order, from ``since`` to ``until`` (both
    inclusive), after ``after``, of one kind of process if ``process`` is given.

    Each source gives the (date, id) of at most ``limit + 1`` rows, without building a
    model (BENCHMARKS.md H11: a page used to build every candidate row of every source, ten
    times what it showed).
    """
    keys: list[tuple[tuple[datetime, int, int], Source]] = []
    for source in SOURCES:
        if process is not None and source.process != process:
            continue
        window = _window(
            source, source.rows().prefetch_related(None), since=since, after=after, until=until
        )
        keys.extend(
            ((moment, source.rank, pk), source)
            for moment, pk in window.values_list(source.date_field, "pk")[: limit + 1]
        )
    keys.sort(key=lambda entry: entry[0])
    page = keys[:limit]
    more = len(keys) > limit
    return PageKeys(keys=page, next=Cursor(*page[-1][0]) if more else None)


def release_page_build(page: PageKeys) -> ReleasePage:
    """The releases of a page's keys: only these rows are read in full, one query per
    source present."""
    rows = _rows_of(page.keys)
    ctx = Context.from_settings()
    releases = [
        source.build(ctx, rows[source.rank, key[2]])
        for key, source in page.keys
        if (source.rank, key[2]) in rows
    ]
    return ReleasePage(releases=releases, next=page.next)


def release_page(
    *,
    since: datetime | None,
    after: Cursor | None,
    limit: int,
    until: datetime | None = None,
    process: str | None = None,
) -> ReleasePage:
    """Up to ``limit`` releases in order (see ``release_page_keys``), built."""
    return release_page_build(
        release_page_keys(since=since, after=after, limit=limit, until=until, process=process)
    )


def _rows_of(page: list[tuple[tuple[datetime, int, int], Source]]) -> dict[tuple[int, int], Any]:
    """The full rows of a page's keys, by (source rank, id)."""
    wanted: dict[Source, list[int]] = {}
    for key, source in page:
        wanted.setdefault(source, []).append(key[2])
    return {
        (source.rank, row.pk): row
        for source, pks in wanted.items()
        for row in source.rows().filter(pk__in=pks)
    }


def release_iter(*, chunk_size: int = 500) -> Iterator[dict[str, Any]]:
    """Every release in order, streamed: each source is read in chunks and merged."""
    ctx = Context.from_settings()

    def stream(source: Source) -> Iterator[tuple[tuple[datetime, int, int], Source, Any]]:
        rows = _window(source, source.rows(), since=None, after=None)
        for row in rows.iterator(chunk_size=chunk_size):
            yield _key(source, row), source, row

    for _position, source, row in heapq.merge(
        *(stream(source) for source in SOURCES), key=lambda entry: entry[0]
    ):
        yield source.build(ctx, row)


def release_count() -> int:
    return sum(_window(source, source.rows(), since=None, after=None).count() for source in SOURCES)


def release_latest_date() -> datetime | None:
    """The date of the newest release (a package's publishedDate), or ``None``."""
    latest = [
        source.rows()
        .filter(**{f"{source.date_field}__isnull": False})
        .aggregate(latest=Max(source.date_field))["latest"]
        for source in SOURCES
    ]
    dates = [value for value in latest if value is not None]
    return max(dates) if dates else None


def _entries_for_ocid(
    ocid: str, *, keys_only: bool
) -> list[tuple[tuple[datetime, int, int], Source, Any]]:
    ctx = Context.from_settings()
    parsed = ctx.parse_ocid(ocid)
    if parsed is None:
        raise NotFound(PROCESS_NOT_FOUND)
    process, process_id = parsed
    entries: list[tuple[tuple[datetime, int, int], Source, Any]] = []
    for source in SOURCES:
        if source.process != process:
            continue
        rows = _window(source, source.rows(), since=None, after=None).filter(
            **{source.process_field: process_id}
        )
        if keys_only:
            entries.extend(
                ((moment, source.rank, pk), source, None)
                for moment, pk in rows.prefetch_related(None).values_list(source.date_field, "pk")
            )
        else:
            entries.extend((_key(source, row), source, row) for row in rows)
    if not entries:
        raise NotFound(PROCESS_NOT_FOUND)
    entries.sort(key=lambda entry: entry[0])
    return entries


def release_keys_for_ocid(ocid: str) -> list[tuple[datetime, int, int]]:
    """The (date, source rank, row id) of every release of one contracting process, in
    order, without building them (a record's validators); ``NotFound`` if it has none."""
    return [key for key, _source, _row in _entries_for_ocid(ocid, keys_only=True)]


def release_list_for_ocid(ocid: str) -> list[dict[str, Any]]:
    """Every release of one contracting process, in order; ``NotFound`` if it has none."""
    ctx = Context.from_settings()
    return [
        source.build(ctx, row)
        for _position, source, row in _entries_for_ocid(ocid, keys_only=False)
    ]
