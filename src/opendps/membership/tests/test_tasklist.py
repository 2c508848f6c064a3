"""Applying as a task list: one page per section, saved on the server (save and return),
files kept across errors, answers filled in from the organisation profile, "check your
answers", then send; nobody else sees a draft."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.membership import services
from opendps.membership.models import Application, ApplicationDraft, DraftDocument
from opendps.membership.tests.pages import (
    draft_of,
    save_sections,
    section_numbers,
    send_through_pages,
    start,
)
from opendps.membership.tests.test_views import INSURANCE_FILE, apply_data, text_of
from opendps.testing.factories import TINY_PDF, make_market
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(people):
    return make_market(people)


def _section_url(draft, question_id):
    return f"/applications/drafts/{draft.pk}/sections/{section_numbers(draft)[question_id]}"


def test_a_new_draft_is_filled_in_from_the_organisation_profile(people, market):
    people.supplier_a.registration_number = "CE012345"
    people.supplier_a.save()
    supplier = client_for(people.supplier_a_admin)
    start(supplier, market, [c.pk for c in market.categories.all()])
    draft = draft_of(people.supplier_a, market)
    assert draft.answers["p1.legal_name"] == "Alpha Support CIC"
    assert draft.answers["p1.registration_number"] == "CE012345"
    assert draft.answers["p1.vcse"] == "yes"
    page = text_of(supplier.get(_section_url(draft, "p1.legal_name")))
    assert "Alpha Support CIC" in page and "CE012345" in page


def test_save_and_come_back_later_keeps_partial_answers(people, market):
    supplier = client_for(people.supplier_a_admin)
    start(supplier, market, [c.pk for c in market.categories.all()])
    draft = draft_of(people.supplier_a, market)
    url = _section_url(draft, "p3.turnover")
    response = supplier.post(url, {"p3.turnover": "123456", "later": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/applications/drafts/{draft.pk}"
    draft.refresh_from_db()
    assert draft.answers["p3.turnover"] == "123456"
    assert draft.sections_done == []  # saved for later is not complete
    tasks = text_of(supplier.get(response["Location"]))
    assert "In progress" in tasks and "Cannot start yet" in tasks

    # Leave and come back: the applications list links back to the draft.
    listing = text_of(client_for(people.supplier_a_writer).get("/applications"))
    assert f"/applications/drafts/{draft.pk}" in listing
    assert 'value="123456"' in text_of(supplier.get(url))
    # Applying again from the market goes back to the same draft.
    again = supplier.get(f"/markets/{market.pk}/apply")
    assert again["Location"] == f"/applications/drafts/{draft.pk}"
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.APPLICATION_DRAFT_SAVED, subject_id=str(draft.pk)
    ).exists()


def test_a_file_is_kept_when_the_page_has_an_error(people, market, settings):
    supplier = client_for(people.supplier_a_admin)
    start(supplier, market, [c.pk for c in market.categories.all()])
    draft = draft_of(people.supplier_a, market)
    url = _section_url(draft, INSURANCE_FILE)
    upload = SimpleUploadedFile("cover.pdf", TINY_PDF, "application/pdf")
    response = supplier.post(url, {INSURANCE_FILE: upload, "continue": "1"})  # answers blank
    page = text_of(response)
    assert response.status_code == 200 and "There is a problem" in page
    kept = DraftDocument.objects.get(draft=draft, question_id=INSURANCE_FILE)
    assert kept.original_name == "cover.pdf" and kept.file.read() == TINY_PDF
    assert "Kept: cover.pdf." in page
    assert draft.pk and draft.sections_done == []

    data = apply_data(market)
    data.pop(INSURANCE_FILE)  # not chosen again
    assert save_sections(supplier, draft, data).status_code == 302
    check = text_of(supplier.get(f"/applications/drafts/{draft.pk}/check"))
    assert "cover.pdf" in check and "Accept and send" in check
    sent = supplier.post(f"/applications/drafts/{draft.pk}/check")
    assert sent["Location"] == "/applications"
    application = Application.objects.get()
    document = application.documents.get()
    assert document.original_name == "cover.pdf" and document.file.read() == TINY_PDF
    assert not DraftDocument.objects.exists()
    assert ApplicationDraft.objects.get().submitted_at is not None
    # A sent draft is gone from the supplier's pages.
    assert supplier.get(f"/applications/drafts/{draft.pk}").status_code == 404


def test_check_your_answers_cannot_send_until_every_section_is_complete(people, market):
    supplier = client_for(people.supplier_a_admin)
    start(supplier, market, [c.pk for c in market.categories.all()])
    draft = draft_of(people.supplier_a, market)
    page = text_of(supplier.get(f"/applications/drafts/{draft.pk}/check"))
    assert "Finish every section before you send the application." in page
    assert "Accept and send" not in page
    refused = supplier.post(f"/applications/drafts/{draft.pk}/check")
    assert refused.status_code == 200 and "There is a problem" in text_of(refused)
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("supplier_b_admin", 404), ("buyer", 404), ("evaluator", 404), ("supplier_a_writer", 200)],
)
def test_nobody_outside_the_supplier_sees_its_draft(people, market, who, status):
    start(client_for(people.supplier_a_admin), market, [c.pk for c in market.categories.all()])
    draft = draft_of(people.supplier_a, market)
    client = client_for(people.by_name(who))
    assert client.get(f"/applications/drafts/{draft.pk}").status_code == status
    assert client.get(f"/applications/drafts/{draft.pk}/sections/1").status_code == status
    posted = client.post(f"/applications/drafts/{draft.pk}/sections/1", {"later": "1"})
    assert posted.status_code == (302 if status == 200 else status)


def test_a_draft_and_the_api_make_the_same_application(people, market):
    """The page journey goes through the same service as POST /markets/{id}/applications."""
    response = send_through_pages(client_for(people.supplier_a_admin), market, apply_data(market))
    assert response.status_code == 302
    application = Application.objects.get()
    questions = {q["id"] for q in services.draft_questions(ApplicationDraft.objects.get())}
    assert set(application.answers) <= questions
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.APPLICATION_SUBMITTED, subject_id=str(application.pk)
    ).exists()
