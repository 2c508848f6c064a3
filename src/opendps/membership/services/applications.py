"""Applying to join a category, withdrawing, and the evaluator's assessment."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from opendps.accounts import permissions
from opendps.accounts.models import Organisation, User
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import (
    Conflict,
    NotPermitted,
    RuleViolation,
    full_clean_or_refuse,
)
from opendps.core.events import AuditEventType
from opendps.markets.models import Category, Market, QuestionnaireVersion
from opendps.markets.questionnaire import (
    FailureMeaning,
    answers_clean,
    assess,
    failed_questions,
    mandatory_exclusion_failed,
    questionnaire_parse,
)
from opendps.markets.status import MarketStatus, market_status
from opendps.membership.models import (
    Application,
    ApplicationDocument,
    CategoryMember,
    Outcome,
)
from opendps.membership.services.common import (
    ALREADY_APPLIED,
    ALREADY_DECIDED,
    ALREADY_EXTENDED,
    ALREADY_MEMBER,
    APPLY_ROLES,
    ASSESS_ROLES,
    CANNOT_ADMIT_FAILED,
    CATEGORY_NOT_IN_MARKET,
    DEBARRED,
    MARKET_NOT_OPEN,
    NO_CATEGORY_CHOSEN,
    NOT_A_SUPPLIER,
    REASON_PER_FAILED_QUESTION,
    REJECT_NEEDS_A_REASON,
    UNKNOWN_QUESTION,
    UPLOAD_NOT_A_FILE_QUESTION,
    _supplier_contacts,
    is_debarred,
)
from opendps.membership.uploads import CheckedUpload, upload_check
from opendps.notifications.services import email_send_on_commit
from opendps.regimes import get_regime


def _assessment_due(application: Application, market: Market) -> datetime:
    regime = get_regime(market.regime, market.validity_starts_at)
    first_invitation = getattr(market, "first_invitation_sent_at", None)
    return regime.assessment_due(
        application.submitted_at,
        market.nation,
        extended=application.extended_at is not None,
        reasonable_period_working_days=market.assessment_working_days,
        first_period_ends_at=market.first_period_ends_at,
        first_invitation_sent_at=first_invitation,
    )


def _file_question_ids(questions: list[dict[str, Any]]) -> set[str]:
    return {q["id"] for q in questions if q["kind"] == "file"}


# --- applying -----------------------------------------------------------------------------


@transaction.atomic(durable=True)
def application_submit(
    *,
    actor: User,
    supplier: Organisation,
    market: Market,
    category_ids: Iterable[int],
    answers: Mapping[str, Any],
    files: Mapping[str, UploadedFile] | None = None,
) -> list[Application]:
    """Apply to one or more categories at once; answers are assessed automatically now.

    One application per category (each category has its own questionnaire version). A
    wrong answer, a bad file, or a closed market refuses the whole submission.
    """
    checked = {qid: (upload, upload_check(upload)) for qid, upload in (files or {}).items()}
    return applications_create(
        actor=actor,
        supplier=supplier,
        market=market,
        category_ids=category_ids,
        answers=answers,
        checked_files=checked,
    )


@transaction.atomic
def applications_create(
    *,
    actor: User,
    supplier: Organisation,
    market: Market,
    category_ids: Iterable[int],
    answers: Mapping[str, Any],
    checked_files: Mapping[str, tuple[Any, CheckedUpload]],
    evidence: Mapping[str, Any] | None = None,
) -> list[Application]:
    """The applications of one submission, from files already checked (an upload, a kept
    draft file or a locker document); ``evidence`` names the locker document per question."""
    if not supplier.is_supplier:
        raise NotPermitted(NOT_A_SUPPLIER)
    permissions.require_role(actor, supplier, APPLY_ROLES)
    market = Market.objects.select_for_update().get(pk=market.pk)
    now = clock.now()
    if market_status(market, now) != MarketStatus.OPEN:
        raise RuleViolation(MARKET_NOT_OPEN, code="market_not_open")
    chosen = sorted(set(category_ids))
    if not chosen:
        raise RuleViolation(NO_CATEGORY_CHOSEN, code="no_category")
    categories = list(Category.objects.filter(market=market, pk__in=chosen))
    if len(categories) != len(chosen):
        raise RuleViolation(CATEGORY_NOT_IN_MARKET, code="category_not_in_market")
    if is_debarred(supplier, now):
        raise RuleViolation(DEBARRED, code="debarred")
    # Check everything first and write after, so a refusal leaves no file behind.
    prepared = [
        _prepare(supplier, category, answers, set(checked_files)) for category in categories
    ]
    file_questions = set().union(*(p.file_questions for p in prepared))
    for question_id in checked_files:
        if question_id not in file_questions:
            raise RuleViolation(UPLOAD_NOT_A_FILE_QUESTION, question=question_id)
    stored: list[ApplicationDocument] = []
    try:
        applications = [
            _store(actor, supplier, market, p, dict(checked_files), now, stored, evidence or {})
            for p in prepared
        ]
    except Exception:
        for document in stored:  # the transaction rolls back; the files must go too
            document.file.delete(save=False)
        raise
    contacts = _supplier_contacts(supplier)
    email_send_on_commit(
        to=contacts,
        template="application_received",
        context={"market": market, "applications": applications, "supplier": supplier},
    )
    return applications


@dataclass(frozen=True)
class _Prepared:
    category: Category
    version: QuestionnaireVersion
    answers: dict[str, Any]
    assessment: dict[str, dict[str, str]]
    file_questions: set[str]


def _prepare(
    supplier: Organisation, category: Category, answers: Mapping[str, Any], files: set[str]
) -> _Prepared:
    """Refuse a duplicate or a wrong answer for one category, before anything is written."""
    if CategoryMember.objects.filter(
        category=category, supplier=supplier, removed_at=None
    ).exists():
        raise Conflict(ALREADY_MEMBER, category=category.title)
    if Application.objects.filter(
        category=category, supplier=supplier, decided_at=None, withdrawn_at=None
    ).exists():
        raise Conflict(ALREADY_APPLIED, category=category.title)
    version = category.questionnaire_versions.order_by("-version").first()
    assert version is not None  # every category is created with a questionnaire
    questionnaire = questionnaire_parse(version.questions)
    file_questions = _file_question_ids(version.questions)
    own_files = files & file_questions
    own_answers = {k: v for k, v in answers.items() if k in questionnaire.by_id()}
    clean = answers_clean(questionnaire, own_answers, own_files)
    return _Prepared(
        category=category,
        version=version,
        answers=clean,
        assessment=assess(questionnaire, clean, own_files),
        file_questions=file_questions,
    )


def _store(
    actor: User,
    supplier: Organisation,
    market: Market,
    prepared: _Prepared,
    checked_files: dict[str, Any],
    now: datetime,
    stored: list[ApplicationDocument],
    evidence: Mapping[str, Any],
) -> Application:
    application = Application(
        supplier=supplier,
        market=market,
        category=prepared.category,
        questionnaire=prepared.version,
        answers=prepared.answers,
        auto_assessment=prepared.assessment,
        failed_checks=len(failed_questions(prepared.assessment)),
        submitted_by=actor,
        submitted_at=now,
        assessment_due_at=now,  # replaced just below, once submitted_at is known
    )
    application.assessment_due_at = _assessment_due(application, market)
    application.save()
    for question_id in sorted(prepared.file_questions & set(checked_files)):
        upload, checked = checked_files[question_id]
        upload.seek(0)
        document = ApplicationDocument(
            application=application,
            question_id=question_id,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_at=now,
            evidence=evidence.get(question_id),
        )
        document.file.save(checked.name, upload, save=False)
        stored.append(document)
        document.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.APPLICATION_SUBMITTED,
        subject=application,
        organisation_id=supplier.pk,
        data={
            "market_id": market.pk,
            "category_id": prepared.category.pk,
            "questionnaire_version": prepared.version.version,
            "auto_failed": failed_questions(application.auto_assessment),
            "due": application.assessment_due_at.isoformat(),
        },
    )
    return application


def _lock_application(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("market", "market__authority", "category", "supplier")
        .get(pk=application.pk)
    )


@transaction.atomic(durable=True)
def application_withdraw(*, actor: User, application: Application) -> Application:
    application = _lock_application(application)
    permissions.require_role(actor, application.supplier, APPLY_ROLES)
    if application.decided_at is not None or application.withdrawn_at is not None:
        raise Conflict(ALREADY_DECIDED)
    application.withdrawn_at = clock.now()
    application.save(update_fields=["withdrawn_at"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.APPLICATION_WITHDRAWN,
        subject=application,
        organisation_id=application.supplier_id,
    )
    return application


# --- assessing ----------------------------------------------------------------------------


@transaction.atomic(durable=True)
def application_extend_assessment(
    *, actor: User, application: Application, reason: str
) -> Application:
    """PCR 2015 reg 34: the 10 working days may become 15 where justified (reason kept)."""
    application = _lock_application(application)
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
    application.assessment_due_at = _assessment_due(application, market)
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
    application = _lock_application(application)
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
