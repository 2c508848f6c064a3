"""API schemas for applications, decisions and members."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import Json, StringConstraints

from opendps.markets.schemas import Id, TextId
from opendps.membership.models import Application, ApplicationDocument, CategoryMember
from opendps.membership.status import application_status, member_status

# A question id (markets.questionnaire.Question.id has the same pattern).
QuestionId = Annotated[str, StringConstraints(min_length=1, max_length=40)]
# An answer is text (a choice, yes/no, a name) or a number; lists, objects and true/false
# are refused as the wrong type before any question is looked at.
Answer = Annotated[str, StringConstraints(max_length=20_000)] | Decimal | None
Answers = dict[QuestionId, Answer]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]

APPLICATION_IN_DESCRIPTION = (
    "JSON, or multipart/form-data when a question takes a file. In a multipart form, "
    "`category_ids` is repeated once per category, `supplier_id` is optional, `answers` is "
    "the answers object as a JSON string, and each file is sent in a part whose field name "
    "is the id of the file question it answers (one file per question)."
)


class ApplicationIn(Schema):
    supplier_id: Id | None = Field(
        None, description="The applying supplier; the caller's only supplier when left out."
    )
    category_ids: list[Id] = Field(max_length=100)
    answers: Answers = Field(
        default_factory=dict, description="Question id → answer, for every category chosen."
    )


class ApplicationFormIn(Schema):
    """The multipart form: as ``ApplicationIn``, with the answers as a JSON string."""

    supplier_id: TextId | None = None
    category_ids: list[TextId] = Field(max_length=100)
    answers: Json[Answers] = Field(default_factory=dict)


class DecisionIn(Schema):
    outcome: Literal["admitted", "rejected"]
    reasons: dict[QuestionId, Reason] = Field(
        default_factory=dict,
        max_length=500,
        description="Question id → reason; required for every automatically failed question.",
    )
    note: Reason = ""


class ExtensionIn(Schema):
    reason: Reason = Field(description="Why the assessment needs 15 working days, not 10.")


class ApplicationDocumentOut(Schema):
    id: int
    question_id: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class ApplicationOut(Schema):
    id: int
    market_id: int
    category_id: int
    category_title: str
    supplier_id: int
    supplier_name: str
    questionnaire_version: int
    status: str
    submitted_at: datetime
    assessment_due_at: datetime
    extended_at: datetime | None
    decided_at: datetime | None
    auto_assessment: dict[str, dict[str, str]]
    outcome: str
    reasons: dict[str, str]

    @staticmethod
    def resolve_category_title(obj: Application) -> str:
        return obj.category.title

    @staticmethod
    def resolve_supplier_name(obj: Application) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_questionnaire_version(obj: Application) -> int:
        return obj.questionnaire.version

    @staticmethod
    def resolve_status(obj: Application) -> str:
        return application_status(obj).value


class ApplicationDetailOut(ApplicationOut):
    answers: dict[str, str]
    documents: list[ApplicationDocumentOut]
    extension_reason: str
    decision_note: str
    withdrawn_at: datetime | None

    @staticmethod
    def resolve_documents(obj: Application) -> list[ApplicationDocument]:
        return list(obj.documents.all())


class MemberOut(Schema):
    """Public information: who is admitted to which category, and since when."""

    id: int
    supplier_id: int
    supplier_name: str
    category_id: int
    category_title: str
    admitted_at: datetime
    status: str

    @staticmethod
    def resolve_supplier_name(obj: CategoryMember) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_category_title(obj: CategoryMember) -> str:
        return obj.category.title

    @staticmethod
    def resolve_status(obj: CategoryMember) -> str:
        overdue = getattr(obj, "declaration_overdue", None)
        return member_status(obj, declaration_overdue=overdue).value
