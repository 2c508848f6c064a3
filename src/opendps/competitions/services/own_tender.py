"""A supplier reading its own sealed tender before the deadline, to change it.

Before the deadline nobody may read a tender (Annex IV (b)) — except its own supplier, who
wrote it and may replace it until then. Changing a tender starts from the current one: its
price, answers and notes are unsealed for the supplier's own people (administrators and bid
writers), the reads audited (once a minute per person and call), and the documents it
chooses to keep are carried into the new tender, sealed again. After the deadline the
supplier cannot change its tender, so this reads nothing; the authority still reads
tenders only by opening the box.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import Organisation, User
from opendps.competitions.models import Call, TenderSubmission
from opendps.competitions.opened import (
    OpenedTender,
    SealedFileMissing,
    unseal_own_document,
    unseal_own_tender,
)
from opendps.competitions.services.common import TENDER_ROLES
from opendps.competitions.services.refusals import recorded_this_minute
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import RuleViolation
from opendps.core.events import AuditEventType

OWN_TENDER_CLOSED = _("The deadline has passed: your tender can no longer be changed.")
NO_DOCUMENT_TO_KEEP = _("Your current tender has no document %(index)s to keep.")
DOCUMENT_FILE_MISSING = _(
    "The file of document %(index)s of your current tender is missing from storage: "
    "upload it again instead of keeping it."
)


def _live(call: Call, supplier: Organisation) -> TenderSubmission | None:
    return TenderSubmission.objects.filter(
        call=call, supplier=supplier, withdrawn_at=None, superseded_at=None
    ).first()


def _check(actor: User, call: Call, supplier: Organisation) -> None:
    permissions.require_role(actor, supplier, TENDER_ROLES)
    if clock.now() >= call.deadline:
        raise RuleViolation(OWN_TENDER_CLOSED, code="deadline_passed")


@transaction.atomic(durable=True)
def tender_own_read(*, actor: User, call: Call, supplier: Organisation) -> OpenedTender | None:
    """The supplier's live tender in clear, for its own people, before the deadline; None
    when it has none. Reads are audited, at most once a minute per person and call."""
    _check(actor, call, supplier)
    submission = _live(call, supplier)
    if submission is None:
        return None
    opened = unseal_own_tender(call, submission)
    # Every visit to the tender form reads the tender: one event per person, call and
    # minute says who read it when, without a reloaded page flooding the audit chain.
    event = AuditEventType.TENDER_READ_BY_SUPPLIER
    if not recorded_this_minute(event, actor, clock.now(), data__call_id=call.pk):
        audit_record(
            actor=actor,
            event_type=event,
            subject=submission,
            organisation_id=supplier.pk,
            data={"call_id": call.pk},
        )
    return opened


def tender_own_documents(
    *, actor: User, call: Call, supplier: Organisation, keep: Iterable[int]
) -> list[UploadedFile]:
    """The chosen documents of the supplier's live tender, as files to seal again into the
    tender that replaces it (the new submission's own audit event records it)."""
    wanted = sorted(set(keep))
    if not wanted:
        return []
    _check(actor, call, supplier)
    submission = _live(call, supplier)
    documents = list(submission.documents.order_by("pk")) if submission is not None else []
    if submission is None:
        raise RuleViolation(NO_DOCUMENT_TO_KEEP, code="file_keep", index=wanted[0] + 1)
    meta = unseal_own_tender(call, submission).documents
    files: list[UploadedFile] = []
    for index in wanted:
        if not 0 <= index < min(len(documents), len(meta)):
            raise RuleViolation(NO_DOCUMENT_TO_KEEP, code="file_keep", index=index + 1)
        try:
            content = unseal_own_document(call, documents[index], index)
        except SealedFileMissing:
            raise RuleViolation(DOCUMENT_FILE_MISSING, code="file_keep", index=index + 1) from None
        files.append(SimpleUploadedFile(meta[index]["name"], content, meta[index]["content_type"]))
    return files
