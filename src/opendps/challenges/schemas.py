"""API schemas for challenges and the authority's steps."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

from opendps.challenges.holds import holds_contract
from opendps.challenges.models import Challenge, ChallengeDocument
from opendps.challenges.services.common import regime_of
from opendps.challenges.status import challenge_status
from opendps.markets.schemas import Id, TextId

Text = Annotated[str, StringConstraints(max_length=20_000)]
Kind = Literal["application_rejected", "member_suspended", "member_removed", "award"]

CHALLENGE_IN_DESCRIPTION = (
    "JSON, or multipart/form-data to attach documents (PDF, Word, OpenDocument, Excel, PNG "
    "or JPEG, up to 10 MB each, at most 5): then send `kind`, `decision_id`, `grounds` and "
    "optionally `supplier_id` as form fields, and each document in a part named `documents`."
)


class ChallengeIn(Schema):
    supplier_id: Id | None = Field(
        None, description="The challenging supplier; the caller's only supplier when left out."
    )
    kind: Kind = Field(description="What kind of decision is challenged.")
    decision_id: Id = Field(
        description="The id of the decision: the application (application_rejected), the "
        "category membership (member_suspended, member_removed) or the awarded call (award)."
    )
    grounds: Text = Field(description="Why the decision is wrong, for the authority to review.")


class ChallengeFormIn(Schema):
    supplier_id: TextId | None = None
    kind: Kind
    decision_id: TextId
    grounds: Text


class NoteIn(Schema):
    note: Text = ""


class RequiredNoteIn(Schema):
    note: Text


class OutcomeIn(Schema):
    outcome: Literal["upheld", "partly_upheld", "dismissed"]
    reasons: Text = Field(description="The reasons for the outcome; the supplier reads them.")
    remedy: Literal["none", "reassess", "reinstate", "reevaluate", "cancel_award"] = Field(
        "none",
        description="reassess (an application), reinstate (a member), reevaluate or "
        "cancel_award (an award); none for a dismissed challenge.",
    )


class TimeLimitsIn(Schema):
    authority_id: Id
    acknowledge_working_days: int | None = Field(
        None, description="Working days to acknowledge; null for the regime's default."
    )
    decision_working_days: int | None = Field(
        None, description="Working days to decide; null for the regime's default."
    )


class TimeLimitsOut(Schema):
    authority_id: int
    acknowledge_working_days: int | None
    decision_working_days: int | None


class ChallengeDocumentOut(Schema):
    id: int
    name: str = Field(alias="original_name")
    content_type: str
    size: int
    sha256: str

    @staticmethod
    def resolve_name(obj: ChallengeDocument) -> str:
        return obj.original_name


class ChallengeOut(Schema):
    id: int
    reference: str
    kind: str
    status: str
    supplier_id: int
    supplier_name: str
    authority_id: int
    authority_name: str
    market_id: int
    application_id: int | None
    member_id: int | None
    call_id: int | None = Field(description="The awarded call, for a challenge to an award.")
    decision_at: datetime
    raised_at: datetime
    raised_in_standstill: bool
    contract_held: bool = Field(description="Whether the challenge stops the contract now.")
    acknowledge_due_at: datetime
    decision_due_at: datetime
    acknowledged_at: datetime | None
    reviewed_at: datetime | None
    proceedings_issued_at: datetime | None
    decided_at: datetime | None
    outcome: str
    remedy: str
    remedy_done_at: datetime | None

    @staticmethod
    def resolve_status(obj: Challenge) -> str:
        return challenge_status(obj).value

    @staticmethod
    def resolve_call_id(obj: Challenge) -> int | None:
        return obj.award.call_id if obj.award is not None else None

    @staticmethod
    def resolve_supplier_name(obj: Challenge) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_authority_name(obj: Challenge) -> str:
        return obj.authority.name

    @staticmethod
    def resolve_contract_held(obj: Challenge) -> bool:
        return holds_contract(obj, regime_of(obj.market))


class ChallengeDetailOut(ChallengeOut):
    grounds: str
    acknowledgement_note: str
    review_note: str
    proceedings_note: str
    reasons: str
    documents: list[ChallengeDocumentOut]

    @staticmethod
    def resolve_documents(obj: Challenge) -> list[ChallengeDocument]:
        return list(obj.documents.all())
