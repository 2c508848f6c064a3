"""API schemas for calls for competition, clarifications, tenders, evaluation and award.

The limits here mirror the model fields (and what a database can store), so that input a
model would refuse is refused as 422 before any service runs; what is *lawful* stays with
the services and regimes. No output schema carries a call's key material in raw bytes, nor
who asked a clarification question.
"""

from __future__ import annotations

import base64
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, Json, StrictInt, StrictStr, StringConstraints

from opendps.competitions.criteria import MAX_SCORE, CriterionKind
from opendps.competitions.feedback import advantages_text
from opendps.competitions.models import (
    Award,
    Call,
    Clarification,
    Feedback,
    Scoresheet,
    StandingOffer,
    TenderSubmission,
)
from opendps.competitions.opened import OpenedTender
from opendps.competitions.pricing import PriceBasis, PriceUnit
from opendps.competitions.status import call_status
from opendps.markets.schemas import (
    CURRENCY,
    MAX_ID,
    Area,
    Currency,
    Id,
    LongText,
    Moment,
    Pounds,
    ShortText,
    TextId,
    Title,
)

RequiredLongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)
]
CriterionKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,30}$")]
# A tender's id as a key of a JSON object (scores are {submission_id: {criterion: …}}).
SubmissionKey = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,18}$")]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]
AnswerText = Annotated[str, StringConstraints(max_length=20_000)]
# Award.contract_value holds 14 digits with 2 decimals: a tender price can be no larger.
Price = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2, allow_inf_nan=False)]
Region = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]


def _b64url(data: Any) -> str | None:
    if data is None:
        return None
    return base64.urlsafe_b64encode(bytes(data)).decode().rstrip("=")


# --- calls ------------------------------------------------------------------------------------


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


# --- clarifications -----------------------------------------------------------------------------


class QuestionIn(Schema):
    question: Annotated[str, StringConstraints(strip_whitespace=True, max_length=5_000)]
    supplier_id: Id | None = Field(
        None, description="The asking supplier; the caller's only supplier when left out."
    )


class AnswerIn(Schema):
    answer: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]


class ClarificationOut(Schema):
    """A question and its answer, as every invited supplier sees it: never who asked."""

    id: int
    question: str
    answer: str
    asked_at: datetime
    answered_at: datetime | None

    @classmethod
    def build(cls, clarification: Clarification) -> ClarificationOut:
        return cls(
            id=clarification.pk,
            question=clarification.question,
            answer=clarification.answer,
            asked_at=clarification.asked_at,
            answered_at=clarification.answered_at,
        )


# --- tenders and receipts -----------------------------------------------------------------------

TENDER_IN_DESCRIPTION = (
    "JSON, or multipart/form-data to attach documents. In a multipart form, `price`, "
    "`notes` and `supplier_id` are plain fields, `answers` is the answers object (criterion "
    "key → text) as a JSON string, and each document is a file in a `documents` part (at "
    "most 10)."
)


class TenderIn(Schema):
    supplier_id: Id | None = Field(
        None, description="The tendering supplier; the caller's only supplier when left out."
    )
    price: Price = Field(description="The price in pounds.")
    answers: dict[CriterionKey, AnswerText] = Field(
        default_factory=dict,
        max_length=20,
        description="Criterion key → answer, for every criterion but price.",
    )
    notes: LongText = ""


class TenderFormIn(Schema):
    """The multipart form: as ``TenderIn``, with the answers as a JSON string."""

    supplier_id: TextId | None = None
    price: Price
    answers: Json[dict[CriterionKey, AnswerText]] = Field(default_factory=dict)
    notes: LongText = ""


class SupplierChoice(Schema):
    supplier_id: TextId | None = Field(
        None, description="Which of your suppliers; your only supplier when left out."
    )


class ReceiptBody(Schema):
    """Exactly what the platform signed (times as the signed text, not re-formatted)."""

    model_config = ConfigDict(extra="forbid")

    call_id: Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
    supplier_id: Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
    submission_id: Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
    received_at: Annotated[StrictStr, StringConstraints(max_length=40)]
    sealed_sha256: Annotated[StrictStr, StringConstraints(max_length=64)]
    documents: Annotated[StrictInt, Field(ge=0, le=1_000)]


class ReceiptOut(Schema):
    receipt: ReceiptBody
    signature: str = Field(description="Ed25519 over the canonical JSON, base64url.")

    @classmethod
    def build(cls, submission: TenderSubmission) -> ReceiptOut:
        return cls(
            receipt=ReceiptBody(**submission.receipt), signature=submission.receipt_signature
        )


class SubmissionOut(ReceiptOut):
    """One of the supplier's own submissions: the receipt and what became of it."""

    submission_id: int
    supplier_id: int
    received_at: datetime
    state: str = Field(description="live, superseded (by a later submission) or withdrawn")
    withdrawn_at: datetime | None
    superseded_at: datetime | None

    @classmethod
    def build(cls, submission: TenderSubmission) -> SubmissionOut:
        if submission.withdrawn_at is not None:
            state = "withdrawn"
        elif submission.superseded_at is not None:
            state = "superseded"
        else:
            state = "live"
        return cls(
            receipt=ReceiptBody(**submission.receipt),
            signature=submission.receipt_signature,
            submission_id=submission.pk,
            supplier_id=submission.supplier_id,
            received_at=submission.received_at,
            state=state,
            withdrawn_at=submission.withdrawn_at,
            superseded_at=submission.superseded_at,
        )


class TenderDocumentOut(Schema):
    name: str
    content_type: str
    size: int
    sha256: str


class OpenedTenderOut(Schema):
    """An opened tender, as the buying authority reads it after opening."""

    submission_id: int
    supplier_id: int
    supplier_name: str
    received_at: datetime
    price: Decimal
    currency: Currency = CURRENCY
    answers: dict[str, str]
    notes: str
    documents: list[TenderDocumentOut]
    excluded_at: datetime | None
    exclusion_reason: str

    @classmethod
    def build(cls, tender: OpenedTender) -> OpenedTenderOut:
        submission = tender.submission
        return cls(
            submission_id=submission.pk,
            supplier_id=submission.supplier_id,
            supplier_name=submission.supplier.name,
            received_at=submission.received_at,
            price=tender.price,
            answers=tender.answers,
            notes=tender.notes,
            documents=[TenderDocumentOut(**document) for document in tender.documents],
            excluded_at=submission.excluded_at,
            exclusion_reason=submission.exclusion_reason,
        )


class VerifyIn(Schema):
    receipt: ReceiptBody
    signature: Annotated[StrictStr, StringConstraints(max_length=200)]


class VerifyOut(Schema):
    signature_valid: bool = Field(description="The platform signed exactly this receipt.")
    matches_stored_tender: bool = Field(description="The platform still holds that tender.")
    valid: bool


class PublicKeyOut(Schema):
    algorithm: str = "Ed25519"
    encoding: str = "base64url"
    public_key: str


class OpeningOut(Schema):
    call_id: int
    status: str
    opened: bool
    opened_at: datetime | None
    opening_requested_at: datetime | None
    detail: str | None = Field(None, description="What is still needed, if anything.")


# --- evaluation -----------------------------------------------------------------------------


class ConflictIn(Schema):
    has_conflict: bool
    details: Reason = ""


class ConflictOut(Schema):
    call_id: int
    evaluator_id: int
    declared_at: datetime
    has_conflict: bool
    details: str


class ScoreIn(Schema):
    score: int = Field(description=f"0 (unacceptable) to {MAX_SCORE} (excellent).")
    reason: Reason = ""


Scores = dict[SubmissionKey, dict[CriterionKey, ScoreIn]]


class ScoresIn(Schema):
    scores: Scores = Field(
        max_length=1_000, description="Tender id → criterion key → {score, reason}."
    )
    submit: bool = Field(
        False, description="Submit the sheet: it is then final and you see the others'."
    )


class ModerationIn(Schema):
    scores: Scores = Field(
        max_length=1_000, description="The consensus: tender id → criterion key → {score, reason}."
    )


class ScoreOut(Schema):
    score: int
    reason: str


class ScoresheetOut(Schema):
    evaluator_id: int
    evaluator_name: str
    submitted_at: datetime | None
    scores: dict[str, dict[str, ScoreOut]]

    @staticmethod
    def resolve_evaluator_name(obj: Scoresheet) -> str:
        return obj.evaluator.full_name


class ModerationOut(Schema):
    call_id: int
    moderator_id: int
    moderated_at: datetime
    scores: dict[str, dict[str, ScoreOut]]


class ExcludeIn(Schema):
    reason: Reason = Field(description="Why the tender is not compliant; the bidder reads it.")


class ExcludedOut(Schema):
    submission_id: int
    supplier_id: int
    excluded_at: datetime | None
    exclusion_reason: str

    @classmethod
    def build(cls, submission: TenderSubmission) -> ExcludedOut:
        return cls(
            submission_id=submission.pk,
            supplier_id=submission.supplier_id,
            excluded_at=submission.excluded_at,
            exclusion_reason=submission.exclusion_reason,
        )


# --- award, contract and feedback ---------------------------------------------------------------


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


# --- standing offers ------------------------------------------------------------------------


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
