"""Schemas of calls for competition: drafting, amending, cancelling and closing."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

from opendps.competitions.criteria import CriterionKind
from opendps.competitions.models import Call
from opendps.competitions.pricing import PriceBasis, PriceUnit
from opendps.competitions.schemas.common import (
    CriterionKey,
    Reason,
    Region,
    RequiredLongText,
    _b64url,
)
from opendps.competitions.status import call_status
from opendps.markets.schemas import CURRENCY, Currency, Id, LongText, Moment, Pounds, Title


class CriterionIn(Schema):
    key: CriterionKey
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    kind: CriterionKind
    weight: Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
    guidance: Annotated[str, StringConstraints(strip_whitespace=True, max_length=5_000)] = ""


class CriterionOut(Schema):
    key: str
    name: str
    kind: str
    weight: Decimal
    guidance: str = ""


class CallFieldsIn(Schema):
    """What a buyer writes of a call, when drafting it and when changing the draft."""

    title: Title
    requirement: RequiredLongText
    estimated_value: Pounds = Field(gt=0, description="Estimated value in pounds.")
    deadline: Moment = Field(description="The deadline for tenders (with a time zone).")
    clarification_deadline: Moment | None = Field(
        None,
        description="The deadline for questions; three quarters of the way to the deadline "
        "for tenders when left out.",
    )
    criteria: list[CriterionIn] | None = Field(
        None,
        max_length=20,
        description="Award criteria whose weights add up to 100, with exactly one price "
        "criterion; the standard (or rapid) defaults when left out.",
    )
    rapid: bool = Field(False, description="A rapid light-touch call for one service user.")
    service_user_needs: LongText = Field(
        "", description="Rapid calls only: the service user's needs, anonymised."
    )
    region: Region = ""
    agreed_period_hours: int | None = Field(
        None,
        ge=1,
        le=24 * 366,
        description="PCR 2015, sub-central authorities: a shorter tender period in hours, "
        "agreed with every member of the category.",
    )
    acceptance_hours: int | None = Field(
        None,
        ge=1,
        le=72,
        description="Rapid calls only (care brokerage): after the award the placement is "
        "offered to the best-ranked provider, who has this many hours to accept before it "
        "passes to the next; no contract is made until one accepts.",
    )
    price_basis: PriceBasis = Field(
        PriceBasis.TOTAL,
        description="What a tendered price means: `total` (the whole contract) or "
        "`unit_rate` (a rate per `price_unit`; the contract's value is the rate times "
        "`expected_quantity`).",
    )
    price_unit: PriceUnit | Literal[""] = Field(
        "", description="With `unit_rate`: what the rate is per."
    )
    expected_quantity: Decimal | None = Field(
        None,
        gt=0,
        max_digits=9,
        decimal_places=2,
        description="With `unit_rate`: the number of units the contract is expected to need "
        "(e.g. 10 hours a week for 52 weeks = 520).",
    )


class CallIn(CallFieldsIn):
    category_id: Id = Field(description="The category (part) of the market the call is in.")


class AmendmentOut(Schema):
    id: int
    kind: Literal["notice", "deadline"] = Field(
        description="notice (a clarification notice) or deadline (the deadline changed)."
    )
    made_at: datetime
    text: str = Field(description="The notice, or the reason for the new deadline.")
    previous_deadline: datetime | None
    new_deadline: datetime | None


class NoticeIn(Schema):
    text: RequiredLongText = Field(description="The notice every invited supplier is sent.")


class DeadlineIn(Schema):
    deadline: Moment = Field(description="The new deadline for tenders (with a time zone).")
    reason: RequiredLongText = Field(description="Why it changes; every invitee reads it.")


class CallOut(Schema):
    id: int
    reference: str = Field(description='The call\'s human reference, e.g. "DWP-DPS-2026-0143".')
    market_id: int
    category_id: int
    category_title: str
    buyer_id: int
    buyer_name: str
    title: str
    requirement: str
    rapid: bool
    service_user_needs: str
    region: str
    estimated_value: Decimal
    currency: Currency = CURRENCY
    price_basis: str
    price_unit: str
    expected_quantity: Decimal | None
    criteria: list[CriterionOut]
    agreed_period_hours: int | None
    acceptance_hours: int | None
    deadline: datetime
    clarification_deadline: datetime
    created_at: datetime
    published_at: datetime | None
    opening_requested_at: datetime | None
    opened_at: datetime | None
    cancelled_at: datetime | None
    no_compliant_at: datetime | None
    closed_reason: str
    status: str
    public_key: str | None = Field(
        description="The call's X25519 public key (base64url) that tenders are sealed to."
    )

    @staticmethod
    def resolve_category_title(obj: Call) -> str:
        return obj.category.title

    @staticmethod
    def resolve_buyer_name(obj: Call) -> str:
        return obj.buyer.name

    @staticmethod
    def resolve_status(obj: Call) -> str:
        annotated = getattr(obj, "status", None)  # with_status() in the selectors
        return str(annotated) if annotated else call_status(obj).value

    @staticmethod
    def resolve_public_key(obj: Call) -> str | None:
        return _b64url(obj.public_key)


class CancelIn(Schema):
    reason: Reason = Field(description="Told to every invited supplier.")


class CloseIn(Schema):
    reason: Reason = Field(description="Why no tender is compliant; told to every bidder.")
