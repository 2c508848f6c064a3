"""/api/v1/competitions, receipts and standing offers for every role: who sees a call, its
questions, its tenders, scores and feedback; that sealed tenders stay sealed (Annex IV);
that bad input is a 4xx JSON answer that writes nothing; and the whole journey from a new
call to feedback and a contract, through the API only."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from opendps.accounts.models import Membership, Role
from opendps.competitions import services
from opendps.competitions.models import (
    Award,
    Call,
    Clarification,
    ConflictDeclaration,
    Feedback,
    Moderation,
    Scoresheet,
    SealedDocument,
    StandingOffer,
    TenderSubmission,
)
from opendps.competitions.services.common import BUY_ROLES, EVALUATE_ROLES, MODERATE_ROLES
from opendps.contracts.models import Contract
from opendps.core import clock
from opendps.core.calendar import LONDON
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.core.sealing import receipt_signature_valid, signing_public_key_b64
from opendps.membership.models import CategoryMember
from opendps.testing.factories import TINY_PDF, make_call, make_market, member_suppliers, tender
from opendps.testing.fixtures import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_day")]

ROLES = [
    "authority_admin",
    "commissioner",
    "buyer",
    "evaluator",
    "other_buyer",
    "supplier_a_admin",
    "supplier_a_writer",
    "supplier_b_admin",
    "anonymous",
]
AUTHORITY_PEOPLE = {"authority_admin", "commissioner", "buyer", "evaluator"}
BUYERS = {"authority_admin", "commissioner", "buyer"}
EVALUATORS = {"commissioner", "buyer", "evaluator"}
SUPPLIERS = {"supplier_a_admin", "supplier_a_writer", "supplier_b_admin"}
SUPPLIER_A = {"supplier_a_admin", "supplier_a_writer"}

UNAUTHENTICATED = "Authentication required: send a valid, unrevoked API token."
CALL_NOT_FOUND = "Call not found."
CATEGORY_NOT_FOUND = "Category not found."
MEMBER_NOT_FOUND = "Member not found."
BUY_ROLES_NEEDED = (
    "You need one of these roles in Test Borough Council: Administrator, Buyer, Commissioner."
)
EVALUATE_ROLES_NEEDED = (
    "You need one of these roles in Test Borough Council: Buyer, Commissioner, Evaluator."
)
SEALED = "Tenders stay sealed until the deadline has passed and they are opened."
NOT_INVITED_TO_TENDER = "Only suppliers invited to this call can tender."
NOT_INVITED = "Only suppliers invited to this call can do that."
NO_FEEDBACK = "There is no feedback for you on this call."
DEADLINE_PASSED = "The deadline for tenders has passed: tenders are no longer accepted."
SECOND_OFFICER = (
    "This market needs two different officers to open tenders: a second officer must approve."
)


def person(people: Any, role: str) -> Any:
    return None if role == "anonymous" else people.by_name(role)


def refused(response: Any, status: int, detail: str) -> None:
    assert response.status_code == status, response.json()
    assert response.json()["detail"] == detail


def put(client: Any, path: str, data: Any) -> Any:
    return client.client.put(path, data, content_type="application/json", headers=client._headers())


def post_raw(client: Any, path: str, body: Any, content_type: str) -> Any:
    return client.client.post(path, body, content_type=content_type, headers=client._headers())


def post_multipart(client: Any, path: str, data: dict[str, Any]) -> Any:
    return client.client.post(path, data, headers=client._headers())


def pdf(name: str = "method.pdf", content: bytes = TINY_PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/pdf")


def answers_for(call: Call, text: str = "Our approach") -> dict[str, str]:
    return {c["key"]: f"{text} to {c['name']}." for c in call.criteria if c["kind"] != "price"}


def tender_payload(call: Call, price: str = "4000", **overrides: Any) -> dict[str, Any]:
    return {"price": price, "answers": answers_for(call)} | overrides


def live(call: Call, supplier: Any) -> TenderSubmission:
    return TenderSubmission.objects.get(
        call=call, supplier=supplier, withdrawn_at=None, superseded_at=None
    )


def scores_for(call: Call, quality: dict[Any, int]) -> dict[str, Any]:
    """{submission id: {criterion: {score, reason}}} for each supplier's live tender."""
    return {
        str(live(call, supplier).pk): {
            key: {"score": score, "reason": f"{supplier.name} scored {score} on {key}"}
            for key in ("quality", "social_value")
        }
        for supplier, score in quality.items()
    }


def nothing_tendered() -> bool:
    sealed = Path(settings.MEDIA_ROOT) / "sealed"  # evidence of applications lives elsewhere
    return (
        not TenderSubmission.objects.exists()
        and not SealedDocument.objects.exists()
        and not AuditEvent.objects.filter(event_type=AuditEventType.TENDER_SUBMITTED).exists()
        and (not sealed.exists() or not any(p.is_file() for p in sealed.rglob("*")))
    )


# --- the states a call goes through ----------------------------------------------------------


@pytest.fixture
def market(people):
    """A PCR 2015 DPS whose one category has both suppliers as members."""
    market = make_market(people)
    member_suppliers(
        people,
        market,
        (people.supplier_a, people.supplier_a_admin),
        (people.supplier_b, people.supplier_b_admin),
    )
    return market


@pytest.fixture
def after_first_period(market):
    """PCR 2015 reg 34: no call until the 30-day first period is over."""
    with time_machine.travel(market.first_period_ends_at + timedelta(hours=1), tick=True):
        yield market


@pytest.fixture
def call(people, after_first_period):
    """A published call; both suppliers are invited."""
    return make_call(people, after_first_period)


@pytest.fixture
def draft(people, after_first_period):
    return make_call(people, after_first_period, publish=False, title="Draft call")


@pytest.fixture
def tendered(people, call):
    """Alpha tenders 4000, Beta 5000."""
    tender(people, call, price="4000")
    tender(people, call, supplier=people.supplier_b, price="5000")
    return call


@pytest.fixture
def after_deadline(tendered):
    with time_machine.travel(tendered.deadline + timedelta(minutes=1), tick=True):
        yield tendered


@pytest.fixture
def opened(people, after_deadline):
    return services.call_open(actor=people.buyer, call=after_deadline)


@pytest.fixture
def scored(people, opened):
    """The evaluator's submitted sheet: Alpha 2, Beta 4 on quality and social value."""
    services.conflict_declare(actor=people.evaluator, call=opened, has_conflict=False)
    services.scoresheet_save(
        actor=people.evaluator,
        call=opened,
        scores=scores_for(opened, {people.supplier_a: 2, people.supplier_b: 4}),
        submit=True,
    )
    return opened


@pytest.fixture
def moderated(people, scored):
    services.moderation_record(
        actor=people.commissioner,
        call=scored,
        scores=scores_for(scored, {people.supplier_a: 2, people.supplier_b: 4}),
    )
    return scored


@pytest.fixture
def awarded(people, moderated):
    services.award_decide(actor=people.buyer, call=moderated)
    return moderated


# --- GET /competitions ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_call_list_per_role(people, api_client_for, role, call, draft):
    response = api_client_for(person(people, role)).get("/api/v1/competitions")
    if role == "anonymous":
        return refused(response, 401, UNAUTHENTICATED)
    assert response.status_code == 200
    statuses = {item["title"]: item["status"] for item in response.json()["items"]}
    expected = {}
    if role in AUTHORITY_PEOPLE:
        expected = {"CV support for 20 claimants": "open", "Draft call": "draft"}
    elif role in SUPPLIERS:
        expected = {"CV support for 20 claimants": "open"}
    assert statuses == expected
    assert response.json()["count"] == len(expected)
    for item in response.json()["items"]:
        assert "wrapped_private_key" not in item


def test_call_list_pages_and_derives_the_status_from_the_clock(people, api_client_for, call):
    make_call(people, call.market, title="Second")
    make_call(people, call.market, title="Third")
    client = api_client_for(people.buyer)
    page = client.get("/api/v1/competitions", limit=2, offset=0).json()
    assert page["count"] == 3
    assert [item["title"] for item in page["items"]] == ["Third", "Second"]
    assert len(client.get("/api/v1/competitions", limit=2, offset=2).json()["items"]) == 1
    with time_machine.travel(call.deadline + timedelta(seconds=1), tick=False):
        items = client.get("/api/v1/competitions").json()["items"]
        assert {item["status"] for item in items} == {"closed"}
    for query in [{"limit": 0}, {"limit": 10_000}, {"offset": -1}, {"offset": 10**30}]:
        response = client.get("/api/v1/competitions", **query)
        assert response.status_code == 422
        assert isinstance(response.json()["detail"], list)


# --- POST /competitions ----------------------------------------------------------------------------


def call_payload(market: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "category_id": market.categories.get().pk,
        "title": "Job search support for 12 claimants",
        "requirement": "Weekly 1-2-1 sessions for 8 weeks.",
        "estimated_value": "6000",
        "deadline": (clock.now() + timedelta(days=12)).isoformat(),
    } | overrides


CREATE_EXPECTED = {
    "authority_admin": (201, None),
    "commissioner": (201, None),
    "buyer": (201, None),
    "evaluator": (403, BUY_ROLES_NEEDED),
    "other_buyer": (403, BUY_ROLES_NEEDED),
    "supplier_a_admin": (403, BUY_ROLES_NEEDED),
    "supplier_a_writer": (403, BUY_ROLES_NEEDED),
    "supplier_b_admin": (403, BUY_ROLES_NEEDED),
    "anonymous": (401, UNAUTHENTICATED),
}


@pytest.mark.parametrize("role", ROLES)
def test_call_create_per_role(people, api_client_for, role, after_first_period):
    status, detail = CREATE_EXPECTED[role]
    response = api_client_for(person(people, role)).post(
        "/api/v1/competitions", call_payload(after_first_period)
    )
    if detail is not None:
        refused(response, status, detail)
        assert not Call.objects.exists()
        return
    assert response.status_code == 201
    body = response.json()
    created = Call.objects.get()
    assert body["id"] == created.pk
    assert body["status"] == "draft"
    assert body["buyer_name"] == "Test Borough Council"
    assert body["category_title"] == "CV and job search support"
    assert body["public_key"] is None
    assert "wrapped_private_key" not in body
    assert [(c["key"], Decimal(c["weight"])) for c in body["criteria"]] == [
        ("quality", 60),
        ("social_value", 10),
        ("price", 30),
    ]
    assert datetime.fromisoformat(body["clarification_deadline"]) < datetime.fromisoformat(
        body["deadline"]
    )
    assert created.created_by == person(people, role)


def test_call_create_with_own_criteria_and_the_public_key_after_publishing(
    people, api_client_for, after_first_period
):
    client = api_client_for(people.buyer)
    criteria = [
        {"key": "method", "name": "Method", "kind": "quality", "weight": 50, "guidance": "How"},
        {"key": "local", "name": "Local jobs", "kind": "social_value", "weight": "20"},
        {"key": "price", "name": "Price", "kind": "price", "weight": 30},
    ]
    response = client.post(
        "/api/v1/competitions",
        call_payload(after_first_period, criteria=criteria, region=" Leeds "),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [c["key"] for c in body["criteria"]] == ["method", "local", "price"]
    assert body["criteria"][0]["guidance"] == "How"
    assert body["region"] == "Leeds"
    published = client.post(f"/api/v1/competitions/{body['id']}/publish").json()
    assert published["status"] == "open"
    call = Call.objects.get()
    # The public half is shown (base64url); the wrapped private half never is.
    assert published["public_key"] is not None
    assert len(published["public_key"]) == 43
    assert "wrapped_private_key" not in published
    assert bytes(call.wrapped_private_key).hex() not in json.dumps(published)


@pytest.mark.parametrize(
    ("overrides", "detail"),
    [
        (
            {
                "criteria": [
                    {"key": "q", "name": "Quality", "kind": "quality", "weight": 60},
                    {"key": "price", "name": "Price", "kind": "price", "weight": 30},
                ]
            },
            "The criteria weights must add up to 100 (they add up to 90).",
        ),
        (
            {
                "criteria": [
                    {"key": "q", "name": "Quality", "kind": "quality", "weight": 100},
                ]
            },
            "Give exactly one price criterion.",
        ),
        (
            {"rapid": True},
            "Rapid calls are only for light-touch services (social, health, employment).",
        ),
        (
            {"service_user_needs": "Needs help with meals."},
            "A service user's needs belong to a rapid call for one service user.",
        ),
        (
            {"clarification_deadline": "2099-01-01T00:00:00Z"},
            "The deadline for questions must be before the deadline for tenders.",
        ),
    ],
)
def test_call_create_refuses_unlawful_calls_with_the_services_message(
    people, api_client_for, after_first_period, overrides, detail
):
    response = api_client_for(people.buyer).post(
        "/api/v1/competitions", call_payload(after_first_period, **overrides)
    )
    refused(response, 422, detail)
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"deadline": "2027-04-20T12:00:00"},  # no time zone
        {"deadline": "soon"},
        {"deadline": "0001-01-01T00:00:00+14:00"},  # before year 1 in UTC
        {"deadline": "9999-12-31T23:59:59-14:00"},
        {"estimated_value": "0"},
        {"estimated_value": "-5"},
        {"estimated_value": "NaN"},
        {"estimated_value": "1" * 20},
        {"title": "  "},
        {"title": "x" * 201},
        {"requirement": ""},
        {"category_id": 10**30},
        {"category_id": "one"},
        {"criteria": "the usual"},
        {"criteria": [{"key": "Bad Key", "name": "x", "kind": "quality", "weight": 100}]},
        {"criteria": [{"key": "q", "name": "x", "kind": "vibes", "weight": 100}]},
        {"criteria": [{"key": "q", "name": "x", "kind": "price", "weight": 101}]},
        {"agreed_period_hours": 0},
        {"agreed_period_hours": 10**12},
        {"rapid": "sometimes"},
        {"region": "x" * 101},
    ],
)
def test_call_create_refuses_malformed_fields_with_422(
    people, api_client_for, after_first_period, overrides
):
    response = api_client_for(people.buyer).post(
        "/api/v1/competitions", call_payload(after_first_period, **overrides)
    )
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)
    assert not Call.objects.exists()


def test_call_create_in_a_hidden_or_missing_category_is_not_found(people, api_client_for):
    hidden = make_market(people, publish=False, title="Draft market")
    client = api_client_for(people.other_buyer)
    for category_id in [hidden.categories.get().pk, 999_999]:
        response = client.post(
            "/api/v1/competitions", call_payload(hidden, category_id=category_id)
        )
        refused(response, 404, CATEGORY_NOT_FOUND)
    assert not Call.objects.exists()


@pytest.mark.parametrize("body", ["{not json", "[1, 2", "", "[]", "null"])
def test_call_create_with_malformed_json_is_a_4xx(people, api_client_for, body):
    client = api_client_for(people.buyer)
    response = post_raw(client, "/api/v1/competitions", body, "application/json")
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()
    assert not Call.objects.exists()


# --- GET /competitions/{id}, publish, cancel ---------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_call_detail_per_role(people, api_client_for, role, call, draft):
    client = api_client_for(person(people, role))
    shown = client.get(f"/api/v1/competitions/{call.pk}")
    hidden = client.get(f"/api/v1/competitions/{draft.pk}")
    if role == "anonymous":
        refused(shown, 401, UNAUTHENTICATED)
        return
    if role in AUTHORITY_PEOPLE | SUPPLIERS:
        assert shown.status_code == 200
        assert shown.json()["status"] == "open"
        assert shown.json()["requirement"] == "Two 1-2-1 sessions per claimant."
    else:
        refused(shown, 404, CALL_NOT_FOUND)
    if role in AUTHORITY_PEOPLE:
        assert hidden.json()["status"] == "draft"
    else:
        refused(hidden, 404, CALL_NOT_FOUND)


@pytest.mark.parametrize("call_id", ["999999", str(10**30), "0", "-1", "abc"])
def test_unknown_or_impossible_call_ids_are_4xx(people, api_client_for, call_id):
    response = api_client_for(people.buyer).get(f"/api/v1/competitions/{call_id}")
    assert response.status_code in {404, 422}
    assert "detail" in response.json()


PUBLISH_EXPECTED = {
    "authority_admin": (200, None),
    "commissioner": (200, None),
    "buyer": (200, None),
    "evaluator": (403, BUY_ROLES_NEEDED),
    "other_buyer": (404, CALL_NOT_FOUND),
    "supplier_a_admin": (404, CALL_NOT_FOUND),
    "supplier_a_writer": (404, CALL_NOT_FOUND),
    "supplier_b_admin": (404, CALL_NOT_FOUND),
    "anonymous": (401, UNAUTHENTICATED),
}


@pytest.mark.parametrize("role", ROLES)
def test_call_publish_per_role(people, api_client_for, role, draft):
    status, detail = PUBLISH_EXPECTED[role]
    response = api_client_for(person(people, role)).post(f"/api/v1/competitions/{draft.pk}/publish")
    draft.refresh_from_db()
    if detail is not None:
        refused(response, status, detail)
        assert draft.published_at is None
        return
    assert response.status_code == 200
    assert response.json()["status"] == "open"
    assert draft.invitations.count() == 2


def test_publishing_twice_is_a_conflict_and_no_call_in_the_first_period(
    people, api_client_for, market
):
    early = make_call(
        people, market, publish=False, deadline=market.first_period_ends_at + timedelta(days=20)
    )
    client = api_client_for(people.buyer)
    response = client.post(f"/api/v1/competitions/{early.pk}/publish")
    assert response.status_code == 422
    assert "first period" in response.json()["detail"]
    with time_machine.travel(market.first_period_ends_at + timedelta(hours=1), tick=False):
        assert client.post(f"/api/v1/competitions/{early.pk}/publish").status_code == 200
        refused(
            client.post(f"/api/v1/competitions/{early.pk}/publish"),
            409,
            "Only a draft call can be published.",
        )


def test_a_deadline_shorter_than_ten_days_is_refused_at_publication(
    people, api_client_for, after_first_period
):
    client = api_client_for(people.buyer)
    # A draft is refused outright: it could never be published (issue 15).
    refused_draft = client.post(
        "/api/v1/competitions",
        call_payload(after_first_period, deadline=(clock.now() + timedelta(days=5)).isoformat()),
    )
    assert refused_draft.status_code == 422
    assert not Call.objects.exists()
    created = client.post(
        "/api/v1/competitions",
        call_payload(after_first_period, deadline=(clock.now() + timedelta(days=12)).isoformat()),
    ).json()
    # Five days later the same deadline is less than ten days from the invitation.
    with time_machine.travel(clock.now() + timedelta(days=5), tick=False):
        response = client.post(f"/api/v1/competitions/{created['id']}/publish")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("The deadline for tenders must be no earlier than ")
    assert Call.objects.get().published_at is None


CANCEL_EXPECTED = PUBLISH_EXPECTED | {
    "supplier_a_admin": (403, BUY_ROLES_NEEDED),
    "supplier_a_writer": (403, BUY_ROLES_NEEDED),
    "supplier_b_admin": (403, BUY_ROLES_NEEDED),
}


@pytest.mark.parametrize("role", ROLES)
def test_call_cancel_per_role(people, api_client_for, role, call):
    status, detail = CANCEL_EXPECTED[role]
    response = api_client_for(person(people, role)).post(
        f"/api/v1/competitions/{call.pk}/cancel", {"reason": "Budget withdrawn"}
    )
    call.refresh_from_db()
    if detail is not None:
        refused(response, status, detail)
        assert call.cancelled_at is None
        return
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["closed_reason"] == "Budget withdrawn"


def test_cancel_needs_a_reason_and_happens_once(people, api_client_for, call):
    client = api_client_for(people.buyer)
    path = f"/api/v1/competitions/{call.pk}/cancel"
    refused(client.post(path, {"reason": "   "}), 422, "Give a reason.")
    assert client.post(path, {}).status_code == 422
    assert client.post(path, {"reason": "x" * 10_001}).status_code == 422
    assert client.post(path, {"reason": "No budget"}).status_code == 200
    refused(
        client.post(path, {"reason": "Again"}),
        409,
        "A call that has been awarded, cancelled or closed cannot be cancelled.",
    )


# --- clarification questions ------------------------------------------------------------------


@pytest.fixture
def questions(people, call):
    """Alpha asked a question that is answered; Beta asked one that is not (yet)."""
    answered = services.clarification_ask(
        actor=people.supplier_a_writer,
        call=call,
        supplier=people.supplier_a,
        question="Can sessions be online?",
    )
    services.clarification_answer(
        actor=people.buyer, clarification=answered, answer="Yes, up to half of them."
    )
    services.clarification_ask(
        actor=people.supplier_b_admin,
        call=call,
        supplier=people.supplier_b,
        question="Is there a TUPE transfer?",
    )
    return call


@pytest.mark.parametrize("role", ROLES)
def test_question_list_per_role_never_says_who_asked(people, api_client_for, role, questions):
    response = api_client_for(person(people, role)).get(
        f"/api/v1/competitions/{questions.pk}/questions"
    )
    if role == "anonymous":
        return refused(response, 401, UNAUTHENTICATED)
    if role == "other_buyer":
        return refused(response, 404, CALL_NOT_FOUND)
    assert response.status_code == 200
    items = response.json()["items"]
    expected = [("Can sessions be online?", "Yes, up to half of them.")]
    if role in AUTHORITY_PEOPLE:
        expected.append(("Is there a TUPE transfer?", ""))
    assert [(item["question"], item["answer"]) for item in items] == expected
    for item in items:
        assert set(item) == {"id", "question", "answer", "asked_at", "answered_at"}
    text = response.content.decode()
    for leak in ["Alpha", "Beta", "alpha.test", "beta.test", "asked_by", "supplier"]:
        assert leak not in text


ASK_EXPECTED = {
    "authority_admin": (403, NOT_INVITED),
    "commissioner": (403, NOT_INVITED),
    "buyer": (403, NOT_INVITED),
    "evaluator": (403, NOT_INVITED),
    "other_buyer": (404, CALL_NOT_FOUND),
    "supplier_a_admin": (201, None),
    "supplier_a_writer": (201, None),
    "supplier_b_admin": (201, None),
    "anonymous": (401, UNAUTHENTICATED),
}


@pytest.mark.parametrize("role", ROLES)
def test_question_ask_per_role(people, api_client_for, role, call):
    status, detail = ASK_EXPECTED[role]
    response = api_client_for(person(people, role)).post(
        f"/api/v1/competitions/{call.pk}/questions", {"question": " Is parking provided? "}
    )
    if detail is not None:
        refused(response, status, detail)
        assert not Clarification.objects.exists()
        return
    assert response.status_code == 201
    assert response.json()["question"] == "Is parking provided?"
    assert response.json()["answer"] == ""
    assert "supplier" not in response.content.decode()
    assert Clarification.objects.get().asked_by == (
        people.supplier_b if role == "supplier_b_admin" else people.supplier_a
    )


def test_questions_close_at_their_deadline_and_must_say_something(people, api_client_for, call):
    client = api_client_for(people.supplier_a_admin)
    path = f"/api/v1/competitions/{call.pk}/questions"
    refused(client.post(path, {"question": "  "}), 422, "Write the question.")
    assert client.post(path, {"question": "x" * 5_001}).status_code == 422
    assert client.post(path, {}).status_code == 422
    with time_machine.travel(call.clarification_deadline + timedelta(seconds=1), tick=False):
        refused(
            client.post(path, {"question": "Late?"}), 422, "The deadline for questions has passed."
        )
    assert not Clarification.objects.exists()


ANSWER_EXPECTED = {
    "authority_admin": (200, None),
    "commissioner": (200, None),
    "buyer": (200, None),
    "evaluator": (403, BUY_ROLES_NEEDED),
    "other_buyer": (404, CALL_NOT_FOUND),
    "supplier_a_admin": (403, BUY_ROLES_NEEDED),
    "supplier_a_writer": (403, BUY_ROLES_NEEDED),
    "supplier_b_admin": (403, BUY_ROLES_NEEDED),
    "anonymous": (401, UNAUTHENTICATED),
}


@pytest.mark.parametrize("role", ROLES)
def test_question_answer_per_role(people, api_client_for, role, questions):
    question = Clarification.objects.get(answered_at=None)
    status, detail = ANSWER_EXPECTED[role]
    response = api_client_for(person(people, role)).post(
        f"/api/v1/competitions/{questions.pk}/questions/{question.pk}/answer",
        {"answer": "No TUPE applies."},
    )
    question.refresh_from_db()
    if detail is not None:
        refused(response, status, detail)
        assert question.answered_at is None
        return
    assert response.status_code == 200
    assert response.json()["answer"] == "No TUPE applies."
    assert "Beta" not in response.content.decode()
    assert question.answered_by == person(people, role)


def test_answering_twice_or_a_question_of_another_call(people, api_client_for, questions):
    client = api_client_for(people.buyer)
    answered = Clarification.objects.exclude(answered_at=None).get()
    refused(
        client.post(
            f"/api/v1/competitions/{questions.pk}/questions/{answered.pk}/answer",
            {"answer": "Changed"},
        ),
        409,
        "This question has already been answered.",
    )
    other = make_call(people, questions.market, title="Other")
    waiting = Clarification.objects.get(answered_at=None)
    for path in [
        f"/api/v1/competitions/{other.pk}/questions/{waiting.pk}/answer",
        f"/api/v1/competitions/{questions.pk}/questions/999999/answer",
    ]:
        refused(client.post(path, {"answer": "No"}), 404, "Question not found.")
    waiting.refresh_from_db()
    assert waiting.answered_at is None


# --- POST /competitions/{id}/tenders ------------------------------------------------------------

SUBMIT_EXPECTED = {
    "authority_admin": (403, NOT_INVITED_TO_TENDER),
    "commissioner": (403, NOT_INVITED_TO_TENDER),
    "buyer": (403, NOT_INVITED_TO_TENDER),
    "evaluator": (403, NOT_INVITED_TO_TENDER),
    "other_buyer": (404, CALL_NOT_FOUND),
    "supplier_a_admin": (201, "Alpha Support CIC"),
    "supplier_a_writer": (201, "Alpha Support CIC"),
    "supplier_b_admin": (201, "Beta Care Ltd"),
    "anonymous": (401, UNAUTHENTICATED),
}


@pytest.mark.parametrize("role", ROLES)
def test_tender_submit_per_role(people, api_client_for, role, call):
    status, text = SUBMIT_EXPECTED[role]
    response = api_client_for(person(people, role)).post(
        f"/api/v1/competitions/{call.pk}/tenders", tender_payload(call, price="4321.50")
    )
    if status != 201:
        refused(response, status, text)
        assert nothing_tendered()
        return
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"receipt", "signature"}
    submission = TenderSubmission.objects.get()
    assert submission.supplier.name == text
    assert submission.submitted_by == person(people, role)
    assert body["receipt"] == submission.receipt
    assert body["receipt"]["call_id"] == call.pk
    assert body["receipt"]["submission_id"] == submission.pk
    assert body["receipt"]["received_at"] == clock.utc_text(submission.received_at)
    assert body["receipt"]["received_at"].endswith("Z")
    assert receipt_signature_valid(body["receipt"], body["signature"])
    assert b"4321.50" not in bytes(submission.sealed_payload)


def test_multipart_tender_with_documents_is_sealed(people, api_client_for, call):
    response = post_multipart(
        api_client_for(people.supplier_a_writer),
        f"/api/v1/competitions/{call.pk}/tenders",
        {
            "price": "4100.00",
            "answers": json.dumps(answers_for(call)),
            "notes": "Start within a week.",
            "documents": [pdf("method.pdf", TINY_PDF + b"SECRET-METHOD"), pdf("cv.pdf")],
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["receipt"]["documents"] == 2
    documents = SealedDocument.objects.all()
    assert len(documents) == 2
    for document in documents:
        assert b"SECRET-METHOD" not in document.file.read()


@pytest.mark.parametrize(
    ("data", "status", "detail"),
    [
        (
            {"documents": [pdf("method.pdf", b"MZ not a pdf")]},
            422,
            "The file method.pdf is not a valid PDF file.",
        ),
        (
            {"documents": [pdf("method.exe")]},
            422,
            "The file method.exe must be a PDF, Word, OpenDocument, Excel, PNG or JPEG file.",
        ),
        ({"documents": [pdf(f"d{i}.pdf") for i in range(11)]}, 422, "Attach at most 10 documents."),
        ({"evidence": pdf()}, 422, "Send tender documents as files in the 'documents' field."),
        ({"answers": "not json"}, 422, None),
        ({"answers": "[1, 2]"}, 422, None),
        ({"price": ""}, 422, None),
        ({"price": "free"}, 422, None),
    ],
)
def test_multipart_refusals_store_nothing(people, api_client_for, call, data, status, detail):
    form = {"price": "4000", "answers": json.dumps(answers_for(call))} | data
    response = post_multipart(
        api_client_for(people.supplier_a_admin), f"/api/v1/competitions/{call.pk}/tenders", form
    )
    assert response.status_code == status
    if detail is None:
        assert response.json()["detail"][0]["loc"][0] == "form"
    else:
        assert response.json()["detail"] == detail
    assert nothing_tendered()


@pytest.mark.parametrize(
    ("payload", "detail"),
    [
        ({"answers": {}}, "Answer the criterion: Quality of the proposed service"),
        (
            {"answers": {"quality": "Good", "social_value": "  "}},
            "Answer the criterion: Social value",
        ),
    ],
)
def test_a_tender_missing_an_answer_is_refused(people, api_client_for, call, payload, detail):
    response = api_client_for(people.supplier_a_admin).post(
        f"/api/v1/competitions/{call.pk}/tenders", tender_payload(call, **payload)
    )
    refused(response, 422, detail)
    assert nothing_tendered()


@pytest.mark.parametrize(
    "overrides",
    [
        {"price": "free"},
        {"price": "-5"},
        {"price": "0"},
        {"price": "12.345"},
        {"price": "NaN"},
        {"price": "Infinity"},
        {"price": "1E+999999"},
        {"price": "1" * 15},
        {"price": None},
        {"answers": {"quality": ["a list"]}},
        {"answers": {"Not A Key": "x"}},
        {"answers": {"quality": "x" * 20_001}},
        {"answers": "all good"},
        {"notes": "x" * 20_001},
        {"supplier_id": 10**30},
    ],
)
def test_malformed_tenders_are_422_and_nothing_is_stored(people, api_client_for, call, overrides):
    response = api_client_for(people.supplier_a_admin).post(
        f"/api/v1/competitions/{call.pk}/tenders", tender_payload(call, **overrides)
    )
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)
    assert nothing_tendered()


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("\xff\xfe", "application/json", 400),
        ("[1, 2]", "application/json", 422),
        ("null", "application/json", 422),
        ('{"price": 1e400}', "application/json", 422),
        ("<tender/>", "application/xml", 415),
        ("--x\r\nbroken", "multipart/form-data", 400),
        ("--x\r\nbroken", "multipart/form-data; boundary=x", 422),
    ],
)
def test_malformed_tender_bodies_are_4xx_never_500(
    people, api_client_for, call, body, content_type, status
):
    client = api_client_for(people.supplier_a_admin)
    response = post_raw(client, f"/api/v1/competitions/{call.pk}/tenders", body, content_type)
    assert response.status_code == status
    assert "detail" in response.json()
    assert nothing_tendered()


def test_a_tender_one_millisecond_late_is_refused_and_nothing_is_stored(
    people, api_client_for, call
):
    """Annex IV (a)/(b): the server clock decides; the refused attempt is audited (g)."""
    client = api_client_for(people.supplier_a_admin)
    path = f"/api/v1/competitions/{call.pk}/tenders"
    with time_machine.travel(call.deadline + timedelta(milliseconds=1), tick=False):
        refused(client.post(path, tender_payload(call)), 422, DEADLINE_PASSED)
        response = post_multipart(
            client,
            path,
            {"price": "4000", "answers": json.dumps(answers_for(call)), "documents": [pdf()]},
        )
        refused(response, 422, DEADLINE_PASSED)
    assert nothing_tendered()
    assert (
        AuditEvent.objects.filter(event_type=AuditEventType.TENDER_SUBMISSION_REFUSED).count() == 2
    )
    with time_machine.travel(call.deadline - timedelta(milliseconds=1), tick=False):
        response = client.post(path, tender_payload(call))
    assert response.status_code == 201
    received = datetime.fromisoformat(response.json()["receipt"]["received_at"])
    just_before = call.deadline - timedelta(milliseconds=1)
    assert just_before - timedelta(milliseconds=1) < received <= just_before  # to the ms


def test_someone_at_two_suppliers_must_say_which(people, api_client_for, call):
    Membership.objects.create(
        user=people.supplier_a_admin, organisation=people.supplier_b, role=Role.SUPPLIER_ADMIN
    )
    client = api_client_for(people.supplier_a_admin)
    path = f"/api/v1/competitions/{call.pk}/tenders"
    refused(
        client.post(path, tender_payload(call)),
        422,
        "You work for more than one supplier: say which one with supplier_id.",
    )
    response = client.post(path, tender_payload(call, supplier_id=people.supplier_b.pk))
    assert response.status_code == 201
    assert TenderSubmission.objects.get().supplier == people.supplier_b
    other = client.post(path, tender_payload(call, supplier_id=people.authority.pk))
    refused(other, 404, "Organisation not found.")


def test_an_uninvited_supplier_cannot_see_or_tender(people, api_client_for, call):
    from opendps.accounts.models import Organisation, OrganisationKind

    gamma = Organisation.objects.create(kind=OrganisationKind.SUPPLIER, name="Gamma")
    client = api_client_for(make_person("admin@gamma.test", gamma, Role.SUPPLIER_ADMIN))
    refused(
        client.post(f"/api/v1/competitions/{call.pk}/tenders", tender_payload(call)),
        404,
        CALL_NOT_FOUND,
    )
    assert client.get("/api/v1/competitions").json()["items"] == []
    assert nothing_tendered()


# --- GET /competitions/{id}/tenders ---------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_tender_list_before_opening_per_role(people, api_client_for, role, tendered):
    tender(people, tendered, price="3900")  # Alpha resubmits: two receipts
    response = api_client_for(person(people, role)).get(
        f"/api/v1/competitions/{tendered.pk}/tenders"
    )
    if role == "anonymous":
        return refused(response, 401, UNAUTHENTICATED)
    if role == "other_buyer":
        return refused(response, 404, CALL_NOT_FOUND)
    if role in AUTHORITY_PEOPLE:
        return refused(response, 403, SEALED)
    assert response.status_code == 200
    supplier = people.supplier_a if role in SUPPLIER_A else people.supplier_b
    own = TenderSubmission.objects.filter(supplier=supplier).order_by("-received_at", "-pk")
    items = response.json()["items"]
    assert [item["submission_id"] for item in items] == [s.pk for s in own]
    assert {item["supplier_id"] for item in items} == {supplier.pk}
    assert [item["state"] for item in items] == (
        ["live", "superseded"] if supplier == people.supplier_a else ["live"]
    )
    for item in items:
        assert "price" not in item and "answers" not in item
        assert receipt_signature_valid(item["receipt"], item["signature"])


@pytest.mark.parametrize("role", ROLES)
def test_tender_list_after_opening_per_role(people, api_client_for, role, opened):
    response = api_client_for(person(people, role)).get(f"/api/v1/competitions/{opened.pk}/tenders")
    if role == "anonymous":
        return refused(response, 401, UNAUTHENTICATED)
    if role == "other_buyer":
        return refused(response, 404, CALL_NOT_FOUND)
    assert response.status_code == 200
    items = response.json()["items"]
    if role in AUTHORITY_PEOPLE:
        assert [(i["supplier_name"], Decimal(i["price"])) for i in items] == [
            ("Alpha Support CIC", Decimal("4000")),
            ("Beta Care Ltd", Decimal("5000")),
        ]
        assert items[0]["answers"] == answers_for(opened)
        assert items[0]["excluded_at"] is None
        return
    supplier = people.supplier_a if role in SUPPLIER_A else people.supplier_b
    assert [item["supplier_id"] for item in items] == [supplier.pk]
    assert "price" not in items[0]


def test_a_buyer_of_another_authority_sees_nothing_of_the_tenders(people, api_client_for, opened):
    client = api_client_for(people.other_buyer)
    submission = live(opened, people.supplier_a)
    for path in [
        f"/api/v1/competitions/{opened.pk}",
        f"/api/v1/competitions/{opened.pk}/tenders",
        f"/api/v1/competitions/{opened.pk}/scores",
        f"/api/v1/competitions/{opened.pk}/feedback",
    ]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Alpha" not in response.content.decode()
    response = client.post(
        f"/api/v1/competitions/{opened.pk}/tenders/{submission.pk}/exclude", {"reason": "x"}
    )
    refused(response, 404, CALL_NOT_FOUND)


# --- withdraw ------------------------------------------------------------------------------

WITHDRAW_EXPECTED = SUBMIT_EXPECTED | {
    "supplier_a_admin": (200, None),
    "supplier_a_writer": (200, None),
    "supplier_b_admin": (200, None),
}


@pytest.mark.parametrize("role", ROLES)
def test_tender_withdraw_per_role(people, api_client_for, role, tendered):
    status, detail = WITHDRAW_EXPECTED[role]
    response = api_client_for(person(people, role)).post(
        f"/api/v1/competitions/{tendered.pk}/tenders/withdraw"
    )
    withdrawn = TenderSubmission.objects.exclude(withdrawn_at=None)
    if detail is not None:
        refused(response, status, detail)
        assert not withdrawn.exists()
        return
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"
    supplier = people.supplier_a if role in SUPPLIER_A else people.supplier_b
    assert [s.supplier for s in withdrawn] == [supplier]


def test_withdraw_then_tender_again_and_not_after_the_deadline(people, api_client_for, call):
    client = api_client_for(people.supplier_a_admin)
    base = f"/api/v1/competitions/{call.pk}/tenders"
    refused(client.post(f"{base}/withdraw"), 409, "You have no tender in this call to withdraw.")
    assert client.post(base, tender_payload(call)).status_code == 201
    assert client.post(f"{base}/withdraw").status_code == 200
    assert client.post(base, tender_payload(call, price="3000")).status_code == 201
    states = [item["state"] for item in client.get(base).json()["items"]]
    assert states == ["live", "withdrawn"]
    with time_machine.travel(call.deadline, tick=False):
        refused(client.post(f"{base}/withdraw"), 422, DEADLINE_PASSED)
    assert live(call, people.supplier_a).receipt["documents"] == 0


def test_withdraw_needs_no_body_and_takes_the_supplier_in_the_query(people, api_client_for, call):
    Membership.objects.create(
        user=people.supplier_a_admin, organisation=people.supplier_b, role=Role.SUPPLIER_ADMIN
    )
    tender(people, call, supplier=people.supplier_b)
    client = api_client_for(people.supplier_a_admin)
    path = f"/api/v1/competitions/{call.pk}/tenders/withdraw"
    response = client.client.post(path, headers=client._headers())  # no body at all
    refused(response, 422, "You work for more than one supplier: say which one with supplier_id.")
    response = client.client.post(
        f"{path}?supplier_id={people.supplier_b.pk}", headers=client._headers()
    )
    assert response.status_code == 200
    assert response.json()["supplier_id"] == people.supplier_b.pk
    assert client.client.post(f"{path}?supplier_id=x", headers=client._headers()).status_code == 422


# --- open -------------------------------------------------------------------------------------

OPEN_EXPECTED = CANCEL_EXPECTED


@pytest.mark.parametrize("role", ROLES)
def test_open_per_role(people, api_client_for, role, after_deadline):
    status, detail = OPEN_EXPECTED[role]
    response = api_client_for(person(people, role)).post(
        f"/api/v1/competitions/{after_deadline.pk}/open"
    )
    after_deadline.refresh_from_db()
    if detail is not None:
        refused(response, status, detail)
        assert after_deadline.opened_at is None
        return
    assert response.status_code == 200
    body = response.json()
    assert body["opened"] is True
    assert body["status"] == "evaluation"
    assert body["detail"] is None
    assert after_deadline.opened_by == person(people, role)
    assert AuditEvent.objects.filter(event_type=AuditEventType.TENDERS_OPENED).count() == 1


def test_opening_before_the_deadline_is_refused_and_audited(people, api_client_for, tendered):
    client = api_client_for(people.buyer)
    response = client.post(f"/api/v1/competitions/{tendered.pk}/open")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Tenders cannot be opened before the deadline (")
    assert AuditEvent.objects.filter(event_type=AuditEventType.TENDER_ACCESS_REFUSED).count() == 1
    refused(client.get(f"/api/v1/competitions/{tendered.pk}/tenders"), 403, SEALED)
    tendered.refresh_from_db()
    assert tendered.opened_at is None


def test_dual_opening_needs_a_second_officer(people, api_client_for):
    market = make_market(people, dual_opening=True)
    member_suppliers(people, market, (people.supplier_a, people.supplier_a_admin))
    with time_machine.travel(market.first_period_ends_at + timedelta(hours=1), tick=False):
        call = make_call(people, market)
        tender(people, call)
    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=False):
        buyer = api_client_for(people.buyer)
        first = buyer.post(f"/api/v1/competitions/{call.pk}/open")
        assert first.status_code == 202
        assert first.json()["opened"] is False
        assert first.json()["detail"] == SECOND_OFFICER
        assert first.json()["opening_requested_at"] is not None
        refused(buyer.get(f"/api/v1/competitions/{call.pk}/tenders"), 403, SEALED)
        refused(buyer.post(f"/api/v1/competitions/{call.pk}/open"), 409, SECOND_OFFICER)
        second = api_client_for(people.commissioner).post(f"/api/v1/competitions/{call.pk}/open")
        assert second.status_code == 200
        assert second.json()["opened"] is True
        assert len(buyer.get(f"/api/v1/competitions/{call.pk}/tenders").json()["items"]) == 1
        refused(
            buyer.post(f"/api/v1/competitions/{call.pk}/open"),
            409,
            "The tenders have already been opened.",
        )


# --- conflict, scores, moderation, exclusion ---------------------------------------------------

CONFLICT_EXPECTED = {
    "authority_admin": (403, EVALUATE_ROLES_NEEDED),
    "commissioner": (201, None),
    "buyer": (201, None),
    "evaluator": (201, None),
    "other_buyer": (404, CALL_NOT_FOUND),
    "supplier_a_admin": (403, EVALUATE_ROLES_NEEDED),
    "supplier_a_writer": (403, EVALUATE_ROLES_NEEDED),
    "supplier_b_admin": (403, EVALUATE_ROLES_NEEDED),
    "anonymous": (401, UNAUTHENTICATED),
}


@pytest.mark.parametrize("role", ROLES)
def test_conflict_declaration_per_role(people, api_client_for, role, opened):
    status, detail = CONFLICT_EXPECTED[role]
    response = api_client_for(person(people, role)).post(
        f"/api/v1/competitions/{opened.pk}/conflict", {"has_conflict": False}
    )
    if detail is not None:
        refused(response, status, detail)
        assert not ConflictDeclaration.objects.exists()
        return
    assert response.status_code == 201
    assert response.json()["has_conflict"] is False
    assert response.json()["evaluator_id"] == person(people, role).pk


def test_conflict_details_are_required_and_a_conflicted_evaluator_cannot_score(
    people, api_client_for, opened
):
    client = api_client_for(people.evaluator)
    path = f"/api/v1/competitions/{opened.pk}/conflict"
    refused(client.post(path, {"has_conflict": True}), 422, "Give a reason.")
    assert client.post(path, {"has_conflict": "perhaps"}).status_code == 422
    assert client.post(path, {"has_conflict": True, "details": "Former trustee"}).status_code == 201
    refused(
        client.post(path, {"has_conflict": False}), 409, "You have already declared for this call."
    )
    response = client.post(
        f"/api/v1/competitions/{opened.pk}/scores",
        {"scores": scores_for(opened, {people.supplier_a: 3})},
    )
    refused(response, 403, "You declared a conflict of interest, so you cannot score this call.")


SCORE_EXPECTED = {role: (200, None) for role in EVALUATORS} | {
    "authority_admin": (403, EVALUATE_ROLES_NEEDED),
    "other_buyer": (404, CALL_NOT_FOUND),
    "supplier_a_admin": (403, EVALUATE_ROLES_NEEDED),
    "supplier_a_writer": (403, EVALUATE_ROLES_NEEDED),
    "supplier_b_admin": (403, EVALUATE_ROLES_NEEDED),
    "anonymous": (401, UNAUTHENTICATED),
}


@pytest.mark.parametrize("role", ROLES)
def test_scores_per_role(people, api_client_for, role, opened):
    actor = person(people, role)
    if role in EVALUATORS:
        services.conflict_declare(actor=actor, call=opened, has_conflict=False)
    status, detail = SCORE_EXPECTED[role]
    scores = scores_for(opened, {people.supplier_a: 3, people.supplier_b: 4})
    response = api_client_for(actor).post(
        f"/api/v1/competitions/{opened.pk}/scores", {"scores": scores, "submit": True}
    )
    if detail is not None:
        refused(response, status, detail)
        assert not Scoresheet.objects.exists()
        return
    assert response.status_code == 200
    body = response.json()
    assert body["evaluator_id"] == actor.pk
    assert body["submitted_at"] is not None
    assert body["scores"] == scores


def test_scoring_rules(people, api_client_for, opened):
    client = api_client_for(people.evaluator)
    path = f"/api/v1/competitions/{opened.pk}/scores"
    scores = scores_for(opened, {people.supplier_a: 3, people.supplier_b: 4})
    refused(
        client.post(path, {"scores": scores}),
        422,
        "Declare whether you have a conflict of interest before scoring.",
    )
    services.conflict_declare(actor=people.evaluator, call=opened, has_conflict=False)
    a = str(live(opened, people.supplier_a).pk)
    refused(
        client.post(path, {"scores": {a: {"quality": {"score": 5, "reason": "x"}}}}),
        422,
        "Scores run from 0 to 4.",
    )
    refused(
        client.post(path, {"scores": {"999999": {"quality": {"score": 1}}}}),
        422,
        "That tender is not part of this call.",
    )
    partial = {a: scores[a]}
    draft = client.post(path, {"scores": partial})
    assert draft.status_code == 200
    assert draft.json()["submitted_at"] is None
    response = client.post(path, {"scores": partial, "submit": True})
    assert response.status_code == 422
    assert response.json()["detail"].startswith(
        "Score every tender against every criterion, with a reason (missing: "
    )
    assert client.post(path, {"scores": scores, "submit": True}).status_code == 200
    refused(
        client.post(path, {"scores": scores}),
        409,
        "Your scores are submitted and can no longer be changed.",
    )


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"scores": "all fours"},
        {"scores": {"1": "good"}},
        {"scores": {"abc": {"quality": {"score": 1}}}},
        {"scores": {"1": {"Quality!": {"score": 1}}}},
        {"scores": {"1": {"quality": {"reason": "no score"}}}},
        {"scores": {"1": {"quality": {"score": "high"}}}},
        {"scores": {"1": {"quality": {"score": 1, "reason": "x" * 10_001}}}},
        {"scores": {}, "submit": "maybe"},
    ],
)
def test_malformed_scores_are_422(people, api_client_for, opened, payload):
    services.conflict_declare(actor=people.evaluator, call=opened, has_conflict=False)
    response = api_client_for(people.evaluator).post(
        f"/api/v1/competitions/{opened.pk}/scores", payload
    )
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)
    assert not Scoresheet.objects.exists()


def test_scoring_before_opening_is_refused(people, api_client_for, tendered):
    response = api_client_for(people.evaluator).post(
        f"/api/v1/competitions/{tendered.pk}/scores", {"scores": {}}
    )
    refused(response, 422, "The tenders have not been opened yet.")


# Moderators (commissioner, buyer) who score nothing see the submitted sheets they moderate.
SCORES_SEEN_EXPECTED = {
    "authority_admin": [],
    "commissioner": ["evaluator@authority.test"],
    "buyer": ["evaluator@authority.test"],
    "evaluator": ["evaluator@authority.test"],
}


@pytest.mark.parametrize("role", ROLES)
def test_scores_seen_per_role(people, api_client_for, role, scored):
    response = api_client_for(person(people, role)).get(f"/api/v1/competitions/{scored.pk}/scores")
    if role == "anonymous":
        return refused(response, 401, UNAUTHENTICATED)
    if role not in AUTHORITY_PEOPLE:
        return refused(response, 404, CALL_NOT_FOUND)
    assert response.status_code == 200
    names = [item["evaluator_name"] for item in response.json()["items"]]
    expected = [e.split("@")[0].title() for e in SCORES_SEEN_EXPECTED[role]]
    assert names == expected


def test_an_evaluator_sees_others_scores_only_after_submitting_its_own(
    people, api_client_for, scored
):
    second = make_person("second.evaluator@authority.test", people.authority, Role.EVALUATOR)
    services.conflict_declare(actor=second, call=scored, has_conflict=False)
    client = api_client_for(second)
    path = f"/api/v1/competitions/{scored.pk}/scores"
    assert client.get(path).json()["items"] == []
    scores = scores_for(scored, {people.supplier_a: 1, people.supplier_b: 1})
    assert client.post(path, {"scores": scores}).status_code == 200  # a draft
    seen = client.get(path).json()["items"]
    assert [item["evaluator_id"] for item in seen] == [second.pk]
    assert "Alpha Support CIC scored 2" not in json.dumps(seen)  # the first evaluator's reason
    assert client.post(path, {"scores": scores, "submit": True}).status_code == 200
    seen = client.get(path).json()["items"]
    assert {item["evaluator_id"] for item in seen} == {second.pk, people.evaluator.pk}
    first = next(item for item in seen if item["evaluator_id"] == people.evaluator.pk)
    assert first["scores"] == scores_for(scored, {people.supplier_a: 2, people.supplier_b: 4})


MODERATE_EXPECTED = SCORE_EXPECTED


@pytest.mark.parametrize("role", ROLES)
def test_moderation_per_role(people, api_client_for, role, scored):
    status, detail = MODERATE_EXPECTED[role]
    scores = scores_for(scored, {people.supplier_a: 3, people.supplier_b: 3})
    response = api_client_for(person(people, role)).post(
        f"/api/v1/competitions/{scored.pk}/moderation", {"scores": scores}
    )
    if detail is not None:
        refused(response, status, detail)
        assert not Moderation.objects.exists()
        return
    assert response.status_code == 200
    assert response.json()["scores"] == scores
    assert response.json()["moderator_id"] == person(people, role).pk


def test_moderation_needs_a_submitted_sheet_and_complete_scores(people, api_client_for, opened):
    client = api_client_for(people.commissioner)
    path = f"/api/v1/competitions/{opened.pk}/moderation"
    scores = scores_for(opened, {people.supplier_a: 3, people.supplier_b: 3})
    refused(
        client.post(path, {"scores": scores}),
        422,
        "At least one evaluator must submit scores before moderation.",
    )
    services.conflict_declare(actor=people.evaluator, call=opened, has_conflict=False)
    services.scoresheet_save(actor=people.evaluator, call=opened, scores=scores, submit=True)
    response = client.post(path, {"scores": {}})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Score every tender against every criterion")
    assert not Moderation.objects.exists()


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_moderation_refuses_a_blank_consensus_reason_and_copies_no_notes(
    people, api_client_for, scored, blank
):
    """A consensus score needs the moderator's own reason, since the bidder reads it: a
    blank or missing one is refused, never filled in from the evaluators' notes."""
    alpha = live(scored, people.supplier_a)
    scores = scores_for(scored, {people.supplier_a: 2, people.supplier_b: 4})
    if blank is None:
        del scores[str(alpha.pk)]["quality"]["reason"]
    else:
        scores[str(alpha.pk)]["quality"]["reason"] = blank
    refused(
        api_client_for(people.commissioner).post(
            f"/api/v1/competitions/{scored.pk}/moderation", {"scores": scores}
        ),
        422,
        "Give each consensus score a reason: the bidder reads it in its feedback "
        "(missing: Alpha Support CIC: Quality of the proposed service).",
    )
    assert not Moderation.objects.exists()
    assert not AuditEvent.objects.filter(event_type=AuditEventType.MODERATION_RECORDED).exists()


EXCLUDE_EXPECTED = SCORE_EXPECTED | {
    "supplier_a_admin": (404, CALL_NOT_FOUND),
    "supplier_a_writer": (404, CALL_NOT_FOUND),
    "supplier_b_admin": (404, CALL_NOT_FOUND),
}


@pytest.mark.parametrize("role", ROLES)
def test_exclude_per_role(people, api_client_for, role, opened):
    submission = live(opened, people.supplier_a)
    status, detail = EXCLUDE_EXPECTED[role]
    response = api_client_for(person(people, role)).post(
        f"/api/v1/competitions/{opened.pk}/tenders/{submission.pk}/exclude",
        {"reason": "No DBS evidence."},
    )
    submission.refresh_from_db()
    if detail is not None:
        refused(response, status, detail)
        assert submission.excluded_at is None
        return
    assert response.status_code == 200
    assert response.json()["exclusion_reason"] == "No DBS evidence."
    assert submission.excluded_at is not None


def test_exclude_refusals(people, api_client_for, tendered):
    client = api_client_for(people.buyer)
    submission = live(tendered, people.supplier_a)
    path = f"/api/v1/competitions/{tendered.pk}/tenders/{submission.pk}/exclude"
    refused(client.post(path, {"reason": "Early"}), 403, SEALED)
    with time_machine.travel(tendered.deadline + timedelta(minutes=1), tick=False):
        services.call_open(actor=people.buyer, call=tendered)
        refused(client.post(path, {"reason": "  "}), 422, "Give a reason.")
        superseded = TenderSubmission.objects.create(
            call=tendered,
            supplier=people.supplier_a,
            submitted_by=people.supplier_a_admin,
            received_at=submission.received_at,
            sealed_payload=b"x",
            sealed_sha256="",
            receipt={},
            receipt_signature="",
            superseded_at=submission.received_at,
        )
        for submission_id in [superseded.pk, 999_999]:
            refused(
                client.post(
                    f"/api/v1/competitions/{tendered.pk}/tenders/{submission_id}/exclude",
                    {"reason": "x"},
                ),
                404,
                "Tender not found.",
            )


# --- award, close, contract, feedback ----------------------------------------------------------

AWARD_EXPECTED = CANCEL_EXPECTED


@pytest.mark.parametrize("role", ROLES)
def test_award_per_role(people, api_client_for, role, moderated):
    status, detail = AWARD_EXPECTED[role]
    response = api_client_for(person(people, role)).post(
        f"/api/v1/competitions/{moderated.pk}/award", {}
    )
    if detail is not None:
        refused(response, status, detail)
        assert not Award.objects.exists()
        return
    assert response.status_code == 200
    body = response.json()
    # Alpha: 60×2/4 + 10×2/4 + 30 = 65; Beta: 60 + 10 + 30×4000/5000 = 94.
    assert body["winner_supplier_name"] == "Beta Care Ltd"
    assert body["winner_supplier_id"] == people.supplier_b.pk
    assert [(r["supplier_id"], r["rank"], Decimal(r["total"])) for r in body["ranking"]] == [
        (people.supplier_b.pk, 1, Decimal("94.00")),
        (people.supplier_a.pk, 2, Decimal("65.00")),
    ]
    assert body["standstill_ends_at"] is None  # PCR call-off: no standstill
    assert Decimal(body["contract_value"]) == Decimal("5000")
    assert Contract.objects.get().supplier == people.supplier_b


def test_award_refusals(people, api_client_for, scored):
    client = api_client_for(people.buyer)
    path = f"/api/v1/competitions/{scored.pk}/award"
    refused(client.post(path, {}), 422, "Record the consensus scores before the award.")
    assert client.post(path, {"voluntary_standstill": "yes please"}).status_code == 422
    services.moderation_record(
        actor=people.commissioner,
        call=scored,
        scores=scores_for(scored, {people.supplier_a: 2, people.supplier_b: 4}),
    )
    assert client.post(path, {"voluntary_standstill": True}).status_code == 200
    refused(client.post(path, {}), 409, "This call has already been awarded.")
    assert Award.objects.count() == 1


def test_a_voluntary_standstill_holds_the_pcr_contract(people, api_client_for, moderated):
    client = api_client_for(people.buyer)
    award = client.post(
        f"/api/v1/competitions/{moderated.pk}/award", {"voluntary_standstill": True}
    ).json()
    ends = datetime.fromisoformat(award["standstill_ends_at"])
    assert client.get(f"/api/v1/competitions/{moderated.pk}").json()["status"] == "standstill"
    path = f"/api/v1/competitions/{moderated.pk}/contract"
    refused(client.post(path), 422, "The standstill period has not ended.")
    with time_machine.travel(ends + timedelta(minutes=1), tick=False):
        response = client.post(path)
        assert response.status_code == 201
        assert response.json()["supplier_name"] == "Beta Care Ltd"
        refused(client.post(path), 409, "The contract has already been entered into.")


CLOSE_EXPECTED = CANCEL_EXPECTED


@pytest.mark.parametrize("role", ROLES)
def test_close_without_award_per_role(people, api_client_for, role, opened):
    for supplier in [people.supplier_a, people.supplier_b]:
        services.tender_exclude(
            actor=people.buyer, submission=live(opened, supplier), reason="No DBS evidence."
        )
    status, detail = CLOSE_EXPECTED[role]
    response = api_client_for(person(people, role)).post(
        f"/api/v1/competitions/{opened.pk}/close", {"reason": "No compliant tender."}
    )
    opened.refresh_from_db()
    if detail is not None:
        refused(response, status, detail)
        assert opened.no_compliant_at is None
        return
    assert response.status_code == 200
    assert response.json()["status"] == "no_compliant"
    assert response.json()["closed_reason"] == "No compliant tender."


@pytest.fixture
def pa_awarded(people):
    """A PA 2023 market: the award starts an 8-working-day standstill."""
    with time_machine.travel(datetime(2027, 4, 1, 9, tzinfo=LONDON), tick=False):
        market = make_market(people, regime="pa2023_dynamic_market")
        member_suppliers(people, market, (people.supplier_a, people.supplier_a_admin))
        call = make_call(people, market, deadline=datetime(2027, 4, 20, 12, tzinfo=LONDON))
        tender(people, call, price="10000")
    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=False):
        services.call_open(actor=people.buyer, call=call)
        services.conflict_declare(actor=people.evaluator, call=call, has_conflict=False)
        scores = scores_for(call, {people.supplier_a: 3})
        services.scoresheet_save(actor=people.evaluator, call=call, scores=scores, submit=True)
        services.moderation_record(actor=people.commissioner, call=call, scores=scores)
        award = services.award_decide(actor=people.buyer, call=call)
    return call, award


CONTRACT_EXPECTED = {
    "authority_admin": (201, None),
    "commissioner": (201, None),
    "buyer": (201, None),
} | {role: value for role, value in CANCEL_EXPECTED.items() if role not in BUYERS}
CONTRACT_EXPECTED["supplier_b_admin"] = (404, CALL_NOT_FOUND)  # only Alpha is invited


@pytest.mark.parametrize("role", ROLES)
def test_contract_per_role_after_the_standstill(people, api_client_for, role, pa_awarded):
    call, award = pa_awarded
    status, detail = CONTRACT_EXPECTED[role]
    with time_machine.travel(award.standstill_ends_at + timedelta(minutes=1), tick=False):
        response = api_client_for(person(people, role)).post(
            f"/api/v1/competitions/{call.pk}/contract"
        )
    if detail is not None:
        refused(response, status, detail)
        assert not Contract.objects.exists()
        return
    assert response.status_code == 201
    assert response.json()["supplier_id"] == people.supplier_a.pk
    assert Decimal(response.json()["value"]) == Decimal("10000")
    assert Contract.objects.get().call == call


FEEDBACK_EXPECTED = {
    "supplier_a_admin": ("Alpha Support CIC", 2),
    "supplier_a_writer": ("Alpha Support CIC", 2),
    "supplier_b_admin": ("Beta Care Ltd", 1),
}


@pytest.mark.parametrize("role", ROLES)
def test_feedback_per_role(people, api_client_for, role, awarded):
    response = api_client_for(person(people, role)).get(
        f"/api/v1/competitions/{awarded.pk}/feedback"
    )
    if role == "anonymous":
        return refused(response, 401, UNAUTHENTICATED)
    if role not in FEEDBACK_EXPECTED:
        return refused(response, 404, NO_FEEDBACK)
    name, rank = FEEDBACK_EXPECTED[role]
    assert response.status_code == 200
    body = response.json()
    supplier = people.supplier_a if rank == 2 else people.supplier_b
    assert body["supplier_id"] == supplier.pk
    assert body["rank"] == rank
    assert body["won"] is (rank == 1)
    assert body["bidders"] == 2
    assert Decimal(body["winner_total"]) == Decimal("94.00")
    quality = body["criteria"][0]
    assert quality["key"] == "quality"
    assert quality["reason"] == f"{name} scored {2 if rank == 2 else 4} on quality"
    # The winner never reads a losing bidder's name or reasons; a losing bidder reads the
    # winning tender's advantages in the evaluators' words, and who won once it is published.
    if rank == 1:
        assert "Alpha Support CIC" not in response.content.decode()
        assert body["relative_advantages"] == []
    if rank == 2:
        assert body["relative_advantages"][0].startswith(
            "Quality of the proposed service: the winning tender was scored Excellent (4) "
            "against your Acceptable (2), earning 60.00 points to your 30.00."
        )
        assert (
            "The evaluators' reason: Beta Care Ltd scored 4 on quality"
            in (body["relative_advantages"][0])
        )
    award = Award.objects.get(call_id=body["call_id"])
    published = award.award_notice_published_at is not None
    assert body["winning_supplier"] == ("Beta Care Ltd" if published else None)


def test_a_supplier_never_sees_another_suppliers_things_by_guessing_ids(
    people, api_client_for, awarded
):
    """Beta is not invited to a second call (only Alpha is a member of its category)."""
    with time_machine.travel(awarded.deadline - timedelta(days=1), tick=False):
        pass
    market = make_market(people, title="Second DPS", categories=("Basic skills",))
    member_suppliers(people, market, (people.supplier_a, people.supplier_a_admin))
    with time_machine.travel(market.first_period_ends_at + timedelta(hours=1), tick=False):
        hidden = make_call(people, market, title="Only Alpha")
        tender(people, hidden)
    client = api_client_for(people.supplier_b_admin)
    own = {awarded.pk}
    for guess in range(1, hidden.pk + 3):
        detail = client.get(f"/api/v1/competitions/{guess}")
        tenders = client.get(f"/api/v1/competitions/{guess}/tenders")
        feedback = client.get(f"/api/v1/competitions/{guess}/feedback")
        if guess in own:
            assert detail.status_code == tenders.status_code == feedback.status_code == 200
            continue
        refused(detail, 404, CALL_NOT_FOUND)
        refused(tenders, 404, CALL_NOT_FOUND)
        refused(feedback, 404, NO_FEEDBACK)
        refused(client.get(f"/api/v1/competitions/{guess}/questions"), 404, CALL_NOT_FOUND)
    for submission in TenderSubmission.objects.exclude(supplier=people.supplier_b):
        response = client.post(
            f"/api/v1/competitions/{submission.call_id}/tenders/{submission.pk}/exclude",
            {"reason": "x"},
        )
        refused(response, 404, CALL_NOT_FOUND)
    assert not TenderSubmission.objects.exclude(excluded_at=None).exists()
    assert Feedback.objects.filter(supplier=people.supplier_b).count() == 1


# --- receipts ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_receipt_verify_and_public_key_for_everyone(people, api_client_for, role, tendered):
    submission = live(tendered, people.supplier_a)
    client = api_client_for(person(people, role))
    good = {"receipt": submission.receipt, "signature": submission.receipt_signature}
    response = client.post("/api/v1/receipts/verify", good)
    assert response.status_code == 200
    assert response.json() == {
        "signature_valid": True,
        "matches_stored_tender": True,
        "valid": True,
    }
    key = client.get("/api/v1/receipts/public-key")
    assert key.status_code == 200
    assert key.json() == {
        "algorithm": "Ed25519",
        "encoding": "base64url",
        "public_key": signing_public_key_b64(),
    }


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"received_at": "2020-01-01T00:00:00.000+00:00"}, (False, False)),
        ({"sealed_sha256": "0" * 64}, (False, False)),
        ({"documents": 3}, (False, False)),
    ],
)
def test_a_forged_receipt_is_invalid(people, api_client_for, tendered, change, expected):
    submission = live(tendered, people.supplier_a)
    response = api_client_for(None).post(
        "/api/v1/receipts/verify",
        {"receipt": submission.receipt | change, "signature": submission.receipt_signature},
    )
    assert response.status_code == 200
    signed, stored = expected
    assert response.json() == {
        "signature_valid": signed,
        "matches_stored_tender": stored,
        "valid": False,
    }


def test_a_genuine_receipt_for_a_tender_we_no_longer_hold_is_invalid(
    people, api_client_for, tendered
):
    submission = live(tendered, people.supplier_a)
    receipt = submission.receipt
    TenderSubmission.objects.filter(pk=submission.pk).update(sealed_sha256="f" * 64)
    response = api_client_for(None).post(
        "/api/v1/receipts/verify", {"receipt": receipt, "signature": submission.receipt_signature}
    )
    assert response.json() == {
        "signature_valid": True,
        "matches_stored_tender": False,
        "valid": False,
    }


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"receipt": "x", "signature": "y"},
        {"receipt": {"submission_id": 10**30}, "signature": "y"},
        {"receipt": {"call_id": "1"}, "signature": "y"},
        {
            "receipt": {
                "call_id": 1,
                "supplier_id": 1,
                "submission_id": "abc",
                "received_at": "x",
                "sealed_sha256": "x",
                "documents": 0,
            },
            "signature": "y",
        },
        {
            "receipt": {
                "call_id": 1,
                "supplier_id": 1,
                "submission_id": 1,
                "received_at": "x",
                "sealed_sha256": "x",
                "documents": 0,
                "extra": True,
            },
            "signature": "y",
        },
    ],
)
def test_receipt_verify_refuses_malformed_input_with_422(people, api_client_for, payload):
    response = api_client_for(None).post("/api/v1/receipts/verify", payload)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


@pytest.mark.parametrize("signature", ["", "!!!", "é", "A" * 200])
def test_receipt_verify_with_a_nonsense_signature_is_invalid_not_an_error(
    people, api_client_for, tendered, signature
):
    submission = live(tendered, people.supplier_a)
    response = api_client_for(None).post(
        "/api/v1/receipts/verify", {"receipt": submission.receipt, "signature": signature}
    )
    assert response.status_code == 200
    assert response.json()["signature_valid"] is False


def test_a_wrong_token_is_refused_even_on_the_public_receipt_routes(db):
    response = Client().get(
        "/api/v1/receipts/public-key", headers={"Authorization": "Bearer odps_wrong"}
    )
    refused(response, 401, UNAUTHENTICATED)


# --- standing offers ------------------------------------------------------------------------


def offer_payload(**overrides: Any) -> dict[str, Any]:
    return {
        "description": "1-2-1 CV coaching",
        "delivery_areas": ["Leeds", " Bradford "],
        "capacity": "40 claimants a month",
        "social_value": "Two apprentices from the area each year.",
        "price_per_hour": "32.50",
    } | overrides


@pytest.mark.parametrize("role", ROLES)
def test_standing_offer_list_per_role(people, api_client_for, role, market):
    member = CategoryMember.objects.get(supplier=people.supplier_a)
    services.standing_offer_save(
        actor=people.supplier_a_admin,
        member=member,
        description="1-2-1 CV coaching",
        price_per_hour=Decimal("32.50"),
    )
    response = api_client_for(person(people, role)).get(
        f"/api/v1/categories/{member.category_id}/offers"
    )
    if role == "anonymous":
        return refused(response, 401, UNAUTHENTICATED)
    if role == "other_buyer":
        return refused(response, 404, CATEGORY_NOT_FOUND)
    assert response.status_code == 200
    [offer] = response.json()["items"]
    assert offer["supplier_name"] == "Alpha Support CIC"
    assert Decimal(offer["price_per_hour"]) == Decimal("32.50")


def test_a_missing_category_and_a_hidden_one_look_the_same(people, api_client_for, market):
    client = api_client_for(people.other_buyer)
    hidden = client.get(f"/api/v1/categories/{market.categories.get().pk}/offers")
    missing = client.get("/api/v1/categories/999999/offers")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"detail": CATEGORY_NOT_FOUND, "code": "not_found"}


OFFER_EXPECTED = {
    "authority_admin": (404, MEMBER_NOT_FOUND),
    "commissioner": (404, MEMBER_NOT_FOUND),
    "buyer": (404, MEMBER_NOT_FOUND),
    "evaluator": (404, MEMBER_NOT_FOUND),
    "other_buyer": (404, MEMBER_NOT_FOUND),
    "supplier_a_admin": (200, None),
    "supplier_a_writer": (200, None),
    "supplier_b_admin": (404, MEMBER_NOT_FOUND),
    "anonymous": (401, UNAUTHENTICATED),
}


@pytest.mark.parametrize("role", ROLES)
def test_standing_offer_save_per_role(people, api_client_for, role, market):
    member = CategoryMember.objects.get(supplier=people.supplier_a)
    status, detail = OFFER_EXPECTED[role]
    client = api_client_for(person(people, role))
    response = put(
        client,
        f"/api/v1/members/{member.pk}/offer",
        offer_payload(),
    )
    if detail is not None:
        refused(response, status, detail)
        assert not StandingOffer.objects.exists()
        return
    assert response.status_code == 200
    body = response.json()
    assert body["member_id"] == member.pk
    assert body["delivery_areas"] == ["Leeds", "Bradford"]
    assert body["social_value"] == "Two apprentices from the area each year."
    assert StandingOffer.objects.get().price_per_hour == Decimal("32.50")
    again = put(
        client,
        f"/api/v1/members/{member.pk}/offer",
        offer_payload(price_per_hour=None, price_per_service_user="450"),
    )
    assert again.status_code == 200
    assert StandingOffer.objects.get().price_per_hour is None


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"price_per_hour": None}, 422),  # the service: give a price
        ({"price_per_hour": "-1"}, 422),
        ({"price_per_hour": "1234567.00"}, 422),
        ({"price_per_hour": "lots"}, 422),
        ({"description": " "}, 422),
        ({"delivery_areas": "Leeds"}, 422),
        ({"capacity": "x" * 201}, 422),
    ],
)
def test_standing_offer_refusals(people, api_client_for, market, overrides, status):
    member = CategoryMember.objects.get(supplier=people.supplier_a)
    response = put(
        api_client_for(people.supplier_a_admin),
        f"/api/v1/members/{member.pk}/offer",
        offer_payload(**overrides),
    )
    assert response.status_code == status
    assert "detail" in response.json()
    assert not StandingOffer.objects.exists()


def test_a_removed_member_keeps_no_standing_offer(people, api_client_for, market):
    from opendps.membership import services as membership_services

    member = CategoryMember.objects.get(supplier=people.supplier_a)
    membership_services.member_remove(actor=people.commissioner, member=member, reason="Left")
    response = put(
        api_client_for(people.supplier_a_admin),
        f"/api/v1/members/{member.pk}/offer",
        offer_payload(),
    )
    refused(response, 409, "Only a current member of the category can keep a standing offer there.")


# --- the whole journey, through the API only -------------------------------------------------------


@pytest.mark.parametrize("regime", ["pcr2015_dps", "pa2023_dynamic_market"])
def test_call_journey_from_draft_to_feedback_and_contract(
    people, api_client_for, mailbox, django_capture_on_commit_callbacks, regime
):
    market = make_market(people, regime=regime)
    member_suppliers(
        people,
        market,
        (people.supplier_a, people.supplier_a_admin),
        (people.supplier_b, people.supplier_b_admin),
    )
    start = market.first_period_ends_at or clock.now()
    buyer = api_client_for(people.buyer)
    alpha = api_client_for(people.supplier_a_writer)
    beta = api_client_for(people.supplier_b_admin)
    with time_machine.travel(start + timedelta(hours=1), tick=True):
        deadline = clock.now() + timedelta(days=12)
        created = buyer.post(
            "/api/v1/competitions",
            call_payload(market, deadline=deadline.isoformat()),
        )
        assert created.status_code == 201, created.json()
        call_id = created.json()["id"]
        base = f"/api/v1/competitions/{call_id}"
        with django_capture_on_commit_callbacks(execute=True):
            published = buyer.post(f"{base}/publish")
        assert published.json()["status"] == "open"
        assert {m["To"] for m in mailbox.messages} >= {"admin@alpha.test", "admin@beta.test"}

        asked = alpha.post(f"{base}/questions", {"question": "Can sessions be online?"})
        assert asked.status_code == 201
        assert beta.get(f"{base}/questions").json()["items"] == []  # not answered yet
        answered = buyer.post(
            f"{base}/questions/{asked.json()['id']}/answer", {"answer": "Yes, half of them."}
        )
        assert answered.status_code == 200
        [shared] = beta.get(f"{base}/questions").json()["items"]
        assert (shared["question"], shared["answer"]) == (
            "Can sessions be online?",
            "Yes, half of them.",
        )
        assert "Alpha" not in json.dumps(shared)

        call = Call.objects.get(pk=call_id)
        first = alpha.post(f"{base}/tenders", tender_payload(call, price="4500"))
        assert first.status_code == 201
        second = alpha.post(f"{base}/tenders", tender_payload(call, price="4000"))
        assert second.status_code == 201
        beta_receipt = post_multipart(
            beta,
            f"{base}/tenders",
            {
                "price": "5000",
                "answers": json.dumps(answers_for(call, "Beta's plan")),
                "documents": [pdf()],
            },
        )
        assert beta_receipt.status_code == 201
        assert [r["state"] for r in alpha.get(f"{base}/tenders").json()["items"]] == [
            "live",
            "superseded",
        ]
        for receipt in [first.json(), second.json(), beta_receipt.json()]:
            assert api_client_for(None).post("/api/v1/receipts/verify", receipt).json()["valid"]
        refused(buyer.get(f"{base}/tenders"), 403, SEALED)

    with time_machine.travel(deadline + timedelta(milliseconds=1), tick=False):
        refused(alpha.post(f"{base}/tenders", tender_payload(call)), 422, DEADLINE_PASSED)
        assert buyer.get(base).json()["status"] == "closed"
        opened = buyer.post(f"{base}/open")
        assert opened.status_code == 200
        assert opened.json()["status"] == "evaluation"
        tenders = buyer.get(f"{base}/tenders").json()["items"]
        assert [(t["supplier_name"], Decimal(t["price"])) for t in tenders] == [
            ("Alpha Support CIC", Decimal("4000")),
            ("Beta Care Ltd", Decimal("5000")),
        ]
        assert tenders[1]["documents"][0]["name"] == "method.pdf"
        assert tenders[1]["answers"]["quality"] == "Beta's plan to Quality of the proposed service."

        evaluator = api_client_for(people.evaluator)
        assert evaluator.post(f"{base}/conflict", {"has_conflict": False}).status_code == 201
        by_supplier = {t["supplier_name"]: str(t["submission_id"]) for t in tenders}
        scores = {
            by_supplier[name]: {
                key: {"score": score, "reason": f"{name}: {key} scored {score}"}
                for key in ("quality", "social_value")
            }
            for name, score in [("Alpha Support CIC", 2), ("Beta Care Ltd", 4)]
        }
        sheet = evaluator.post(f"{base}/scores", {"scores": scores, "submit": True})
        assert sheet.status_code == 200
        assert [s["evaluator_id"] for s in evaluator.get(f"{base}/scores").json()["items"]] == [
            people.evaluator.pk
        ]
        moderated = api_client_for(people.commissioner).post(
            f"{base}/moderation", {"scores": scores}
        )
        assert moderated.status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            award = buyer.post(f"{base}/award", {})
        assert award.status_code == 200, award.json()
        assert award.json()["winner_supplier_name"] == "Beta Care Ltd"
        assert [Decimal(r["total"]) for r in award.json()["ranking"]] == [
            Decimal("94.00"),
            Decimal("65.00"),
        ]
        feedback_a = alpha.get(f"{base}/feedback").json()
        feedback_b = beta.get(f"{base}/feedback").json()
        assert (feedback_a["rank"], feedback_a["won"]) == (2, False)
        assert (feedback_b["rank"], feedback_b["won"]) == (1, True)
        assert feedback_a["criteria"][0]["reason"] == "Alpha Support CIC: quality scored 2"
        assert feedback_a["relative_advantages"]
        assert feedback_b["relative_advantages"] == []
        refused(buyer.get(f"{base}/feedback"), 404, NO_FEEDBACK)
        subjects = {m["Subject"] for m in mailbox.to("admin@alpha.test")}
        assert f"Outcome and feedback: {call.title}" in subjects

        contract_path = f"{base}/contract"
        if regime == "pcr2015_dps":
            # A PCR call-off has no standstill: the contract is made with the award.
            assert award.json()["standstill_ends_at"] is None
            assert buyer.get(base).json()["status"] == "awarded"
            refused(buyer.post(contract_path), 409, "The contract has already been entered into.")
            assert Contract.objects.get().supplier == people.supplier_b
            return
        ends = datetime.fromisoformat(award.json()["standstill_ends_at"])
        assert buyer.get(base).json()["status"] == "standstill"
        refused(buyer.post(contract_path), 422, "The standstill period has not ended.")
        assert not Contract.objects.exists()

    with time_machine.travel(ends + timedelta(seconds=1), tick=False):
        assert buyer.get(base).json()["status"] == "awarded"
        contract = buyer.post(contract_path)
        assert contract.status_code == 201
        assert contract.json()["supplier_name"] == "Beta Care Ltd"
        assert Decimal(contract.json()["value"]) == Decimal("5000")
    assert Contract.objects.get().supplier == people.supplier_b


# --- the OpenAPI document -----------------------------------------------------------------------------


def test_openapi_document_lists_the_competition_paths(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    base = "/api/v1/competitions/{call_id}"
    expected = {
        "/api/v1/competitions": {"get", "post"},
        base: {"get"},
        f"{base}/publish": {"post"},
        f"{base}/cancel": {"post"},
        f"{base}/questions": {"get", "post"},
        f"{base}/questions/{{question_id}}/answer": {"post"},
        f"{base}/tenders": {"get", "post"},
        f"{base}/tenders/withdraw": {"post"},
        f"{base}/open": {"post"},
        f"{base}/conflict": {"post"},
        f"{base}/scores": {"get", "post"},
        f"{base}/moderation": {"post"},
        f"{base}/tenders/{{submission_id}}/exclude": {"post"},
        f"{base}/award": {"post"},
        f"{base}/contract": {"post"},
        f"{base}/close": {"post"},
        f"{base}/feedback": {"get"},
        "/api/v1/receipts/verify": {"post"},
        "/api/v1/receipts/public-key": {"get"},
        "/api/v1/categories/{category_id}/offers": {"get"},
        "/api/v1/members/{member_id}/offer": {"put"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), path
    body = paths[f"{base}/tenders"]["post"]["requestBody"]
    assert set(body["content"]) == {"application/json", "multipart/form-data"}
    assert {} in paths["/api/v1/receipts/verify"]["post"]["security"]
    assert {} not in paths[f"{base}/tenders"]["get"]["security"]
    call_out = json.dumps(Client().get("/api/v1/openapi.json").json()["components"])
    assert "wrapped_private_key" not in call_out
    assert "asked_by" not in call_out


def test_api_roles_match_the_service_roles():
    """The tables above assume these roles; fail loudly if they change."""
    assert {Role.AUTHORITY_ADMIN, Role.COMMISSIONER, Role.BUYER} == BUY_ROLES
    assert {Role.COMMISSIONER, Role.BUYER, Role.EVALUATOR} == EVALUATE_ROLES == MODERATE_ROLES
