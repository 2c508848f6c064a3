"""Permission-scoped reads for the insight pages and API: supplier insight and market
health (a package: each is a few hundred lines)."""

from opendps.insights.selectors.market import MarketHealth, market_for_health, market_health
from opendps.insights.selectors.supplier import (
    SupplierInsight,
    supplier_for_insight,
    supplier_insight,
)

__all__ = [
    "MarketHealth",
    "SupplierInsight",
    "market_for_health",
    "market_health",
    "supplier_for_insight",
    "supplier_insight",
]
