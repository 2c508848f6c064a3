"""Changing a tender starts from the current one — unsealed for its own supplier only,
before the deadline, each read audited; documents carried over unless left out — and
withdrawing asks for confirmation first."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from opendps.competitions import services
from opendps.competitions.opened import unseal_own_tender
from opendps.competitions.services.own_tender import OWN_TENDER_CLOSED
from opendps.competitions.tests.test_views import (
    PRICE_MARKER,
    live,
    marked_answers,
    pdf,
    tender_data,
    text_of,
)
from opendps.core.errors import NotPermitted, RuleViolation
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.testing.factories import TINY_PDF, make_call, make_market, member_suppliers, tender
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(people):
    market = make_market(people, regime="pa2023_dynamic_market", light_touch=True)
    member_suppliers(
        people,
        market,
        (people.supplier_a, people.supplier_a_admin),
        (people.supplier_b, people.supplier_b_admin),
    )
    return make_call(people, market)


@pytest.fixture
def tendered(people, call):
    tender(people, call, price=PRICE_MARKER, answers=marked_answers(), files=[pdf()], notes="N1")
    tender(people, call, supplier=people.supplier_b, price="5000")
    return call


def reads():
    return AuditEvent.objects.filter(event_type=AuditEventType.TENDER_READ_BY_SUPPLIER)


def test_the_change_form_starts_from_the_current_tender_and_the_read_is_audited(people, tendered):
    alpha = client_for(people.supplier_a_admin)
    page = text_of(alpha.get(f"/calls/{tendered.pk}/tender"))
    assert f'value="{PRICE_MARKER}"' in page
    for answer in marked_answers().values():
        assert answer in page
    assert "method.pdf" in page and 'name="keep"' in page and "checked" in page
    event = reads().get()
    assert event.actor_id == people.supplier_a_admin.pk
    assert event.organisation_id == people.supplier_a.pk
    assert event.subject_id == str(live(tendered, people.supplier_a).pk)


def test_only_the_supplier_itself_can_read_its_tender_before_the_deadline(people, tendered):
    """Supplier B, the buyer and platform staff never see Alpha's tender content."""
    for person in [people.supplier_b_admin, people.buyer, people.staff]:
        page = text_of(client_for(person).get(f"/calls/{tendered.pk}/tender"))
        assert PRICE_MARKER not in page, person
        for answer in marked_answers().values():
            assert answer not in page, person
    with pytest.raises(NotPermitted):
        services.tender_own_read(
            actor=people.supplier_b_admin, call=tendered, supplier=people.supplier_a
        )
    with pytest.raises(NotPermitted):
        services.tender_own_read(actor=people.buyer, call=tendered, supplier=people.supplier_a)
    # Beta read its own tender on its own form, and nothing else was read.
    assert {(e.actor_id, e.organisation_id) for e in reads()} == {
        (people.supplier_b_admin.pk, people.supplier_b.pk)
    }


def test_after_the_deadline_the_supplier_reads_nothing(people, tendered):
    with time_machine.travel(tendered.deadline + timedelta(seconds=1), tick=False):
        with pytest.raises(RuleViolation) as refused:
            services.tender_own_read(
                actor=people.supplier_a_admin, call=tendered, supplier=people.supplier_a
            )
        assert str(refused.value) == str(OWN_TENDER_CLOSED)
        page = text_of(client_for(people.supplier_a_admin).get(f"/calls/{tendered.pk}/tender"))
        assert PRICE_MARKER not in page
    assert not reads().exists()


def test_a_replaced_tender_cannot_be_unsealed_as_ones_own(people, tendered):
    first = live(tendered, people.supplier_a)
    tender(people, tendered, price="4100")
    first.refresh_from_db()
    with pytest.raises(PermissionError):
        unseal_own_tender(tendered, first)


def test_documents_are_carried_over_unless_left_out(people, tendered):
    alpha = client_for(people.supplier_a_admin)
    kept = alpha.post(f"/calls/{tendered.pk}/tender", tender_data(price="4100", keep=["0"]))
    assert kept.status_code == 302
    second = live(tendered, people.supplier_a)
    assert second.documents.count() == 1 and second.receipt["documents"] == 1
    opened = unseal_own_tender(tendered, second)
    assert [d["name"] for d in opened.documents] == ["method.pdf"]
    assert opened.documents[0]["size"] == len(TINY_PDF)

    dropped = alpha.post(f"/calls/{tendered.pk}/tender", tender_data(price="4200"))
    assert dropped.status_code == 302
    third = live(tendered, people.supplier_a)
    assert third.documents.count() == 0


def test_keeping_a_document_that_is_not_there_is_a_field_error(people, tendered):
    response = client_for(people.supplier_a_admin).post(
        f"/calls/{tendered.pk}/tender", tender_data(price="4100", keep=["7"])
    )
    assert response.status_code == 200
    assert "There is a problem" in text_of(response)
    assert live(tendered, people.supplier_a).receipt["documents"] == 1  # unchanged


def test_withdrawing_asks_for_confirmation_first(people, tendered):
    alpha = client_for(people.supplier_a_admin)
    receipts = text_of(alpha.get(f"/calls/{tendered.pk}/receipts"))
    assert f'href="/calls/{tendered.pk}/withdraw"' in receipts
    confirm = alpha.get(f"/calls/{tendered.pk}/withdraw")
    page = text_of(confirm)
    assert confirm.status_code == 200
    assert "Are you sure you want to withdraw your tender?" in page
    assert "Yes, withdraw my tender" in page
    assert live(tendered, people.supplier_a).withdrawn_at is None  # a GET changes nothing
    assert alpha.post(f"/calls/{tendered.pk}/withdraw").status_code == 302
    assert not tendered.submissions.filter(
        supplier=people.supplier_a, withdrawn_at=None, superseded_at=None
    ).exists()
    # Nothing left to withdraw: the confirmation page is not offered.
    assert (
        alpha.get(f"/calls/{tendered.pk}/withdraw")["Location"] == f"/calls/{tendered.pk}/receipts"
    )
