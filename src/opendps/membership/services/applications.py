"""Applying to join a category and withdrawing (the assessment is in ``assessment``)."""

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
)
from opendps.core.events import AuditEventType
from opendps.markets.models import Category, Market, QuestionnaireVersion
from opendps.markets.questionnaire import (
    answers_clean,
    assess,
    failed_questions,
    questionnaire_parse,
)
from opendps.markets.status import MarketStatus, market_status
from opendps.membership.models import (
    Application,
    ApplicationDocument,
    CategoryMember,
)
from opendps.membership.services.common import (
    ALREADY_APPLIED,
    ALREADY_DECIDED,
    ALREADY_MEMBER,
    APPLY_ROLES,
    CATEGORY_NOT_IN_MARKET,
    DEBARRED,
    MARKET_NOT_OPEN,
    NO_CATEGORY_CHOSEN,
    NOT_A_SUPPLIER,
    UPLOAD_NOT_A_FILE_QUESTION,
    _supplier_contacts,
    assessment_due,
    is_debarred,
    lock_application,
)
from opendps.membership.uploads import CheckedUpload, upload_check
from opendps.notifications.services import email_send_on_commit


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
    application.assessment_due_at = assessment_due(application, market)
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


@transaction.atomic(durable=True)
def application_withdraw(*, actor: User, application: Application) -> Application:
    application = lock_application(application)
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
