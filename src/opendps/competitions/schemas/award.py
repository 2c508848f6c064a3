"""Schemas of the award, the concluded contract and the feedback every bidder gets."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from opendps.competitions.feedback import advantages_text
from opendps.competitions.models import Award, Feedback
from opendps.markets.schemas import CURRENCY, Currency


class AwardIn(Schema):
    voluntary_standstill: bool = Field(
        False, description="A voluntary standstill where the regime does not require one."
    )


class RankedOut(Schema):
    submission_id: int
    supplier_id: int
    rank: int
    total: Decimal
    points: dict[str, Decimal]
    scores: dict[str, int]
    price: Decimal
    currency: Currency = CURRENCY


class AwardOut(Schema):
    call_id: int
    decided_at: datetime
    winner_submission_id: int
    winner_supplier_id: int
    winner_supplier_name: str
    contract_value: Decimal
    currency: Currency = CURRENCY
    ranking: list[RankedOut]
    standstill_ends_at: datetime | None
    award_notice_due_at: datetime | None
    award_notice_published_at: datetime | None

    @staticmethod
    def resolve_winner_submission_id(obj: Award) -> int:
        return obj.winner_id

    @staticmethod
    def resolve_winner_supplier_id(obj: Award) -> int:
        return obj.winner.supplier_id

    @staticmethod
    def resolve_winner_supplier_name(obj: Award) -> str:
        return obj.winner.supplier.name


class ConcludedContractOut(Schema):
    id: int
    call_id: int
    supplier_id: int
    supplier_name: str
    value: Decimal
    currency: Currency = CURRENCY
    entered_at: datetime
    fee_percent: Decimal
    fee_amount: Decimal
    details_notice_due_at: datetime | None

    @staticmethod
    def resolve_supplier_name(obj: Any) -> str:
        return str(obj.supplier.name)


class FeedbackCriterionOut(Schema):
    key: str
    name: str
    kind: str
    weight: Decimal
    your_points: Decimal | None
    your_score: int | None
    your_score_label: str | None
    reason: str
    winner_points: Decimal


class FeedbackOut(Schema):
    """What one bidder learns (PA 2023 s 50 assessment summary; reg 86 content)."""

    call_id: int
    supplier_id: int
    created_at: datetime
    call_title: str
    bidders: int
    rank: int | None
    won: bool
    excluded_reason: str | None
    criteria: list[FeedbackCriterionOut]
    your_total: Decimal | None
    winner_total: Decimal
    your_price: Decimal = Field(description="Your tendered price: a total, or a unit rate.")
    winning_price: Decimal = Field(description="The winning price, on the same basis.")
    price_basis: str = Field(description="`total` or `unit_rate` (see the call).")
    price_unit: str = Field(description="With `unit_rate`: what the rate is per.")
    expected_quantity: Decimal | None = Field(description="With `unit_rate`: units expected.")
    your_value: Decimal = Field(description="The whole contract's value at your price.")
    winning_value: Decimal = Field(description="The contract value awarded.")
    currency: Currency = CURRENCY
    relative_advantages: list[str] = Field(
        description="Where the winning tender did better, criterion by criterion, with the "
        "evaluators' moderated reasons, in words."
    )
    winning_supplier: str | None = Field(
        None, description="The winning supplier's name, once the award notice is published."
    )
    price_formula: str
    tie_break: str
    standstill_ends_at: datetime | None

    @classmethod
    def build(cls, feedback: Feedback) -> FeedbackOut:
        content = {k: v for k, v in feedback.content.items() if k in cls.model_fields}
        # Feedback written before price bases was always on a total price.
        content.setdefault("price_basis", "total")
        content.setdefault("price_unit", "")
        content.setdefault("expected_quantity", None)
        content.setdefault("your_value", content["your_price"])
        content.setdefault("winning_value", content["winning_price"])
        from opendps.competitions.selectors import feedback_winner_name

        content["relative_advantages"] = (
            [] if content.get("won") else advantages_text(feedback.content)
        )
        return cls(
            **content,
            winning_supplier=feedback_winner_name(feedback),
            call_id=feedback.call_id,
            supplier_id=feedback.supplier_id,
            created_at=feedback.created_at,
        )
