"""One paginator for every API list: ``items``, ``count`` and ``links``, and a ``Link`` header.

Every list under /api/v1 is paged alike (``?limit=`` up to 200, ``?offset=``); the answer
carries ``links`` (``first``, ``prev``, ``next``: absolute URLs keeping the filters, ``null``
where there is no such page) and the same URLs in an RFC 8288 ``Link`` header.

The order is stable: a list whose order does not end on the primary key gets it as the
last tie-breaker here, so two rows with the same timestamp never swap or repeat between
pages, whatever the page size (PostgreSQL returns ties in any order otherwise).

Use it as ``@paginate(Paging)`` under ``@router.get(…, response=list[…])``. A module whose
views are paginated must not say ``from __future__ import annotations``: ninja reads the
view's parameter types through the paginating wrapper, where text annotations such as
``Query[SomeFilter]`` cannot be resolved.
"""

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.pagination import PaginationBase

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_OFFSET = 1_000_000_000
TIE_BREAKERS = frozenset({"pk", "-pk", "id", "-id"})


class PageLinks(Schema):
    first: str = Field(description="The first page.")
    prev: str | None = Field(description="The page before this one; null on the first.")
    next: str | None = Field(description="The page after this one; null on the last.")


def stable(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The queryset ordered with its primary key as the last, unique, tie-breaker."""
    ordering: list[Any] = list(queryset.query.order_by) or list(queryset.model._meta.ordering or [])
    last = ordering[-1] if ordering else None
    if isinstance(last, str) and last in TIE_BREAKERS:
        return queryset
    descending = getattr(last, "descending", False) or str(last).startswith("-")
    return queryset.order_by(*ordering, "-pk" if descending else "pk")


def _url(request: HttpRequest, limit: int, offset: int = 0, cursor: str | None = None) -> str:
    query = request.GET.copy()
    query.pop("cursor", None)
    query.pop("offset", None)
    query["limit"] = str(limit)
    if cursor is None:
        query["offset"] = str(offset)
    else:
        query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def page_links(
    request: HttpRequest, *, offset: int, limit: int, count: int, cursor: str | None = None
) -> dict[str, Any]:
    """``next`` continues after this page's last row (a cursor) where the order allows it."""
    previous = None if offset == 0 else _url(request, limit, max(offset - limit, 0))
    following = None
    if offset + limit < count:
        following = _url(request, limit, offset + limit, cursor)
    return {"first": _url(request, limit), "prev": previous, "next": following}


# --- keyset (cursor) paging --------------------------------------------------------------

BAD_CURSOR = _("This cursor is not one this list gave: start again from links.first.")
KEY = "cursor_key_"


def _keys(queryset: QuerySet[Any]) -> list[tuple[str, bool]] | None:
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


def _encode(offset: int, values: list[Any]) -> str:
    text = json.dumps({"o": offset, "k": values}, cls=_KeyEncoder, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str, keys: int) -> tuple[int, list[Any]]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        offset, values = int(data["o"]), list(data["k"])
    except (ValueError, TypeError, KeyError, binascii.Error):
        values, offset = [], -1
    if len(values) != keys or not 0 <= offset <= MAX_OFFSET or None in values:
        raise ValidationError(
            [{"loc": ["query", "cursor"], "msg": str(BAD_CURSOR), "type": "value_error"}]
        )
    return offset, values


def _after(keys: list[tuple[str, bool]], values: list[Any]) -> Q:
    """Rows after ``values`` in the order ``keys``: (a < x) or (a = x and b < y) or …

    On the keys' annotations, not their paths: a new ``filter()`` on a path through a
    many-valued relation (a supplier's invitations) would join it a second time."""
    after = Q(pk__in=[])
    equal = Q()
    for i, ((_name, descending), value) in enumerate(zip(keys, values, strict=True)):
        key = f"{KEY}{i}"
        after |= equal & Q(**{f"{key}__{'lt' if descending else 'gt'}": value})
        equal &= Q(**{key: value})
    return after


def _key_values(item: Any, count: int) -> list[Any] | None:
    get = item.get if isinstance(item, dict) else lambda name: getattr(item, name, None)
    values = [get(f"{KEY}{i}") for i in range(count)]
    return None if None in values else values


def set_link_header(request: HttpRequest, links: dict[str, Any]) -> None:
    """The links as ``Link: <…>; rel="next", …`` on the answer being built."""
    response = getattr(request, "api_response", None)
    if response is None:
        return
    response["Link"] = ", ".join(
        f'<{url}>; rel="{rel}"' for rel, url in links.items() if url is not None
    )


@dataclass(frozen=True)
class DatabaseJson:
    """How PostgreSQL builds a page's items itself, so no row passes through Python:
    ``prepare`` adds to the rows' query what the object reads (an annotation), and
    ``object_sql`` is one row's JSON object, reading the page's columns as ``page."name"``.
    Whoever gives one keeps a test that its items equal ``shape``'s."""

    prepare: Callable[[QuerySet[Any]], QuerySet[Any]]
    object_sql: str


class Rows:
    """A list whose rows are built in the answer's shape: ``queryset`` (of ``values()``) is
    paged, ``shape`` finishes each row, and the page is sent as it is (``prebuilt``), not
    validated attribute by attribute through the response schema again. Whoever makes one
    keeps a test that its rows equal the schema's output. With ``database_json``, on
    PostgreSQL the database writes the page's items (``json_page``)."""

    def __init__(
        self,
        queryset: QuerySet[Any],
        shape: Callable[[dict[str, Any]], Any],
        counted: QuerySet[Any] | None = None,
        database_json: DatabaseJson | None = None,
    ) -> None:
        self.queryset = queryset
        self.shape = shape
        # The same rows without the joins and annotations the answer needs: the count
        # reads an index instead of joining every row.
        self.counted = queryset if counted is None else counted
        self.database_json = database_json


def json_page(
    page: QuerySet[Any], database_json: DatabaseJson, keys: list[tuple[str, bool]]
) -> tuple[int, str, list[Any] | None]:
    """One query for the page ``page`` (already ordered, cut and annotated with its sort
    keys): how many rows it has, their JSON array in order, and the last row's sort keys
    (for the next cursor)."""
    if page.query.is_empty():
        return 0, "[]", None  # .none(): no SQL to wrap (Django would raise EmptyResultSet)
    sql, params = page.query.sql_with_params()
    columns = [f'page."{KEY}{i}"' for i in range(len(keys))]
    order = ", ".join(
        f"{column} {'DESC' if descending else 'ASC'}"
        for column, (_name, descending) in zip(columns, keys, strict=True)
    )
    backwards = ", ".join(
        f"{column} {'ASC' if descending else 'DESC'}"
        for column, (_name, descending) in zip(columns, keys, strict=True)
    )
    # Only constants and the ORM's own SQL go in; every value stays a parameter.
    wrapped = (
        f"SELECT count(*), coalesce(json_agg({database_json.object_sql} ORDER BY {order}), "  # noqa: S608
        f"'[]')::text, (array_agg(json_build_array({', '.join(columns)})::text "
        f"ORDER BY {backwards}))[1] FROM ({sql}) AS page"
    )
    with connections[page.db].cursor() as cursor:
        cursor.execute(wrapped, params)
        rows, items, last = cursor.fetchone()
    return rows, items, None if last is None else json.loads(last)


def _writes_json(page: QuerySet[Any]) -> bool:
    """PostgreSQL writes JSON; elsewhere (SQLite) Python shapes the rows."""
    return bool(connections[page.db].vendor == "postgresql")


class PrebuiltPage(dict[str, Any]):
    """A page of ``Rows``: ``prebuilt`` sends it without validating it again; its items
    as JSON text when the database wrote them (``raw_items``; ``items`` is then empty)."""

    raw_items: str | None = None


def prebuilt(view: Callable[..., Any]) -> Callable[..., Any]:
    """Between ``@router.get`` and ``@paginate(Paging)``: a page of ``Rows`` is rendered as
    it is."""

    @wraps(view)
    def send(request: HttpRequest, **kwargs: Any) -> Any:
        result = view(request, **kwargs)
        if isinstance(result, PrebuiltPage):
            return prebuilt_response(request, dict(result), raw_items=result.raw_items)
        return result

    return send


def prebuilt_response(
    request: HttpRequest, data: Any, raw_items: str | None = None
) -> HttpResponse:
    """``data`` (already in its schema's shape) rendered by the API's own renderer; with
    ``raw_items`` (a JSON array the database wrote), that array is its ``items``."""
    from opendps.api import api

    response: HttpResponse = api.create_response(
        request, data, status=200, temporal_response=getattr(request, "api_response", None)
    )
    if raw_items is not None:
        others = {key: value for key, value in data.items() if key != "items"}
        rest = api.renderer.render(request, others, response_status=200)
        rest = rest if isinstance(rest, bytes) else rest.encode()
        response.content = b'{"items":' + raw_items.encode() + b"," + rest.lstrip()[1:]
    return response


class Paging(PaginationBase):
    """Limit with offset or a cursor (keyset), bounded so no query string can overflow
    the database; ``next`` is a cursor wherever the order is plain columns without nulls."""

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")
        cursor: str | None = Field(
            None,
            max_length=2_000,
            description="From links.next: the page after the previous one's last row (keyset "
            "paging: as fast deep in a list as at its start). Takes the place of offset.",
        )

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="How many items the whole list holds, with its filters.")
        links: PageLinks

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        offset, limit = pagination.offset, pagination.limit
        rows = queryset if isinstance(queryset, Rows) else None
        if rows is not None:
            queryset = rows.queryset
        keys = None
        raw: str | None = None
        last: list[Any] | None = None
        if isinstance(queryset, QuerySet):
            ordered = stable(queryset)
            keys = _keys(ordered)
            if keys is not None:
                ordered = ordered.annotate(
                    **{f"{KEY}{i}": F(name) for i, (name, _desc) in enumerate(keys)}
                )
            if pagination.cursor is not None and keys is not None:
                offset, values = _decode(pagination.cursor, len(keys))
                page = ordered.filter(_after(keys, values))[:limit]
            elif pagination.cursor is not None:
                _decode("", 1)  # a list without keyset paging: no cursor is one it gave
                page = ordered.none()
            else:
                page = ordered[offset : offset + limit]
            database_json = rows.database_json if rows is not None else None
            if database_json is not None and keys is not None and _writes_json(page):
                page = database_json.prepare(page)
                length, raw, last = json_page(page, database_json, keys)
                items: list[Any] = []
            else:
                items = list(page)
                length = len(items)
        else:
            if pagination.cursor is not None:
                _decode("", 1)
            items = list(queryset)[offset : offset + limit]
            length = len(items)
        if (length and length < limit) or (offset == 0 and not length):
            count = offset + length  # the last page: no COUNT needed
        else:
            count = self._items_count(queryset if rows is None else rows.counted)
        if raw is None:
            last = _key_values(items[-1], len(keys)) if keys and items else None
        cursor = None if last is None else _encode(offset + limit, last)
        links = page_links(request, offset=offset, limit=limit, count=count, cursor=cursor)
        set_link_header(request, links)
        if rows is not None:
            built = PrebuiltPage(items=[rows.shape(item) for item in items], count=count)
            built["links"] = links
            built.raw_items = raw
            return built
        return {"items": items, "count": count, "links": links}
