"""/api/v1/insights: supplier insight and market health (DESIGN.md §5), and members'
past performance in a category for the authority's buyers.

A supplier sees only its own insight (built from its own feedback and public call
figures); market health and past performance are for the market's own authority. For
anyone else the market or category is "not found", like a missing id.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from ninja import P, PathEx, Query, Router

from opendps.accounts import selectors as account_selectors
from opendps.contracts import selectors as contract_selectors
from opendps.contracts.selectors import PastPerformance
from opendps.insights import selectors
from opendps.insights.schemas import (
    MarketHealthOut,
    PastPerformanceOut,
    SupplierInsightFilter,
    SupplierInsightOut,
)
from opendps.insights.selectors import MarketHealth, SupplierInsight
from opendps.markets.schemas import MAX_ID
from opendps.web.organisation import AuthedRequest

router = Router(tags=["insights"])

MarketId = PathEx[int, P(ge=1, le=MAX_ID, description="The market's id.")]
CategoryId = PathEx[int, P(ge=1, le=MAX_ID, description="The category's id.")]

NOT_A_SUPPLIER = _("Supplier insight is for people who work for a supplier.")


def _supplier_id(user: Any, supplier_id: int | None) -> int:
    """The supplier named (the selector checks it is yours), else your only supplier."""
    if supplier_id is not None:
        return supplier_id
    return account_selectors.acting_supplier(user, None, NOT_A_SUPPLIER).pk


@router.get(
    "/insights/supplier",
    response=SupplierInsightOut,
    summary="Your results against the winners, win rate, where you lose most, demand in "
    "your categories with a forecast, and planned calls",
)
def supplier_insight(
    request: AuthedRequest, filters: Query[SupplierInsightFilter]
) -> SupplierInsight:
    return selectors.supplier_insight(
        request.user, supplier_id=_supplier_id(request.user, filters.supplier_id)
    )


@router.get(
    "/insights/market/{market_id}",
    response=MarketHealthOut,
    summary="Market health for the market's authority: members, entrants, bids, SME and "
    "VCSE share, time to admit, concentration, social value and contract performance",
)
def market_health(request: AuthedRequest, market_id: MarketId) -> MarketHealth:
    return selectors.market_health(request.user, market_id=market_id)


@router.get(
    "/insights/categories/{category_id}/past-performance",
    response=PastPerformanceOut,
    summary="Members' past performance on the authority's contracts in a category "
    "(information for preparing a call, not an award criterion)",
)
def past_performance(request: AuthedRequest, category_id: CategoryId) -> PastPerformance:
    return contract_selectors.past_performance_in_category(request.user, category_id=category_id)
