"""/api/v1 applications, decisions and members for every role: a supplier sees only its own
applications, an authority only those to its markets; bad input is a 4xx that writes nothing;
the whole journey from a new market to an admitted member who is told by email."""

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

from opendps.accounts.models import Membership, Role
from opendps.core import clock
from opendps.core.calendar import LONDON
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.markets import services as market_services
from opendps.markets.models import Market
from opendps.markets.questionnaire import questionnaire_parse
from opendps.membership import services
from opendps.membership.models import Application, ApplicationDocument, CategoryMember
from opendps.testing.factories import TINY_PDF, good_answers, make_market
from opendps.testing.fixtures import make_person

pytestmark = pytest.mark.django_db

ROLES = [
    "authority_admin",
    "commissioner",
    "buyer",
    "evaluator",
    "other_buyer",
    "other_evaluator",
    "supplier_a_admin",
    "supplier_a_writer",
    "supplier_b_admin",
    "anonymous",
]
AUTHORITY_PEOPLE = {"authority_admin", "commissioner", "buyer", "evaluator"}
ASSESSORS = {"authority_admin", "commissioner", "evaluator"}

UNAUTHENTICATED = "Authentication required: send a valid, unrevoked API token."
NOT_A_SUPPLIER = "Only a supplier organisation can apply to join a market."
NOT_OPEN = "This market is not open for applications."
APPLICATION_NOT_FOUND = "Application not found."
MARKET_NOT_FOUND = "Market not found."
ASSESS_ROLES_NEEDED = (
    "You need one of these roles in Test Borough Council: Administrator, Commissioner, Evaluator."
)

QUESTIONS = [
    {"id": "name", "text": "What is your organisation's legal name?", "kind": "text"},
    {
        "id": "fraud",
        "text": "Has your organisation been convicted of fraud?",
        "kind": "yes_no",
        "rule": {"kind": "in", "values": ["no"]},
        "failure": "mandatory_exclusion",
    },
    {
        "id": "insolvency",
        "text": "Is your organisation insolvent?",
        "kind": "yes_no",
        "rule": {"kind": "in", "values": ["no"]},
        "failure": "discretionary_exclusion",
    },
    {
        "id": "staff",
        "text": "How many staff do you employ?",
        "kind": "number",
        "rule": {"kind": "min", "number": "3"},
    },
]
GOOD = {"name": "Alpha Support CIC", "fraud": "no", "insolvency": "No", "staff": 12}


@pytest.fixture(autouse=True)
def fixed_day():
    """A fixed date inside the PCR 2015 regime's life (DPSs may run to 23 Feb 2029)."""
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=LONDON), tick=True):
        yield


def person(people: Any, role: str) -> Any:
    if role == "anonymous":
        return None
    if role == "other_evaluator":
        return make_person("evaluator@other.test", people.other_authority, Role.EVALUATOR)
    return people.by_name(role)


def simple_market(
    people: Any, *, regime: str = "pcr2015_dps", publish: bool = True, title: str = "Support"
) -> Market:
    """A market whose one category asks four questions and no file (so JSON will do)."""
    now = clock.now()
    market = market_services.market_create(
        actor=people.commissioner,
        authority=people.authority,
        regime=regime,
        title=title,
        description="Support for people looking for work.",
        cpv_codes=["79600000-0"],
        estimated_value=Decimal("1000000"),
        estimated_purchases=500,
        validity_starts_at=now,
        validity_ends_at=now + timedelta(days=365),
    )
    market_services.category_add(
        actor=people.commissioner, market=market, title="Coaching", questions=QUESTIONS
    )
    if publish:
        market = market_services.market_publish(actor=people.commissioner, market=market)
    return market


def application_payload(market: Market, **overrides: Any) -> dict[str, Any]:
    return {"category_ids": [market.categories.get().pk], "answers": dict(GOOD)} | overrides


def submit(people: Any, market: Market, supplier: Any = None, **overrides: Any) -> Application:
    """Apply through the service (set-up for the read and decision tests)."""
    actor = people.supplier_b_admin if supplier == people.supplier_b else people.supplier_a_admin
    [application] = services.application_submit(
        actor=actor,
        supplier=supplier or people.supplier_a,
        market=market,
        category_ids=[market.categories.get().pk],
        answers=GOOD | overrides,
    )
    return application


def nothing_submitted() -> bool:
    return (
        not Application.objects.exists()
        and not ApplicationDocument.objects.exists()
        and not AuditEvent.objects.filter(event_type=AuditEventType.APPLICATION_SUBMITTED).exists()
    )


def post_raw(client: Any, path: str, body: Any, content_type: str) -> Any:
    return client.client.post(path, body, content_type=content_type, headers=client._headers())


def post_multipart(client: Any, path: str, data: dict[str, Any]) -> Any:
    return client.client.post(path, data, headers=client._headers())


# --- POST /markets/{id}/applications ------------------------------------------------------------

APPLY_EXPECTED = {
    "authority_admin": (403, NOT_A_SUPPLIER),
    "commissioner": (403, NOT_A_SUPPLIER),
    "buyer": (403, NOT_A_SUPPLIER),
    "evaluator": (403, NOT_A_SUPPLIER),
    "other_buyer": (403, NOT_A_SUPPLIER),
    "other_evaluator": (403, NOT_A_SUPPLIER),
    "supplier_a_admin": (201, "Alpha Support CIC"),
    "supplier_a_writer": (201, "Alpha Support CIC"),
    "supplier_b_admin": (201, "Beta Care Ltd"),
    "anonymous": (401, UNAUTHENTICATED),
}


@pytest.mark.parametrize("role", ROLES)
def test_apply_per_role(people, api_client_for, role):
    market = simple_market(people)
    status, text = APPLY_EXPECTED[role]
    response = api_client_for(person(people, role)).post(
        f"/api/v1/markets/{market.pk}/applications", application_payload(market)
    )
    assert response.status_code == status, response.json()
    if status != 201:
        assert response.json()["detail"] == text
        assert nothing_submitted()
        return
    [body] = response.json()
    application = Application.objects.get()
    assert body["id"] == application.pk
    assert body["supplier_name"] == text
    assert body["market_id"] == market.pk
    assert body["category_id"] == market.categories.get().pk
    assert body["status"] == "awaiting"
    assert body["outcome"] == ""
    assert body["reasons"] == {}
    assert body["questionnaire_version"] == 1
    # JSON times carry milliseconds (Django's encoder), in London time.
    due = datetime.fromisoformat(body["assessment_due_at"])
    assert abs(due - application.assessment_due_at) < timedelta(milliseconds=1)
    assert {qid: item["outcome"] for qid, item in body["auto_assessment"].items()} == {
        "name": "manual",
        "fraud": "pass",
        "insolvency": "pass",
        "staff": "pass",
    }
    assert application.answers == {
        "name": "Alpha Support CIC",
        "fraud": "no",
        "insolvency": "no",
        "staff": "12",
    }
    assert application.submitted_by == person(people, role)


@pytest.mark.parametrize(
    "answers",
    [
        {"staff": ["12"]},
        {"staff": {"value": 12}},
        {"fraud": True},
        {"name": "x" * 20_001},
        {"q" * 41: "too long an id"},
    ],
)
def test_an_answer_of_the_wrong_type_is_422_and_nothing_is_written(people, api_client_for, answers):
    market = simple_market(people)
    response = api_client_for(people.supplier_a_admin).post(
        f"/api/v1/markets/{market.pk}/applications",
        application_payload(market, answers=GOOD | answers),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:2] == ["body", "answers"]
    assert nothing_submitted()


@pytest.mark.parametrize(
    ("answers", "detail"),
    [
        ({"staff": "plenty"}, "Enter a number for: How many staff do you employ?"),
        ({"staff": "1e5"}, "Enter a number for: How many staff do you employ?"),
        (
            {"fraud": "maybe"},
            "Choose one of the options for: Has your organisation been convicted of fraud?",
        ),
        ({"name": "  "}, "Answer the question: What is your organisation's legal name?"),
        ({"name": None}, "Answer the question: What is your organisation's legal name?"),
    ],
)
def test_an_answer_the_question_refuses_is_422_with_its_message(
    people, api_client_for, answers, detail
):
    market = simple_market(people)
    response = api_client_for(people.supplier_a_admin).post(
        f"/api/v1/markets/{market.pk}/applications",
        application_payload(market, answers=GOOD | answers),
    )
    assert response.status_code == 422
    assert response.json()["detail"] == detail
    assert nothing_submitted()


@pytest.mark.parametrize(
    ("payload", "status", "detail"),
    [
        ({"category_ids": []}, 422, "Choose at least one category to apply to."),
        ({"category_ids": [999_999]}, 422, "That category is not part of this market."),
        ({"supplier_id": "supplier_b"}, 404, "Organisation not found."),
        ({"supplier_id": "authority"}, 404, "Organisation not found."),
    ],
)
def test_apply_refuses_other_categories_and_other_suppliers(
    people, api_client_for, payload, status, detail
):
    market = simple_market(people)
    if "supplier_id" in payload:
        payload = {"supplier_id": getattr(people, payload["supplier_id"]).pk}
    response = api_client_for(people.supplier_a_admin).post(
        f"/api/v1/markets/{market.pk}/applications", application_payload(market, **payload)
    )
    assert response.status_code == status
    assert response.json()["detail"] == detail
    assert nothing_submitted()


def test_a_category_of_another_market_is_refused(people, api_client_for):
    market = simple_market(people)
    other = simple_market(people, title="Other")
    response = api_client_for(people.supplier_a_admin).post(
        f"/api/v1/markets/{market.pk}/applications",
        application_payload(market, category_ids=[other.categories.get().pk]),
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "That category is not part of this market."


def test_applying_twice_while_waiting_is_a_conflict(people, api_client_for):
    market = simple_market(people)
    client = api_client_for(people.supplier_a_writer)
    path = f"/api/v1/markets/{market.pk}/applications"
    assert client.post(path, application_payload(market)).status_code == 201
    response = client.post(path, application_payload(market))
    assert response.status_code == 409
    assert response.json() == {
        "detail": "You already have an application waiting for a decision in Coaching.",
        "code": "conflict",
    }
    assert Application.objects.count() == 1


def test_someone_at_two_suppliers_must_say_which(people, api_client_for):
    market = simple_market(people)
    Membership.objects.create(
        user=people.supplier_a_admin, organisation=people.supplier_b, role=Role.SUPPLIER_ADMIN
    )
    client = api_client_for(people.supplier_a_admin)
    path = f"/api/v1/markets/{market.pk}/applications"
    response = client.post(path, application_payload(market))
    assert response.status_code == 422
    assert response.json() == {
        "detail": "You work for more than one supplier: say which one with supplier_id.",
        "code": "choose_supplier",
    }
    response = client.post(path, application_payload(market, supplier_id=people.supplier_b.pk))
    assert response.status_code == 201
    assert response.json()[0]["supplier_name"] == "Beta Care Ltd"


def test_a_ceased_market_is_not_open_for_applications(people, api_client_for):
    market = simple_market(people)
    market_services.market_cease(actor=people.commissioner, market=market, reason="No budget")
    response = api_client_for(people.supplier_a_admin).post(
        f"/api/v1/markets/{market.pk}/applications", application_payload(market)
    )
    assert response.status_code == 422
    assert response.json()["detail"] == NOT_OPEN
    assert nothing_submitted()


def test_an_expired_market_is_not_open_for_applications(people, api_client_for):
    market = simple_market(people)
    client = api_client_for(people.supplier_a_admin)
    with time_machine.travel(market.validity_ends_at + timedelta(seconds=1)):
        response = client.post(
            f"/api/v1/markets/{market.pk}/applications", application_payload(market)
        )
    assert response.status_code == 422
    assert response.json()["detail"] == NOT_OPEN


def test_a_draft_market_is_not_found_by_a_supplier_and_not_open_to_one_who_sees_it(
    people, api_client_for
):
    """A supplier cannot learn that another organisation's draft exists (404); someone who
    may see the draft (here also a supplier's admin) is told it is not open (422)."""
    market = simple_market(people, publish=False)
    path = f"/api/v1/markets/{market.pk}/applications"
    response = api_client_for(people.supplier_a_admin).post(path, application_payload(market))
    assert response.status_code == 404
    assert response.json()["detail"] == MARKET_NOT_FOUND

    both = make_person("both@authority.test", people.authority, Role.COMMISSIONER)
    Membership.objects.create(user=both, organisation=people.supplier_a, role=Role.SUPPLIER_ADMIN)
    response = api_client_for(both).post(path, application_payload(market))
    assert response.status_code == 422
    assert response.json()["detail"] == NOT_OPEN
    assert nothing_submitted()


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("\xff\xfe", "application/json", 400),
        ("[1, 2]", "application/json", 422),
        ("null", "application/json", 422),
        ('{"category_ids": "all"}', "application/json", 422),
        ('{"category_ids": [1e400]}', "application/json", 422),
        ("<application/>", "application/xml", 415),
        ("--x\r\nbroken", "multipart/form-data", 400),
        ("--x\r\nbroken", "multipart/form-data; boundary=x", 422),
    ],
)
def test_malformed_bodies_are_4xx_never_500(people, api_client_for, body, content_type, status):
    market = simple_market(people)
    client = api_client_for(people.supplier_a_admin)
    response = post_raw(client, f"/api/v1/markets/{market.pk}/applications", body, content_type)
    assert response.status_code == status
    assert "detail" in response.json()
    assert nothing_submitted()


@pytest.mark.parametrize("market_id", [str(10**30), "0", "abc"])
def test_impossible_market_ids_are_422(people, api_client_for, market_id):
    response = api_client_for(people.supplier_a_admin).post(
        f"/api/v1/markets/{market_id}/applications", {"category_ids": [1]}
    )
    assert response.status_code == 422


# --- multipart: questions that take a file -----------------------------------------------------


@pytest.fixture
def pcr_market(people):
    """The PCR 2015 standard questionnaire, whose insurance certificate is a file question."""
    return make_market(people)


def template_answers(market: Market) -> tuple[dict[str, Any], set[str]]:
    version = market.categories.get().questionnaire_versions.get()
    return good_answers(questionnaire_parse({"questions": version.questions}))


def pdf(name: str, content: bytes = TINY_PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/pdf")


def test_multipart_application_with_evidence(people, api_client_for, pcr_market):
    answers, file_ids = template_answers(pcr_market)
    assert file_ids == {"p3.insurance_certificate"}
    response = post_multipart(
        api_client_for(people.supplier_a_writer),
        f"/api/v1/markets/{pcr_market.pk}/applications",
        {
            "category_ids": [pcr_market.categories.get().pk],
            "answers": json.dumps(answers),
            "p3.insurance_certificate": pdf("certificate.pdf"),
        },
    )
    assert response.status_code == 201, response.json()
    [body] = response.json()
    assert body["auto_assessment"]["p3.insurance_certificate"]["outcome"] == "pass"
    document = ApplicationDocument.objects.get()
    assert document.question_id == "p3.insurance_certificate"
    assert document.original_name == "certificate.pdf"
    assert document.file.read() == TINY_PDF


def test_json_cannot_answer_a_file_question(people, api_client_for, pcr_market):
    answers, _ = template_answers(pcr_market)
    response = api_client_for(people.supplier_a_admin).post(
        f"/api/v1/markets/{pcr_market.pk}/applications",
        {"category_ids": [pcr_market.categories.get().pk], "answers": answers},
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Upload a file for: Upload your current insurance")
    assert nothing_submitted()


@pytest.mark.parametrize(
    ("files", "answers_text", "status", "detail"),
    [
        (
            {"p3.insurance_certificate": pdf("certificate.pdf", b"MZ not a pdf")},
            None,
            422,
            "The file certificate.pdf is not a valid PDF file.",
        ),
        (
            {"p3.insurance_certificate": pdf("certificate.exe")},
            None,
            422,
            "The file certificate.exe must be a PDF, Word, OpenDocument, Excel, PNG or JPEG file.",
        ),
        (
            {"p3.insurance_certificate": [pdf("one.pdf"), pdf("two.pdf")]},
            None,
            422,
            "Send one file for 'p3.insurance_certificate', not several.",
        ),
        (
            {"p3.insurance_certificate": pdf("c.pdf"), "p1.legal_name": pdf("name.pdf")},
            None,
            422,
            "'p1.legal_name' is not a question that takes a file.",
        ),
        ({"p3.insurance_certificate": pdf("c.pdf")}, "not json", 422, None),
        ({"p3.insurance_certificate": pdf("c.pdf")}, "[1, 2]", 422, None),
    ],
)
def test_multipart_refusals_write_nothing(
    people, api_client_for, pcr_market, files, answers_text, status, detail
):
    answers, _ = template_answers(pcr_market)
    response = post_multipart(
        api_client_for(people.supplier_a_admin),
        f"/api/v1/markets/{pcr_market.pk}/applications",
        {
            "category_ids": [pcr_market.categories.get().pk],
            "answers": answers_text or json.dumps(answers),
        }
        | files,
    )
    assert response.status_code == status
    if detail is None:
        assert response.json()["detail"][0]["loc"][:2] == ["form", "answers"]
    else:
        assert response.json()["detail"] == detail
    assert nothing_submitted()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


# --- GET /applications and /applications/{id} -------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_application_list_per_role(people, api_client_for, role):
    market = simple_market(people)
    a = submit(people, market)
    b = submit(people, market, supplier=people.supplier_b)
    response = api_client_for(person(people, role)).get("/api/v1/applications")
    if role == "anonymous":
        assert response.status_code == 401
        assert response.json()["detail"] == UNAUTHENTICATED
        return
    assert response.status_code == 200
    seen = {item["id"] for item in response.json()["items"]}
    expected = {
        "supplier_a_admin": {a.pk},
        "supplier_a_writer": {a.pk},
        "supplier_b_admin": {b.pk},
    }.get(role, {a.pk, b.pk} if role in AUTHORITY_PEOPLE else set())
    assert seen == expected
    assert response.json()["count"] == len(expected)


def test_application_list_filters_by_market(people, api_client_for):
    market = simple_market(people)
    other = simple_market(people, title="Other")
    submit(people, market)
    in_other = submit(people, other)
    client = api_client_for(people.evaluator)
    items = client.get("/api/v1/applications", market_id=other.pk).json()["items"]
    assert [item["id"] for item in items] == [in_other.pk]
    assert client.get("/api/v1/applications", market_id="x").status_code == 422


DETAIL_EXPECTED = {
    "authority_admin": 200,
    "commissioner": 200,
    "buyer": 200,
    "evaluator": 200,
    "other_buyer": 404,
    "other_evaluator": 404,
    "supplier_a_admin": 200,
    "supplier_a_writer": 200,
    "supplier_b_admin": 404,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", ROLES)
def test_application_detail_per_role(people, api_client_for, role):
    market = simple_market(people)
    application = submit(people, market)
    response = api_client_for(person(people, role)).get(f"/api/v1/applications/{application.pk}")
    assert response.status_code == DETAIL_EXPECTED[role]
    if response.status_code == 200:
        body = response.json()
        assert body["answers"] == {
            "name": "Alpha Support CIC",
            "fraud": "no",
            "insolvency": "no",
            "staff": "12",
        }
        assert body["documents"] == []
        assert body["status"] == "awaiting"
    elif response.status_code == 404:
        assert response.json()["detail"] == APPLICATION_NOT_FOUND


def test_a_supplier_never_sees_another_suppliers_application_by_guessing_ids(
    people, api_client_for
):
    market = simple_market(people)
    theirs = [submit(people, market), submit(people, simple_market(people, title="Two"))]
    own = submit(people, market, supplier=people.supplier_b)
    client = api_client_for(people.supplier_b_admin)
    for guess in range(1, own.pk + 5):
        response = client.get(f"/api/v1/applications/{guess}")
        if guess == own.pk:
            assert response.status_code == 200
        else:
            assert response.status_code == 404
            assert response.json()["detail"] == APPLICATION_NOT_FOUND
    for application in theirs:
        for action, payload in [
            ("decision", {"outcome": "rejected", "reasons": {"name": "No"}}),
            ("extension", {"reason": "Busy"}),
        ]:
            response = client.post(f"/api/v1/applications/{application.pk}/{action}", payload)
            assert response.status_code == 404
    assert not Application.objects.exclude(decided_at=None).exists()


# --- POST /applications/{id}/decision and /extension -------------------------------------------

DECIDE_EXPECTED = {
    "authority_admin": (200, None),
    "commissioner": (200, None),
    "buyer": (403, ASSESS_ROLES_NEEDED),
    "evaluator": (200, None),
    "other_buyer": (404, APPLICATION_NOT_FOUND),
    "other_evaluator": (404, APPLICATION_NOT_FOUND),
    "supplier_a_admin": (403, ASSESS_ROLES_NEEDED),
    "supplier_a_writer": (403, ASSESS_ROLES_NEEDED),
    "supplier_b_admin": (404, APPLICATION_NOT_FOUND),
    "anonymous": (401, UNAUTHENTICATED),
}


@pytest.mark.parametrize("role", ROLES)
def test_decision_per_role(people, api_client_for, role):
    market = simple_market(people)
    application = submit(people, market)
    status, detail = DECIDE_EXPECTED[role]
    response = api_client_for(person(people, role)).post(
        f"/api/v1/applications/{application.pk}/decision",
        {"outcome": "rejected", "reasons": {"staff": "Too few staff for this work."}},
    )
    assert response.status_code == status
    application.refresh_from_db()
    if detail is None:
        assert response.json()["status"] == "rejected"
        assert response.json()["reasons"] == {"staff": "Too few staff for this work."}
        assert application.decided_by == person(people, role)
    else:
        assert response.json()["detail"] == detail
        assert application.decided_at is None


@pytest.mark.parametrize(
    ("overrides", "decision", "status", "detail"),
    [
        (
            {},
            {"outcome": "rejected"},
            422,
            "Give at least one reason for rejecting the application.",
        ),
        (
            {},
            {"outcome": "rejected", "reasons": {"zzz": "No"}},
            422,
            "There is no question 'zzz' in this application.",
        ),
        (
            {"fraud": "yes"},
            {"outcome": "admitted"},
            422,
            "Give a reason for each failed question: fraud.",
        ),
        (
            {"fraud": "yes"},
            {"outcome": "admitted", "reasons": {"fraud": "Spent conviction"}},
            422,
            "The application fails fraud, which is a mandatory exclusion ground or a "
            "condition of membership: it cannot be admitted.",
        ),
        (
            {"insolvency": "yes"},
            {"outcome": "admitted", "reasons": {"insolvency": "Rescued"}},
            200,
            None,
        ),
        ({}, {"outcome": "maybe"}, 422, None),
        ({}, {"outcome": "admitted", "reasons": ["x"]}, 422, None),
        ({}, {"outcome": "admitted", "note": "x" * 10_001}, 422, None),
    ],
)
def test_decision_rules_and_malformed_decisions(
    people, api_client_for, overrides, decision, status, detail
):
    application = submit(people, simple_market(people), **overrides)
    response = api_client_for(people.evaluator).post(
        f"/api/v1/applications/{application.pk}/decision", decision
    )
    assert response.status_code == status
    application.refresh_from_db()
    if status == 200:
        assert response.json()["outcome"] == "admitted"
        assert CategoryMember.objects.filter(application=application).exists()
        return
    if detail is None:
        assert isinstance(response.json()["detail"], list)
    else:
        assert response.json()["detail"] == detail
    assert application.decided_at is None
    assert not CategoryMember.objects.exists()


def test_deciding_twice_is_a_conflict(people, api_client_for):
    application = submit(people, simple_market(people))
    client = api_client_for(people.evaluator)
    path = f"/api/v1/applications/{application.pk}/decision"
    assert client.post(path, {"outcome": "admitted"}).status_code == 200
    response = client.post(path, {"outcome": "rejected", "reasons": {"name": "Changed mind"}})
    assert response.status_code == 409
    assert response.json()["detail"] == "This application has already been decided."
    application.refresh_from_db()
    assert application.outcome == "admitted"


@pytest.mark.parametrize("role", ROLES)
def test_extension_per_role(people, api_client_for, role):
    application = submit(people, simple_market(people))
    due = application.assessment_due_at
    status, detail = DECIDE_EXPECTED[role]
    response = api_client_for(person(people, role)).post(
        f"/api/v1/applications/{application.pk}/extension",
        {"reason": "We must check references with two councils."},
    )
    assert response.status_code == status
    application.refresh_from_db()
    if detail is None:
        assert datetime.fromisoformat(response.json()["assessment_due_at"]) > due
        assert response.json()["extended_at"] is not None
        assert application.extension_reason == "We must check references with two councils."
    else:
        assert response.json()["detail"] == detail
        assert application.extended_at is None


def test_extension_needs_a_reason_and_happens_once(people, api_client_for):
    application = submit(people, simple_market(people))
    client = api_client_for(people.evaluator)
    path = f"/api/v1/applications/{application.pk}/extension"
    blank = client.post(path, {"reason": "   "})
    assert blank.status_code == 422
    assert isinstance(blank.json()["detail"], str)
    assert client.post(path, {}).status_code == 422
    assert client.post(path, {"reason": "References"}).status_code == 200
    again = client.post(path, {"reason": "More references"})
    assert again.status_code == 409
    assert again.json()["detail"] == "The assessment period has already been extended."


def test_a_pa2023_market_has_no_extension(people, api_client_for):
    application = submit(people, simple_market(people, regime="pa2023_dynamic_market"))
    response = api_client_for(people.evaluator).post(
        f"/api/v1/applications/{application.pk}/extension", {"reason": "Busy"}
    )
    assert response.status_code == 422
    application.refresh_from_db()
    assert application.extended_at is None


# --- GET /markets/{id}/members ------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_members_per_role(people, api_client_for, role):
    market = simple_market(people)
    services.application_decide(
        actor=people.evaluator, application=submit(people, market), outcome="admitted"
    )
    submit(people, market, supplier=people.supplier_b)  # waiting: not a member
    draft = simple_market(people, publish=False, title="Draft")
    client = api_client_for(person(people, role))

    response = client.get(f"/api/v1/markets/{market.pk}/members")
    assert response.status_code == 200
    [member] = response.json()["items"]
    assert member["supplier_name"] == "Alpha Support CIC"
    assert member["category_title"] == "Coaching"
    assert member["status"] == "active"
    assert response.json()["count"] == 1

    hidden = client.get(f"/api/v1/markets/{draft.pk}/members")
    if role in AUTHORITY_PEOPLE:
        assert hidden.json()["items"] == []
    else:
        assert hidden.status_code == 404
        assert hidden.json()["detail"] == MARKET_NOT_FOUND


def test_suspended_and_removed_members(people, api_client_for):
    market = simple_market(people)
    services.application_decide(
        actor=people.evaluator, application=submit(people, market), outcome="admitted"
    )
    services.application_decide(
        actor=people.evaluator,
        application=submit(people, market, supplier=people.supplier_b),
        outcome="admitted",
    )
    alpha, beta = CategoryMember.objects.order_by("supplier__name")
    services.member_suspend(actor=people.commissioner, member=alpha, reason="Complaint")
    services.member_remove(actor=people.commissioner, member=beta, reason="Left the market")
    items = api_client_for(None).get(f"/api/v1/markets/{market.pk}/members").json()["items"]
    assert [(m["supplier_name"], m["status"]) for m in items] == [
        ("Alpha Support CIC", "suspended")
    ]


# --- the whole journey ---------------------------------------------------------------------------


def test_create_publish_apply_admit_list_and_email(
    people, api_client_for, mailbox, django_capture_on_commit_callbacks
):
    commissioner = api_client_for(people.commissioner)
    now = clock.now()
    created = commissioner.post(
        "/api/v1/markets",
        {
            "authority_id": people.authority.pk,
            "regime": "pcr2015_dps",
            "title": "Employment Support DPS",
            "description": "Support for people looking for work.",
            "cpv_codes": ["79600000-0"],
            "estimated_value": "2500000",
            "estimated_purchases": 800,
            "validity_starts_at": now.isoformat(),
            "validity_ends_at": (now + timedelta(days=700)).isoformat(),
            "light_touch": True,
        },
    )
    assert created.status_code == 201
    market_id = created.json()["id"]
    category = commissioner.post(
        f"/api/v1/markets/{market_id}/categories", {"title": "CV and job search support"}
    )
    assert category.status_code == 201
    category_id = category.json()["id"]
    assert commissioner.post(f"/api/v1/markets/{market_id}/publish").json()["status"] == "open"

    questionnaire = questionnaire_parse(category.json()["questionnaire"])
    answers, file_ids = good_answers(questionnaire)
    files = {qid: pdf(f"{qid.replace('.', '-')}.pdf") for qid in file_ids}
    with django_capture_on_commit_callbacks(execute=True):
        applied = post_multipart(
            api_client_for(people.supplier_a_admin),
            f"/api/v1/markets/{market_id}/applications",
            {"category_ids": [category_id], "answers": json.dumps(answers)} | files,
        )
    assert applied.status_code == 201, applied.json()
    [application] = applied.json()
    assert all(item["outcome"] != "fail" for item in application["auto_assessment"].values())

    evaluator = api_client_for(people.evaluator)
    queue = evaluator.get("/api/v1/applications").json()
    assert [item["id"] for item in queue["items"]] == [application["id"]]
    detail = evaluator.get(f"/api/v1/applications/{application['id']}").json()
    assert [d["question_id"] for d in detail["documents"]] == sorted(file_ids)

    with django_capture_on_commit_callbacks(execute=True):
        decided = evaluator.post(
            f"/api/v1/applications/{application['id']}/decision",
            {"outcome": "admitted", "note": "Welcome aboard."},
        )
    assert decided.status_code == 200
    assert decided.json()["status"] == "admitted"

    members = api_client_for(None).get(f"/api/v1/markets/{market_id}/members").json()
    assert [(m["supplier_name"], m["category_id"], m["status"]) for m in members["items"]] == [
        ("Alpha Support CIC", category_id, "active")
    ]

    subjects = [m["Subject"] for m in mailbox.to("admin@alpha.test")]
    assert subjects == [
        "Application received: Employment Support DPS",
        "Admitted to CV and job search support",
    ]
    admission = mailbox.body(mailbox.to("admin@alpha.test")[1])
    assert "Alpha Support CIC has been admitted to CV and job search support" in admission
    assert "Welcome aboard." in admission
    assert f"/applications/{application['id']}" in admission
    assert len(mailbox.to("writer@alpha.test")) == 2
    assert mailbox.to("admin@beta.test") == []
