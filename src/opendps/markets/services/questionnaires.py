"""The questionnaire builder: add, change, move and remove one question at a time.

Each change makes a new version of the category's questionnaire (applications keep the
version they answered) and records one audit event saying what changed. PA 2023 s 36: once
a dynamic market is established its conditions of membership cannot change, so the regime
refuses these as it refuses a whole new version.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from opendps.accounts.models import User
from opendps.core.audit import audit_record
from opendps.core.errors import NotFound, RuleViolation
from opendps.core.events import AuditEventType
from opendps.markets.models import Category, QuestionnaireVersion
from opendps.markets.services.markets import (
    _lock,
    _new_questionnaire_version,
    _require_market_role,
)
from opendps.regimes import get_regime

__all__ = [
    "LAST_QUESTION",
    "QUESTION_NOT_FOUND",
    "question_id_for",
    "questionnaire_question_move",
    "questionnaire_question_remove",
    "questionnaire_question_save",
]

QUESTION_NOT_FOUND = _("There is no question '%(question)s' in this questionnaire.")
LAST_QUESTION = _("A questionnaire needs at least one question: add another before removing this.")

Questions = list[dict[str, Any]]


def question_id_for(text: str, taken: set[str]) -> str:
    """A short id for a new question, from its words, that no other question has."""
    base = slugify(text)
    if len(base) > 35:  # whole words only
        base = base[:36].rsplit("-", 1)[0]
    base = base.strip("-") or "question"
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def _index(questions: Questions, question_id: str) -> int:
    for position, question in enumerate(questions):
        if question["id"] == question_id:
            return position
    raise NotFound(QUESTION_NOT_FOUND, question=question_id)


def _edit(
    *,
    actor: User,
    category: Category,
    change: str,
    edit: Callable[[Questions], tuple[Questions, str]],
) -> QuestionnaireVersion:
    """Apply ``edit`` to the current questions and save the result as a new version."""
    market = _lock(category.market)
    _require_market_role(actor, market.authority)
    if market.published_at is not None:
        get_regime(market.regime, market.validity_starts_at).check_conditions_change(
            market_established=True
        )
    current = category.questionnaire_versions.order_by("-version").first()
    questions = [dict(q) for q in (current.questions if current else [])]
    questions, question_id = edit(questions)
    version = _new_questionnaire_version(actor=actor, category=category, questions=questions)
    audit_record(
        actor=actor,
        event_type=AuditEventType.QUESTIONNAIRE_REVISED,
        subject=category,
        organisation_id=market.authority_id,
        data={"version": version.version, "change": change, "question": question_id},
    )
    return version


@transaction.atomic(durable=True)
def questionnaire_question_save(
    *, actor: User, category: Category, question: dict[str, Any], question_id: str | None = None
) -> QuestionnaireVersion:
    """Add a question at the end (``question_id`` None) or change one where it stands."""

    def edit(questions: Questions) -> tuple[Questions, str]:
        if question_id is None:
            taken = {q["id"] for q in questions} | {"new"}  # "new" is the add page
            new_id = question_id_for(str(question["text"]), taken)
            return [*questions, {**question, "id": new_id}], new_id
        position = _index(questions, question_id)
        questions[position] = {**question, "id": question_id}
        return questions, question_id

    return _edit(
        actor=actor,
        category=category,
        change="question_added" if question_id is None else "question_changed",
        edit=edit,
    )


@transaction.atomic(durable=True)
def questionnaire_question_remove(
    *, actor: User, category: Category, question_id: str
) -> QuestionnaireVersion:
    def edit(questions: Questions) -> tuple[Questions, str]:
        position = _index(questions, question_id)
        if len(questions) == 1:
            raise RuleViolation(LAST_QUESTION, code="last_question")
        del questions[position]
        return questions, question_id

    return _edit(actor=actor, category=category, change="question_removed", edit=edit)


@transaction.atomic(durable=True)
def questionnaire_question_move(
    *, actor: User, category: Category, question_id: str, offset: int
) -> QuestionnaireVersion:
    """Move a question up (``offset`` -1) or down (+1); at either end it stays put."""

    def edit(questions: Questions) -> tuple[Questions, str]:
        position = _index(questions, question_id)
        target = max(0, min(len(questions) - 1, position + offset))
        questions.insert(target, questions.pop(position))
        return questions, question_id

    return _edit(actor=actor, category=category, change="question_moved", edit=edit)
