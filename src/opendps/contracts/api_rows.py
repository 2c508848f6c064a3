"""Contracts as the API lists them (``ContractOut``), built straight from ``values()``.

As for calls (``competitions.api_rows``): one ``values()`` query, the names of the call,
its category and both parties joined in, fills plain dicts that render exactly as
``ContractOut``'s output would (``test_api_rows`` compares every field), and the page is
sent as it is (``web.api_page_sql.Rows``), without ninja's per-attribute getter. The status
is derived by ``selectors.contract_status`` itself, from the row.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from django.db.models import F, QuerySet

from opendps.contracts.models import Contract
from opendps.contracts.schemas import ContractOut
from opendps.contracts.selectors import contract_status
from opendps.core import clock
from opendps.core.calendar import london_date
from opendps.markets.schemas import CURRENCY

# The joined names, and the count ``selectors.contract_list`` annotates.
RELATED = {
    "call_title": F("call__title"),
    "category_id": F("call__category_id"),
    "category_title": F("call__category__title"),
    "market_id": F("call__market_id"),
    "buyer_name": F("buyer__name"),
    "supplier_name": F("supplier__name"),
    "records_awaiting_confirmation": F("unsettled_records"),
}
COLUMNS = tuple(
    name for name in ContractOut.model_fields if name not in {*RELATED, "currency", "status"}
)


class _RowContract:
    """What ``contract_status`` reads of a contract."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.terminated_at = row["terminated_at"]
        self.ends_on = row["ends_on"]


def contract_rows(contracts: QuerySet[Contract]) -> QuerySet[Any]:
    """``contracts`` from ``selectors.contract_list`` (with ``unsettled_records``) as rows;
    ``ContractShaper`` finishes each one."""
    return contracts.values(*COLUMNS, **RELATED)


def _text(value: Any) -> Any:
    """Moments as the API's encoder writes them, here rather than in its fallback."""
    if isinstance(value, datetime):
        return clock.utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


class ContractShaper:
    """Finishes rows of ``contract_rows`` as ``ContractOut`` gives them, every status of a
    page read on the same day."""

    def __init__(self, today: date | None = None) -> None:
        self.today = today or london_date(clock.now())

    def __call__(self, row: dict[str, Any]) -> dict[str, Any]:
        row["currency"] = CURRENCY
        row["status"] = str(contract_status(cast(Contract, _RowContract(row)), self.today))
        row["records_awaiting_confirmation"] = int(row["records_awaiting_confirmation"])
        return {name: _text(row[name]) for name in ContractOut.model_fields}
