"""API schemas for contracts and their performance records.

The limits mirror the model fields, so input a model would refuse is a 422 before any
service runs; what is lawful stays with the services.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import Q, QuerySet
from ninja import Field, Schema
from pydantic import StringConstraints

from opendps.contracts.models import Contract, MetricKind, PerformanceRecord
from opendps.contracts.selectors import contract_status, contract_status_q
from opendps.markets.schemas import CURRENCY, Currency, Moment, TextId

Quantity = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2, allow_inf_nan=False)]
Metric = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]


class ContractFilter(Schema):
    organisation_id: TextId | None = Field(
        None, description="Only contracts this organisation (one of yours) is party to."
    )
    category_id: TextId | None = Field(
        None, description="Only contracts from calls in this category."
    )
    status: Literal["active", "ended", "terminated"] | None = Field(
        None, description="Only contracts in this status: active, ended or terminated."
    )
    starts_after: date | None = Field(None, description="Only contracts starting on or after.")
    starts_before: date | None = Field(None, description="Only contracts starting before.")
    ends_after: date | None = Field(None, description="Only contracts ending on or after.")
    ends_before: date | None = Field(None, description="Only contracts ending before.")
    entered_after: Moment | None = Field(
        None, description="Only contracts entered into at or after this moment."
    )
    entered_before: Moment | None = Field(
        None, description="Only contracts entered into before this moment."
    )

    def filter(self, contracts: QuerySet[Contract]) -> QuerySet[Contract]:
        condition = Q() if self.status is None else contract_status_q(self.status)
        for column, stem in (
            ("starts_on", "starts"),
            ("ends_on", "ends"),
            ("entered_at", "entered"),
        ):
            after, before = getattr(self, f"{stem}_after"), getattr(self, f"{stem}_before")
            if after is not None:
                condition &= Q(**{f"{column}__gte": after})
            if before is not None:
                condition &= Q(**{f"{column}__lt": before})
        return contracts.filter(condition) if condition else contracts


class ContractOut(Schema):
    id: int
    call_id: int
    call_title: str
    category_id: int
    category_title: str
    market_id: int
    buyer_id: int
    buyer_name: str
    supplier_id: int
    supplier_name: str
    value: Decimal
    currency: Currency = CURRENCY
    entered_at: datetime
    starts_on: date | None
    ends_on: date | None
    service_users: int
    terminated_at: datetime | None
    status: str = Field(description="active, ended or terminated (derived, never stored)")
    fee_percent: Decimal
    fee_amount: Decimal
    commitments: dict[str, Any] = Field(
        description="The winning tender's commitments, e.g. social value, which become KPIs."
    )
    records_awaiting_confirmation: int

    @staticmethod
    def resolve_call_title(obj: Contract) -> str:
        return obj.call.title

    @staticmethod
    def resolve_category_id(obj: Contract) -> int:
        return obj.call.category_id

    @staticmethod
    def resolve_category_title(obj: Contract) -> str:
        return obj.call.category.title

    @staticmethod
    def resolve_market_id(obj: Contract) -> int:
        return obj.call.market_id

    @staticmethod
    def resolve_buyer_name(obj: Contract) -> str:
        return obj.buyer.name

    @staticmethod
    def resolve_supplier_name(obj: Contract) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_status(obj: Contract) -> str:
        return contract_status(obj)

    @staticmethod
    def resolve_records_awaiting_confirmation(obj: Contract) -> int:
        annotated = getattr(obj, "unsettled_records", None)
        if annotated is not None:
            return int(annotated)
        return sum(
            1 for r in obj.performance.all() if r.confirmed_at is None and r.disputed_at is None
        )


class PerformanceIn(Schema):
    kind: MetricKind
    metric: Metric = Field(examples=["job starts"])
    quantity: Quantity
    target: Quantity | None = None
    period_start: date
    period_end: date
    note: Note = ""


class DisputeIn(Schema):
    reason: Reason


class PerformanceOut(Schema):
    id: int
    contract_id: int
    kind: str
    metric: str
    quantity: Decimal
    target: Decimal | None
    period_start: date
    period_end: date
    note: str
    recorded_by_organisation_id: int
    recorded_at: datetime
    confirmed_at: datetime | None
    disputed_at: datetime | None
    dispute_reason: str
    status: str = Field(description="awaiting, confirmed or disputed")

    @staticmethod
    def resolve_recorded_by_organisation_id(obj: PerformanceRecord) -> int:
        return obj.recorded_by_org_id

    @staticmethod
    def resolve_status(obj: PerformanceRecord) -> str:
        if obj.confirmed_at is not None:
            return "confirmed"
        if obj.disputed_at is not None:
            return "disputed"
        return "awaiting"
