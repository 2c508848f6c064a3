"""Schemas of tenders, their signed receipts, opening and opened tenders."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict, Json, StrictInt, StrictStr, StringConstraints

from opendps.competitions.models import TenderSubmission
from opendps.competitions.opened import OpenedTender
from opendps.competitions.schemas.common import AnswerText, CriterionKey, Price
from opendps.markets.schemas import CURRENCY, MAX_ID, Currency, Id, LongText, TextId

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
