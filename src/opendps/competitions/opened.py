"""Reading sealed tenders once the box is open. The only code that unseals them.

Nothing here is stored: content is decrypted for the request that needs it and dropped,
so the database never holds tender plaintext, before or after opening.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from opendps.competitions.models import Call, SealedDocument, TenderSubmission
from opendps.core import sealing


@dataclass(frozen=True)
class OpenedTender:
    submission: TenderSubmission
    price: Decimal
    answers: dict[str, str]
    notes: str
    documents: list[dict[str, Any]]


def live_submissions(call: Call) -> list[TenderSubmission]:
    """Each supplier's tender: its latest submission, unless withdrawn."""
    return list(
        call.submissions.filter(withdrawn_at=None, superseded_at=None)
        .select_related("supplier")
        .order_by("received_at")
    )


def _info(call: Call, supplier_id: int) -> str:
    return f"{call.seal_label}:supplier:{supplier_id}"


def unseal_tenders(call: Call) -> list[OpenedTender]:
    """Decrypt the live tenders of an opened call. Callers check who is asking.

    A broken seal is recorded in the audit log (Annex IV (g)) before the error goes on.
    """
    if call.opened_at is None:
        raise PermissionError("tenders of an unopened call cannot be read")
    assert call.wrapped_private_key is not None
    try:
        key = sealing.call_private_key(bytes(call.wrapped_private_key), call.seal_label)
        return [_open_one(call, key, submission) for submission in live_submissions(call)]
    except sealing.SealBroken:
        _record_tampering(call)
        raise


def _open_one(call: Call, key: X25519PrivateKey, submission: TenderSubmission) -> OpenedTender:
    info = _info(call, submission.supplier_id)
    data = json.loads(sealing.unseal(bytes(submission.sealed_payload), key, info))
    return OpenedTender(
        submission=submission,
        price=Decimal(data["price"]),
        answers=data["answers"],
        notes=data.get("notes", ""),
        documents=data.get("documents", []),
    )


def _record_tampering(call: Call) -> None:
    """In a transaction of its own, so the record outlives the failing request."""
    from django.db import transaction

    from opendps.core.audit import audit_record
    from opendps.core.events import AuditEventType

    with transaction.atomic():
        audit_record(
            actor=None,
            event_type=AuditEventType.SEAL_BROKEN_DETECTED,
            subject=call,
            organisation_id=call.buyer_id,
        )


class SealedFileMissing(Exception):
    """A tender document's sealed file is not in storage (lost, or never copied)."""


def _unseal_file(call: Call, document: SealedDocument, index: int) -> bytes:
    """One document's sealed file, decrypted; a broken seal is recorded like a tender's."""
    assert call.wrapped_private_key is not None
    try:
        with document.file.open("rb") as handle:
            sealed = handle.read()
    except FileNotFoundError as error:
        raise SealedFileMissing(document.pk) from error
    info = f"{_info(call, document.submission.supplier_id)}:document:{index}"
    try:
        key = sealing.call_private_key(bytes(call.wrapped_private_key), call.seal_label)
        return sealing.unseal(sealed, key, info)
    except sealing.SealBroken:
        _record_tampering(call)
        raise


def unseal_document(call: Call, document: SealedDocument, index: int) -> bytes:
    if call.opened_at is None:
        raise PermissionError("tenders of an unopened call cannot be read")
    return _unseal_file(call, document, index)


def unseal_own_tender(call: Call, submission: TenderSubmission) -> OpenedTender:
    """A supplier's own live tender, decrypted so that it can change it before the deadline.

    Only ``services.own_tender`` calls this, after checking that the person acts for the
    tender's supplier and that the deadline has not passed; nobody else reads a tender
    before the box is opened (Annex IV (b)).
    """
    if submission.call_id != call.pk or submission.withdrawn_at or submission.superseded_at:
        raise PermissionError("only a supplier's own live tender can be read before opening")
    assert call.wrapped_private_key is not None
    try:
        key = sealing.call_private_key(bytes(call.wrapped_private_key), call.seal_label)
        return _open_one(call, key, submission)
    except sealing.SealBroken:
        _record_tampering(call)
        raise


def unseal_own_document(call: Call, document: SealedDocument, index: int) -> bytes:
    """One document of a supplier's own live tender (same rule as ``unseal_own_tender``)."""
    submission = document.submission
    if submission.call_id != call.pk or submission.withdrawn_at or submission.superseded_at:
        raise PermissionError("only a supplier's own live tender can be read before opening")
    return _unseal_file(call, document, index)
