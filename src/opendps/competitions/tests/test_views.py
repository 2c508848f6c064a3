"""Competition pages: who may open which page; tender content never on a page before the
box is opened; evaluators' independence; suppliers seeing only their own receipts and
feedback; refusals shown on the page with nothing changed; and the whole flow through the
pages, from a new call to the contract."""

from __future__ import annotations

import html
import json
import re
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from opendps.competitions import services
from opendps.competitions.models import (
    Award,
    Call,
    Clarification,
    ConflictDeclaration,
    Moderation,
    PlannedCall,
    Scoresheet,
    SealedDocument,
    StandingOffer,
    TenderSubmission,
)
from opendps.competitions.receipts import receipt_check
from opendps.contracts.models import Contract
from opendps.core import clock
from opendps.core.calendar import LONDON
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.membership.models import CategoryMember
from opendps.testing.factories import TINY_PDF, make_call, make_market, member_suppliers, tender
from opendps.testing.fixtures import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_day")]

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
QUALITY_MARKER = "UNIQUE-QUALITY-ANSWER-5521"
SOCIAL_MARKER = "UNIQUE-SOCIAL-VALUE-9911"
PRICE_MARKER = "87654.32"


def client_as(people: Any, role: str) -> Any:
    return client_for(None if role == "anonymous" else people.by_name(role))


def expect(**overrides: int) -> dict[str, int]:
    default = overrides.pop("default")
    return {"anonymous": SIGN_IN} | {
        role: overrides.get(role, default) for role in ROLES if role != "anonymous"
    }


def text_of(response: Any) -> str:
    return response.content.decode()


def pdf(name: str = "method.pdf", content: bytes = TINY_PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/pdf")


def live(call: Call, supplier: Any) -> TenderSubmission:
    return TenderSubmission.objects.get(
        call=call, supplier=supplier, withdrawn_at=None, superseded_at=None
    )


def marked_answers() -> dict[str, str]:
    return {"quality": f"We will {QUALITY_MARKER}.", "social_value": f"We {SOCIAL_MARKER}."}


def scores_for(call: Call, quality: dict[Any, int], reason: str = "scored") -> dict[str, Any]:
    return {
        str(live(call, supplier).pk): {
            key: {"score": score, "reason": f"{supplier.name} {reason} {score} on {key}"}
            for key in ("quality", "social_value")
        }
        for supplier, score in quality.items()
    }


@pytest.fixture
def market(people):
    """A PA 2023 dynamic market for light-touch services; both suppliers are members."""
    market = make_market(people, regime="pa2023_dynamic_market", light_touch=True)
    member_suppliers(
        people,
        market,
        (people.supplier_a, people.supplier_a_admin),
        (people.supplier_b, people.supplier_b_admin),
    )
    return market


@pytest.fixture
def call(people, market):
    return make_call(people, market)


@pytest.fixture
def tendered(people, call):
    """Alpha tenders with marked answers, price and a document; Beta tenders 5000."""
    tender(people, call, price=PRICE_MARKER, answers=marked_answers(), files=[pdf()], notes="Notes")
    tender(people, call, supplier=people.supplier_b, price="5000")
    return call


@pytest.fixture
def after_deadline(tendered):
    with time_machine.travel(tendered.deadline + timedelta(minutes=1), tick=True):
        yield tendered


@pytest.fixture
def opened(people, after_deadline):
    return services.call_open(actor=people.buyer, call=after_deadline)


def score_and_award(people: Any, call: Call) -> Award:
    services.conflict_declare(actor=people.evaluator, call=call, has_conflict=False)
    scores = scores_for(call, {people.supplier_a: 2, people.supplier_b: 4})
    services.scoresheet_save(actor=people.evaluator, call=call, scores=scores, submit=True)
    services.moderation_record(actor=people.commissioner, call=call, scores=scores)
    # The fixture market is light-touch, where standstill is voluntary: these tests run one.
    return services.award_decide(actor=people.buyer, call=call, voluntary_standstill=True)


@pytest.fixture
def world(people, opened):
    """Every state at once: a draft call, and a call tendered by both suppliers (Alpha with a
    document), with an answered question, opened, scored, moderated and awarded (in its
    PA 2023 standstill)."""
    draft = make_call(people, opened.market, publish=False, title="Draft call")
    score_and_award(people, opened)
    submission = live(opened, people.supplier_a)
    return {
        "call": opened,
        "draft": draft,
        "submission": submission,
        "category": opened.category,
        "member": CategoryMember.objects.get(supplier=people.supplier_a),
    }


AUTHORITY = {"buyer": 200, "evaluator": 200, "commissioner": 200, "authority_admin": 200}
BUYERS = {"buyer": 200, "commissioner": 200, "authority_admin": 200, "evaluator": 403}
EVALUATORS = {"buyer": 200, "commissioner": 200, "evaluator": 200, "authority_admin": 403}
SUPPLIERS = {"supplier_a_admin": 200, "supplier_b_admin": 200}
NOT_SUPPLIERS = {"buyer": 403, "evaluator": 403, "commissioner": 403, "authority_admin": 403}
PAGES = [
    (
        "calls list",
        lambda w: "/calls",
        expect(default=403, other_buyer=200, **(BUYERS | {"evaluator": 403})),
    ),
    (
        "choose a category",
        lambda w: "/calls/new",
        expect(default=403, other_buyer=200, **BUYERS),
    ),
    (
        "new call form",
        lambda w: f"/calls/new?category={w['category'].pk}",
        expect(default=403, **BUYERS),
    ),
    ("call", lambda w: f"/calls/{w['call'].pk}", expect(default=404, **AUTHORITY, **SUPPLIERS)),
    ("draft call", lambda w: f"/calls/{w['draft'].pk}", expect(default=404, **AUTHORITY)),
    ("publish", lambda w: f"/calls/{w['draft'].pk}/publish", expect(default=404, **BUYERS)),
    ("cancel", lambda w: f"/calls/{w['call'].pk}/cancel", expect(default=404, **BUYERS)),
    ("close", lambda w: f"/calls/{w['call'].pk}/close", expect(default=404, **BUYERS)),
    (
        "opened tenders",
        lambda w: f"/calls/{w['call'].pk}/tenders",
        expect(default=404, **AUTHORITY),
    ),
    (
        "tender document",
        lambda w: f"/calls/{w['call'].pk}/tenders/{w['submission'].pk}/documents/0",
        expect(default=404, **AUTHORITY),
    ),
    (
        "scoresheet",
        lambda w: f"/calls/{w['call'].pk}/evaluation",
        expect(default=404, **EVALUATORS),
    ),
    (
        "moderation",
        lambda w: f"/calls/{w['call'].pk}/moderation",
        expect(default=404, **EVALUATORS),
    ),
    ("award", lambda w: f"/calls/{w['call'].pk}/award", expect(default=404, **BUYERS)),
    (
        "tender form",
        lambda w: f"/calls/{w['call'].pk}/tender",
        expect(default=404, **SUPPLIERS, **NOT_SUPPLIERS),
    ),
    (
        "receipts",
        lambda w: f"/calls/{w['call'].pk}/receipts",
        expect(default=404, **SUPPLIERS, **NOT_SUPPLIERS),
    ),
    (
        "a receipt",
        lambda w: f"/calls/{w['call'].pk}/receipts/{w['submission'].pk}",
        expect(default=404, supplier_a_admin=200, **NOT_SUPPLIERS),
    ),
    (
        "a receipt's JSON",
        lambda w: f"/calls/{w['call'].pk}/receipts/{w['submission'].pk}/receipt.json",
        expect(default=404, supplier_a_admin=200, **NOT_SUPPLIERS),
    ),
    ("feedback", lambda w: f"/calls/{w['call'].pk}/feedback", expect(default=404, **SUPPLIERS)),
    ("invitations", lambda w: "/invitations", expect(default=403, **SUPPLIERS)),
    ("standing offers", lambda w: "/standing-offers", expect(default=403, **SUPPLIERS)),
    (
        "a standing offer",
        lambda w: f"/standing-offers/{w['member'].pk}",
        expect(default=403, supplier_a_admin=200, supplier_b_admin=404),
    ),
    (
        "calls to evaluate",
        lambda w: "/evaluation",
        expect(default=403, other_buyer=200, **EVALUATORS),
    ),
    # Signed out, the home page is the public front door (and names no call).
    ("home", lambda w: "/", expect(default=200) | {"anonymous": 200}),
]


@pytest.mark.parametrize(("page", "path", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_who_can_open_each_competition_page(people, world, page, path, expected):
    for role in ROLES:
        response = client_as(people, role).get(path(world))
        assert response.status_code == expected[role], (page, role)
        if expected[role] == SIGN_IN:
            assert response["Location"].startswith("/account/sign-in")
        if expected[role] == 404:
            assert world["call"].title not in text_of(response), (page, role)


BUYER_POSTS = ["open", "cancel", "close", "award", "contract", "evaluation", "moderation"]
SUPPLIER_POSTS = ["tender", "withdraw", "questions"]


def test_outsiders_posting_to_a_call_get_sign_in_or_not_found_and_change_nothing(people, world):
    call, submission = world["call"], world["submission"]
    # Refused attempts on tender data are themselves audited (Annex IV (g)): nothing else.
    changes = AuditEvent.objects.exclude(event_type=AuditEventType.TENDER_ACCESS_REFUSED)
    before = (changes.count(), TenderSubmission.objects.count())
    paths = [f"/calls/{call.pk}/{action}" for action in BUYER_POSTS + SUPPLIER_POSTS]
    paths.append(f"/calls/{call.pk}/tenders/{submission.pk}/exclude")
    for path in paths:
        assert client_as(people, "anonymous").post(path)["Location"].startswith("/account/sign-in")
        for role in ["other_buyer", "staff"]:
            assert client_as(people, role).post(path, {"reason": "x"}).status_code == 404, (
                path,
                role,
            )
    for action in [*BUYER_POSTS, f"tenders/{submission.pk}/exclude"]:
        response = client_as(people, "supplier_b_admin").post(
            f"/calls/{call.pk}/{action}", {"reason": "x"}
        )
        assert response.status_code == 404, action
    for action in SUPPLIER_POSTS:
        response = client_as(people, "buyer").post(f"/calls/{call.pk}/{action}", {"question": "x"})
        assert response.status_code == 403, action
    assert (changes.count(), TenderSubmission.objects.count()) == before
    submission.refresh_from_db()
    assert submission.excluded_at is None and submission.withdrawn_at is None


def test_navigation_names_the_competition_pages_for_each_role(people):
    links = {
        "buyer": ("Calls for competition", "/calls"),
        "evaluator": ("Calls to evaluate", "/evaluation"),
        "supplier_a_admin": ("Invitations to tender", "/invitations"),
    }
    for role, (text, href) in links.items():
        page = text_of(client_as(people, role).get("/"))
        assert text in page and f'href="{href}"' in page, role
    assert "Calls to evaluate" not in text_of(client_as(people, "buyer").get("/"))
    assert "Calls for competition" not in text_of(client_as(people, "evaluator").get("/"))


# --- creating and publishing ------------------------------------------------------------------


def call_data(**overrides: Any) -> dict[str, Any]:
    deadline = clock.now().astimezone(LONDON).date() + timedelta(days=12)
    data = {
        "title": "CV coaching for 12 claimants",
        "requirement": "Two 1-2-1 sessions per claimant.",
        "estimated_value": "6000",
        "region": "Leeds",
        "deadline_date_day": deadline.day,
        "deadline_date_month": deadline.month,
        "deadline_date_year": deadline.year,
        "deadline_time": "5pm",
        "criterion_0_key": "quality",
        "criterion_0_name": "Quality",
        "criterion_0_kind": "quality",
        "criterion_0_weight": "60",
        "criterion_1_key": "social_value",
        "criterion_1_name": "Social value",
        "criterion_1_kind": "social_value",
        "criterion_1_weight": "10",
        "criterion_2_key": "price",
        "criterion_2_name": "Price",
        "criterion_2_kind": "price",
        "criterion_2_weight": "30",
    }
    return data | overrides


def test_buyer_creates_a_call_with_its_criteria_and_publishes_it(
    people, market, mailbox, django_capture_on_commit_callbacks
):
    category = market.categories.get()
    member = CategoryMember.objects.get(supplier=people.supplier_a)
    services.standing_offer_save(
        actor=people.supplier_a_admin,
        member=member,
        description="1-2-1 CV coaching",
        delivery_areas=["Leeds"],
        price_per_hour=Decimal("32.50"),
    )
    buyer = client_for(people.buyer)
    chooser = text_of(buyer.get("/calls/new"))
    assert f'value="{category.pk}"' in chooser
    form = text_of(buyer.get(f"/calls/new?category={category.pk}"))
    assert "1-2-1 CV coaching" in form and "£32.50" in form
    assert f'href="/insights/categories/{category.pk}/past-performance"' in form
    assert "lowest compliant price" in form and "earlier tender" in form
    assert 'value="Quality of the proposed service"' in form  # the default criteria
    assert "no names, contact details, full postcodes or dates of birth" in form

    response = buyer.post(f"/calls/new?category={category.pk}", call_data())
    assert response.status_code == 302
    call = Call.objects.get()
    assert response["Location"] == f"/calls/{call.pk}"
    assert [(c["key"], c["weight"]) for c in call.criteria] == [
        ("quality", "60"),
        ("social_value", "10"),
        ("price", "30"),
    ]
    local = call.deadline.astimezone(LONDON)
    assert (local.hour, local.minute) == (17, 0)
    assert call.published_at is None
    detail = text_of(buyer.get(f"/calls/{call.pk}"))
    assert "Draft" in detail and f"/calls/{call.pk}/publish" in detail

    assert "Active members to invite now" in text_of(buyer.get(f"/calls/{call.pk}/publish"))
    with django_capture_on_commit_callbacks(execute=True):
        published = buyer.post(f"/calls/{call.pk}/publish")
    assert published.status_code == 302
    call.refresh_from_db()
    assert call.published_at is not None
    assert call.invitations.count() == 2
    invitation = mailbox.to("admin@alpha.test")[-1]
    assert f"/calls/{call.pk}" in mailbox.body(invitation)
    assert "Open for tenders" in text_of(buyer.get("/calls"))


def test_rapid_call_defaults_and_anonymised_needs(people, market):
    category = market.categories.get()
    buyer = client_for(people.buyer)
    rapid_form = text_of(buyer.get(f"/calls/new?category={category.pk}&rapid=1"))
    assert 'value="Price per hour"' in rapid_form and 'value="40"' in rapid_form
    rapid = {
        "rapid": "on",
        "criterion_0_key": "quality",
        "criterion_0_name": "Quality of care",
        "criterion_0_kind": "quality",
        "criterion_0_weight": "60",
        "criterion_1_key": "price",
        "criterion_1_name": "Price per hour",
        "criterion_1_kind": "price",
        "criterion_1_weight": "40",
        "criterion_2_key": "",
        "criterion_2_name": "",
        "criterion_2_kind": "",
        "criterion_2_weight": "",
    }
    deadline = clock.now() + timedelta(hours=30)
    local = deadline.astimezone(LONDON)
    when = {
        "deadline_date_day": local.day,
        "deadline_date_month": local.month,
        "deadline_date_year": local.year,
        "deadline_time": local.strftime("%H:%M"),
    }
    refused = buyer.post(
        f"/calls/new?category={category.pk}",
        call_data(**rapid, **when, service_user_needs="Mrs Smith, born 01/02/1941, needs help."),
    )
    page = text_of(refused)
    assert refused.status_code == 200
    assert "There is a problem" in page and "Remove personal details" in page
    assert 'href="#id_service_user_needs"' in page
    assert not Call.objects.exists()

    accepted = buyer.post(
        f"/calls/new?category={category.pk}",
        call_data(**rapid, **when, service_user_needs="Woman in her 80s in LS6, two visits a day."),
    )
    assert accepted.status_code == 302
    call = Call.objects.get()
    assert call.rapid and call.service_user_needs.startswith("Woman in her 80s")


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"criterion_0_weight": "50"}, "must add up to 100", "criterion_0_weight"),
        ({"criterion_2_kind": "quality"}, "exactly one price criterion", "criterion_0_kind"),
        ({"criterion_1_name": ""}, "Give criterion 2 a name", "criterion_1_name"),
        ({"deadline_time": "25:00"}, "Enter a real time", "deadline_time"),
        (
            {"deadline_date_day": "31", "deadline_date_month": "2"},
            "Deadline for tenders must be a real date",
            None,
        ),
        ({"estimated_value": "lots"}, "Enter the amount in pounds", "estimated_value"),
        ({"title": ""}, "Enter a title", "title"),
    ],
)
def test_bad_call_input_is_shown_on_the_page_and_nothing_is_created(
    people, market, overrides, message, field
):
    category = market.categories.get()
    response = client_for(people.buyer).post(
        f"/calls/new?category={category.pk}", call_data(**overrides)
    )
    page = text_of(response)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    if field:
        assert f'href="#id_{field}"' in page
    assert not Call.objects.exists()


def test_question_deadline_after_the_tender_deadline_is_refused(people, market):
    category = market.categories.get()
    late = clock.now().astimezone(LONDON).date() + timedelta(days=20)
    response = client_for(people.buyer).post(
        f"/calls/new?category={category.pk}",
        call_data(
            question_date_day=late.day,
            question_date_month=late.month,
            question_date_year=late.year,
            question_time="10:00",
        ),
    )
    page = text_of(response)
    assert "must be before the deadline for tenders" in page
    assert 'href="#id_question_date"' in page
    assert not Call.objects.exists()


def test_publishing_too_soon_is_refused_on_the_page(people, market):
    """A draft saved with a lawful deadline that is no longer lawful when published: the
    minimum runs from the invitation."""
    call = make_call(people, market, publish=False, deadline=clock.now() + timedelta(days=12))
    with time_machine.travel(clock.now() + timedelta(days=5), tick=True):
        response = client_for(people.buyer).post(f"/calls/{call.pk}/publish")
        assert "The deadline for tenders must be no earlier" in text_of(response)
    call.refresh_from_db()
    assert call.published_at is None


def test_another_authority_cannot_call_in_the_market(people, market):
    category = market.categories.get()
    response = client_for(people.other_buyer).post(
        f"/calls/new?category={category.pk}", call_data()
    )
    assert response.status_code == 403
    assert not Call.objects.exists()


def test_planned_calls_are_announced_from_the_calls_page(people, market):
    category = market.categories.get()
    buyer = client_for(people.buyer)
    past = buyer.post(
        "/calls/planned",
        {
            "category": category.pk,
            "planned_title": "Winter support",
            "expected_month_month": "1",
            "expected_month_year": "2020",
            "planned_value": "9000",
        },
    )
    assert "this month or later" in text_of(past)
    assert not PlannedCall.objects.exists()
    response = buyer.post(
        "/calls/planned",
        {
            "category": category.pk,
            "planned_title": "Winter support",
            "expected_month_month": "11",
            "expected_month_year": "2027",
            "planned_value": "9000",
            "planned_region": "Leeds",
        },
    )
    assert response.status_code == 302
    planned = PlannedCall.objects.get()
    assert planned.expected_month == date(2027, 11, 1)
    assert "Winter support" in text_of(buyer.get("/calls"))
    assert client_for(people.other_buyer).post("/calls/planned", {}).status_code == 200
    assert PlannedCall.objects.count() == 1


# --- clarifications ---------------------------------------------------------------------------


def test_questions_are_answered_to_all_without_saying_who_asked(
    people, call, mailbox, django_capture_on_commit_callbacks
):
    alpha = client_for(people.supplier_a_admin)
    empty = alpha.post(f"/calls/{call.pk}/questions", {"question": ""})
    assert "Write the question" in text_of(empty)
    assert alpha.post(
        f"/calls/{call.pk}/questions", {"question": "Is travel paid separately?"}
    ).status_code == (302)
    question = Clarification.objects.get()
    assert "Is travel paid separately?" in text_of(alpha.get(f"/calls/{call.pk}"))
    beta = client_for(people.supplier_b_admin)
    assert "Is travel paid separately?" not in text_of(beta.get(f"/calls/{call.pk}"))

    buyer = client_for(people.buyer)
    detail = text_of(buyer.get(f"/calls/{call.pk}"))
    assert "Is travel paid separately?" in detail
    assert f"/calls/{call.pk}/questions/{question.pk}/answer" in detail
    home = text_of(buyer.get("/"))
    assert f"Answer 1 question on {call.title}" in home
    missing = buyer.post(
        f"/calls/{call.pk}/questions/{question.pk}/answer", {f"q{question.pk}-answer": ""}
    )
    assert "Write the answer" in text_of(missing)
    assert f'href="#id_q{question.pk}-answer"' in text_of(missing)
    with django_capture_on_commit_callbacks(execute=True):
        answered = buyer.post(
            f"/calls/{call.pk}/questions/{question.pk}/answer",
            {f"q{question.pk}-answer": "Yes, at 45p a mile."},
        )
    assert answered.status_code == 302
    page = text_of(beta.get(f"/calls/{call.pk}"))
    assert "Is travel paid separately?" in page and "Yes, at 45p a mile." in page
    assert people.supplier_a.name not in page
    assert f"/calls/{call.pk}" in mailbox.body(mailbox.to("admin@beta.test")[-1])
    assert client_for(people.supplier_b_admin).post(
        f"/calls/{call.pk}/questions/{question.pk}/answer", {f"q{question.pk}-answer": "x"}
    ).status_code == (404)
    assert buyer.post(f"/calls/{call.pk}/questions", {"question": "x"}).status_code == 403


def test_no_question_after_the_question_deadline(people, call):
    with time_machine.travel(call.clarification_deadline + timedelta(minutes=1), tick=True):
        alpha = client_for(people.supplier_a_admin)
        assert "The deadline for questions has passed." in text_of(alpha.get(f"/calls/{call.pk}"))
        response = alpha.post(f"/calls/{call.pk}/questions", {"question": "Too late?"})
        assert "The deadline for questions has passed." in text_of(response)
    assert not Clarification.objects.exists()


# --- tendering --------------------------------------------------------------------------------


def tender_data(price: str = "4000", **extra: Any) -> dict[str, Any]:
    return {
        "price": price,
        "answer_quality": "Experienced local coaches.",
        "answer_social_value": "Apprenticeships for care leavers.",
        "notes": "",
    } | extra


def nothing_tendered(settings: Any) -> bool:
    """No submission, no sealed document row and no sealed file (membership evidence from
    the members' applications is stored there too, under another folder)."""
    sealed = Path(settings.MEDIA_ROOT) / "sealed"
    return (
        not TenderSubmission.objects.exists()
        and not SealedDocument.objects.exists()
        and (not sealed.exists() or not any(p.is_file() for p in sealed.rglob("*")))
    )


def test_supplier_tenders_gets_a_receipt_resubmits_and_withdraws(people, call):
    alpha = client_for(people.supplier_a_admin)
    form = text_of(alpha.get(f"/calls/{call.pk}/tender"))
    assert 'enctype="multipart/form-data"' in form
    assert 'type="file"' in form and " multiple" in form
    assert "Quality of the proposed service" in form and "Social value" in form
    response = alpha.post(
        f"/calls/{call.pk}/tender", tender_data(documents=[pdf(), pdf("plan.pdf")])
    )
    assert response.status_code == 302
    first = TenderSubmission.objects.get()
    assert response["Location"] == f"/calls/{call.pk}/receipts/{first.pk}"
    receipt = text_of(alpha.get(response["Location"]))
    assert "Tender received" in receipt
    assert first.sealed_sha256 in receipt and first.receipt_signature in receipt
    millis = f"{first.received_at.astimezone(LONDON):%H:%M:%S}.{first.received_at.microsecond // 1000:03d}"
    assert millis in receipt

    download = alpha.get(f"/calls/{call.pk}/receipts/{first.pk}/receipt.json")
    assert download["Content-Disposition"].startswith("attachment;")
    body = json.loads(download.content)
    assert body == {"receipt": first.receipt, "signature": first.receipt_signature}
    assert receipt_check(body["receipt"], body["signature"]).valid

    again = alpha.post(f"/calls/{call.pk}/tender", tender_data(price="3900"))
    assert again.status_code == 302
    second = live(call, people.supplier_a)
    assert second.pk != first.pk
    receipts = text_of(alpha.get(f"/calls/{call.pk}/receipts"))
    assert "Replaced by a later tender" in receipts and "Your tender" in receipts
    assert "You already have a tender in" in text_of(alpha.get(f"/calls/{call.pk}/tender"))

    assert alpha.post(f"/calls/{call.pk}/withdraw").status_code == 302
    assert not TenderSubmission.objects.filter(withdrawn_at=None, superseded_at=None).exists()
    assert "Withdrawn" in text_of(alpha.get(f"/calls/{call.pk}/receipts"))
    nothing = alpha.post(f"/calls/{call.pk}/withdraw")
    assert "You have no tender in this call to withdraw." in text_of(nothing)


def test_the_tender_form_starts_from_the_standing_offer(people, call):
    alpha = client_for(people.supplier_a_admin)
    member = CategoryMember.objects.get(supplier=people.supplier_a)
    missing = alpha.post(f"/standing-offers/{member.pk}", {"description": "Coaching"})
    assert "Give a price per service user, a price per hour, or both." in text_of(missing)
    saved = alpha.post(
        f"/standing-offers/{member.pk}",
        {
            "description": "Coaching by former recruiters",
            "delivery_areas": "Leeds, Bradford",
            "capacity": "40 a month",
            "price_per_service_user": "450",
            "price_per_hour": "32.50",
        },
    )
    assert saved.status_code == 302
    offer = StandingOffer.objects.get()
    assert offer.delivery_areas == ["Leeds", "Bradford"]
    assert "£450" in text_of(alpha.get("/standing-offers"))
    form = text_of(alpha.get(f"/calls/{call.pk}/tender"))
    assert 'value="450.00"' in form and "Coaching by former recruiters" in form
    assert "£32.50" in form


def test_a_late_tender_is_refused_on_the_page_and_nothing_is_stored(people, call, settings):
    with time_machine.travel(call.deadline + timedelta(milliseconds=1), tick=False):
        response = client_for(people.supplier_a_admin).post(
            f"/calls/{call.pk}/tender", tender_data(documents=[pdf()])
        )
    page = text_of(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "The deadline for tenders has passed: tenders are no longer accepted." in page
    assert nothing_tendered(settings)
    assert AuditEvent.objects.filter(event_type=AuditEventType.TENDER_SUBMISSION_REFUSED).exists()


@pytest.mark.parametrize("price", ["free", "-5", "0", "12.345"])
def test_a_bad_price_is_shown_at_the_price_and_nothing_is_stored(people, call, settings, price):
    response = client_for(people.supplier_a_admin).post(
        f"/calls/{call.pk}/tender", tender_data(price=price)
    )
    page = text_of(response)
    assert "Enter the price as a number of pounds greater than zero" in page
    assert 'href="#id_price"' in page and 'id="id_price-error"' in page
    assert nothing_tendered(settings)


BAD_UPLOADS = [
    ("wrong type", [pdf("tool.exe", b"MZ\x90\x00binary")], "must be a PDF, Word"),
    ("not a PDF", [pdf("plan.pdf", b"GIF89a not a pdf")], "is not a valid PDF file"),
    ("empty", [pdf("empty.pdf", b"")], "is empty"),
    ("eleven files", [pdf(f"doc{i}.pdf") for i in range(11)], "Attach at most 10 documents"),
]


@pytest.mark.parametrize(
    ("files", "message"), [b[1:] for b in BAD_UPLOADS], ids=[b[0] for b in BAD_UPLOADS]
)
def test_a_bad_upload_is_shown_at_the_documents_and_nothing_is_stored(
    people, call, settings, files, message
):
    response = client_for(people.supplier_a_admin).post(
        f"/calls/{call.pk}/tender", tender_data(documents=files)
    )
    page = text_of(response)
    assert response.status_code == 200
    assert message in page
    assert 'href="#id_documents"' in page
    assert "Choose your documents again" in page
    assert nothing_tendered(settings)


def test_a_missing_answer_is_shown_at_its_criterion(people, call, settings):
    response = client_for(people.supplier_a_admin).post(
        f"/calls/{call.pk}/tender", tender_data(answer_quality="")
    )
    page = text_of(response)
    assert "Answer the criterion: Quality of the proposed service" in page
    assert 'href="#id_answer_quality"' in page
    assert nothing_tendered(settings)


def test_a_supplier_never_sees_another_suppliers_receipts(people, tendered):
    alpha_tender = live(tendered, people.supplier_a)
    beta = client_for(people.supplier_b_admin)
    for path in [
        f"/calls/{tendered.pk}/receipts/{alpha_tender.pk}",
        f"/calls/{tendered.pk}/receipts/{alpha_tender.pk}/receipt.json",
        f"/calls/{tendered.pk}/receipts/{alpha_tender.pk + 1000}",
    ]:
        response = beta.get(path)
        assert response.status_code == 404, path
        assert alpha_tender.sealed_sha256 not in text_of(response)
    receipts = text_of(beta.get(f"/calls/{tendered.pk}/receipts"))
    assert alpha_tender.sealed_sha256[:16] not in receipts
    assert beta.post(f"/calls/{tendered.pk}/withdraw").status_code == 302  # its own
    alpha_tender.refresh_from_db()
    assert alpha_tender.withdrawn_at is None


def test_supplier_home_lists_untendered_invitations_urgent_on_the_last_day(people, call):
    alpha = client_for(people.supplier_a_admin)
    home = text_of(alpha.get("/"))
    assert f"Tender for {call.title}" in home and "Urgent" not in home
    assert "Not tendered yet" in text_of(alpha.get("/invitations"))
    with time_machine.travel(call.deadline - timedelta(hours=2), tick=True):
        home = text_of(client_for(people.supplier_a_admin).get("/"))
        assert f"Tender for {call.title}" in home and "Urgent" in home
        tender(people, call)
        home = text_of(client_for(people.supplier_a_admin).get("/"))
        assert f"Tender for {call.title}" not in home


# --- sealed until opened (Annex IV (b), (d)) -------------------------------------------------------


def test_buyer_pages_show_no_tender_content_before_opening(people, tendered):
    markers = [QUALITY_MARKER, SOCIAL_MARKER, PRICE_MARKER, "method.pdf"]
    pages = [f"/calls/{tendered.pk}", f"/calls/{tendered.pk}/tenders"]
    for role in ["buyer", "commissioner", "evaluator"]:
        client = client_as(people, role)
        for path in [*pages, *(f"/calls/{tendered.pk}/{p}" for p in ("evaluation", "moderation"))]:
            page = text_of(client.get(path))
            assert all(marker not in page for marker in markers), (role, path)
    sealed = text_of(client_for(people.buyer).get(pages[1]))
    assert "Sealed until the deadline" in sealed and "tenders received" not in sealed

    with time_machine.travel(tendered.deadline + timedelta(minutes=1), tick=True):
        buyer = client_for(people.buyer)
        closed = text_of(buyer.get(pages[0]))
        assert "Open the tenders" in closed and "2 tenders are waiting, sealed" in closed
        for path in pages:
            page = text_of(buyer.get(path))
            assert all(marker not in page for marker in markers), path
        assert f"Open the tenders for {tendered.title}" in text_of(buyer.get("/"))
        assert (
            client_for(people.supplier_a_admin).post(f"/calls/{tendered.pk}/open").status_code
            == 404
        )
        assert client_for(people.evaluator).post(f"/calls/{tendered.pk}/open").status_code == 403
        response = buyer.post(f"/calls/{tendered.pk}/open")
        assert response.status_code == 302
        assert response["Location"] == f"/calls/{tendered.pk}/tenders"
        opened = text_of(buyer.get(pages[1]))
        assert QUALITY_MARKER in opened and SOCIAL_MARKER in opened
        assert "£87,654.32" in opened and "method.pdf" in opened
        document = buyer.get(
            f"/calls/{tendered.pk}/tenders/{live(tendered, people.supplier_a).pk}/documents/0"
        )
        assert document.content == TINY_PDF
        assert document["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in document["Content-Disposition"]
        other = client_for(people.other_buyer).get(pages[1])
        assert other.status_code == 404 and QUALITY_MARKER not in text_of(other)


def test_opening_before_the_deadline_is_refused_and_audited(people, tendered):
    response = client_for(people.buyer).post(f"/calls/{tendered.pk}/open")
    assert "Tenders cannot be opened before the deadline" in text_of(response)
    tendered.refresh_from_db()
    assert tendered.opened_at is None
    assert AuditEvent.objects.filter(event_type=AuditEventType.TENDER_ACCESS_REFUSED).exists()


def test_two_officers_open_where_the_market_requires_it(people):
    market = make_market(people, regime="pa2023_dynamic_market", dual_opening=True)
    member_suppliers(people, market, (people.supplier_a, people.supplier_a_admin))
    call = make_call(people, market)
    tender(people, call, answers=marked_answers())
    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=True):
        buyer = client_for(people.buyer)
        assert "Approve opening the tenders" in text_of(buyer.get(f"/calls/{call.pk}"))
        assert buyer.post(f"/calls/{call.pk}/open").status_code == 302
        mine = text_of(buyer.get(f"/calls/{call.pk}"))
        assert "You approved opening" in mine and "a second, different officer" in mine
        again = text_of(buyer.post(f"/calls/{call.pk}/open"))
        assert "a second officer must approve" in again
        assert QUALITY_MARKER not in text_of(buyer.get(f"/calls/{call.pk}/tenders"))
        commissioner = client_for(people.commissioner)
        page = text_of(commissioner.get(f"/calls/{call.pk}"))
        assert "As the second officer, open the tenders to confirm" in page
        assert commissioner.post(f"/calls/{call.pk}/open").status_code == 302
        assert QUALITY_MARKER in text_of(buyer.get(f"/calls/{call.pk}/tenders"))


# --- evaluation -------------------------------------------------------------------------------


def score_fields(call: Call, quality: dict[Any, int], reason: str) -> dict[str, str]:
    data = {}
    for supplier, score in quality.items():
        submission = live(call, supplier)
        for key in ("quality", "social_value"):
            data[f"score_{submission.pk}_{key}"] = str(score)
            data[f"reason_{submission.pk}_{key}"] = f"{reason} {supplier.name} {key}"
    return data


def test_an_evaluator_does_not_see_other_scores_before_submitting_own(people, opened):
    secret = "COMMISSIONER-REASON-4471"
    services.conflict_declare(actor=people.commissioner, call=opened, has_conflict=False)
    services.scoresheet_save(
        actor=people.commissioner,
        call=opened,
        scores=scores_for(opened, {people.supplier_a: 1, people.supplier_b: 3}, reason=secret),
        submit=True,
    )
    evaluator = client_for(people.evaluator)
    assert f"Score the tenders for {opened.title}" in text_of(evaluator.get("/"))
    page = text_of(evaluator.get(f"/calls/{opened.pk}/evaluation"))
    assert "Do you have a conflict of interest" in page
    assert QUALITY_MARKER not in page and secret not in page  # nothing read before declaring
    no_choice = text_of(evaluator.post(f"/calls/{opened.pk}/evaluation", {"action": "declare"}))
    assert "Say whether you have a conflict of interest" in no_choice
    declared = evaluator.post(
        f"/calls/{opened.pk}/evaluation", {"action": "declare", "has_conflict": "no"}
    )
    assert declared.status_code == 302
    sheet = text_of(evaluator.get(f"/calls/{opened.pk}/evaluation"))
    assert QUALITY_MARKER in sheet and secret not in sheet
    assert secret not in text_of(evaluator.get(f"/calls/{opened.pk}/moderation"))

    partial = score_fields(opened, {people.supplier_a: 2}, "Evaluator")
    assert (
        evaluator.post(f"/calls/{opened.pk}/evaluation", {"action": "save", **partial}).status_code
        == 302
    )
    saved = text_of(evaluator.get(f"/calls/{opened.pk}/evaluation"))
    assert secret not in saved and "Evaluator Alpha Support CIC quality" in saved
    incomplete = text_of(
        evaluator.post(f"/calls/{opened.pk}/evaluation", {"action": "submit", **partial})
    )
    assert "Choose a score for Beta Care Ltd against Quality of the proposed service" in incomplete
    assert Scoresheet.objects.get(evaluator=people.evaluator).submitted_at is None

    full = score_fields(opened, {people.supplier_a: 2, people.supplier_b: 4}, "Evaluator")
    done = evaluator.post(f"/calls/{opened.pk}/evaluation", {"action": "submit", **full})
    assert done.status_code == 302
    after = text_of(evaluator.get(f"/calls/{opened.pk}/evaluation"))
    assert secret in after and "Other evaluators' scores" in after
    assert f"Score the tenders for {opened.title}" not in text_of(evaluator.get("/"))


def test_a_conflicted_evaluator_cannot_score(people, opened):
    evaluator = client_for(people.evaluator)
    missing = evaluator.post(
        f"/calls/{opened.pk}/evaluation", {"action": "declare", "has_conflict": "yes"}
    )
    assert "Describe the conflict of interest" in text_of(missing)
    assert not ConflictDeclaration.objects.exists()
    evaluator.post(
        f"/calls/{opened.pk}/evaluation",
        {"action": "declare", "has_conflict": "yes", "details": "Former trustee of Alpha"},
    )
    page = text_of(evaluator.get(f"/calls/{opened.pk}/evaluation"))
    assert "You declared a conflict of interest" in page and QUALITY_MARKER not in page
    refused = evaluator.post(
        f"/calls/{opened.pk}/evaluation",
        {"action": "submit", **score_fields(opened, {people.supplier_a: 4}, "x")},
    )
    assert refused.status_code == 200
    assert not Scoresheet.objects.exists()
    detail = text_of(evaluator.get(f"/calls/{opened.pk}"))
    assert "its tenders are closed to you" in detail
    assert evaluator.get(f"/calls/{opened.pk}/tenders").status_code == 403


def test_moderation_starts_from_the_average_then_award_ranks_and_feeds_back(
    people, opened, mailbox, django_capture_on_commit_callbacks
):
    for person, quality in [
        (people.evaluator, {people.supplier_a: 2, people.supplier_b: 4}),
        (people.commissioner, {people.supplier_a: 3, people.supplier_b: 3}),
    ]:
        services.conflict_declare(actor=person, call=opened, has_conflict=False)
        services.scoresheet_save(
            actor=person, call=opened, scores=scores_for(opened, quality), submit=True
        )
    commissioner = client_for(people.commissioner)
    page = text_of(commissioner.get(f"/calls/{opened.pk}/moderation"))
    alpha, beta = live(opened, people.supplier_a), live(opened, people.supplier_b)
    # Alpha averages 2.5 → 3, Beta 3.5 → 4 (half up).
    assert re.search(rf'name="score_{alpha.pk}_quality" type="radio" value="3" checked', page)
    assert re.search(rf'name="score_{beta.pk}_quality" type="radio" value="4" checked', page)

    buyer = client_for(people.buyer)
    early = text_of(buyer.post(f"/calls/{opened.pk}/award"))
    assert "Record the consensus scores before the award." in early
    fields = score_fields(opened, {people.supplier_a: 2, people.supplier_b: 4}, "Consensus:")
    missing = dict(fields, **{f"reason_{beta.pk}_quality": ""})
    assert "Give the reason for the score of Beta Care Ltd" in text_of(
        commissioner.post(f"/calls/{opened.pk}/moderation", missing)
    )
    assert not Moderation.objects.exists()
    recorded = commissioner.post(f"/calls/{opened.pk}/moderation", fields)
    assert recorded.status_code == 302 and recorded["Location"] == f"/calls/{opened.pk}/award"

    confirm = text_of(buyer.get(f"/calls/{opened.pk}/award"))
    assert "Consensus: Beta Care Ltd quality" in confirm
    assert "voluntary standstill" in confirm.lower()
    with django_capture_on_commit_callbacks(execute=True):
        awarded = buyer.post(f"/calls/{opened.pk}/award", {"voluntary_standstill": "on"})
    assert awarded.status_code == 302
    award = Award.objects.get()
    assert award.winner.supplier == people.supplier_b
    ranking = text_of(buyer.get(f"/calls/{opened.pk}/award"))
    # Beta: 60 + 10 + 30 (the lowest price); Alpha: 30 + 5 + 30 × 5000 ÷ 87654.32.
    assert "Winner" in ranking and "100.00" in ranking and "36.71" in ranking
    assert award.standstill_ends_at is not None
    assert "Standstill ends" in ranking and "Enter into the contract</button>" not in ranking
    feedback_mail = mailbox.to("admin@alpha.test")[-1]
    assert f"/calls/{opened.pk}/feedback" in mailbox.body(feedback_mail)

    alpha_page = text_of(client_for(people.supplier_a_admin).get(f"/calls/{opened.pk}/feedback"))
    assert "Your tender ranked 2 of 2." in alpha_page
    assert "Consensus: Alpha Support CIC quality" in alpha_page
    # The winning tender's advantages in the moderated reasons' words (issue 15), only
    # where it did better; the winner is named once the award notice is published.
    assert "Where the winning tender did better" in alpha_page
    assert (
        "Quality of the proposed service: the winning tender was scored Excellent (4) against "
        "your Acceptable (2), earning 60.00 points to your 30.00. The evaluators' reason: "
        "Consensus: Beta Care Ltd quality" in html.unescape(alpha_page)
    )
    assert "Price: the winning tender's price was lower (£5,000 against your £87,654.32)" in (
        html.unescape(alpha_page)
    )
    assert "lowest compliant price" in alpha_page and "earlier tender" in alpha_page
    assert "Standstill period ends" in alpha_page
    beta_page = text_of(client_for(people.supplier_b_admin).get(f"/calls/{opened.pk}/feedback"))
    assert "Your tender won" in beta_page and "Consensus: Alpha" not in beta_page
    assert f"Read your feedback on {opened.title}" in text_of(
        client_for(people.supplier_a_admin).get("/")
    )
    assert f"Standstill running on {opened.title}" in text_of(buyer.get("/"))

    with time_machine.travel(award.standstill_ends_at + timedelta(hours=1), tick=True):
        buyer = client_for(people.buyer)
        assert f"Enter into the contract for {opened.title}" in text_of(buyer.get("/"))
        assert buyer.post(f"/calls/{opened.pk}/contract").status_code == 302
        assert Contract.objects.get().supplier == people.supplier_b
        assert "Entered into on" in text_of(buyer.get(f"/calls/{opened.pk}/award"))
        again = text_of(buyer.post(f"/calls/{opened.pk}/contract"))
        assert "already been entered into" in again


def test_a_moderator_who_did_not_score_starts_from_the_submitted_sheets_only(people, opened):
    draft_secret = "COMMISSIONER-DRAFT-8812"
    for person in (people.evaluator, people.buyer):
        services.conflict_declare(actor=person, call=opened, has_conflict=False)
    services.scoresheet_save(
        actor=people.evaluator,
        call=opened,
        scores=scores_for(opened, {people.supplier_a: 1, people.supplier_b: 3}, "Submitted"),
        submit=True,
    )
    services.scoresheet_save(
        actor=people.buyer,
        call=opened,
        scores=scores_for(opened, {people.supplier_a: 4}, draft_secret),
    )
    page = text_of(client_for(people.commissioner).get(f"/calls/{opened.pk}/moderation"))
    alpha = live(opened, people.supplier_a)
    assert "Alpha Support CIC Submitted 1 on quality" in page
    assert re.search(rf'name="score_{alpha.pk}_quality" type="radio" value="1" checked', page)
    assert draft_secret not in page
    buyer_page = text_of(client_for(people.buyer).get(f"/calls/{opened.pk}/moderation"))
    assert "Submitted 1 on quality" not in buyer_page  # its own sheet is not submitted yet


NOTES_CANARY = "EVALUATOR-NOTE-CANARY-6620"
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}


class PageReader(HTMLParser):
    """A page as a browser holds it: what each post form would send as rendered (checked
    radios, text boxes' contents, hidden fields), its text, and the text inside each element
    with an id."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, str]] = []
        self.texts: dict[str, str] = {}
        self.text = ""
        self._open: list[tuple[str, str | None]] = []
        self._form: dict[str, str] | None = None
        self._textarea: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "form":
            self._form = {} if (attr.get("method") or "").lower() == "post" else None
        elif tag == "input" and self._form is not None and attr.get("name"):
            kind = attr.get("type") or "text"
            if kind not in {"submit", "button"} and (
                kind not in {"radio", "checkbox"} or "checked" in attr
            ):
                self._form[str(attr["name"])] = attr.get("value") or ""
        elif tag == "textarea" and self._form is not None:
            self._textarea = str(attr["name"])
            self._form[self._textarea] = ""
        if tag not in VOID_ELEMENTS:
            self._open.append((tag, attr.get("id")))
            if attr.get("id"):
                self.texts[str(attr["id"])] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS or tag not in {name for name, _ in self._open}:
            return
        while self._open and self._open.pop()[0] != tag:
            pass
        if tag == "textarea" and self._form is not None and self._textarea is not None:
            # A browser drops the one newline that may follow <textarea>.
            self._form[self._textarea] = self._form[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None

    def handle_data(self, data: str) -> None:
        self.text += data
        for _tag, element_id in self._open:
            if element_id:
                self.texts[element_id] += data
        if self._textarea is not None and self._form is not None:
            self._form[self._textarea] += data

    def form_with(self, prefix: str) -> dict[str, str]:
        """The one post form with a field whose name starts with ``prefix``."""
        (form,) = [f for f in self.forms if any(name.startswith(prefix) for name in f)]
        return form


def submit_sheets_with_notes(people: Any, call: Call) -> None:
    """The evaluator and the commissioner each submit a sheet whose every note holds the
    canary and names its writer's role."""
    for person, role, quality in [
        (people.evaluator, "Evaluator", {people.supplier_a: 2, people.supplier_b: 4}),
        (people.commissioner, "Commissioner", {people.supplier_a: 3, people.supplier_b: 3}),
    ]:
        services.conflict_declare(actor=person, call=call, has_conflict=False)
        services.scoresheet_save(
            actor=person,
            call=call,
            scores=scores_for(call, quality, reason=f"{role} note {NOTES_CANARY}: scored"),
            submit=True,
        )


def test_the_consensus_reason_starts_empty_beside_the_evaluators_read_only_notes(people, opened):
    """Each reason box starts empty; beside each criterion the page shows every evaluator's
    score and notes as plain text, labelled as not shared with bidders."""
    submit_sheets_with_notes(people, opened)
    page = PageReader(
        text_of(client_for(people.commissioner).get(f"/calls/{opened.pk}/moderation"))
    )
    form = page.form_with("reason_")
    reasons = {name: value for name, value in form.items() if name.startswith("reason_")}
    assert len(reasons) == 4
    assert set(reasons.values()) == {""}
    assert not any(NOTES_CANARY in value for value in form.values())
    alpha, beta = live(opened, people.supplier_a), live(opened, people.supplier_b)
    # The scores still start from the rounded average: Alpha 2.5 → 3.
    assert form[f"score_{alpha.pk}_quality"] == "3"
    for submission in (alpha, beta):
        for key in ("quality", "social_value"):
            notes = page.texts[f"notes_{submission.pk}_{key}"]
            assert "Evaluators' notes — not shared with bidders" in notes
            name = submission.supplier.name
            assert f"{name} Evaluator note {NOTES_CANARY}: scored" in notes
            assert f"{name} Commissioner note {NOTES_CANARY}: scored" in notes


def test_the_page_says_the_consensus_reason_is_what_the_bidder_reads(people, opened):
    """Next to each reason box: the bidder reads this reason in its feedback."""
    submit_sheets_with_notes(people, opened)
    page = PageReader(
        text_of(client_for(people.commissioner).get(f"/calls/{opened.pk}/moderation"))
    )
    for supplier in (people.supplier_a, people.supplier_b):
        submission = live(opened, supplier)
        for key in ("quality", "social_value"):
            hint = page.texts[f"id_reason_{submission.pk}_{key}-hint"]
            assert f"{supplier.name} reads this reason in its feedback" in hint
            assert "evaluators' notes are not shared" in hint


def test_bidders_read_only_what_the_moderator_writes(
    people, opened, api_client_for, django_capture_on_commit_callbacks
):
    """The moderator sends the form back as the page rendered it, writing only the reasons
    it must; after the award no bidder's feedback (page or API) holds an evaluator's notes,
    name or role."""
    submit_sheets_with_notes(people, opened)
    commissioner = client_for(people.commissioner)
    page = PageReader(text_of(commissioner.get(f"/calls/{opened.pk}/moderation")))
    form = page.form_with("reason_")
    written = {
        name: f"Moderator wrote {name}"
        for name, value in form.items()
        if name.startswith("reason_") and not value.strip()
    }
    recorded = commissioner.post(f"/calls/{opened.pk}/moderation", form | written)
    assert recorded.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(people.buyer).post(f"/calls/{opened.pk}/award").status_code == 302
    assert Award.objects.exists()
    for supplier, admin in [
        (people.supplier_a, people.supplier_a_admin),
        (people.supplier_b, people.supplier_b_admin),
    ]:
        submission = live(opened, supplier)
        feedback_page = PageReader(text_of(client_for(admin).get(f"/calls/{opened.pk}/feedback")))
        shown = feedback_page.text
        response = api_client_for(admin).get(f"/api/v1/competitions/{opened.pk}/feedback")
        assert response.status_code == 200
        served = json.dumps(response.json())
        for text in (shown, served):
            assert f"Moderator wrote reason_{submission.pk}_quality" in text
            assert NOTES_CANARY not in text
            for leaked in ("Evaluator", "Commissioner", "evaluator@", "commissioner@"):
                assert leaked not in text


def test_contract_during_standstill_is_refused_on_the_page(people, opened):
    score_and_award(people, opened)
    response = client_for(people.buyer).post(f"/calls/{opened.pk}/contract")
    assert "The standstill period has not ended." in text_of(response)
    assert not Contract.objects.exists()


def test_exclude_then_close_with_no_compliant_tender(
    people, opened, mailbox, django_capture_on_commit_callbacks
):
    buyer = client_for(people.buyer)
    for supplier in (people.supplier_a, people.supplier_b):
        submission = live(opened, supplier)
        missing = buyer.post(
            f"/calls/{opened.pk}/tenders/{submission.pk}/exclude", {f"t{submission.pk}-reason": ""}
        )
        assert "Enter a reason" in text_of(missing)
        done = buyer.post(
            f"/calls/{opened.pk}/tenders/{submission.pk}/exclude",
            {f"t{submission.pk}-reason": "No DBS evidence"},
        )
        assert done.status_code == 302
    assert "Excluded" in text_of(buyer.get(f"/calls/{opened.pk}/tenders"))
    assert (
        client_for(people.supplier_a_admin)
        .post(
            f"/calls/{opened.pk}/tenders/{submission.pk}/exclude", {f"t{submission.pk}-reason": "x"}
        )
        .status_code
        == 404
    )
    assert "Enter a reason" in text_of(buyer.post(f"/calls/{opened.pk}/close", {"reason": ""}))
    with django_capture_on_commit_callbacks(execute=True):
        closed = buyer.post(f"/calls/{opened.pk}/close", {"reason": "No compliant tender"})
    assert closed.status_code == 302
    opened.refresh_from_db()
    assert opened.no_compliant_at is not None
    assert "No compliant tender" in text_of(
        client_for(people.supplier_a_admin).get(f"/calls/{opened.pk}")
    )


def test_cancel_needs_a_reason_and_tells_the_suppliers(people, call):
    buyer = client_for(people.buyer)
    assert "Enter a reason" in text_of(buyer.post(f"/calls/{call.pk}/cancel", {"reason": " "}))
    call.refresh_from_db()
    assert call.cancelled_at is None
    assert buyer.post(f"/calls/{call.pk}/cancel", {"reason": "Budget withdrawn"}).status_code == 302
    call.refresh_from_db()
    assert call.cancelled_at is not None
    page = text_of(client_for(people.supplier_a_admin).get(f"/calls/{call.pk}"))
    assert "This call was cancelled: Budget withdrawn" in page
    refused = client_for(people.supplier_a_admin).post(f"/calls/{call.pk}/tender", tender_data())
    assert "This call is not open for tenders." in text_of(refused)
    assert not TenderSubmission.objects.exists()
