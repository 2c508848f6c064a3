"""Keyset (cursor) paging for the API's lists: a stable order, the cursor's text, and
the condition "after this row".

The order is stable: a list whose order does not end on the primary key gets it as the
last tie-breaker (``stable``), so two rows with the same timestamp never swap or repeat
between pages, whatever the page size (PostgreSQL returns ties in any order otherwise).
A cursor carries the last row's sort keys and the page's offset (for ``prev`` links).
"""

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from ninja.errors import ValidationError

MAX_OFFSET = 1_000_000_000
TIE_BREAKERS = frozenset({"pk", "-pk", "id", "-id"})
BAD_CURSOR = _("This cursor is not one this list gave: start again from links.first.")
KEY = "cursor_key_"


def stable(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The queryset ordered with its primary key as the last, unique, tie-breaker."""
    ordering: list[Any] = list(queryset.query.order_by) or list(queryset.model._meta.ordering or [])
    last = ordering[-1] if ordering else None
    if isinstance(last, str) and last in TIE_BREAKERS:
        return queryset
    descending = getattr(last, "descending", False) or str(last).startswith("-")
    return queryset.order_by(*ordering, "-pk" if descending else "pk")


def keys_of(queryset: QuerySet[Any]) -> list[tuple[str, bool]] | None:
    """The order as (field, descending) pairs, or None when it is not plain field names."""
    keys = []
    for field in queryset.query.order_by:
        if not isinstance(field, str) or field.startswith("?"):
            return None
        keys.append((field.removeprefix("-"), field.startswith("-")))
    return keys


class _KeyEncoder(DjangoJSONEncoder):
    """Moments to the microsecond: Django's encoder cuts them to the millisecond, and a
    cursor so cut would skip the rows stamped within the last row's millisecond."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


def encode(offset: int, values: list[Any]) -> str:
    text = json.dumps({"o": offset, "k": values}, cls=_KeyEncoder, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor: str, keys: int) -> tuple[int, list[Any]]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        offset, values = int(data["o"]), list(data["k"])
    except (ValueError, TypeError, KeyError, binascii.Error):
        values, offset = [], -1
    if len(values) != keys or not 0 <= offset <= MAX_OFFSET or None in values:
        raise bad_cursor()
    return offset, values


def after(keys: list[tuple[str, bool]], values: list[Any]) -> Q:
    """Rows after ``values`` in the order ``keys``: (a < x) or (a = x and b < y) or …

    On the keys' annotations, not their paths: a new ``filter()`` on a path through a
    many-valued relation (a supplier's invitations) would join it a second time."""
    later = Q(pk__in=[])
    equal = Q()
    for i, ((_name, descending), value) in enumerate(zip(keys, values, strict=True)):
        key = f"{KEY}{i}"
        later |= equal & Q(**{f"{key}__{'lt' if descending else 'gt'}": value})
        equal &= Q(**{key: value})
    return later


def key_values(item: Any, count: int) -> list[Any] | None:
    get = item.get if isinstance(item, dict) else lambda name: getattr(item, name, None)
    values = [get(f"{KEY}{i}") for i in range(count)]
    return None if None in values else values


def ordered_page(
    queryset: QuerySet[Any], keys: list[tuple[str, bool]], values: list[Any]
) -> QuerySet[Any]:
    """``queryset`` in its stable order with its sort keys annotated (``KEY`` 0, 1, …),
    after the row whose keys are ``values`` (a cursor's; none: from the start)."""
    ordered = stable(queryset).annotate(
        **{f"{KEY}{i}": F(name) for i, (name, _descending) in enumerate(keys)}
    )
    return ordered.filter(after(keys, typed_keys(ordered, values))) if values else ordered


def typed_keys(page: QuerySet[Any], values: list[Any]) -> list[Any]:
    """A cursor's keys (as JSON gave them) as the values of ``page``'s annotated sort keys:
    moments with their zone, integers. A value its column would refuse means the cursor
    was not one this list gave (422), never a database error."""
    annotations = page.query.annotations
    fields = [annotations[f"{KEY}{i}"].output_field for i in range(len(values))]
    return [typed_key(field, value) for field, value in zip(fields, values, strict=True)]


def typed_key(field: Any, value: Any) -> Any:
    try:
        typed = field.to_python(value)
    except (DjangoValidationError, TypeError, ValueError):
        raise bad_cursor() from None
    if typed is None or (isinstance(typed, datetime) and typed.tzinfo is None):
        raise bad_cursor()
    return typed


def bad_cursor() -> ValidationError:
    return ValidationError(
        [{"loc": ["query", "cursor"], "msg": str(BAD_CURSOR), "type": "value_error"}]
    )
