"""API schemas for supplier insight, market health and past performance.

They read the selectors' result objects attribute by attribute (computed figures such as
win rates and shares are properties there), so the API, the pages and the exports report
the same numbers.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from opendps.markets.schemas import Id

# --- supplier insight ----------------------------------------------------------------------


class SupplierInsightFilter(Schema):
    supplier_id: Id | None = Field(
        None, description="Which of your suppliers (needed if you work for more than one)."
    )


class CriterionResultOut(Schema):
    key: str
    name: str
    kind: str
    weight: Decimal
    your_points: Decimal | None
    winner_points: Decimal
    gap: Decimal | None = Field(description="The winner's points minus yours.")


class CallResultOut(Schema):
    call_id: int
    title: str
    category: str
    buyer: str
    region: str
    decided_on: date
    bidders: int
    rank: int | None = Field(description="Your rank; null if your tender was excluded.")
    won: bool
    excluded: bool
    your_total: Decimal | None
    winner_total: Decimal
    gap: Decimal | None
    your_price: Decimal | None
    winning_price: Decimal | None = Field(description="The awarded contract value.")
    criteria: list[CriterionResultOut]


class MonthResultOut(Schema):
    month: date
    tendered: int = Field(description="Calls decided that month in which you tendered.")
    won: int
    win_rate: Decimal | None = Field(description="Per cent, one decimal place.")


class TrendOut(Schema):
    months: int
    recent_tendered: int
    recent_won: int
    recent_rate: Decimal | None
    previous_tendered: int
    previous_won: int
    previous_rate: Decimal | None
    direction: str | None = Field(description="up, down or level; null without data.")


class CriterionGapOut(Schema):
    kind: str
    name: str
    calls: int
    average_gap: Decimal
    largest_gap: Decimal


class DemandMonthOut(Schema):
    month: date
    calls: int
    value: Decimal = Field(description="Sum of the buyers' estimated values.")
    complete: bool


class DemandRegionOut(Schema):
    month: date
    region: str
    calls: int
    value: Decimal


class ForecastPointOut(Schema):
    month: date
    expected: Decimal
    lower: Decimal
    upper: Decimal


class ForecastOut(Schema):
    available: bool
    method: str
    message: str = Field(description="Why there is no forecast, when there is none.")
    history_months: int
    level: int = Field(description="The prediction interval's coverage, per cent.")
    points: list[ForecastPointOut]
    total: ForecastPointOut | None = Field(description="The three months together.")


class PlannedCallOut(Schema):
    id: int
    title: str
    category_id: int
    category_title: str
    buyer_name: str
    expected_month: date
    estimated_value: Decimal
    region: str

    @staticmethod
    def resolve_category_title(obj: Any) -> str:
        return obj.category.title

    @staticmethod
    def resolve_buyer_name(obj: Any) -> str:
        return obj.buyer.name


class SupplierInsightOut(Schema):
    supplier_id: int
    supplier_name: str
    generated_at: datetime
    tendered: int
    won: int
    win_rate: Decimal | None
    awaiting: int = Field(description="Calls with your live tender not yet decided.")
    calls: list[CallResultOut]
    months: list[MonthResultOut]
    trend: TrendOut
    gaps: list[CriterionGapOut]
    loses_most: CriterionGapOut | None
    categories: list[str]
    demand: list[DemandMonthOut]
    demand_by_region: list[DemandRegionOut]
    forecast_calls: ForecastOut
    forecast_value: ForecastOut
    planned: list[PlannedCallOut]

    @staticmethod
    def resolve_supplier_id(obj: Any) -> int:
        return int(obj.supplier.pk)

    @staticmethod
    def resolve_supplier_name(obj: Any) -> str:
        return str(obj.supplier.name)


# --- market health -------------------------------------------------------------------------


class MembersMonthOut(Schema):
    month: date
    category: str
    members: int
    admitted: int
    removed: int


class EntrantsMonthOut(Schema):
    month: date
    new_suppliers: int
    admissions: int


class BidsMonthOut(Schema):
    month: date
    calls: int
    bids: int
    average_bids: Decimal | None
    few_bids: int = Field(description="Closed calls with fewer than 3 bids.")
    few_bids_share: Decimal | None


class AwardShareOut(Schema):
    group: str = Field(description="sme, vcse, other or all")
    awards: int
    count_share: Decimal | None
    value: Decimal
    value_share: Decimal | None


class AdmissionMonthOut(Schema):
    month: date
    decided: int
    on_time: int
    late: int
    on_time_share: Decimal | None


class AdmissionTimesOut(Schema):
    limit_working_days: int
    extended_limit_working_days: int | None
    decided: int
    on_time: int
    on_time_share: Decimal | None
    median_days: Decimal | None
    waiting: int
    overdue: int
    months: list[AdmissionMonthOut]


class ConcentrationOut(Schema):
    category: str
    awards: int
    suppliers: int
    value: Decimal
    top_share: Decimal | None
    hhi: int | None
    level: str


class SocialValueOut(Schema):
    category: str
    contracts: int
    committed: int
    delivered: int
    delivered_share: Decimal | None
    confirmed_records: int
    disputed_records: int


class PerformanceSummaryOut(Schema):
    category: str
    contracts: int
    confirmed: int
    disputed: int
    awaiting: int
    disputed_share: Decimal | None
    ratings: int
    average_rating: Decimal | None


class MarketHealthOut(Schema):
    market_id: int
    market_title: str
    generated_at: datetime
    categories: list[str]
    closed_calls: int
    total_bids: int
    average_bids: Decimal | None
    few_bid_calls: int
    few_bids_share: Decimal | None
    members: list[MembersMonthOut]
    entrants: list[EntrantsMonthOut]
    bids: list[BidsMonthOut]
    shares: list[AwardShareOut]
    admission: AdmissionTimesOut
    concentration: list[ConcentrationOut]
    social_value: list[SocialValueOut]
    performance: list[PerformanceSummaryOut]

    @staticmethod
    def resolve_market_id(obj: Any) -> int:
        return int(obj.market.pk)

    @staticmethod
    def resolve_market_title(obj: Any) -> str:
        return str(obj.market.title)


# --- past performance ----------------------------------------------------------------------


class SupplierPastPerformanceOut(Schema):
    supplier_id: int
    supplier_name: str
    is_sme: bool
    is_vcse: bool
    admitted_at: datetime
    contracts: int
    active_contracts: int
    terminated_contracts: int
    contract_value: Decimal
    ratings: int
    average_rating: Decimal | None
    confirmed_records: int
    disputed_records: int
    targets_set: int
    targets_met: int
    targets_met_percent: Decimal | None


class PastPerformanceOut(Schema):
    category_id: int
    category_title: str
    rows: list[SupplierPastPerformanceOut]

    @staticmethod
    def resolve_category_id(obj: Any) -> int:
        return int(obj.category.pk)

    @staticmethod
    def resolve_category_title(obj: Any) -> str:
        return str(obj.category.title)
