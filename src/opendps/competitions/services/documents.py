"""A call's documents: its specification and its pricing schedule (issue 15).

One of each kind per call, checked like every upload of the platform
(``membership.uploads.upload_check``: size, type by content, name). Added or replaced
while the call is a draft or open; after publishing, each one added or replaced is emailed to every
invitee. Only the authority and the invitees can read them (``selectors.call_document_get``).
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import User
from opendps.competitions.models import Call, CallDocument, CallDocumentKind
from opendps.competitions.services.common import BUY_ROLES, lock_call, supplier_emails
from opendps.competitions.status import CallStatus, call_status
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import RuleViolation
from opendps.core.events import AuditEventType
from opendps.membership.uploads import upload_check
from opendps.notifications.services import email_send_on_commit

KIND_INVALID = _("Choose whether the document is the specification or the pricing schedule")
NOT_CHANGEABLE = _("Documents can only be added while the call is a draft or open.")


@transaction.atomic(durable=True)
def call_document_attach(
    *, actor: User, call: Call | int, kind: str, upload: UploadedFile
) -> CallDocument:
    """Attach (or replace) the call's document of ``kind``."""
    call = lock_call(call)
    permissions.require_role(actor, call.market.authority, BUY_ROLES)
    if kind not in CallDocumentKind.values:
        raise RuleViolation(KIND_INVALID, code="kind_invalid")
    status = call_status(call)
    if status not in {CallStatus.DRAFT, CallStatus.OPEN}:
        raise RuleViolation(NOT_CHANGEABLE, code="call_not_open")
    checked = upload_check(upload)
    replaced = CallDocument.objects.filter(call=call, kind=kind).first()
    if replaced is not None:
        replaced.file.delete(save=False)
        replaced.delete()
    document = CallDocument(
        call=call,
        kind=kind,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_at=clock.now(),
        uploaded_by=actor,
    )
    upload.seek(0)
    document.file.save(checked.name, upload, save=False)
    document.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.CALL_DOCUMENT_ADDED,
        subject=call,
        organisation_id=call.buyer_id,
        data={
            "kind": kind,
            "name": checked.name,
            "sha256": checked.sha256,
            "replaced": replaced is not None,
        },
    )
    if status == CallStatus.OPEN:
        invited = list(call.invitations.values_list("supplier_id", flat=True))
        email_send_on_commit(
            to=supplier_emails(invited),
            template="call_document_changed",
            context={"call": call, "document": document, "kind": document.get_kind_display()},
        )
    return document
