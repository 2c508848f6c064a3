"""Schemas of the standing offers members keep for a category."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from opendps.competitions.models import StandingOffer
from opendps.competitions.schemas.common import RequiredLongText
from opendps.markets.schemas import CURRENCY, Area, Currency, LongText, ShortText


class StandingOfferIn(Schema):
    description: RequiredLongText
    delivery_areas: list[Area] = Field(default_factory=list, max_length=200)
    capacity: ShortText = ""
    social_value: LongText = Field(
        "",
        description="The social value the member commits to; a one-step answer to a rapid "
        "call uses it for the social value criterion.",
    )
    price_per_service_user: (
        Annotated[Decimal, Field(gt=0, max_digits=10, decimal_places=2, allow_inf_nan=False)] | None
    ) = None
    price_per_hour: (
        Annotated[Decimal, Field(gt=0, max_digits=8, decimal_places=2, allow_inf_nan=False)] | None
    ) = None


class StandingOfferOut(Schema):
    id: int
    member_id: int
    supplier_id: int
    supplier_name: str
    category_id: int
    description: str
    delivery_areas: list[str]
    capacity: str
    social_value: str
    price_per_service_user: Decimal | None
    price_per_hour: Decimal | None
    currency: Currency = CURRENCY
    updated_at: datetime

    @staticmethod
    def resolve_supplier_name(obj: StandingOffer) -> str:
        return obj.supplier.name
