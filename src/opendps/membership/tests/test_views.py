"""Membership pages: who may open which page, applying through the questionnaire page,
assessing and admitting, evidence downloads, member actions and the debarment list."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from opendps.core import clock
from opendps.markets import services as market_services
from opendps.membership import services
from opendps.membership.models import (
    Application,
    ApplicationDocument,
    CategoryMember,
    Debarment,
    DeclarationRequest,
    DraftDocument,
)
from opendps.membership.tests.pages import draft_of, section_numbers, send_through_pages, start
from opendps.membership.uploads import MAX_UPLOAD_BYTES
from opendps.testing.factories import (
    TINY_PDF,
    admit,
    apply,
    good_answers,
    make_market,
    questionnaire_of,
)
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "supplier_a_admin",
    "supplier_b_admin",
    "buyer",
    "evaluator",
    "commissioner",
    "authority_admin",
    "other_buyer",
    "staff",
]
SIGN_IN = 302
CATEGORIES = ("CV and job search support", "Confidence and motivation")
INSURANCE_FILE = "p3.insurance_certificate"


def client_as(people, role):
    return client_for(None if role == "anonymous" else people.by_name(role))


def expect(**overrides):
    default = overrides.pop("default")
    return {"anonymous": SIGN_IN} | {
        role: overrides.get(role, default) for role in ROLES if role != "anonymous"
    }


@pytest.fixture
def market(people):
    return make_market(people)


@pytest.fixture
def world(people):
    """A PCR DPS with two categories; supplier A applied to both, was admitted to the first
    (and asked to renew its declaration there); the second application awaits a decision."""
    market = make_market(people, categories=CATEGORIES)
    admitted, pending = apply(people, market)
    admit(people, admitted)
    member = CategoryMember.objects.get(application=admitted)
    declaration = services.declaration_request(actor=people.commissioner, member=member)
    document = ApplicationDocument.objects.get(application=pending)
    return {
        "market": market,
        "pending": pending,
        "member": member,
        "declaration": declaration,
        "document": document,
    }


ASSESSORS = {"evaluator": 200, "commissioner": 200, "authority_admin": 200}
SUPPLIER_LISTS = expect(default=403, supplier_a_admin=200, supplier_b_admin=200)
PAGES = [
    (
        "apply",
        lambda w: f"/markets/{w['market'].pk}/apply",
        expect(default=403, supplier_a_admin=200, supplier_b_admin=200),
    ),
    ("your applications", lambda w: "/applications", SUPPLIER_LISTS),
    (
        "an application",
        lambda w: f"/applications/{w['pending'].pk}",
        expect(default=404, supplier_a_admin=200, buyer=200, **ASSESSORS),
    ),
    ("your memberships", lambda w: "/memberships", SUPPLIER_LISTS),
    (
        "a declaration to answer",
        lambda w: f"/declarations/{w['declaration'].pk}",
        expect(default=404, supplier_a_admin=200),
    ),
    ("queue", lambda w: "/assessment", expect(default=403, **ASSESSORS)),
    (
        "assess",
        lambda w: f"/assessment/{w['pending'].pk}",
        expect(default=404, supplier_a_admin=403, buyer=403, **ASSESSORS),
    ),
    (
        "extend",
        lambda w: f"/assessment/{w['pending'].pk}/extend",
        expect(default=404, supplier_a_admin=403, buyer=403, **ASSESSORS),
    ),
    (
        "evidence file",
        lambda w: f"/assessment/{w['pending'].pk}/documents/{w['document'].pk}",
        expect(default=404, supplier_a_admin=200, buyer=200, **ASSESSORS),
    ),
    (
        "member",
        lambda w: f"/members/{w['member'].pk}",
        expect(default=404, buyer=200, **ASSESSORS),
    ),
    ("debarment list", lambda w: "/debarment", expect(default=403, staff=200)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("page", "path", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_who_can_open_each_membership_page(people, world, role, page, path, expected):
    response = client_as(people, role).get(path(world))
    assert response.status_code == expected[role], (page, role)
    if expected[role] == SIGN_IN:
        assert response["Location"].startswith("/account/sign-in")


# --- applying through the page ------------------------------------------------------------


def apply_data(market, *, overrides=None, files=None, categories=None):
    """A filled-in apply form: answers that pass every rule, and a PDF per file question."""
    categories = categories or list(market.categories.all())
    data = {"category": [category.pk for category in categories]}
    file_ids = set()
    for category in categories:
        answers, more_files = good_answers(questionnaire_of(category))
        data |= answers
        file_ids |= more_files
    for question_id in file_ids:
        data[question_id] = SimpleUploadedFile("insurance.pdf", TINY_PDF, "application/pdf")
    return data | (files or {}) | (overrides or {})


def text_of(response):
    return response.content.decode()


def test_full_journey_apply_assess_admit_with_the_admission_email(
    people, market, mailbox, django_capture_on_commit_callbacks
):
    supplier = client_for(people.supplier_a_admin)
    started = start(supplier, market, [c.pk for c in market.categories.all()])
    draft = draft_of(people.supplier_a, market)
    assert started["Location"] == f"/applications/drafts/{draft.pk}"
    tasks = text_of(supplier.get(started["Location"]))
    assert "Part 2: Mandatory exclusion grounds" in tasks and "Not yet started" in tasks
    numbers = section_numbers(draft)
    page = text_of(
        supplier.get(f"/applications/drafts/{draft.pk}/sections/{numbers[INSURANCE_FILE]}")
    )
    assert 'enctype="multipart/form-data"' in page
    assert 'inputmode="decimal"' in page and 'type="file"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = send_through_pages(supplier, market, apply_data(market))
    assert response.status_code == 302
    assert response["Location"] == "/applications"
    application = Application.objects.get()
    assert application.documents.get().original_name == "insurance.pdf"
    assert [m["Subject"] for m in mailbox.to("admin@alpha.test")] == [
        f"Application received: {market.title}"
    ]
    listing = text_of(supplier.get("/applications"))
    assert "Awaiting decision" in listing

    evaluator = client_for(people.evaluator)
    queue = text_of(evaluator.get("/assessment"))
    assert f"/assessment/{application.pk}" in queue
    assert people.supplier_a.name in queue
    assess = text_of(evaluator.get(f"/assessment/{application.pk}"))
    assert "Passed" in assess
    assert f"/assessment/{application.pk}/documents/" in assess

    with django_capture_on_commit_callbacks(execute=True):
        decided = evaluator.post(
            f"/assessment/{application.pk}", {"outcome": "admitted", "note": "Welcome aboard"}
        )
    assert decided.status_code == 302
    assert CategoryMember.objects.filter(application=application, supplier=people.supplier_a)
    subjects = [m["Subject"] for m in mailbox.to("admin@alpha.test")]
    assert f"Admitted to {application.category.title}" in subjects
    admitted_mail = mailbox.to("admin@alpha.test")[-1]
    assert f"/applications/{application.pk}" in mailbox.body(admitted_mail)

    detail = text_of(supplier.get(f"/applications/{application.pk}"))
    assert "Admitted" in detail and "Welcome aboard" in detail
    memberships = text_of(supplier.get("/memberships"))
    assert application.category.title in memberships and "Active" in memberships


def test_several_categories_ask_the_union_of_questions_once(people):
    market = make_market(people, categories=CATEGORIES)
    supplier = client_for(people.supplier_a_admin)
    chooser = text_of(supplier.get(f"/markets/{market.pk}/apply"))
    assert 'type="checkbox"' in chooser and CATEGORIES[1] in chooser
    nothing = text_of(supplier.post(f"/markets/{market.pk}/apply", {}))
    assert "Choose at least one category to apply to." in nothing

    ids = [c.pk for c in market.categories.all()]
    start(supplier, market, ids)
    draft = draft_of(people.supplier_a, market)
    number = section_numbers(draft)["p1.legal_name"]
    section = text_of(supplier.get(f"/applications/drafts/{draft.pk}/sections/{number}"))
    assert section.count('name="p1.legal_name"') == 1
    response = send_through_pages(supplier, market, apply_data(market))
    assert response.status_code == 302
    assert Application.objects.filter(supplier=people.supplier_a).count() == 2


def test_answers_given_before_are_filled_in(people, market):
    apply(people, market, overrides={"p3.turnover": "777000"})
    other = make_market(people, title="Second DPS")
    supplier = client_for(people.supplier_a_admin)
    start(supplier, other, [c.pk for c in other.categories.all()])
    draft = draft_of(people.supplier_a, other)
    number = section_numbers(draft)["p3.turnover"]
    page = text_of(supplier.get(f"/applications/drafts/{draft.pk}/sections/{number}"))
    assert 'value="777000"' in page


def test_a_blank_required_answer_is_shown_next_to_its_question(people, market):
    data = apply_data(market)
    data["p1.legal_name"] = ""
    response = send_through_pages(client_for(people.supplier_a_admin), market, data)
    page = text_of(response)
    assert response.status_code == 200
    assert 'href="#id_p1.legal_name"' in page
    assert 'id="id_p1.legal_name-error"' in page
    assert "Answer the question: What is the full legal name of your organisation?" in page
    assert not Application.objects.exists()


def test_a_service_refusal_about_one_answer_links_to_its_section(people, market):
    data = apply_data(market, overrides={"p3.turnover": "lots"})
    response = send_through_pages(client_for(people.supplier_a_admin), market, data)
    page = text_of(response)
    draft = draft_of(people.supplier_a, market)
    number = section_numbers(draft)["p3.turnover"]
    assert response.status_code == 200
    assert "There is a problem" in page and "Enter a number for:" in page
    assert f'href="/applications/drafts/{draft.pk}/sections/{number}#id_p3.turnover"' in page
    assert not Application.objects.exists()


BAD_UPLOADS = [
    ("wrong type", "evidence.exe", b"MZ\x90\x00binary", "must be a PDF, Word"),
    ("bytes not a PDF", "evidence.pdf", b"GIF89a not a pdf", "is not a valid PDF file"),
    ("too large", "big.pdf", b"%PDF-" + b"0" * MAX_UPLOAD_BYTES, "is larger than 10 MB"),
    ("empty", "empty.pdf", b"", "The selected file is empty."),
    ("bad name", ".pdf", TINY_PDF, "is not allowed"),
]


@pytest.mark.parametrize(
    ("name", "content", "message"), [u[1:] for u in BAD_UPLOADS], ids=[u[0] for u in BAD_UPLOADS]
)
def test_a_bad_upload_gives_an_error_at_its_question_and_changes_nothing(
    people, market, settings, name, content, message
):
    upload = SimpleUploadedFile(name, content, "application/pdf")
    response = send_through_pages(
        client_for(people.supplier_a_admin),
        market,
        apply_data(market, files={INSURANCE_FILE: upload}),
    )
    page = text_of(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert f'id="id_{INSURANCE_FILE}-error"' in page
    assert not Application.objects.exists()
    assert not ApplicationDocument.objects.exists()
    assert not DraftDocument.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_applying_to_a_ceased_market_gives_a_page_error(people, market):
    market_services.market_cease(actor=people.commissioner, market=market, reason="Ended early")
    supplier = client_for(people.supplier_a_admin)
    assert "This market is not open for applications." in text_of(
        supplier.get(f"/markets/{market.pk}/apply")
    )
    response = send_through_pages(supplier, market, apply_data(market))
    assert response.status_code == 200
    assert "There is a problem" in text_of(response)
    assert "This market is not open for applications." in text_of(response)
    assert not Application.objects.exists()


def test_a_bid_writer_can_apply_but_a_buyer_cannot(people, market):
    writer = client_for(people.supplier_a_writer)
    assert send_through_pages(writer, market, apply_data(market)).status_code == 302
    buyer = client_for(people.buyer)
    assert send_through_pages(buyer, market, apply_data(market)).status_code == 403
    assert Application.objects.count() == 1


# --- another supplier's application, and the evidence -------------------------------------


def test_another_supplier_never_sees_an_application_by_guessing_its_id(people, world):
    pending, document = world["pending"], world["document"]
    other = client_for(people.supplier_b_admin)
    for path in [
        f"/applications/{pending.pk}",
        f"/assessment/{pending.pk}",
        f"/assessment/{pending.pk}/documents/{document.pk}",
        f"/applications/{pending.pk + 1000}",
    ]:
        response = other.get(path)
        assert response.status_code == 404, path
        assert people.supplier_a.name not in text_of(response)
    assert other.post(f"/applications/{pending.pk}/withdraw").status_code == 404
    pending.refresh_from_db()
    assert pending.withdrawn_at is None
    assert people.supplier_a.name not in text_of(other.get("/applications"))


def test_evidence_is_streamed_as_an_attachment_that_is_never_sniffed(people, world):
    pending, document = world["pending"], world["document"]
    for user in [people.supplier_a_admin, people.evaluator]:
        response = client_for(user).get(f"/assessment/{pending.pk}/documents/{document.pk}")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == TINY_PDF
        assert response["Content-Disposition"].startswith("attachment;")
        assert document.original_name in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"


def test_a_document_of_another_application_is_not_found_under_this_one(people, world):
    admitted = world["member"].application
    other_document = ApplicationDocument.objects.get(application=admitted)
    response = client_for(people.evaluator).get(
        f"/assessment/{world['pending'].pk}/documents/{other_document.pk}"
    )
    assert response.status_code == 404


def test_the_supplier_withdraws_a_waiting_application(people, world):
    pending = world["pending"]
    client = client_for(people.supplier_a_admin)
    assert "Withdraw the application" in text_of(client.get(f"/applications/{pending.pk}"))
    assert client.post(f"/applications/{pending.pk}/withdraw").status_code == 302
    pending.refresh_from_db()
    assert pending.withdrawn_at is not None
    assert "Withdrawn" in text_of(client.get(f"/applications/{pending.pk}"))


# --- assessing ----------------------------------------------------------------------------


def test_failed_answers_need_reasons_and_a_mandatory_ground_cannot_be_admitted(
    people, market, mailbox, django_capture_on_commit_callbacks
):
    (application,) = apply(people, market, overrides={"p2.fraud": "yes"})
    evaluator = client_for(people.evaluator)
    path = f"/assessment/{application.pk}"
    page = text_of(evaluator.get(path))
    assert "1 answer failed the automatic check" in page
    assert "Required: this answer failed the automatic check." in page

    no_reason = text_of(evaluator.post(path, {"outcome": "admitted"}))
    assert "Give a reason: this answer failed the automatic check." in no_reason
    assert 'href="#id_reason_p2.fraud"' in no_reason

    admit_anyway = text_of(
        evaluator.post(path, {"outcome": "admitted", "reason_p2.fraud": "Spent conviction"})
    )
    assert "cannot be admitted" in admit_anyway
    application.refresh_from_db()
    assert application.decided_at is None

    with django_capture_on_commit_callbacks(execute=True):
        rejected = evaluator.post(path, {"outcome": "rejected", "reason_p2.fraud": "Fraud in 2024"})
    assert rejected.status_code == 302
    application.refresh_from_db()
    assert application.outcome == "rejected"
    body = mailbox.body(mailbox.to("admin@alpha.test")[-1])
    assert "Fraud in 2024" in body
    supplier_page = text_of(
        client_for(people.supplier_a_admin).get(f"/applications/{application.pk}")
    )
    assert "Rejected" in supplier_page and "Fraud in 2024" in supplier_page


def test_a_decided_application_cannot_be_decided_again_from_the_page(people, world):
    admitted = world["member"].application
    response = client_for(people.evaluator).post(
        f"/assessment/{admitted.pk}", {"outcome": "rejected"}
    )
    assert "This application has already been decided." in text_of(response)
    admitted.refresh_from_db()
    assert admitted.outcome == "admitted"


def test_extending_the_pcr_assessment_needs_a_reason(people, world):
    pending = world["pending"]
    before = pending.assessment_due_at
    evaluator = client_for(people.evaluator)
    assert "Extend the assessment period" in text_of(evaluator.get(f"/assessment/{pending.pk}"))
    missing = evaluator.post(f"/assessment/{pending.pk}/extend", {"extension_reason": ""})
    assert "Enter the reason for the extension" in text_of(missing)
    response = evaluator.post(
        f"/assessment/{pending.pk}/extend", {"extension_reason": "Evidence needs checking"}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.assessment_due_at > before
    assert pending.extension_reason == "Evidence needs checking"


def test_a_pa_market_has_no_extension(people):
    market = make_market(people, regime="pa2023_dynamic_market")
    (application,) = apply(people, market)
    evaluator = client_for(people.evaluator)
    assert "Extend the assessment period</a>" not in text_of(
        evaluator.get(f"/assessment/{application.pk}")
    )
    response = evaluator.post(f"/assessment/{application.pk}/extend", {"extension_reason": "x"})
    assert "no extended assessment period" in text_of(response)


def test_queue_flags_overdue_applications_and_home_says_so(people, market):
    (application,) = apply(people, market)
    evaluator = client_for(people.evaluator)
    home = text_of(evaluator.get("/"))
    assert "1 application to assess" in home and "Urgent" not in home
    with time_machine.travel(application.assessment_due_at + timedelta(days=1)):
        evaluator = client_for(people.evaluator)  # a new session: the first one has expired
        queue = text_of(evaluator.get("/assessment"))
        assert "Overdue" in queue
        home = text_of(evaluator.get("/"))
        assert "1 application to assess, 1 overdue" in home
        assert "Urgent" in home


def test_queue_comes_in_pages_the_most_urgent_first(people, market, monkeypatch):
    monkeypatch.setattr("opendps.web.pagination.PER_PAGE", 1)
    apply(people, market)
    apply(people, market, actor=people.supplier_b_admin, supplier=people.supplier_b)
    evaluator = client_for(people.evaluator)
    first = text_of(evaluator.get("/assessment"))
    # The count is of the whole queue, not of the page shown.
    assert "2 applications waiting for a decision" in first
    assert "Showing 1 to 1 of 2" in first
    assert people.supplier_a.name in first and people.supplier_b.name not in first
    second = text_of(evaluator.get("/assessment?page=2"))
    assert people.supplier_b.name in second and people.supplier_a.name not in second


# --- members ------------------------------------------------------------------------------


def test_commissioner_suspends_reinstates_and_removes_a_member(people, world, mailbox):
    member = world["member"]
    client = client_for(people.commissioner)
    base = f"/members/{member.pk}"
    missing = client.post(f"{base}/suspend", {"suspend_reason": ""})
    assert "Enter a reason" in text_of(missing)
    assert client.post(f"{base}/suspend", {"suspend_reason": "Complaint"}).status_code == 302
    member.refresh_from_db()
    assert member.suspended_at is not None
    assert "Suspended" in text_of(client.get(f"/markets/{member.market_id}/members"))

    assert client.post(f"{base}/reinstate", {"reinstate_reason": "Resolved"}).status_code == 302
    member.refresh_from_db()
    assert member.suspended_at is None

    response = client.post(f"{base}/remove", {"remove_reason": "Fraud", "exclusion": "on"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.removed_at is not None and member.removal_reason == "Fraud"
    assert client.post(f"{base}/nonsense", {}).status_code == 404


def test_a_buyer_sees_a_member_but_cannot_suspend_it(people, world):
    member = world["member"]
    response = client_for(people.buyer).post(
        f"/members/{member.pk}/suspend", {"suspend_reason": "Because"}
    )
    assert response.status_code == 200
    assert "You need one of these roles" in text_of(response)
    member.refresh_from_db()
    assert member.suspended_at is None


def test_supplier_answers_a_renewed_declaration(people, world):
    declaration = world["declaration"]
    supplier = client_for(people.supplier_a_admin)
    memberships = text_of(supplier.get("/memberships"))
    assert f"/declarations/{declaration.pk}" in memberships
    home = text_of(supplier.get("/"))
    assert "Renew your self-declaration" in home and "Urgent" in home

    page = text_of(supplier.get(f"/declarations/{declaration.pk}"))
    names = set(re.findall(r'name="(p2\.[a-z_]+)"', page))
    assert "p2.fraud" in names and "p2.self_cleaning" not in names  # no file, text optional
    response = supplier.post(f"/declarations/{declaration.pk}", dict.fromkeys(names, "no"))
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.answered_at is not None
    assert f"/declarations/{declaration.pk}" not in text_of(supplier.get("/memberships"))


def test_a_second_declaration_request_is_refused_on_the_page(people, world):
    member = world["member"]
    response = client_for(people.commissioner).post(f"/members/{member.pk}/declaration")
    assert "A renewed self-declaration is already waiting for an answer." in text_of(response)
    assert DeclarationRequest.objects.filter(member=member).count() == 1


# --- debarment ----------------------------------------------------------------------------


def test_staff_debar_a_supplier_who_then_cannot_apply_then_lift_it(people, market):
    staff = client_for(people.staff)
    empty = staff.post("/debarment", {"action": "add", "reason": "x"})
    assert "Choose a supplier, or enter the name" in text_of(empty)
    response = staff.post(
        "/debarment",
        {"action": "add", "supplier": people.supplier_a.pk, "reason": "Fraud conviction"},
    )
    assert response.status_code == 302
    debarment = Debarment.objects.get()
    assert debarment.name == people.supplier_a.name
    assert people.supplier_a.name in text_of(staff.get("/debarment"))

    refused = send_through_pages(client_for(people.supplier_a_admin), market, apply_data(market))
    assert "A supplier on the debarment list cannot be admitted." in text_of(refused)
    assert not Application.objects.exists()

    lift_page = text_of(staff.get("/debarment", {"lift": debarment.pk}))
    assert "Lift the debarment of" in lift_page
    no_reason = staff.post("/debarment", {"action": "lift", "debarment": debarment.pk})
    assert "Enter a reason" in text_of(no_reason)
    lifted = staff.post(
        "/debarment", {"action": "lift", "debarment": debarment.pk, "lift_reason": "Appeal won"}
    )
    assert lifted.status_code == 302
    debarment.refresh_from_db()
    assert debarment.lifted_at is not None


def test_debarment_by_name_and_number_only(people):
    response = client_for(people.staff).post(
        "/debarment",
        {
            "action": "add",
            "name": "Gamma Holdings Ltd",
            "registration_number": "01234567",
            "reason": "Listed by the Cabinet Office",
            "ends_at_day": "1",
            "ends_at_month": "1",
            "ends_at_year": str(clock.now().year + 2),
        },
    )
    assert response.status_code == 302
    debarment = Debarment.objects.get()
    assert debarment.supplier is None and debarment.registration_number == "01234567"
    assert debarment.ends_at is not None


def test_nobody_but_staff_changes_the_debarment_list(people):
    response = client_for(people.commissioner).post(
        "/debarment", {"action": "add", "name": "X", "reason": "Y"}
    )
    assert response.status_code == 403
    assert not Debarment.objects.exists()
