"""A call's specification and pricing schedule: for its authority and its invitees only
(issue 15), checked like every upload."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opendps.competitions import services
from opendps.competitions.models import CallDocument
from opendps.core.errors import NotPermitted, RuleViolation
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.testing.factories import TINY_PDF, make_call, make_market, member_suppliers
from opendps.testing.fixtures import client_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fixed_day")]


def pdf(name: str = "specification.pdf", content: bytes = TINY_PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/pdf")


@pytest.fixture
def call(people):
    """Only Alpha is a member, so Beta is a supplier that was not invited."""
    market = make_market(people, regime="pa2023_dynamic_market", light_touch=True)
    member_suppliers(people, market, (people.supplier_a, people.supplier_a_admin))
    return make_call(people, market, publish=False)


def test_a_draft_gets_a_specification_and_a_pricing_schedule(people, call):
    spec = services.call_document_attach(
        actor=people.buyer, call=call, kind="specification", upload=pdf()
    )
    services.call_document_attach(
        actor=people.buyer, call=call, kind="pricing_schedule", upload=pdf("prices.pdf")
    )
    replaced = services.call_document_attach(
        actor=people.buyer, call=call, kind="specification", upload=pdf("spec-v2.pdf")
    )
    assert sorted(CallDocument.objects.values_list("original_name", flat=True)) == [
        "prices.pdf",
        "spec-v2.pdf",
    ]
    assert replaced.pk != spec.pk
    events = AuditEvent.objects.filter(event_type=AuditEventType.CALL_DOCUMENT_ADDED)
    assert [e.data["replaced"] for e in events.order_by("sequence")] == [False, False, True]


def test_uploads_are_checked_and_refusals_write_nothing(people, call):
    with pytest.raises(RuleViolation):
        services.call_document_attach(
            actor=people.buyer, call=call, kind="specification", upload=pdf("x.pdf", b"MZ...")
        )
    with pytest.raises(RuleViolation):
        services.call_document_attach(actor=people.buyer, call=call, kind="other", upload=pdf())
    assert not CallDocument.objects.exists()


@pytest.mark.parametrize("who", ["evaluator", "other_buyer", "supplier_a_admin"])
def test_only_the_authoritys_buyers_attach(people, call, who):
    with pytest.raises(NotPermitted):
        services.call_document_attach(
            actor=people.by_name(who), call=call, kind="specification", upload=pdf()
        )
    assert not CallDocument.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("buyer", 200),
        ("commissioner", 200),
        ("supplier_a_admin", 200),  # invited
        ("supplier_b_admin", 404),  # not invited
        ("other_buyer", 404),
    ],
)
def test_documents_are_for_the_authority_and_the_invitees_only(people, call, who, status):
    services.call_document_attach(actor=people.buyer, call=call, kind="specification", upload=pdf())
    services.call_publish(actor=people.buyer, call=call)
    response = client_for(people.by_name(who)).get(f"/calls/{call.pk}/documents/specification")
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == TINY_PDF
        assert "specification.pdf" in response["Content-Disposition"]


def test_documents_never_reach_the_public_pages(people, call, client):
    services.call_document_attach(actor=people.buyer, call=call, kind="specification", upload=pdf())
    services.call_publish(actor=people.buyer, call=call)
    assert client.get(f"/calls/{call.pk}/documents/specification").status_code == 302  # sign in
    public = client.get(f"/opportunities/{call.pk}").content.decode()
    assert "specification.pdf" not in public


def test_a_replacement_after_publishing_is_emailed_to_every_invitee(people, call, mailbox):
    services.call_publish(actor=people.buyer, call=call)
    mailbox.clear()
    services.call_document_attach(
        actor=people.buyer, call=call, kind="pricing_schedule", upload=pdf("prices.pdf")
    )
    told = {m["To"] for m in mailbox.messages if m["Subject"].startswith("Call document")}
    assert told == {"admin@alpha.test", "writer@alpha.test"}


def test_the_buyer_uploads_from_the_page_and_the_invitee_sees_the_link(people, call):
    buyer = client_for(people.buyer)
    refused = buyer.post(f"/calls/{call.pk}/documents", {"kind": "specification"})
    assert 'href="#id_file"' in refused.content.decode()
    done = buyer.post(
        f"/calls/{call.pk}/documents", {"kind": "specification", "file": pdf("spec.pdf")}
    )
    assert done.status_code == 302
    services.call_publish(actor=people.buyer, call=call)
    page = client_for(people.supplier_a_admin).get(f"/calls/{call.pk}").content.decode()
    assert "Download spec.pdf" in page


def test_the_buyer_attaches_a_document_through_the_page(people, call):
    """The page offers a real file input (a browser can only upload through one)."""
    buyer = client_for(people.buyer)
    page = buyer.get(f"/calls/{call.pk}/documents").content.decode()
    assert 'type="file"' in page and 'name="file"' in page
    assert 'enctype="multipart/form-data"' in page
    posted = buyer.post(
        f"/calls/{call.pk}/documents", {"kind": "specification", "file": pdf("spec.pdf")}
    )
    assert posted.status_code == 302
    assert CallDocument.objects.get().original_name == "spec.pdf"
