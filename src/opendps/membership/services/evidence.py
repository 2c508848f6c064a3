"""The evidence locker: a supplier's documents kept once, reused in any application.

Each document has a kind and, where it lapses (an insurance policy, a registration), the
last day it is valid. Reminders go to the supplier's people before that day; evaluators see
when a member's evidence has lapsed. Applications keep their own copy of what was sent,
so removing or replacing a locker document never changes a sent application.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import Organisation, User
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.calendar import london_date
from opendps.core.errors import Conflict, NotPermitted, RuleViolation
from opendps.core.events import AuditEventType
from opendps.membership.models import EvidenceDocument, EvidenceKind
from opendps.membership.services.common import APPLY_ROLES, NOT_A_SUPPLIER, _supplier_contacts
from opendps.membership.uploads import upload_check
from opendps.notifications.services import email_send_on_commit

# Days before the expiry date on which the supplier is reminded.
REMINDER_DAYS = (30, 7)

TITLE_REQUIRED = _("Enter a name for the document")
EXPIRED_ALREADY = _("The expiry date must be today or in the future")
ALREADY_REMOVED = _("This document has already been removed from the locker.")


def _check_supplier(actor: User, supplier: Organisation) -> None:
    if not supplier.is_supplier:
        raise NotPermitted(NOT_A_SUPPLIER)
    permissions.require_role(actor, supplier, APPLY_ROLES)


@transaction.atomic(durable=True)
def evidence_add(
    *,
    actor: User,
    supplier: Organisation,
    kind: str,
    title: str,
    upload: UploadedFile,
    expires_on: date | None = None,
) -> EvidenceDocument:
    """Keep a document in the locker (checked like any evidence upload)."""
    _check_supplier(actor, supplier)
    if not title.strip():
        raise RuleViolation(TITLE_REQUIRED, code="title_required")
    now = clock.now()
    if expires_on is not None and expires_on < london_date(now):
        raise RuleViolation(EXPIRED_ALREADY, code="expires_on_past")
    checked = upload_check(upload)
    document = EvidenceDocument(
        supplier=supplier,
        kind=EvidenceKind(kind),
        title=title.strip()[:200],
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        expires_on=expires_on,
        uploaded_by=actor,
        uploaded_at=now,
    )
    upload.seek(0)
    document.file.save(checked.name, upload, save=False)
    try:
        document.save()
        audit_record(
            actor=actor,
            event_type=AuditEventType.EVIDENCE_ADDED,
            subject=document,
            organisation_id=supplier.pk,
            data={
                "kind": document.kind,
                "sha256": document.sha256,
                "expires_on": expires_on.isoformat() if expires_on else None,
            },
        )
    except Exception:
        document.file.delete(save=False)  # the transaction rolls back; the file goes too
        raise
    return document


@transaction.atomic(durable=True)
def evidence_remove(*, actor: User, document: EvidenceDocument) -> EvidenceDocument:
    """Take a document out of the locker. Sent applications keep their own copies."""
    document = (
        EvidenceDocument.objects.select_for_update().select_related("supplier").get(pk=document.pk)
    )
    _check_supplier(actor, document.supplier)
    if document.removed_at is not None:
        raise Conflict(ALREADY_REMOVED)
    document.removed_at = clock.now()
    document.save(update_fields=["removed_at"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.EVIDENCE_REMOVED,
        subject=document,
        organisation_id=document.supplier_id,
    )
    return document


def evidence_is_lapsed(document: Any, today: date) -> bool:
    return document.expires_on is not None and document.expires_on < today


def evidence_reminders_send(now: datetime | None = None) -> int:
    """Email each supplier about locker documents that expire within 30 and 7 days.

    Each reminder is recorded on the document with the audit event in one transaction, so
    a rerun (or a second worker) sends nothing twice. Returns the reminders sent.
    """
    today = london_date(now or clock.now())
    horizon = today + timedelta(days=max(REMINDER_DAYS))
    due = EvidenceDocument.objects.filter(
        removed_at=None, expires_on__gte=today, expires_on__lte=horizon
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        sent += _remind_one(pk, today)
    return sent


@transaction.atomic
def _remind_one(pk: int, today: date) -> int:
    document = EvidenceDocument.objects.select_for_update().select_related("supplier").get(pk=pk)
    days_left = (document.expires_on - today).days if document.expires_on else None
    if days_left is None or document.removed_at is not None:
        return 0
    # The nearest threshold reached that has not been sent yet (7 before 30).
    threshold = min((d for d in REMINDER_DAYS if days_left <= d), default=None)
    if threshold is None or threshold in document.reminders_sent:
        return 0
    document.reminders_sent = sorted(
        {*document.reminders_sent, *[d for d in REMINDER_DAYS if d >= threshold]}
    )
    document.save(update_fields=["reminders_sent"])
    audit_record(
        actor=None,
        event_type=AuditEventType.EVIDENCE_REMINDER_SENT,
        subject=document,
        organisation_id=document.supplier_id,
        data={"days_left": days_left, "expires_on": str(document.expires_on)},
    )
    email_send_on_commit(
        to=_supplier_contacts(document.supplier),
        template="evidence_expiring",
        context={"document": document, "days_left": days_left},
    )
    return 1
