"""Calls as the API answers them (``CallOut``), built straight from ``values()``.

A list of 100 calls validated through ``CallOut`` costs ~4,000 Python attribute look-ups
(ninja wraps every object in a getter for its resolvers) for data the database already
holds in the answer's shape; here one ``values()`` query fills plain dicts whose keys and
values are exactly what ``CallOut`` would give (a test compares the two for every field),
and the page is sent as it is (``web.api_pages.Rows``). The OpenAPI document still names
``CallOut``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet

from opendps.competitions.models import Call
from opendps.competitions.schemas import CallOut, _b64url
from opendps.markets.schemas import CURRENCY

# CallOut's fields read from the call's own columns (and the ``status`` annotation).
COLUMNS = tuple(
    name
    for name in CallOut.model_fields
    if name not in {"category_title", "buyer_name", "currency", "public_key", "criteria"}
)
RELATED = {"category_title": F("category__title"), "buyer_name": F("buyer__name")}


def _criterion(criterion: dict[str, Any]) -> dict[str, Any]:
    """As ``CriterionOut`` gives it: its five keys, the weight a Decimal."""
    return {
        "key": criterion["key"],
        "name": criterion["name"],
        "kind": criterion["kind"],
        "weight": Decimal(str(criterion["weight"])),
        "guidance": criterion.get("guidance", ""),
    }


def _shape(row: dict[str, Any]) -> dict[str, Any]:
    row["currency"] = CURRENCY
    row["public_key"] = _b64url(row["public_key"])
    row["criteria"] = [_criterion(c) for c in row["criteria"] or []]
    row["status"] = str(row["status"])
    return {name: row[name] for name in CallOut.model_fields}


def call_rows(calls: QuerySet[Call]) -> QuerySet[Any]:
    """``calls`` (annotated ``with_status``) as rows of ``values()``; ``shape_call`` finishes
    each one."""
    return calls.values(*COLUMNS, "public_key", "criteria", **RELATED)


def shape_call(row: dict[str, Any]) -> dict[str, Any]:
    return _shape(row)
