"""SQL compiled once per process and shape, then run with new values.

Building and compiling a queryset is pure Python work that gives the same SQL text for
every request of one shape: a one-call read by id spent two thirds of its time there and a
list page ~1.7 ms (issue 17). A ``Template`` is compiled once per *shape* (whatever
changes the SQL text: how many organisations of each kind the caller acts for, which
filters are given) from stand-in values; it records where those stand-ins sit among the
query's parameters, and afterwards only the real values are put in their places.

Values are integers, lists of integers and moments (aware datetimes). The stand-ins are
compiled twice, with two different sets, and the two compilations must differ in exactly
the stand-ins' places with the same SQL text: a builder whose SQL is seen to depend on a
value (not only on the shape), or that reads a value of its own (the clock), is refused at
once rather than answered wrong. That check cannot see every dependence, so a builder must
choose its SQL by the shape alone: in practice, filters on the values and nothing else.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connections
from django.db.models import QuerySet

Value = int | Sequence[int] | datetime
# Two sets of stand-ins, inside every integer column's range (a value outside it makes
# Django answer "no rows" without asking, which would compile to other SQL), of opposite
# parity and far apart, so that SQL which branches on a value is likely to differ.
_FIRST, _SECOND = -2_000_000_000, -1_899_999_999
_MOMENTS = {_FIRST: datetime(1901, 1, 1, tzinfo=UTC), _SECOND: datetime(1951, 7, 2, tzinfo=UTC)}


class NotPreparable(ValueError):
    """The builder's SQL depends on more than its shape."""


def _stand_ins(values: dict[str, Value], base: int) -> tuple[dict[str, Value], dict[Any, Any]]:
    """Stand-ins shaped as ``values`` and where each comes from: stand-in → (name, pos)."""
    made: dict[str, Value] = {}
    origin: dict[Any, Any] = {}
    serial = 0
    for name, value in values.items():
        if isinstance(value, datetime):
            made[name] = _MOMENTS[base] + timedelta(seconds=serial)
            origin[made[name]] = (name, None)
            serial += 1
        elif isinstance(value, int):
            made[name], origin[base + serial] = base + serial, (name, None)
            serial += 1
        else:
            made[name] = [base + serial + i for i in range(len(value))]
            origin.update({base + serial + i: (name, i) for i in range(len(value))})
            serial += len(value)
    return made, origin


def _is_stand_in(param: Any, origin: dict[Any, Any]) -> bool:
    return isinstance(param, int | datetime) and not isinstance(param, bool) and param in origin


@dataclass(frozen=True)
class Template:
    sql: str
    params: tuple[Any, ...]
    # For each parameter filled per call: its index, the value's name and the position in
    # a list value (None for a single value).
    slots: tuple[tuple[int, str, int | None], ...]
    extra: Any  # what the builder returned beside its SQL (names, converters, fields)

    def params_for(self, values: dict[str, Any]) -> list[Any]:
        params = list(self.params)
        for index, name, position in self.slots:
            value = values[name]
            params[index] = value if position is None else value[position]
        return params


Compile = Callable[..., tuple[str, Sequence[Any], Any]]


def compile_template(build: Compile, values: dict[str, Value]) -> Template:
    """``build(**values) -> (sql, params, extra)`` compiled from two sets of stand-ins."""
    first, origin = _stand_ins(values, _FIRST)
    second, _ = _stand_ins(values, _SECOND)
    sql, params, extra = build(**first)
    other_sql, other_params, _extra = build(**second)
    slots = tuple(
        (index, *origin[param]) for index, param in enumerate(params) if _is_stand_in(param, origin)
    )
    if other_sql != sql or len(other_params) != len(params):
        raise NotPreparable("This query's SQL depends on its values, not only its shape.")
    differing = {i for i, (a, b) in enumerate(zip(params, other_params, strict=True)) if a != b}
    if differing != {index for index, _name, _pos in slots}:
        raise NotPreparable("This query's SQL depends on its values, not only its shape.")
    if {(name, pos) for _i, name, pos in slots} != set(origin.values()):
        raise NotPreparable("A value given to the query does not reach its SQL.")
    return Template(sql, tuple(params), slots, extra)


class Templates:
    """Templates by database vendor and shape, the least recently used dropped first (safe
    to share between a process's threads)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._kept: OrderedDict[tuple[str, Hashable], Template] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, vendor: str, shape: Hashable, build: Compile, values: dict[str, Value]
    ) -> Template:
        key = (vendor, shape)
        with self._lock:
            template = self._kept.get(key)
            if template is not None:
                self._kept.move_to_end(key)
                return template
        template = compile_template(build, values)  # outside the lock: the slow part
        with self._lock:
            self._kept[key] = template
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return template


class PreparedRows:
    """Rows of ``build(**values)`` (a ``values()`` queryset), compiled once per shape and
    converted as Django's own iterator would convert them."""

    def __init__(self, build: Callable[..., QuerySet[Any]], using: str = "default") -> None:
        self.build = build
        self.using = using
        self._templates = Templates()

    def rows(self, shape: Hashable, **values: Value) -> list[dict[str, Any]]:
        connection = connections[self.using]
        template = self._templates.get(connection.vendor, shape, self._compile, values)
        with connection.cursor() as cursor:
            cursor.execute(template.sql, template.params_for(values))
            fetched = cursor.fetchall()
        names, converters = template.extra
        return [_row(names, converters, list(row), connection) for row in fetched]

    def _compile(self, **values: Value) -> tuple[str, Sequence[Any], Any]:
        queryset = self.build(**values)
        query = queryset.query
        compiler = query.get_compiler(self.using)
        sql, params = compiler.as_sql()
        names = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
        converters = tuple(
            (position, tuple(found), expression)
            for position, (found, expression) in compiler.get_converters(fields).items()
        )
        return sql, params, (tuple(names), converters)


def _row(
    names: tuple[str, ...], converters: Any, row: list[Any], connection: Any
) -> dict[str, Any]:
    for position, found, expression in converters:
        value = row[position]
        for converter in found:
            value = converter(value, expression, connection)
        row[position] = value
    return dict(zip(names, row, strict=False))
