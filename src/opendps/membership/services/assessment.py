"""The evaluator's assessment: extending the period, admitting or rejecting."""

from __future__ import annotations

from django.db import transaction

from opendps.accounts import permissions
from opendps.accounts.models import User
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import Conflict, RuleViolation, full_clean_or_refuse
from opendps.core.events import AuditEventType
from opendps.markets.models import Market
from opendps.markets.questionnaire import (
    FailureMeaning,
    failed_questions,
    mandatory_exclusion_failed,
)
from opendps.membership.models import Application, CategoryMember, Outcome
from opendps.membership.services.common import (
    ALREADY_DECIDED,
    ALREADY_EXTENDED,
    ASSESS_ROLES,
    CANNOT_ADMIT_FAILED,
    REASON_PER_FAILED_QUESTION,
    REJECT_NEEDS_A_REASON,
    UNKNOWN_QUESTION,
    _supplier_contacts,
    assessment_due,
    is_debarred,
    lock_application,
)
from opendps.notifications.services import email_send_on_commit
from opendps.regimes import get_regime


@transaction.atomic(durable=True)
def application_extend_assessment(
    *, actor: User, application: Application, reason: str
) -> Application:
    """PCR 2015 reg 34: the 10 working days may become 15 where justified (reason kept)."""
    application = lock_application(application)
    market = application.market
    permissions.require_role(actor, market.authority, ASSESS_ROLES)
    if application.decided_at is not None or application.withdrawn_at is not None:
        raise Conflict(ALREADY_DECIDED)
    if application.extended_at is not None:
        raise Conflict(ALREADY_EXTENDED)
    regime = get_regime(market.regime, market.validity_starts_at)
    application.extension_reason = regime.extend_assessment(reason)
    application.extended_at = clock.now()
    before = application.assessment_due_at
    application.assessment_due_at = assessment_due(application, market)
    application.save(update_fields=["extension_reason", "extended_at", "assessment_due_at"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.APPLICATION_ASSESSMENT_EXTENDED,
        subject=application,
        organisation_id=market.authority_id,
        data={
            "reason": application.extension_reason,
            "from": before.isoformat(),
            "to": application.assessment_due_at.isoformat(),
        },
    )
    return application


def _check_decision_reasons(
    application: Application, outcome: Outcome, reasons: dict[str, str]
) -> None:
    questions = {q["id"]: q for q in application.questionnaire.questions}
    for question_id in reasons:
        if question_id not in questions:
            raise RuleViolation(UNKNOWN_QUESTION, question=question_id)
    auto_failed = failed_questions(application.auto_assessment)
    missing = [qid for qid in auto_failed if not reasons.get(qid, "").strip()]
    if missing:
        raise RuleViolation(
            REASON_PER_FAILED_QUESTION,
            code="reason_per_failed_question",
            questions=", ".join(missing),
        )
    if outcome == Outcome.REJECTED and not any(r.strip() for r in reasons.values()):
        raise RuleViolation(REJECT_NEEDS_A_REASON, code="reject_needs_reason")
    if outcome == Outcome.ADMITTED:
        blocking = [
            qid
            for qid in auto_failed
            if application.auto_assessment[qid]["failure"] != FailureMeaning.DISCRETIONARY_EXCLUSION
        ]
        if blocking:
            raise RuleViolation(
                CANNOT_ADMIT_FAILED, code="cannot_admit_failed", questions=", ".join(blocking)
            )


@transaction.atomic(durable=True)
def application_decide(
    *,
    actor: User,
    application: Application,
    outcome: str,
    reasons: dict[str, str] | None = None,
    note: str = "",
) -> Application:
    """An evaluator admits or rejects, with a reason for every failed question.

    Admission is refused for a debarred supplier or a failed mandatory exclusion ground or
    condition; discretionary grounds may be accepted with a reason. The supplier is told
    at once by email.
    """
    application = lock_application(application)
    market = application.market
    permissions.require_role(actor, market.authority, ASSESS_ROLES)
    if application.decided_at is not None or application.withdrawn_at is not None:
        raise Conflict(ALREADY_DECIDED)
    decision = Outcome(outcome)
    clean_reasons = {
        qid: str(text).strip() for qid, text in (reasons or {}).items() if str(text).strip()
    }
    _check_decision_reasons(application, decision, clean_reasons)
    now = clock.now()
    regime = get_regime(market.regime, market.validity_starts_at)
    if decision == Outcome.ADMITTED:
        regime.check_admission(
            excluded=mandatory_exclusion_failed(application.auto_assessment),
            debarred=is_debarred(application.supplier, now),
        )
    application.outcome = decision
    application.decided_at = now
    application.decided_by = actor
    application.reasons = clean_reasons
    application.decision_note = note.strip()
    full_clean_or_refuse(application)
    application.save()
    if decision == Outcome.ADMITTED:
        CategoryMember.objects.create(
            category=application.category,
            market=market,
            supplier=application.supplier,
            application=application,
            admitted_at=now,
        )
    audit_record(
        actor=actor,
        event_type=(
            AuditEventType.APPLICATION_ADMITTED
            if decision == Outcome.ADMITTED
            else AuditEventType.APPLICATION_REJECTED
        ),
        subject=application,
        organisation_id=market.authority_id,
        data={
            "supplier_id": application.supplier_id,
            "category_id": application.category_id,
            "reasons": clean_reasons,
            "on_time": now <= application.assessment_due_at,
        },
    )
    questions = {q["id"]: q["text"] for q in application.questionnaire.questions}
    email_send_on_commit(
        to=_supplier_contacts(application.supplier),
        template="application_decided",
        context={
            "application": application,
            "admitted": decision == Outcome.ADMITTED,
            "reasons": [(questions.get(qid, qid), text) for qid, text in clean_reasons.items()],
        },
    )
    return application


def first_period_applications_all_assessed(market: Market) -> bool:
    """PCR 2015 reg 34(3): true once every request received in the first period is decided."""
    if market.first_period_ends_at is None:
        return True
    return not Application.objects.filter(
        market=market,
        submitted_at__lte=market.first_period_ends_at,
        decided_at__isnull=True,
        withdrawn_at__isnull=True,
    ).exists()
