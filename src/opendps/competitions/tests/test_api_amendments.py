"""Changing a call through the API: a draft edited whole; after publishing, clarification
notices and a new deadline, each told to every invitee, through the same services as the
pages (issue 15)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from opendps.competitions.models import Call, CallAmendment
from opendps.core import clock
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.testing.factories import make_call, market_with_both_suppliers, tender

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fixed_day")]

INVITEES = {"admin@alpha.test", "writer@alpha.test", "admin@beta.test"}


@pytest.fixture
def market(people):
    return market_with_both_suppliers(people)


def put(client, path, data):
    return client.client.put(path, data, content_type="application/json", headers=client._headers())


def draft_body(call: Call, **changes):
    return {
        "title": call.title,
        "requirement": call.requirement,
        "estimated_value": str(call.estimated_value),
        "deadline": call.deadline.isoformat(),
    } | changes


def test_a_buyer_changes_a_draft_and_it_is_audited(people, market, api_client_for):
    call = make_call(people, market, publish=False)
    buyer = api_client_for(people.buyer)
    response = put(buyer, f"/api/v1/competitions/{call.pk}", draft_body(call, title="Renamed"))
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Renamed"
    assert response.json()["status"] == "draft"
    assert Call.objects.get(pk=call.pk).title == "Renamed"
    assert AuditEvent.objects.filter(event_type=AuditEventType.CALL_UPDATED).exists()
    bad = put(buyer, f"/api/v1/competitions/{call.pk}", draft_body(call, estimated_value="-1"))
    assert bad.status_code == 422
    assert Call.objects.get(pk=call.pk).title == "Renamed"


def test_a_published_call_is_not_changed_as_a_draft(people, market, api_client_for):
    call = make_call(people, market)
    buyer = api_client_for(people.buyer)
    response = put(buyer, f"/api/v1/competitions/{call.pk}", draft_body(call, title="Late"))
    assert response.status_code == 409
    assert "send a notice instead" in response.json()["detail"]
    invited = api_client_for(people.supplier_a_admin)
    refused = put(invited, f"/api/v1/competitions/{call.pk}", draft_body(call, title="Mine"))
    assert refused.status_code == 403
    assert Call.objects.get(pk=call.pk).title == call.title


def test_a_notice_reaches_every_invitee_and_is_listed(people, market, api_client_for, mailbox):
    call = make_call(people, market)
    mailbox.clear()
    buyer = api_client_for(people.buyer)
    sent = buyer.post(f"/api/v1/competitions/{call.pk}/notices", {"text": "Lots 2 and 3 merge."})
    assert sent.status_code == 201, sent.content
    assert sent.json()["kind"] == "notice"
    told = {
        address
        for message in mailbox.messages
        for address in INVITEES
        if address in message["X-Envelope-To"]
    }
    assert told == INVITEES
    listed = api_client_for(people.supplier_b_admin).get(
        f"/api/v1/competitions/{call.pk}/amendments"
    )
    assert [a["text"] for a in listed.json()["items"]] == ["Lots 2 and 3 merge."]
    blank = buyer.post(f"/api/v1/competitions/{call.pk}/notices", {"text": " "})
    assert blank.status_code == 422
    supplier = api_client_for(people.supplier_a_admin)
    assert (
        supplier.post(f"/api/v1/competitions/{call.pk}/notices", {"text": "x"}).status_code == 403
    )
    other = api_client_for(people.other_buyer)
    assert other.post(f"/api/v1/competitions/{call.pk}/notices", {"text": "x"}).status_code == 404
    assert other.get(f"/api/v1/competitions/{call.pk}/amendments").status_code == 404
    assert CallAmendment.objects.count() == 1


def test_the_deadline_moves_later_but_never_earlier_once_tenders_arrived(
    people, market, api_client_for
):
    call = make_call(people, market, days=11)
    buyer = api_client_for(people.buyer)
    later = call.deadline + timedelta(days=3)
    moved = buyer.post(
        f"/api/v1/competitions/{call.pk}/deadline",
        {"deadline": later.isoformat(), "reason": "The specification changed."},
    )
    assert moved.status_code == 201, moved.content
    body = moved.json()
    assert body["kind"] == "deadline" and body["new_deadline"] is not None
    assert Call.objects.get(pk=call.pk).deadline == later
    tender(people, call, price="4000")
    earlier = buyer.post(
        f"/api/v1/competitions/{call.pk}/deadline",
        {"deadline": (later - timedelta(days=1)).isoformat(), "reason": "Sooner."},
    )
    assert earlier.status_code == 422
    assert Call.objects.get(pk=call.pk).deadline == later
    past = buyer.post(
        f"/api/v1/competitions/{call.pk}/deadline",
        {"deadline": (clock.now() - timedelta(days=1)).isoformat(), "reason": "Oops."},
    )
    assert past.status_code == 422
    assert CallAmendment.objects.count() == 1
