"""Calls as the API answers them (``CallOut``), built straight from ``values()``.

A list of 100 calls validated through ``CallOut`` costs ~4,000 Python attribute look-ups
(ninja wraps every object in a getter for its resolvers) for data the database already
holds in the answer's shape; here one ``values()`` query fills plain dicts whose keys and
values render exactly as ``CallOut``'s would (a test compares the two for every field),
and the page is sent as it is (``web.api_page_sql.Rows``). The OpenAPI document still names
``CallOut``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, cast, get_args

from django.db.models import F, QuerySet

from opendps.competitions import selectors
from opendps.competitions.filters import filter_calls
from opendps.competitions.models import Award, Call
from opendps.competitions.schemas import CallOut, _b64url
from opendps.competitions.status import CallStatus, call_status, status_case
from opendps.core import clock
from opendps.core.prepared import PreparedRows
from opendps.markets.schemas import CURRENCY
from opendps.web.api_page_sql import DatabaseJson

# CallOut's fields read from the call's own columns.
COLUMNS = tuple(
    name
    for name in CallOut.model_fields
    if name not in {"category_title", "buyer_name", "currency", "public_key", "criteria", "status"}
)
# The names of category and buyer, and what the status needs of the award, joined in.
RELATED = {
    "category_title": F("category__title"),
    "buyer_name": F("buyer__name"),
    "award_pk_": F("award__id"),
    "award_standstill_ends_at_": F("award__standstill_ends_at"),
}


class _RowCall:
    """What ``call_status`` reads of a call, from a row: the status is derived by the one
    rule in Python (a few attribute reads) rather than compiled into every request's SQL
    as ``with_status``'s CASE (a third of get-one's time, issue 17)."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.cancelled_at = row["cancelled_at"]
        self.no_compliant_at = row["no_compliant_at"]
        self.published_at = row["published_at"]
        self.deadline = row["deadline"]
        self.opened_at = row["opened_at"]
        self._award = (
            None
            if row["award_pk_"] is None
            else Award(standstill_ends_at=row["award_standstill_ends_at_"])
        )

    @property
    def award(self) -> Award:
        if self._award is None:
            raise Award.DoesNotExist  # as the reverse one-to-one does
        return self._award


def row_status(row: dict[str, Any], now: datetime | None = None) -> str:
    return call_status(cast(Call, _RowCall(row)), now).value


def _criterion(criterion: dict[str, Any]) -> dict[str, Any]:
    """As ``CriterionOut`` gives it: its five keys, the weight a Decimal."""
    return {
        "key": criterion["key"],
        "name": criterion["name"],
        "kind": criterion["kind"],
        "weight": Decimal(str(criterion["weight"])),
        "guidance": criterion.get("guidance", ""),
    }


def _text(value: Any) -> Any:
    """A moment as the API's encoder writes it (``clock.utc_text``), here rather than in
    the encoder's fallback for every one of a page's ~700 datetimes."""
    return clock.utc_text(value) if isinstance(value, datetime) else value


def call_rows(calls: QuerySet[Call]) -> QuerySet[Any]:
    """``calls`` (no ``with_status`` needed) as rows of ``values()``; ``shape_call`` or
    ``CallShaper`` finishes each one."""
    return calls.values(*COLUMNS, "public_key", "criteria", **RELATED)


class CallShaper:
    """Finishes rows of ``call_rows`` as ``CallOut`` gives them, every status of a page
    read at the same moment (as one query's ``with_status`` would)."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or clock.now()

    def __call__(self, row: dict[str, Any]) -> dict[str, Any]:
        row["currency"] = CURRENCY
        row["public_key"] = _b64url(row["public_key"])
        row["criteria"] = [_criterion(c) for c in row["criteria"] or []]
        row["status"] = row_status(row, self.now)
        return {name: _text(row[name]) for name in CallOut.model_fields}


def shape_call(row: dict[str, Any]) -> dict[str, Any]:
    return CallShaper()(row)


def call_list_rows(
    status: CallStatus | None,
    *,
    now: datetime,
    authorities: list[int],
    suppliers: list[int],
    **moments: datetime,
) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """The call list's rows (``call_rows``) for a person acting for these organisations,
    in ``status`` at ``now`` and within the ranges ``moments``, and the rows its ``count``
    reads: the lean scope, or without filters the cheapest rows as many."""
    calls = filter_calls(selectors.call_list_plain_of(authorities, suppliers), status, moments, now)
    if status is not None or moments:
        scope = selectors.call_scope_of_organisations(authorities, suppliers)
        counted = filter_calls(scope, status, moments, now)
    else:
        counted = selectors.call_list_count_scope_of(authorities, suppliers)
    return call_rows(calls), counted


def _visible_call(call_id: int, authorities: list[int], suppliers: list[int]) -> QuerySet[Any]:
    scope = selectors.call_scope_q(authorities, suppliers)
    return call_rows(Call.objects.filter(scope, pk=call_id))


# One call by id as the actor may see it, compiled once per process for each number of
# authorities and suppliers the caller acts for (``core.prepared``): get-one's SQL is the
# same text for every request of a shape.
_VISIBLE_CALL = PreparedRows(_visible_call)


def visible_call_row(actor: Any, call_id: int) -> dict[str, Any] | None:
    """``call_rows`` of ``selectors.call_visible(actor, call_id=call_id)``: its one row, or
    None where the call does not exist or the actor may not see it."""
    authorities, suppliers = selectors.call_scope_organisations(actor)
    if not authorities and not suppliers:
        return None
    rows = _VISIBLE_CALL.rows(
        (len(authorities), len(suppliers)),
        call_id=call_id,
        authorities=authorities,
        suppliers=suppliers,
    )
    return rows[0] if rows else None


# --- on PostgreSQL: the database writes the page (web.api_page_sql.DatabaseJson) -----------

MOMENT_SQL = """to_char(page."{name}" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"""
# The stored array as it is: the services store each criterion as ``_criterion`` gives it
# (``Criterion.model_dump(mode="json")``; migration 0011 rewrote older rows), so no row
# rebuilds it object by object (a millisecond a page, issue 17).
CRITERIA_SQL = """coalesce(page."criteria", '[]'::jsonb)"""
PUBLIC_KEY_SQL = (
    # ``_b64url``: base64url without padding (PostgreSQL's base64 breaks lines: dropped).
    """rtrim(translate(encode(page."public_key", 'base64'), E'+/\\n', '-_'), '=')"""
)


def _kind(annotation: Any) -> type | None:
    """datetime or Decimal for a field of that type (optional or not), else None."""
    for kind in (datetime, Decimal):
        if annotation is kind or kind in get_args(annotation):
            return kind
    return None


def _value_sql(name: str, annotation: Any) -> str:
    special = {
        "currency": f"'{CURRENCY}'",
        "public_key": PUBLIC_KEY_SQL,
        "criteria": CRITERIA_SQL,
        "status": 'page."status_"',
    }
    if name in special:
        return special[name]
    kind = _kind(annotation)
    if kind is datetime:
        return MOMENT_SQL.format(name=name)
    if kind is Decimal:
        return f'page."{name}"::text'  # as the encoder writes a Decimal: a string
    return f'page."{name}"'


def _object_sql() -> str:
    pairs = ", ".join(
        f"'{name}', {_value_sql(name, field.annotation)}"
        for name, field in CallOut.model_fields.items()
    )
    return f"json_build_object({pairs})"


def _with_status(page: QuerySet[Any], now: datetime) -> QuerySet[Any]:
    return page.annotate(status_=status_case(now))


CALL_JSON = DatabaseJson(prepare=_with_status, object_sql=_object_sql())
