"""Schemas of evaluation: conflicts of interest, scores, moderation, exclusion."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from opendps.competitions.criteria import MAX_SCORE
from opendps.competitions.models import Scoresheet, TenderSubmission
from opendps.competitions.schemas.common import CriterionKey, Reason, SubmissionKey


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
