"""Award criteria and the published scoring rules. Pure code: no database.

- Quality and social value are scored 0–4 by evaluators (0 unacceptable, 1 poor,
  2 acceptable, 3 good, 4 excellent); a criterion earns ``weight × score / 4`` points.
- Price earns ``weight × lowest compliant price / this price`` points.
- Ties are broken by the higher quality-and-social-value total, then the earlier tender.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field, ValidationError

from opendps.core.errors import RuleViolation

MAX_SCORE = 4
SCORE_LABELS = {0: "Unacceptable", 1: "Poor", 2: "Acceptable", 3: "Good", 4: "Excellent"}
PRICE_FORMULA = "price points = weight × lowest compliant price ÷ tender price"
TIE_BREAK_RULE = "higher quality and social value points, then the earlier tender"


class CriterionKind(StrEnum):
    PRICE = "price"
    QUALITY = "quality"
    SOCIAL_VALUE = "social_value"


class Criterion(BaseModel):
    key: str = Field(pattern=r"^[a-z0-9_]{1,30}$")
    name: str = Field(min_length=1, max_length=200)
    kind: CriterionKind
    weight: Decimal = Field(ge=0, le=100)
    guidance: str = ""


CRITERIA_INVALID = _("The award criteria are not valid: %(errors)s")
WEIGHTS_NOT_100 = _("The criteria weights must add up to 100 (they add up to %(total)s).")
ONE_PRICE = _("Give exactly one price criterion.")
KEYS_UNIQUE = _("Each criterion needs its own key.")

RAPID_DEFAULT = [
    {"key": "quality", "name": "Quality of care and support", "kind": "quality", "weight": 60},
    {"key": "price", "name": "Price per hour", "kind": "price", "weight": 40},
]
STANDARD_DEFAULT = [
    {"key": "quality", "name": "Quality of the proposed service", "kind": "quality", "weight": 60},
    {"key": "social_value", "name": "Social value", "kind": "social_value", "weight": 10},
    {"key": "price", "name": "Price", "kind": "price", "weight": 30},
]


def criteria_parse(data: Any) -> list[Criterion]:
    try:
        criteria = [Criterion.model_validate(item) for item in data]
    except (ValidationError, TypeError) as error:
        raise RuleViolation(CRITERIA_INVALID, code="criteria_invalid", errors=str(error)) from None
    total = sum((c.weight for c in criteria), Decimal(0))
    if total != 100:
        raise RuleViolation(WEIGHTS_NOT_100, code="weights", total=total)
    if sum(1 for c in criteria if c.kind == CriterionKind.PRICE) != 1:
        raise RuleViolation(ONE_PRICE, code="one_price")
    if len({c.key for c in criteria}) != len(criteria):
        raise RuleViolation(KEYS_UNIQUE, code="keys_unique")
    return criteria


def social_value_weight(criteria: list[Criterion]) -> Decimal:
    return sum((c.weight for c in criteria if c.kind == CriterionKind.SOCIAL_VALUE), Decimal(0))


def scored_criteria(criteria: list[Criterion]) -> list[Criterion]:
    """The criteria evaluators score (everything but price)."""
    return [c for c in criteria if c.kind != CriterionKind.PRICE]


@dataclass(frozen=True)
class Bid:
    submission_id: int
    supplier_id: int
    price: Decimal
    received_at: str  # ISO timestamp: the earlier tender wins a tie
    scores: dict[str, int]  # consensus score per non-price criterion


@dataclass(frozen=True)
class Ranked:
    bid: Bid
    rank: int
    points: dict[str, Decimal]
    quality_points: Decimal
    total: Decimal


def _points(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rank(criteria: list[Criterion], bids: list[Bid]) -> list[Ranked]:
    """Rank compliant bids by total points under the published rules (best first)."""
    if not bids:
        return []
    lowest = min(bid.price for bid in bids)
    results = []
    for bid in bids:
        points: dict[str, Decimal] = {}
        for criterion in criteria:
            if criterion.kind == CriterionKind.PRICE:
                points[criterion.key] = _points(criterion.weight * lowest / bid.price)
            else:
                points[criterion.key] = _points(
                    criterion.weight * Decimal(bid.scores[criterion.key]) / MAX_SCORE
                )
        quality = sum(
            (points[c.key] for c in criteria if c.kind != CriterionKind.PRICE), Decimal(0)
        )
        results.append((bid, points, quality, sum(points.values(), Decimal(0))))
    results.sort(key=lambda item: (-item[3], -item[2], item[0].received_at))
    return [
        Ranked(bid=bid, rank=position, points=points, quality_points=quality, total=total)
        for position, (bid, points, quality, total) in enumerate(results, start=1)
    ]
