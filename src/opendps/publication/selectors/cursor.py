"""The cursor: a position in the order of every release, and a source's rows after it."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    Q,
    QuerySet,
)
from django.utils.translation import gettext_lazy as _

from opendps.core.errors import RuleViolation
from opendps.publication.selectors.sources import _RANKS, Source

CURSOR_INVALID = _("The cursor is not valid: start again from the first page.")


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
