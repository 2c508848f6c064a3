"""API schemas for care brokerage: placements and providers' capacity."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

from opendps.brokerage.models import Placement
from opendps.brokerage.status import PlacementStatus, placement_status
from opendps.competitions.schemas import Price
from opendps.core import clock
from opendps.markets.schemas import Id, TextId

Zone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
CapacityKindIn = Literal["care_hours", "vacancies"]


class PlacementFilter(Schema):
    call_id: TextId | None = Field(None, description="Only the placements of this call.")
    status: PlacementStatus | None = Field(None, description="Only placements in this status.")


class PlacementOut(Schema):
    id: int
    call_id: int
    call_title: str
    buyer_id: int
    buyer_name: str
    supplier_id: int
    supplier_name: str
    rank: int = Field(description="The tender's rank in the award; 1 is the winner.")
    status: PlacementStatus = Field(
        description="waiting, accepted, declined, or lapsed (the answer window closed)."
    )
    offered_at: datetime
    respond_by: datetime = Field(description="The provider must answer before this time.")
    answered_at: datetime | None
    decline_reason: str

    @staticmethod
    def resolve_call_title(obj: Placement) -> str:
        return obj.call.title

    @staticmethod
    def resolve_buyer_id(obj: Placement) -> int:
        return obj.call.buyer_id

    @staticmethod
    def resolve_buyer_name(obj: Placement) -> str:
        return obj.call.buyer.name

    @staticmethod
    def resolve_supplier_name(obj: Placement) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_status(obj: Placement) -> PlacementStatus:
        return placement_status(obj, clock.now())

    @staticmethod
    def resolve_answered_at(obj: Placement) -> datetime | None:
        return obj.accepted_at or obj.declined_at or obj.lapsed_at


class DeclineIn(Schema):
    reason: Reason = Field(description="Why the placement cannot be taken; the buyer reads it.")


class CapacityIn(Schema):
    member_id: Id = Field(description="Your category membership the capacity is for.")
    zone: Zone = Field(description="The zone or area, e.g. a town or a postcode district.")
    kind: CapacityKindIn = Field(
        description="care_hours (care hours available per week) or vacancies (placements)."
    )
    amount: Decimal = Field(ge=0, le=10_000, max_digits=6, decimal_places=1)
    available_from: date


class CapacityOut(Schema):
    member_id: int
    category_id: int
    supplier_id: int
    zone: str
    kind: CapacityKindIn
    amount: Decimal
    available_from: date
    recorded_at: datetime


class MemberCapacityOut(Schema):
    supplier_id: int
    supplier_name: str
    capacity: list[CapacityOut]

    @staticmethod
    def resolve_supplier_id(obj: dict[str, Any]) -> int:
        return int(obj["supplier"].pk)

    @staticmethod
    def resolve_supplier_name(obj: dict[str, Any]) -> str:
        return str(obj["supplier"].name)


class OfferTenderIn(Schema):
    supplier_id: Id | None = Field(
        None, description="The tendering supplier; the caller's only supplier when left out."
    )
    price: Price | None = Field(
        None,
        description="Leave out to tender the standing offer's rate; a lower price improves "
        "on it (a higher one is refused).",
    )
