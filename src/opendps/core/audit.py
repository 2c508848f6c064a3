"""Writing and verifying the audit chain. ``audit_record`` is the only writer."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import connection, models, transaction

from opendps.core import clock
from opendps.core.events import AuditEventType
from opendps.core.models import GENESIS_HASH, AuditChainHead, AuditEvent


def _canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _event_hash(event: AuditEvent) -> str:
    body = {
        "sequence": event.sequence,
        # UTC, as the database gives it back: the hash must not depend on the zone used.
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(),
        "event_type": event.event_type,
        "actor_id": event.actor_id,
        "organisation_id": event.organisation_id,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(_canonical_json(body).encode()).hexdigest()


def _head_locked() -> AuditChainHead:
    """The chain head, locked: one statement once it exists (every audited change waits on
    it, so it is kept short — BENCHMARKS.md H12)."""
    head = AuditChainHead.objects.select_for_update().filter(id=1).first()
    if head is None:
        # The first event ever: a concurrent first writer may create the head before us.
        AuditChainHead.objects.bulk_create([AuditChainHead(id=1)], ignore_conflicts=True)
        head = AuditChainHead.objects.select_for_update().get(id=1)
    return head


def audit_record(
    *,
    actor: Any,
    event_type: AuditEventType,
    subject: models.Model | None = None,
    organisation_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    The chain head is locked, so concurrent writers append one after another and the
    event commits or rolls back together with the change it records.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the service's transaction")
    head = _head_locked()
    event = AuditEvent(
        sequence=head.sequence + 1,
        occurred_at=clock.now().astimezone(UTC),
        event_type=event_type,
        actor_id=getattr(actor, "pk", None),
        organisation_id=organisation_id,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        # Round-trip through JSON so the hash is computed over what the database returns.
        data=json.loads(_canonical_json(data or {})),
        prev_hash=head.last_hash,
    )
    event.hash = _event_hash(event)
    event.save(force_insert=True)
    head.sequence, head.last_hash = event.sequence, event.hash
    head.save(update_fields=["sequence", "last_hash"])
    return event


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event #{self.sequence}"
        if self.event_id is not None:
            where += f" (id {self.event_id})"
        return f"{where}: {self.reason}"


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000)


def audit_verify() -> tuple[int, ChainBreak | None]:
    """Walk the chain; return how many events were checked and the first broken link."""
    expected_prev, expected_sequence, checked = GENESIS_HASH, 1, 0
    with transaction.atomic():
        for event in _events():
            if event.sequence != expected_sequence:
                return checked, ChainBreak(
                    expected_sequence, None, "missing: deleted from the chain"
                )
            if event.prev_hash != expected_prev:
                return checked, ChainBreak(
                    event.sequence, event.pk, "does not follow the event before it"
                )
            if _event_hash(event) != event.hash:
                return checked, ChainBreak(
                    event.sequence, event.pk, "content changed since it was recorded"
                )
            expected_prev, expected_sequence, checked = event.hash, event.sequence + 1, checked + 1
        head = AuditChainHead.objects.filter(id=1).first()
    head_sequence = head.sequence if head else 0
    if head_sequence != checked or (head and head.last_hash != expected_prev):
        return checked, ChainBreak(
            checked + 1, None, f"missing: the chain head records {head_sequence} events"
        )
    return checked, None
