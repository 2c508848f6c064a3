"""Two edges of reading tenders: the supplier's own tender, unsealed on every visit to its
tender form, is audited once a minute per person and call (a reloaded page does not flood
the audit chain); an opened tender's document whose sealed file is gone from storage
answers a plain "gone" page, not a server error, and is no refused attempt."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile

from opendps.competitions import services
from opendps.competitions.tests.test_own_tender import reads, tender_data
from opendps.competitions.tests.test_views import live, marked_answers, pdf, text_of
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.testing.factories import make_call, market_with_both_suppliers, tender
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def tendered(people):
    call = make_call(people, market_with_both_suppliers(people))
    tender(people, call, price="4000", answers=marked_answers(), files=[pdf()])
    tender(people, call, supplier=people.supplier_b, price="5000")
    return call


def test_visits_to_the_tender_form_are_audited_once_a_minute_per_person(people, tendered):
    minute = (tendered.deadline - timedelta(days=2)).replace(second=0, microsecond=0)
    form = f"/calls/{tendered.pk}/tender"
    with time_machine.travel(minute, tick=False) as traveller:
        alpha, writer = client_for(people.supplier_a_admin), client_for(people.supplier_a_writer)
        for seconds in (5, 30, 59):
            traveller.move_to(minute + timedelta(seconds=seconds))
            assert alpha.get(form).status_code == 200
        traveller.move_to(minute + timedelta(seconds=40))
        assert writer.get(form).status_code == 200  # another person: an event of its own
        traveller.move_to(minute + timedelta(minutes=1, seconds=1))
        assert alpha.get(form).status_code == 200  # the next minute: a new event
    events = reads().filter(organisation_id=people.supplier_a.pk).order_by("occurred_at")
    assert [(e.actor_id, e.occurred_at) for e in events] == [
        (people.supplier_a_admin.pk, minute + timedelta(seconds=5)),
        (people.supplier_a_writer.pk, minute + timedelta(seconds=40)),
        (people.supplier_a_admin.pk, minute + timedelta(minutes=1, seconds=1)),
    ]


def test_an_opened_documents_missing_file_answers_gone_not_a_server_error(people, tendered):
    submission = live(tendered, people.supplier_a)
    stored = submission.documents.get().file
    stored.storage.delete(stored.name)
    with time_machine.travel(tendered.deadline + timedelta(minutes=1), tick=False):
        services.call_open(actor=people.buyer, call=tendered)
        response = client_for(people.buyer).get(
            f"/calls/{tendered.pk}/tenders/{submission.pk}/documents/0"
        )
    assert response.status_code == 410
    assert "The sealed file of this document is missing from storage" in text_of(response)
    # The buyer may read it: a lost file is no refused attempt on the tenders.
    refused = AuditEvent.objects.filter(event_type=AuditEventType.TENDER_ACCESS_REFUSED)
    assert not refused.exists()


def test_keeping_a_document_whose_file_is_lost_asks_for_it_again(people, tendered):
    """Changing a tender and keeping a document whose sealed file is gone: a field error
    that says to upload it again; the tender as it was stays in force."""
    before = live(tendered, people.supplier_a)
    stored = before.documents.get().file
    stored.storage.delete(stored.name)
    response = client_for(people.supplier_a_admin).post(
        f"/calls/{tendered.pk}/tender", tender_data(price="4100", keep=["0"])
    )
    assert response.status_code == 200
    assert "missing from storage: upload it again" in text_of(response)
    assert live(tendered, people.supplier_a).pk == before.pk


def test_a_tampered_document_is_recorded_as_a_broken_seal(people, tendered):
    submission = live(tendered, people.supplier_a)
    stored = submission.documents.get().file
    with stored.storage.open(stored.name, "rb") as handle:
        sealed = bytearray(handle.read())
    sealed[-1] ^= 1
    stored.storage.delete(stored.name)
    stored.storage.save(stored.name, ContentFile(bytes(sealed)))
    with time_machine.travel(tendered.deadline + timedelta(minutes=1), tick=False):
        services.call_open(actor=people.buyer, call=tendered)
        response = client_for(people.buyer).get(
            f"/calls/{tendered.pk}/tenders/{submission.pk}/documents/0"
        )
    assert response.status_code == 409  # refused, with the reason, never the content
    assert AuditEvent.objects.filter(event_type=AuditEventType.SEAL_BROKEN_DETECTED).exists()
