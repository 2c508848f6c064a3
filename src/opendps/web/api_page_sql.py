"""Lists whose pages the database writes: ``Rows``, and on PostgreSQL one statement per page.

``Rows`` is a list built in the answer's shape (``values()`` rows finished by ``shape``),
sent without validating it again through the response schema. With ``database_json``, on
PostgreSQL the database writes the page's items as JSON text, with the row count, the last
row's sort keys (the next cursor) and the whole list's ``count``, in one statement
(``json_page``). With ``prepared`` as well, that statement is compiled once per process
and shape (``core.prepared``) and later pages only fill in the values: building and
compiling it was ~1.7 ms of a ~9 ms list (issue 17).
"""

import json
import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.db import connections
from django.db.models import QuerySet

from opendps.core import clock
from opendps.core.prepared import NotPreparable, Templates
from opendps.web.api_keyset import KEY, decode, keys_of, ordered_page, stable, typed_key

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DatabaseJson:
    """How PostgreSQL builds a page's items itself, so no row passes through Python:
    ``prepare(rows, now)`` adds to the rows' query what the object reads (an annotation,
    reading the moment ``now``), and ``object_sql`` is one row's JSON object, reading the
    page's columns as ``page."name"``. Whoever gives one keeps a test that its items equal
    ``shape``'s."""

    prepare: Callable[[QuerySet[Any], datetime], QuerySet[Any]]
    object_sql: str


@dataclass(frozen=True)
class PreparedList:
    """A list whose rows and count come from ``build(now=…, **values) -> (rows, counted)``
    alone: ``values`` are integers, lists of integers and moments, and every list of one
    ``shape`` (hashable, naming the list) has the same SQL whatever the values."""

    shape: Hashable
    values: dict[str, Any]
    build: Callable[..., tuple[QuerySet[Any], QuerySet[Any]]]


class Rows:
    """A list whose rows are built in the answer's shape: ``queryset`` (of ``values()``) is
    paged, ``shape`` finishes each row, and the page is sent as it is (``prebuilt``), not
    validated attribute by attribute through the response schema again. Whoever makes one
    keeps a test that its rows equal the schema's output. With ``database_json``, on
    PostgreSQL the database writes the page's items (``json_page``); with ``prepared``
    (instead of ``queryset`` and ``counted``), built only where a page needs them."""

    def __init__(
        self,
        queryset: QuerySet[Any] | None,
        shape: Callable[[dict[str, Any]], Any],
        counted: QuerySet[Any] | None = None,
        database_json: DatabaseJson | None = None,
        prepared: PreparedList | None = None,
    ) -> None:
        if queryset is None and prepared is None:
            raise TypeError("Rows needs a queryset or a prepared list.")
        self._queryset = queryset
        # The same rows without the joins and annotations the answer needs: the count
        # reads an index instead of joining every row.
        self._counted = counted
        self.shape = shape
        self.database_json = database_json
        self.prepared = prepared

    def _build(self) -> None:
        if self._queryset is None and self.prepared is not None:
            built = self.prepared.build(now=clock.now(), **self.prepared.values)
            self._queryset, self._counted = built

    @property
    def queryset(self) -> QuerySet[Any]:
        self._build()
        assert self._queryset is not None
        return self._queryset

    @property
    def counted(self) -> QuerySet[Any]:
        self._build()
        return self.queryset if self._counted is None else self._counted


@dataclass(frozen=True)
class JsonPage:
    offset: int  # of the page's first row in the list (from the cursor, with one)
    items: str  # their JSON array
    last: list[Any] | None  # the last row's sort keys
    count: int  # in the whole list


def writes_json(rows: Rows) -> bool:
    """PostgreSQL writes JSON; elsewhere (SQLite) Python shapes the rows."""
    return rows.database_json is not None and connections["default"].vendor == "postgresql"


def json_page(rows: Rows, limit: int, offset: int, cursor: str | None) -> JsonPage | None:
    """The page of ``rows`` (limit, then offset or the cursor's keys) as one statement, or
    None where the list's order is not plain columns (no keyset paging: Python shapes it)."""
    if rows.prepared is not None:
        try:
            return _prepared_page(rows, limit, offset, cursor)
        except NotPreparable:
            logger.warning("A prepared list could not be prepared: %s", rows.prepared.shape)
    keys = keys_of(stable(rows.queryset))
    if keys is None:
        return None
    values: list[Any] = []
    if cursor is not None:
        offset, values = decode(cursor, len(keys))
    assert rows.database_json is not None
    statement = _statement(
        rows.queryset, rows.counted, rows.database_json, keys, values, clock.now()
    )
    if statement is None:
        return JsonPage(offset, "[]", None, 0)  # .none(): no SQL (Django would raise)
    sql, params, _fields = statement
    return _run(offset, sql, [*params, limit, 0 if cursor is not None else offset])


def _statement(
    queryset: QuerySet[Any],
    counted: QuerySet[Any],
    database_json: DatabaseJson,
    keys: list[tuple[str, bool]],
    key_values: list[Any],
    now: datetime,
) -> tuple[str, list[Any], list[Any]] | None:
    """The page statement of ``queryset`` after the row ``key_values`` (none: from the
    start), uncut: its LIMIT and OFFSET are the two parameters to add, so one text serves
    every page. It answers the JSON array of the page's rows in order, the last row's sort
    keys and ``counted``'s count. Beside it, the sort keys' fields; None where there are
    no rows to read (``.none()``)."""
    page = ordered_page(queryset, keys, key_values)
    if page.query.is_empty():
        return None
    sql, params = database_json.prepare(page, now).query.sql_with_params()
    count_sql, count_params = _count_sql(counted)
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
        f"SELECT coalesce(json_agg({database_json.object_sql} ORDER BY {order}), '[]')::text, "  # noqa: S608
        f"(array_agg(json_build_array({', '.join(columns)})::text ORDER BY {backwards}))[1], "
        f"({count_sql}) FROM ({sql} LIMIT %s OFFSET %s) AS page"
    )
    annotations = page.query.annotations
    fields = [annotations[f"{KEY}{i}"].output_field for i in range(len(keys))]
    return wrapped, [*count_params, *params], fields


def _count_sql(counted: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    """``SELECT count(*)`` of ``counted`` as SQL to embed: its rows by key alone, unordered
    (PostgreSQL then counts from an index where one covers the filter)."""
    if counted.query.is_empty():
        return "SELECT 0", ()
    sql, params = counted.order_by().values("pk").query.sql_with_params()
    return f"SELECT count(*) FROM ({sql}) AS counted", tuple(params)  # noqa: S608


def _run(offset: int, sql: str, params: list[Any]) -> JsonPage:
    with connections["default"].cursor() as cursor:
        cursor.execute(sql, params)
        items, last, total = cursor.fetchone()
    return JsonPage(offset, items, None if last is None else json.loads(last), total)


# --- compiled once per shape -------------------------------------------------------------

_PAGES = Templates()


def _prepared_page(rows: Rows, limit: int, offset: int, cursor: str | None) -> JsonPage:
    prepared, database_json = rows.prepared, rows.database_json
    assert prepared is not None and database_json is not None
    vendor = connections["default"].vendor
    values = {**prepared.values, "now": clock.now(), "limit": limit, "offset": offset}
    first = _PAGES.get(
        vendor,
        (prepared.shape, database_json, 0),
        partial(_compile, prepared, database_json, 0),
        values,
    )
    if cursor is None:
        return _run(offset, first.sql, first.params_for(values))
    fields = first.extra
    offset, keys = decode(cursor, len(fields))
    typed = (_typed(field, key) for field, key in zip(fields, keys, strict=True))
    values |= {"offset": 0} | {f"key_{i}": key for i, key in enumerate(typed)}
    later = _PAGES.get(
        vendor,
        (prepared.shape, database_json, len(fields)),
        partial(_compile, prepared, database_json, len(fields)),
        values,
    )
    return _run(offset, later.sql, later.params_for(values))


def _typed(field: Any, value: Any) -> Any:
    """A cursor's key as the column's value: a moment or an integer (what stand-ins are)."""
    typed = typed_key(field, value)
    if not isinstance(typed, int | datetime) or isinstance(typed, bool):
        raise NotPreparable("A sort key is neither a moment nor an integer.")
    return typed


def _compile(
    prepared: PreparedList,
    database_json: DatabaseJson,
    cursor_keys: int,
    *,
    now: datetime,
    limit: int,
    offset: int,
    **values: Any,
) -> tuple[str, list[Any], Any]:
    """The page statement from stand-in values; beside it, the sort keys' fields."""
    key_values = [values.pop(f"key_{i}") for i in range(cursor_keys)]
    queryset, counted = prepared.build(now=now, **values)
    keys = keys_of(stable(queryset))
    statement = (
        None
        if keys is None
        else _statement(queryset, counted, database_json, keys, key_values, now)
    )
    if statement is None:
        raise NotPreparable("Only lists in a keyset order, with rows to read, are prepared.")
    sql, params, fields = statement
    return sql, [*params, limit, offset], fields
