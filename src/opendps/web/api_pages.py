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

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from opendps.web.api_keyset import (
    MAX_OFFSET,
    bad_cursor,
    decode,
    encode,
    key_values,
    keys_of,
    ordered_page,
    stable,
)
from opendps.web.api_page_sql import DatabaseJson, PreparedList, Rows, json_page, writes_json

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# Where lists of rows built in the answer's shape are defined (re-exported for the apps).
__all__ = ["DatabaseJson", "Paging", "PreparedList", "Rows", "prebuilt", "prebuilt_response"]


class PageLinks(Schema):
    first: str = Field(description="The first page.")
    prev: str | None = Field(description="The page before this one; null on the first.")
    next: str | None = Field(description="The page after this one; null on the last.")


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


def set_link_header(request: HttpRequest, links: dict[str, Any]) -> None:
    """The links as ``Link: <…>; rel="next", …`` on the answer being built."""
    response = getattr(request, "api_response", None)
    if response is None:
        return
    response["Link"] = ", ".join(
        f'<{url}>; rel="{rel}"' for rel, url in links.items() if url is not None
    )


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
        offset, limit, cursor = pagination.offset, pagination.limit, pagination.cursor
        rows = queryset if isinstance(queryset, Rows) else None
        written = json_page(rows, limit, offset, cursor) if rows and writes_json(rows) else None
        if written is not None:
            assert rows is not None
            count, last, offset = written.count, written.last, written.offset
            built = PrebuiltPage(items=[], count=count)
            built.raw_items = written.items
            return self._finish(request, built, offset, limit, count, last)
        if rows is not None:
            queryset = rows.queryset
        keys = None
        if isinstance(queryset, QuerySet):
            ordered = stable(queryset)
            keys = keys_of(ordered)
            if cursor is not None and keys is None:
                raise bad_cursor()  # a list without keyset paging: no cursor is one it gave
            if cursor is not None and keys is not None:
                offset, values = decode(cursor, len(keys))
                page = ordered_page(ordered, keys, values)[:limit]
            else:
                page = (ordered if keys is None else ordered_page(ordered, keys, []))[
                    offset : offset + limit
                ]
            items = list(page)
        else:
            if cursor is not None:
                raise bad_cursor()
            items = list(queryset)[offset : offset + limit]
        length = len(items)
        if (length and length < limit) or (offset == 0 and not length):
            count = offset + length  # the last page: no COUNT needed
        else:
            count = self._items_count(queryset if rows is None else rows.counted)
        last = key_values(items[-1], len(keys)) if keys and items else None
        if rows is not None:
            built = PrebuiltPage(items=[rows.shape(item) for item in items], count=count)
            return self._finish(request, built, offset, limit, count, last)
        page_data = {"items": items, "count": count}
        return self._finish(request, page_data, offset, limit, count, last)

    @staticmethod
    def _finish(
        request: HttpRequest,
        page: dict[str, Any],
        offset: int,
        limit: int,
        count: int,
        last: list[Any] | None,
    ) -> Any:
        """The page with its links (in the answer and its ``Link`` header)."""
        cursor = None if last is None else encode(offset + limit, last)
        links = page_links(request, offset=offset, limit=limit, count=count, cursor=cursor)
        set_link_header(request, links)
        page["links"] = links
        return page
