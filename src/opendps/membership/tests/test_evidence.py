"""The evidence locker: documents kept once with a kind and expiry date, chosen in any
application instead of an upload, reminders 30 and 7 days before expiry (real SMTP, time
travel), lapsed evidence shown to evaluators, and nobody else's locker reachable."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from opendps.core.calendar import LONDON
from opendps.core.errors import NotPermitted
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.membership import services
from opendps.membership.models import Application, EvidenceDocument
from opendps.membership.tasks import evidence_reminders_daily
from opendps.membership.tests.pages import draft_of, save_sections, section_numbers, start
from opendps.membership.tests.test_views import INSURANCE_FILE, apply_data, text_of
from opendps.testing.factories import TINY_PDF, make_market
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db(transaction=True)


def draft_questions_section(draft, question_id):
    return next(
        q.get("section") or "" for q in services.draft_questions(draft) if q["id"] == question_id
    )


TODAY = datetime(2027, 3, 1, 9, tzinfo=LONDON)  # a Monday


@pytest.fixture(autouse=True)
def fixed_day():
    with time_machine.travel(TODAY, tick=True):
        yield


def pdf(name="insurance-2027.pdf"):
    return SimpleUploadedFile(name, TINY_PDF, "application/pdf")


def add(people, *, expires_on=date(2027, 4, 10), supplier=None, actor=None, title="Insurance"):
    return services.evidence_add(
        actor=actor or people.supplier_a_admin,
        supplier=supplier or people.supplier_a,
        kind="insurance",
        title=title,
        upload=pdf(),
        expires_on=expires_on,
    )


def test_a_document_is_added_through_the_page_and_audited(people):
    supplier = client_for(people.supplier_a_admin)
    response = supplier.post(
        "/evidence",
        {
            "kind": "insurance",
            "title": "Employer's liability 2027",
            "file": pdf(),
            "expires_on_day": "31",
            "expires_on_month": "3",
            "expires_on_year": "2028",
        },
    )
    assert response.status_code == 302
    document = EvidenceDocument.objects.get()
    assert document.expires_on == date(2028, 3, 31) and document.file.read() == TINY_PDF
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.EVIDENCE_ADDED, subject_id=str(document.pk)
    ).exists()
    page = text_of(supplier.get("/evidence"))
    assert "Employer" in page and "Valid" in page


@pytest.mark.parametrize(
    ("data", "message", "field"),
    [
        ({"kind": "insurance", "title": "X"}, "Choose the file", "file"),
        ({"kind": "insurance", "title": "X", "file": "bad"}, "must be a PDF", "file"),
        (
            {"kind": "insurance", "title": "X", "file": "past"},
            "The expiry date must be today or in the future",
            "expires_on",
        ),
        ({"title": "X", "file": "good"}, "Choose what kind of document it is", "kind"),
    ],
    ids=["no file", "bad file", "expired already", "no kind"],
)
def test_bad_input_is_shown_at_its_field_and_nothing_is_kept(people, data, message, field):
    data = dict(data)
    if data.get("file") == "bad":
        data["file"] = SimpleUploadedFile("virus.exe", b"MZ", "application/octet-stream")
    elif data.get("file") in {"good", "past"}:
        if data["file"] == "past":
            data |= {"expires_on_day": "1", "expires_on_month": "1", "expires_on_year": "2027"}
        data["file"] = pdf()
    response = client_for(people.supplier_a_admin).post("/evidence", data)
    page = text_of(response)
    assert response.status_code == 200 and message in page
    assert f'href="#id_{field}' in page
    assert not EvidenceDocument.objects.exists()


def test_a_locker_document_answers_a_file_question_and_is_copied(people):
    market = make_market(people)
    document = add(people)
    supplier = client_for(people.supplier_a_admin)
    start(supplier, market, [c.pk for c in market.categories.all()])
    draft = draft_of(people.supplier_a, market)
    number = section_numbers(draft)[INSURANCE_FILE]
    page = text_of(supplier.get(f"/applications/drafts/{draft.pk}/sections/{number}"))
    assert "Or use a document from your evidence locker" in page and "Insurance" in page
    data = apply_data(market)
    data.pop(INSURANCE_FILE)
    data[f"locker_{INSURANCE_FILE}"] = str(document.pk)
    assert save_sections(supplier, draft, data).status_code == 302
    check = text_of(supplier.get(f"/applications/drafts/{draft.pk}/check"))
    assert "from your evidence locker" in check
    assert supplier.post(f"/applications/drafts/{draft.pk}/check").status_code == 302
    sent = Application.objects.get().documents.get()
    assert sent.evidence_id == document.pk and sent.sha256 == document.sha256
    assert sent.file.name != document.file.name and sent.file.read() == TINY_PDF
    # Removing it from the locker leaves the sent copy alone.
    services.evidence_remove(actor=people.supplier_a_admin, document=document)
    sent.refresh_from_db()
    assert sent.file.read() == TINY_PDF


def test_nobody_else_reaches_a_suppliers_locker(people):
    document = add(people, title="Alpha cover")
    for person in [people.supplier_b_admin, people.buyer, people.evaluator, people.staff]:
        client = client_for(person)
        assert client.get(f"/evidence/{document.pk}/file").status_code == 404, person
        assert client.post(f"/evidence/{document.pk}/remove").status_code == 404, person
    assert "Alpha cover" not in text_of(client_for(people.supplier_b_admin).get("/evidence"))
    beta_market = make_market(people, title="Beta's DPS")
    beta = client_for(people.supplier_b_admin)
    start(beta, beta_market, [c.pk for c in beta_market.categories.all()])
    draft = draft_of(people.supplier_b, beta_market)
    number = section_numbers(draft)[INSURANCE_FILE]
    add(people, supplier=people.supplier_b, actor=people.supplier_b_admin, title="Beta cover")
    response = beta.post(
        f"/applications/drafts/{draft.pk}/sections/{number}",
        {f"locker_{INSURANCE_FILE}": str(document.pk), "continue": "1"},
    )
    assert response.status_code == 200
    assert "Choose a document from your own evidence locker" in text_of(response)
    assert "Alpha cover" not in text_of(response)
    assert not draft.documents.exists()
    # "Save and come back later" does not drop the refused choice in silence either.
    later = beta.post(
        f"/applications/drafts/{draft.pk}/sections/{number}",
        {f"locker_{INSURANCE_FILE}": str(document.pk), "later": "1"},
    )
    assert later.status_code == 200
    assert "Choose a document from your own evidence locker" in text_of(later)
    assert not draft.documents.exists()
    with pytest.raises(NotPermitted):
        services.draft_save_section(
            actor=people.supplier_b_admin,
            draft=draft,
            section=draft_questions_section(draft, INSURANCE_FILE),
            answers={},
            evidence={INSURANCE_FILE: document},
        )
    assert not draft.documents.exists()
    document.refresh_from_db()
    assert document.removed_at is None


def test_reminders_go_30_and_7_days_before_expiry_once_each(people, mailbox):
    add(people, expires_on=date(2027, 4, 10))
    subject = "Insurance expires on 10 April 2027"

    def reminders():
        return [m for m in mailbox.to("admin@alpha.test") if m["Subject"] == subject]

    with time_machine.travel(datetime(2027, 3, 10, 8, tzinfo=LONDON), tick=False):
        assert evidence_reminders_daily.call_local() == 0  # 31 days left
    with time_machine.travel(datetime(2027, 3, 11, 8, tzinfo=LONDON), tick=False):
        assert evidence_reminders_daily.call_local() == 1  # 30 days left
        assert evidence_reminders_daily.call_local() == 0  # not twice
    (first,) = reminders()
    assert "valid for 30 more days" in mailbox.body(first)
    assert "/evidence" in mailbox.body(first)
    with time_machine.travel(datetime(2027, 4, 3, 8, tzinfo=LONDON), tick=False):
        assert evidence_reminders_daily.call_local() == 1  # 7 days left
        assert evidence_reminders_daily.call_local() == 0
    with time_machine.travel(datetime(2027, 4, 11, 8, tzinfo=LONDON), tick=False):
        assert evidence_reminders_daily.call_local() == 0  # expired: no more reminders
    assert len(reminders()) == 2
    assert AuditEvent.objects.filter(event_type=AuditEventType.EVIDENCE_REMINDER_SENT).count() == 2


def test_a_removed_document_gets_no_reminder(people, mailbox):
    document = add(people, expires_on=date(2027, 3, 20))
    services.evidence_remove(actor=people.supplier_a_admin, document=document)
    assert evidence_reminders_daily.call_local() == 0


def test_evaluators_see_when_a_members_evidence_has_lapsed(people):
    from opendps.testing.factories import admit, apply

    add(people, expires_on=date(2027, 3, 31), title="Public liability 2026")
    market = make_market(people)
    (application,) = apply(people, market)
    evaluator = client_for(people.evaluator)
    assert "evidence has lapsed" not in text_of(evaluator.get(f"/assessment/{application.pk}"))
    with time_machine.travel(datetime(2027, 4, 1, 9, tzinfo=LONDON), tick=True):
        evaluator = client_for(people.evaluator)  # sessions last eight hours
        page = text_of(evaluator.get(f"/assessment/{application.pk}"))
        assert "evidence has lapsed" in page
        assert "Public liability 2026 (Insurance certificate) expired on 31 March 2027" in page
        admit(people, application)
        member = application.member
        page = text_of(client_for(people.commissioner).get(f"/members/{member.pk}"))
        assert "Public liability 2026" in page and "expired on 31 March 2027" in page
        locker = text_of(client_for(people.supplier_a_admin).get("/evidence"))
        assert "Expired" in locker


def test_home_page_asks_to_finish_a_draft_and_renew_expiring_evidence(people):
    market = make_market(people)
    add(people, expires_on=date(2027, 3, 20), title="Employer cover")
    add(people, expires_on=date(2028, 3, 20), title="Accounts 2026")
    supplier = client_for(people.supplier_a_admin)
    start(supplier, market, [c.pk for c in market.categories.all()])
    home = text_of(supplier.get("/"))
    assert f"Finish your application to {market.title}" in home
    assert "Renew Employer cover" in home and "Accounts 2026" not in home
    with time_machine.travel(datetime(2027, 3, 21, 9, tzinfo=LONDON), tick=True):
        home = text_of(client_for(people.supplier_a_admin).get("/"))
        assert "Renew Employer cover: it has expired" in home
