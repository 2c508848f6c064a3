"""Schemas of clarification questions and answers (never who asked)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints

from opendps.competitions.models import Clarification
from opendps.markets.schemas import Id


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
