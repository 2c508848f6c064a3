"""Sealed tenders: submit, withdraw and resubmit until the deadline (opening: ``opening``).

Annex IV (Directive 2014/24/EU) is why this module looks as it does:
(a) the receipt time is the server clock, to the millisecond, signed into the receipt;
(b) content is HPKE-sealed on arrival, so nobody can read it before the deadline;
(c)(e) only the buying authority's authorised officers may open, and only after the
deadline by the server clock (two different officers where the market requires it);
(g) refused attempts — late tenders, early opening — are themselves audited.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import Organisation, User
from opendps.competitions.criteria import CriterionKind
from opendps.competitions.models import Call, Invitation, SealedDocument, TenderSubmission
from opendps.competitions.pricing import terms_of
from opendps.competitions.services.common import (
    TENDER_ROLES,
    lock_call,
)

# Re-exported: competitions.api reads these on this module.
from opendps.competitions.services.opening import (
    SECOND_OFFICER_NEEDED as SECOND_OFFICER_NEEDED,
)
from opendps.competitions.services.opening import (
    is_opening_pending_second_officer as is_opening_pending_second_officer,
)
from opendps.competitions.services.own_tender import tender_own_documents
from opendps.core import clock, sealing
from opendps.core.audit import audit_record
from opendps.core.errors import Conflict, DomainError, NotPermitted, RuleViolation
from opendps.core.events import AuditEventType
from opendps.core.money import parse_money
from opendps.membership.models import CategoryMember
from opendps.membership.status import active_members_q
from opendps.membership.uploads import upload_check
from opendps.regimes import get_regime

DEADLINE_PASSED = _("The deadline for tenders has passed: tenders are no longer accepted.")
NOT_PUBLISHED = _("This call is not open for tenders.")
NOT_INVITED = _("Only suppliers invited to this call can tender.")
NOT_A_MEMBER = _("Your organisation is no longer an active member of this category.")
PRICE_INVALID = _("Enter the price as a number of pounds greater than zero, for example 1250.00.")
ANSWER_MISSING = _("Answer the criterion: %(criterion)s")
ANSWER_TOO_LONG = _("The answer to %(criterion)s is too long (20,000 characters at most).")
NOTHING_TO_WITHDRAW = _("You have no tender in this call to withdraw.")
TOO_MANY_DOCUMENTS = _("Attach at most %(count)s documents.")

MAX_ANSWER = 20_000
MAX_PRICE = Decimal("999999999999.99")  # what Award.contract_value can hold
MAX_DOCUMENTS = 10


def _ms(moment: Any) -> Any:
    """Receipt times are kept to the millisecond."""
    return moment.replace(microsecond=(moment.microsecond // 1000) * 1000)


def _clean_payload(call: Call, price: Any, answers: dict[str, str], notes: str) -> dict[str, Any]:
    try:
        amount = parse_money(price)  # the one money parser (issue 15)
    except ValueError:
        raise RuleViolation(PRICE_INVALID, code="price_invalid") from None
    if (
        not amount.is_finite()
        or amount <= 0
        or amount > MAX_PRICE
        or amount.as_tuple().exponent < -2  # type: ignore[operator]
    ):
        raise RuleViolation(PRICE_INVALID, code="price_invalid")
    terms_of(call).check_price(amount)
    clean: dict[str, str] = {}
    for criterion in call.criteria:
        if criterion["kind"] == CriterionKind.PRICE:
            continue
        text = str(answers.get(criterion["key"], "")).strip()
        if not text:
            raise RuleViolation(ANSWER_MISSING, code="answer_missing", criterion=criterion["name"])
        if len(text) > MAX_ANSWER:
            raise RuleViolation(ANSWER_TOO_LONG, criterion=criterion["name"])
        clean[criterion["key"]] = text
    return {"price": str(amount), "answers": clean, "notes": notes.strip()[:MAX_ANSWER]}


def _record_refusal(actor: User, call: Call, event: AuditEventType, data: dict[str, Any]) -> None:
    """Annex IV (g): an attempted infringement leaves a trace, in its own transaction."""
    with transaction.atomic():
        audit_record(
            actor=actor, event_type=event, subject=call, organisation_id=call.buyer_id, data=data
        )


@dataclass(frozen=True)
class Receipt:
    payload: dict[str, Any]
    signature: str


@dataclass(frozen=True)
class _Sealed:
    """A tender checked and sealed before the call is locked."""

    payload: bytes
    documents: list[tuple[bytes, str]]  # (ciphertext, its SHA-256)
    sealed_sha256: str


def tender_submit(
    *,
    actor: User,
    call: Call | int,
    supplier: Organisation,
    price: Any,
    answers: dict[str, str],
    notes: str = "",
    files: list[UploadedFile] | None = None,
    keep_documents: Iterable[int] = (),
) -> TenderSubmission:
    """Seal and store a tender; returns the submission with its signed receipt.

    ``keep_documents`` (indices) carries documents of the supplier's current tender into
    this one, sealed again: a changed tender keeps its documents unless replaced.

    A later submission replaces the earlier one (the last counts). After the deadline by the
    server clock — even by a millisecond — the tender is refused and the attempt audited.
    Checking and sealing happen before the call is locked (its public key never changes once
    published); under the lock only the checks that depend on the receipt time are repeated
    (BENCHMARKS.md H12).
    """
    call = _call_for_tender(call)
    try:
        kept = tender_own_documents(actor=actor, call=call, supplier=supplier, keep=keep_documents)
        sealed = _check_and_seal(
            actor=actor,
            call=call,
            supplier=supplier,
            price=price,
            answers=answers,
            notes=notes,
            files=[*kept, *(files or [])],
        )
        return _store(actor=actor, call=call, supplier=supplier, sealed=sealed)
    except DomainError as error:
        if error.code == "deadline_passed":
            _record_refusal(
                actor,
                call,
                AuditEventType.TENDER_SUBMISSION_REFUSED,
                {"supplier_id": supplier.pk, "at": clock.now().isoformat()},
            )
        raise


def _call_for_tender(call: Call | int) -> Call:
    pk = call if isinstance(call, int) else call.pk
    return Call.objects.select_related("market").get(pk=pk)


def _check_open(call: Call, moment: Any) -> None:
    if call.published_at is None or call.cancelled_at is not None:
        raise RuleViolation(NOT_PUBLISHED, code="call_not_open")
    if moment >= call.deadline:
        raise RuleViolation(DEADLINE_PASSED, code="deadline_passed")


def _check_member(call: Call, supplier: Organisation, moment: Any) -> None:
    regime = get_regime(call.market.regime, call.market.validity_starts_at)
    still_member = CategoryMember.objects.filter(
        active_members_q(moment), category_id=call.category_id, supplier=supplier
    ).exists()
    if not regime.accepts_tender_from(still_member):
        raise NotPermitted(NOT_A_MEMBER)


def _check_and_seal(
    *,
    actor: User,
    call: Call,
    supplier: Organisation,
    price: Any,
    answers: dict[str, str],
    notes: str,
    files: list[UploadedFile],
) -> _Sealed:
    """Every check in the order a supplier should hear them, then the HPKE seal: no lock."""
    permissions.require_role(actor, supplier, TENDER_ROLES)
    now = _ms(clock.now())
    _check_open(call, now)
    # Invitations are fixed when the call is published: no need to look again under the lock.
    if not Invitation.objects.filter(call=call, supplier=supplier).exists():
        raise NotPermitted(NOT_INVITED)
    _check_member(call, supplier, now)
    if len(files) > MAX_DOCUMENTS:
        raise RuleViolation(TOO_MANY_DOCUMENTS, count=MAX_DOCUMENTS)
    checked = [(upload, upload_check(upload)) for upload in files]
    payload = _clean_payload(call, price, answers, notes)
    payload["documents"] = [
        {"name": c.name, "content_type": c.content_type, "size": c.size, "sha256": c.sha256}
        for _, c in checked
    ]
    info = f"{call.seal_label}:supplier:{supplier.pk}"
    assert call.public_key is not None
    public_key = bytes(call.public_key)
    sealed = sealing.seal(json.dumps(payload).encode(), public_key, info)
    documents = []
    for index, (upload, _checked) in enumerate(checked):
        upload.seek(0)
        sealed_doc = sealing.seal(upload.read(), public_key, f"{info}:document:{index}")
        documents.append((sealed_doc, sealing.sha256_hex(sealed_doc)))
    digest = sealing.sha256_hex(sealed + "".join(h for _, h in documents).encode())
    return _Sealed(payload=sealed, documents=documents, sealed_sha256=digest)


def _lock_for_tender(call: Call, supplier: Organisation) -> Call:
    """Lock the call against cancel and open, and order one supplier's submissions.

    PostgreSQL: the call row FOR SHARE, so tenders from different suppliers run side by
    side while cancel and open (FOR UPDATE) still wait for them, and a transaction-scoped
    advisory lock per (call, supplier) so a resubmission supersedes exactly once.
    SQLite: the IMMEDIATE transaction already holds the database's single write lock.
    """
    row = Call.objects.filter(pk=call.pk).only("published_at", "cancelled_at", "deadline")
    if connection.vendor != "postgresql":
        return row.select_for_update().get()
    sql, params = row.query.get_compiler(connection=connection).as_sql()
    locked = next(iter(Call.objects.raw(f"{sql} FOR SHARE", params)))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"opendps.tender:{call.pk}:{supplier.pk}"],
        )
    return locked


@transaction.atomic(durable=True)
def _store(*, actor: User, call: Call, supplier: Organisation, sealed: _Sealed) -> TenderSubmission:
    """The locked section: the receipt time, what depends on it, and the writes."""
    locked = _lock_for_tender(call, supplier)
    # Taken under the lock: open (FOR UPDATE) cannot pass a tender stamped before the deadline.
    received_at = _ms(clock.now())
    _check_open(locked, received_at)
    _check_member(call, supplier, received_at)
    TenderSubmission.objects.filter(
        call=call, supplier=supplier, withdrawn_at=None, superseded_at=None
    ).update(superseded_at=received_at)
    submission = TenderSubmission.objects.create(
        call=call,
        supplier=supplier,
        submitted_by=actor,
        received_at=received_at,
        sealed_payload=sealed.payload,
        sealed_sha256=sealed.sealed_sha256,
        receipt={},
        receipt_signature="",
    )
    for sealed_doc, digest in sealed.documents:
        document = SealedDocument(submission=submission, sealed_sha256=digest, size=len(sealed_doc))
        document.file.save(f"{digest[:32]}.sealed", ContentFile(sealed_doc), save=False)
        document.save()
    # The receipt names the row, so it is signed once the id is known (one UPDATE).
    receipt = {
        "call_id": call.pk,
        "supplier_id": supplier.pk,
        "submission_id": submission.pk,
        "received_at": clock.utc_text(received_at),
        "sealed_sha256": submission.sealed_sha256,
        "documents": len(sealed.documents),
    }
    submission.receipt = receipt
    submission.receipt_signature = sealing.receipt_sign(receipt)
    submission.save(update_fields=["receipt", "receipt_signature"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.TENDER_SUBMITTED,
        subject=submission,
        organisation_id=supplier.pk,
        data={
            "call_id": call.pk,
            "received_at": receipt["received_at"],
            "sha256": submission.sealed_sha256,
        },
    )
    return submission


@transaction.atomic(durable=True)
def tender_withdraw(*, actor: User, call: Call, supplier: Organisation) -> TenderSubmission:
    permissions.require_role(actor, supplier, TENDER_ROLES)
    call = lock_call(call)
    now = clock.now()
    if now >= call.deadline:
        raise RuleViolation(DEADLINE_PASSED, code="deadline_passed")
    submission = TenderSubmission.objects.filter(
        call=call, supplier=supplier, withdrawn_at=None, superseded_at=None
    ).first()
    if submission is None:
        raise Conflict(NOTHING_TO_WITHDRAW)
    submission.withdrawn_at = now
    submission.save(update_fields=["withdrawn_at"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.TENDER_WITHDRAWN,
        subject=submission,
        organisation_id=supplier.pk,
        data={"call_id": call.pk},
    )
    return submission
