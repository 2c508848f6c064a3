"""Pages of releases in order, the stream of every release, and one process's releases."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from opendps.core.errors import NotFound
from opendps.publication.ocds import Context
from opendps.publication.selectors.cursor import Cursor, _key, _window
from opendps.publication.selectors.sources import SOURCES, Source

PROCESS_NOT_FOUND = _("No contracting process with that OCID has been published.")

MAX_LIMIT = 1000


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
