"""Assessing one supplier's applications to several categories together.

One decision, one reason and one note for every chosen application, all or nothing: each is
decided exactly as ``application_decide`` decides one (its own checks, its own audit event
and email), inside one transaction, so a refusal for any of them decides none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opendps.accounts.models import User
from opendps.core.errors import DomainError, RuleViolation
from opendps.markets.questionnaire import failed_questions
from opendps.membership.models import Application
from opendps.membership.services.assessment import application_decide

NONE_CHOSEN = _("Select the applications to decide")
NOT_ONE_SUPPLIER = _("Applications decided together must all be from one supplier.")
REFUSED_FOR = _("%(category)s: %(error)s")

# The undecorated service: it runs inside this one transaction instead of its own.
_decide_one: Any = application_decide.__wrapped__  # type: ignore[attr-defined]


@transaction.atomic(durable=True)
def application_decide_group(
    *,
    actor: User,
    applications: Sequence[Application],
    outcome: str,
    reason: str = "",
    note: str = "",
) -> list[Application]:
    """Admit or reject several applications of one supplier with one decision.

    ``reason`` is given for every answer that failed its automatic check (and is the
    reason for a rejection); a refusal names the category it is about.
    """
    if not applications:
        raise RuleViolation(NONE_CHOSEN, code="none_chosen")
    if len({application.supplier_id for application in applications}) != 1:
        raise RuleViolation(NOT_ONE_SUPPLIER, code="not_one_supplier")
    decided = []
    for application in applications:
        failed = failed_questions(application.auto_assessment)
        reasons = {question_id: reason for question_id in failed}
        if outcome == "rejected" and not failed and reason.strip():
            # No answer failed: the reason stands against the first question, as the
            # one-application form records a rejection's reason.
            reasons = {application.questionnaire.questions[0]["id"]: reason}
        try:
            decided.append(
                _decide_one(
                    actor=actor,
                    application=application,
                    outcome=outcome,
                    reasons=reasons,
                    note=note,
                )
            )
        except DomainError as error:
            raise type(error)(
                REFUSED_FOR,
                code=error.code,
                category=application.category.title,
                error=str(error),
            ) from None
    return decided
