"""The audit chain: appends in order, and any edited or deleted row is named by verify."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from opendps.core.audit import audit_record, audit_verify
from opendps.core.events import AuditEventType
from opendps.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def record(n: int) -> list[AuditEvent]:
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                audit_record(
                    actor=None,
                    event_type=AuditEventType.ORGANISATION_UPDATED,
                    data={"i": i, "name": f"Org {i}", "nested": {"b": 1, "a": [1, 2]}},
                )
            )
    return events


def test_events_link_to_the_one_before():
    events = record(3)
    assert [e.sequence for e in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.last_hash) == (3, events[2].hash)


def test_verify_passes_on_a_clean_chain(capsys):
    record(4)
    assert audit_verify() == (4, None)
    call_command("audit", "verify")
    assert "Audit chain OK: 4 events verified" in capsys.readouterr().out


def test_verify_names_an_edited_event():
    events = record(5)
    AuditEvent.objects.filter(pk=events[2].pk).update(data={"i": 999})
    checked, broken = audit_verify()
    assert checked == 2
    assert broken is not None and broken.sequence == 3 and broken.event_id == events[2].pk
    with pytest.raises(CommandError, match=r"BROKEN at event #3 \(id \d+\): content changed"):
        call_command("audit", "verify")


def test_verify_names_an_edit_that_recomputed_the_hash():
    """Rewriting a row and its own hash still breaks the link to the next event."""
    from opendps.core.audit import _event_hash

    events = record(3)
    forged = AuditEvent.objects.get(pk=events[1].pk)
    forged.event_type = AuditEventType.API_TOKEN_REVOKED
    forged.hash = _event_hash(forged)
    forged.save()
    _, broken = audit_verify()
    assert broken is not None and broken.sequence == 3
    assert "does not follow" in broken.reason


def test_verify_names_a_deleted_event():
    events = record(5)
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    _, broken = audit_verify()
    assert broken is not None and broken.sequence == 2 and "missing" in broken.reason
    with pytest.raises(CommandError, match=r"event #2: missing"):
        call_command("audit", "verify")


def test_verify_notices_the_newest_event_deleted():
    events = record(3)
    AuditEvent.objects.filter(pk=events[-1].pk).delete()
    _, broken = audit_verify()
    assert broken is not None and broken.sequence == 3


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        audit_record(actor=None, event_type=AuditEventType.SIGNED_IN)
    assert not AuditEvent.objects.exists()


def test_an_event_rolls_back_with_its_transaction():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_record(actor=None, event_type=AuditEventType.SIGNED_IN)
        1 / 0  # noqa: B018
    assert not AuditEvent.objects.exists()
    assert audit_verify() == (0, None)


def test_an_event_recorded_at_a_london_time_still_verifies():
    """The hash is over UTC, as the database returns it, whatever zone the clock gave."""
    from datetime import datetime

    from opendps.core import clock
    from opendps.core.calendar import LONDON

    with clock.at(datetime(2027, 7, 1, 12, tzinfo=LONDON)), transaction.atomic():
        audit_record(actor=None, event_type=AuditEventType.SIGNED_IN, data={"x": 1})
    assert audit_verify() == (1, None)
