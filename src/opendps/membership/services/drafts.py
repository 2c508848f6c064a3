"""Applications written over time: a draft kept on the server, saved section by section.

A draft holds the answers as typed and the files already checked, so nothing is lost when
a page has an error or the supplier leaves and comes back. Sending a draft goes through
``applications_create``, exactly like an application sent in one go (the API), so every
answer is checked again then.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import Organisation, User
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import Conflict, NotPermitted, RuleViolation
from opendps.core.events import AuditEventType
from opendps.markets.models import Category, Market
from opendps.markets.status import MarketStatus, market_status
from opendps.membership.models import (
    Application,
    ApplicationDraft,
    DraftDocument,
    EvidenceDocument,
)
from opendps.membership.services.applications import applications_create
from opendps.membership.services.common import (
    APPLY_ROLES,
    CATEGORY_NOT_IN_MARKET,
    MARKET_NOT_OPEN,
    NO_CATEGORY_CHOSEN,
    NOT_A_SUPPLIER,
    UPLOAD_NOT_A_FILE_QUESTION,
)
from opendps.membership.uploads import CheckedUpload, upload_check

DRAFT_SENT = _("This application has already been sent.")
UNKNOWN_SECTION = _("There is no section '%(section)s' in this application.")
EVIDENCE_NOT_YOURS = _("Choose a document from your own evidence locker.")


def draft_questions(draft: ApplicationDraft) -> list[dict[str, Any]]:
    """Every chosen category's current questions, each asked once, in the order first met."""
    seen: dict[str, dict[str, Any]] = {}
    categories = Category.objects.filter(market_id=draft.market_id, pk__in=draft.category_ids)
    for category in sorted(categories, key=lambda c: draft.category_ids.index(c.pk)):
        version = category.questionnaire_versions.order_by("-version").first()
        for question in version.questions if version is not None else []:
            seen.setdefault(question["id"], question)
    return list(seen.values())


def profile_answers(supplier: Organisation) -> dict[str, str]:
    """What the organisation profile already says, by the standard questions' ids."""
    answers = {"p1.legal_name": supplier.name, "p1.vcse": "yes" if supplier.is_vcse else "no"}
    if supplier.registration_number:
        answers["p1.registration_number"] = supplier.registration_number
    if not supplier.is_sme:
        answers["p1.sme_status"] = "large"
    return answers


def _check_can_apply(actor: User, supplier: Organisation, market: Market) -> None:
    if not supplier.is_supplier:
        raise NotPermitted(NOT_A_SUPPLIER)
    permissions.require_role(actor, supplier, APPLY_ROLES)
    if market_status(market, clock.now()) != MarketStatus.OPEN:
        raise RuleViolation(MARKET_NOT_OPEN, code="market_not_open")


def _audit(actor: User, draft: ApplicationDraft, data: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        event_type=AuditEventType.APPLICATION_DRAFT_SAVED,
        subject=draft,
        organisation_id=draft.supplier_id,
        data={"market_id": draft.market_id} | data,
    )


@transaction.atomic(durable=True)
def draft_start(
    *,
    actor: User,
    supplier: Organisation,
    market: Market,
    category_ids: Iterable[int],
    previous: Mapping[str, Any] | None = None,
) -> ApplicationDraft:
    """The supplier's live draft for this market (made if there is none), for these
    categories. A new draft starts from earlier answers and the organisation profile."""
    _check_can_apply(actor, supplier, market)
    chosen = sorted(set(category_ids))
    if not chosen:
        raise RuleViolation(NO_CATEGORY_CHOSEN, code="no_category")
    if Category.objects.filter(market=market, pk__in=chosen).count() != len(chosen):
        raise RuleViolation(CATEGORY_NOT_IN_MARKET, code="category_not_in_market")
    now = clock.now()
    draft = (
        ApplicationDraft.objects.select_for_update()
        .filter(supplier=supplier, market=market, submitted_at=None)
        .first()
    )
    if draft is None:
        draft = ApplicationDraft(
            supplier=supplier, market=market, created_by=actor, created_at=now, answers={}
        )
        draft.answers = dict(previous or {}) | profile_answers(supplier)
    draft.category_ids = chosen
    draft.updated_at = now
    draft.save()
    # Answers to questions no chosen category asks are dropped when the draft is sent.
    _audit(actor, draft, {"categories": chosen})
    return draft


def _lock(draft: ApplicationDraft, actor: User) -> ApplicationDraft:
    draft = (
        ApplicationDraft.objects.select_for_update()
        .select_related("supplier", "market")
        .get(pk=draft.pk)
    )
    permissions.require_role(actor, draft.supplier, APPLY_ROLES)
    if draft.submitted_at is not None:
        raise Conflict(DRAFT_SENT, code="draft_sent")
    return draft


@transaction.atomic(durable=True)
def draft_save_section(
    *,
    actor: User,
    draft: ApplicationDraft,
    section: str,
    answers: Mapping[str, Any],
    files: Mapping[str, UploadedFile] | None = None,
    evidence: Mapping[str, EvidenceDocument] | None = None,
    complete: bool = False,
) -> ApplicationDraft:
    """Keep one section's answers and files; ``complete`` marks the section done.

    Files are kept whatever else is wrong on the page, so nobody chooses them twice; a file
    replaces the one kept for its question. A bad file refuses the save.
    """
    draft = _lock(draft, actor)
    questions = [q for q in draft_questions(draft) if (q.get("section") or "") == section]
    if not questions:
        raise RuleViolation(UNKNOWN_SECTION, code="unknown_section", section=section)
    by_id = {q["id"]: q for q in questions}
    file_ids = {qid for qid, q in by_id.items() if q["kind"] == "file"}
    for question_id in [*(files or {}), *(evidence or {})]:
        if question_id not in file_ids:
            raise RuleViolation(UPLOAD_NOT_A_FILE_QUESTION, question=question_id)
    for chosen in (evidence or {}).values():
        if chosen.supplier_id != draft.supplier_id or chosen.removed_at is not None:
            raise NotPermitted(EVIDENCE_NOT_YOURS)
    checked = {qid: (upload, upload_check(upload)) for qid, upload in (files or {}).items()}
    now = clock.now()
    for question_id, answer in answers.items():
        if question_id in by_id and question_id not in file_ids:
            draft.answers[question_id] = answer
    kept: list[str] = []
    stored: list[DraftDocument] = []
    try:
        for question_id, (upload, check) in checked.items():
            _replace_document(draft, question_id)
            document = DraftDocument(
                draft=draft,
                question_id=question_id,
                original_name=check.name,
                content_type=check.content_type,
                size=check.size,
                sha256=check.sha256,
                uploaded_at=now,
            )
            upload.seek(0)
            document.file.save(check.name, upload, save=False)
            stored.append(document)
            document.save()
            kept.append(question_id)
    except Exception:
        for document in stored:  # the transaction rolls back; the files must go too
            document.file.delete(save=False)
        raise
    for question_id, locker in (evidence or {}).items():
        _replace_document(draft, question_id)
        DraftDocument.objects.create(
            draft=draft,
            question_id=question_id,
            evidence=locker,
            original_name=locker.original_name,
            content_type=locker.content_type,
            size=locker.size,
            sha256=locker.sha256,
            uploaded_at=now,
        )
        kept.append(question_id)
    done = [s for s in draft.sections_done if s != section]
    draft.sections_done = [*done, section] if complete else done
    draft.updated_at = now
    draft.save(update_fields=["answers", "sections_done", "updated_at"])
    _audit(actor, draft, {"section": section, "complete": complete, "files": sorted(kept)})
    return draft


def _replace_document(draft: ApplicationDraft, question_id: str) -> None:
    for old in DraftDocument.objects.filter(draft=draft, question_id=question_id):
        if old.file:
            transaction.on_commit(partial(old.file.storage.delete, old.file.name))
        old.delete()


@transaction.atomic(durable=True)
def draft_submit(*, actor: User, draft: ApplicationDraft) -> list[Application]:
    """Send the draft: one application per chosen category, with the kept files."""
    draft = _lock(draft, actor)
    _check_can_apply(actor, draft.supplier, draft.market)
    questions = draft_questions(draft)
    asked = {q["id"] for q in questions if q["kind"] != "file"}
    answers = {
        qid: answer
        for qid, answer in draft.answers.items()
        if qid in asked and answer not in ("", None)
    }
    documents = list(draft.documents.select_related("evidence"))
    checked: dict[str, tuple[Any, CheckedUpload]] = {}
    handles = []
    for document in documents:
        source = document.evidence.file if document.evidence is not None else document.file
        handle = source.open("rb")
        handles.append(handle)
        checked[document.question_id] = (
            File(handle, name=document.original_name),
            CheckedUpload(
                name=document.original_name,
                content_type=document.content_type,
                size=document.size,
                sha256=document.sha256,
            ),
        )
    try:
        applications = applications_create(
            actor=actor,
            supplier=draft.supplier,
            market=draft.market,
            category_ids=draft.category_ids,
            answers=answers,
            checked_files=checked,
            evidence={d.question_id: d.evidence for d in documents if d.evidence is not None},
        )
    finally:
        for handle in handles:
            handle.close()
    draft.submitted_at = clock.now()
    draft.updated_at = draft.submitted_at
    draft.save(update_fields=["submitted_at", "updated_at"])
    names = [(d.file.storage, d.file.name) for d in documents if d.file]
    draft.documents.all().delete()
    # The applications hold their own copies now; the draft's files go once that commits.
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])
    return applications
