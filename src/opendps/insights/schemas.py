"""API schemas for supplier insight, market health and past performance.

They read the selectors' result objects attribute by attribute (computed figures such as
win rates and shares are properties there), so the API, the pages and the exports report
the same numbers.

The output schemas are plain pydantic models (``Out``), not ninja ``Schema``s: ninja wraps
every object it validates in a Python getter for its resolvers, which for the 1,600
objects of one supplier's insight cost 1.6 s under load (BENCHMARKS.md H9). Pydantic reads
the attributes itself; the few figures from a related object use an ``AliasPath``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import AliasPath, BaseModel, ConfigDict, model_validator

from opendps.markets.schemas import CURRENCY, Currency, TextId


class Out(BaseModel):
    """An output schema read from the attributes of a selector's result."""

    model_config = ConfigDict(from_attributes=True)


# --- supplier insight ----------------------------------------------------------------------


class SupplierInsightFilter(Schema):
    supplier_id: TextId | None = Field(
        None, description="Which of your suppliers (needed if you work for more than one)."
    )


class CriterionResultOut(Out):
    key: str
    name: str
    kind: str
    weight: Decimal
    your_points: Decimal | None
    winner_points: Decimal
    gap: Decimal | None = Field(description="The winner's points minus yours.")


class CallResultOut(Out):
    call_id: int
    title: str
    reference: str = Field(description='The call\'s reference, e.g. "DWP-DPS-2026-0143".')
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
    your_price: Decimal | None = Field(description="The contract value at your price.")
    winning_price: Decimal | None = Field(description="The awarded contract value.")
    currency: Currency = CURRENCY
    criteria: list[CriterionResultOut]


class MonthResultOut(Out):
    month: date
    tendered: int = Field(description="Calls decided that month in which you tendered.")
    won: int
    win_rate: Decimal | None = Field(description="Per cent, one decimal place.")


class TrendOut(Out):
    months: int
    recent_tendered: int
    recent_won: int
    recent_rate: Decimal | None
    previous_tendered: int
    previous_won: int
    previous_rate: Decimal | None
    direction: str | None = Field(description="up, down or level; null without data.")


class CriterionGapOut(Out):
    kind: str
    name: str
    calls: int
    average_gap: Decimal
    largest_gap: Decimal


class DemandMonthOut(Out):
    month: date
    calls: int
    value: Decimal = Field(description="Sum of the buyers' estimated values.")
    currency: Currency = CURRENCY
    complete: bool


class DemandRegionOut(Out):
    month: date
    region: str
    calls: int
    value: Decimal
    currency: Currency = CURRENCY


class ForecastPointOut(Out):
    month: date
    expected: Decimal
    lower: Decimal
    upper: Decimal


class ForecastOut(Out):
    available: bool
    method: str
    message: str = Field(description="Why there is no forecast, when there is none.")
    history_months: int
    level: int = Field(description="The prediction interval's coverage, per cent.")
    points: list[ForecastPointOut]
    total: ForecastPointOut | None = Field(description="The three months together.")
    currency: Literal["GBP"] | None = Field(
        None,
        description="GBP where the points are amounts of money (forecast_value); null "
        "where they count calls.",
    )


class PlannedCallOut(Out):
    id: int
    title: str
    category_id: int
    category_title: str = Field(validation_alias=AliasPath("category", "title"))
    buyer_name: str = Field(validation_alias=AliasPath("buyer", "name"))
    expected_month: date
    estimated_value: Decimal
    currency: Currency = CURRENCY
    region: str


class SupplierInsightOut(Out):
    supplier_id: int = Field(validation_alias=AliasPath("supplier", "pk"))
    supplier_name: str = Field(validation_alias=AliasPath("supplier", "name"))
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

    @model_validator(mode="after")
    def _value_in_pounds(self) -> SupplierInsightOut:
        self.forecast_value.currency = CURRENCY
        return self


# --- market health -------------------------------------------------------------------------


class MembersMonthOut(Out):
    month: date
    category: str
    members: int
    admitted: int
    removed: int


class EntrantsMonthOut(Out):
    month: date
    new_suppliers: int
    admissions: int


class BidsMonthOut(Out):
    month: date
    calls: int
    bids: int
    average_bids: Decimal | None
    few_bids: int = Field(description="Closed calls with fewer than 3 bids.")
    few_bids_share: Decimal | None


class AwardShareOut(Out):
    group: str = Field(description="sme, vcse, other or all")
    awards: int
    count_share: Decimal | None
    value: Decimal
    value_share: Decimal | None
    currency: Currency = CURRENCY


class AdmissionMonthOut(Out):
    month: date
    decided: int
    on_time: int
    late: int
    on_time_share: Decimal | None


class AdmissionTimesOut(Out):
    limit_working_days: int
    extended_limit_working_days: int | None
    decided: int
    on_time: int
    on_time_share: Decimal | None
    median_days: Decimal | None
    waiting: int
    overdue: int
    months: list[AdmissionMonthOut]


class ConcentrationOut(Out):
    category: str
    awards: int
    suppliers: int
    value: Decimal
    currency: Currency = CURRENCY
    top_share: Decimal | None
    hhi: int | None
    level: str


class SocialValueOut(Out):
    category: str
    contracts: int
    committed: int
    delivered: int
    delivered_share: Decimal | None
    confirmed_records: int
    disputed_records: int


class PerformanceSummaryOut(Out):
    category: str
    contracts: int
    confirmed: int
    disputed: int
    awaiting: int
    disputed_share: Decimal | None
    ratings: int
    average_rating: Decimal | None


class ChallengeCountsOut(Out):
    kind: str = Field(
        description="The kind of decision challenged: application_rejected, "
        "member_suspended, member_removed or award."
    )
    raised: int
    open: int
    upheld: int
    partly_upheld: int
    dismissed: int
    late: int = Field(description="Decided after the due date, or still open past it.")


class MarketHealthOut(Out):
    market_id: int = Field(validation_alias=AliasPath("market", "pk"))
    market_title: str = Field(validation_alias=AliasPath("market", "title"))
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
    challenges: list[ChallengeCountsOut]


# --- past performance ----------------------------------------------------------------------


class SupplierPastPerformanceOut(Out):
    supplier_id: int
    supplier_name: str
    is_sme: bool
    is_vcse: bool
    admitted_at: datetime
    contracts: int
    active_contracts: int
    terminated_contracts: int
    contract_value: Decimal
    currency: Currency = CURRENCY
    ratings: int
    average_rating: Decimal | None
    confirmed_records: int
    disputed_records: int
    targets_set: int
    targets_met: int
    targets_met_percent: Decimal | None


class PastPerformanceOut(Out):
    category_id: int = Field(validation_alias=AliasPath("category", "pk"))
    category_title: str = Field(validation_alias=AliasPath("category", "title"))
    rows: list[SupplierPastPerformanceOut]
