"""/api/v1/markets and categories, for every role: who sees drafts, who may set up and
publish, and that bad input is a 4xx JSON answer that changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from opendps.accounts.models import Role
from opendps.core import clock
from opendps.core.calendar import LONDON
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.markets import services
from opendps.markets.models import Category, Market, QuestionnaireVersion
from opendps.markets.questionnaire_templates import pcr2015_standard_sq
from opendps.testing.factories import make_market
from opendps.testing.fixtures import make_person

pytestmark = pytest.mark.django_db

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
UNAUTHENTICATED = "Authentication required: send a valid, unrevoked API token."
MARKET_ROLES_NEEDED = (
    "You need one of these roles in Test Borough Council: Administrator, Commissioner."
)
MARKET_NOT_FOUND = "Market not found."
ORGANISATION_NOT_FOUND = "Organisation not found."
AUTHORITY_PEOPLE = {"authority_admin", "commissioner", "buyer", "evaluator"}


@pytest.fixture(autouse=True)
def fixed_day():
    """A fixed date inside the PCR 2015 regime's life (DPSs may run to 23 Feb 2029)."""
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=LONDON), tick=True):
        yield


def person(people: Any, role: str) -> Any:
    return None if role == "anonymous" else people.by_name(role)


def market_payload(people: Any, **overrides: Any) -> dict[str, Any]:
    now = clock.now()
    return {
        "authority_id": people.authority.pk,
        "regime": "pcr2015_dps",
        "title": "Employment Support DPS",
        "description": "Support for people looking for work.",
        "cpv_codes": ["79600000-0"],
        "estimated_value": "1000000.00",
        "estimated_purchases": 500,
        "validity_starts_at": now.isoformat(),
        "validity_ends_at": (now + timedelta(days=365)).isoformat(),
    } | overrides


def other_draft(people: Any) -> Market:
    """A draft of another authority, set up by its own commissioner."""
    commissioner = make_person("commissioner@other.test", people.other_authority, "commissioner")
    now = clock.now()
    return services.market_create(
        actor=commissioner,
        authority=people.other_authority,
        regime="pa2023_dynamic_market",
        title="Other Draft",
        description="Home support.",
        cpv_codes=["85312000-9"],
        estimated_value=Decimal("500000"),
        estimated_purchases=100,
        validity_starts_at=now,
        validity_ends_at=now + timedelta(days=365),
    )


@pytest.fixture
def draft(people):
    return make_market(people, publish=False, title="Draft Market")


@pytest.fixture
def published(people):
    return make_market(people, title="Published Market")


# --- GET /markets ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_market_list_shows_published_markets_and_only_your_own_drafts(people, api_client_for, role):
    make_market(people, publish=False, title="Draft Market")
    make_market(people, title="Published Market")
    other_draft(people)
    response = api_client_for(person(people, role)).get("/api/v1/markets")
    assert response.status_code == 200
    titles = {item["title"] for item in response.json()["items"]}
    expected = {"Published Market"}
    if role in AUTHORITY_PEOPLE:
        expected.add("Draft Market")
    if role == "other_buyer":
        expected.add("Other Draft")
    assert titles == expected
    assert response.json()["count"] == len(expected)


def test_market_list_filters_and_pages(people, api_client_for):
    open_market = make_market(people, title="Open")
    ceased = make_market(people, title="Ceased")
    services.market_cease(actor=people.commissioner, market=ceased, reason="Budget withdrawn")
    make_market(people, publish=False, title="Draft")
    client = api_client_for(people.commissioner)

    body = client.get("/api/v1/markets", open="true").json()
    assert [item["title"] for item in body["items"]] == ["Open"]
    assert body["items"][0]["status"] == "open"
    assert body["items"][0]["id"] == open_market.pk

    statuses = {i["title"]: i["status"] for i in client.get("/api/v1/markets").json()["items"]}
    assert statuses == {"Open": "open", "Ceased": "ceased", "Draft": "draft"}

    other = client.get("/api/v1/markets", authority_id=people.other_authority.pk).json()
    assert (other["items"], other["count"]) == ([], 0)
    page = client.get("/api/v1/markets", limit=2, offset=0).json()
    assert page["count"] == 3
    assert len(page["items"]) == 2
    assert len(client.get("/api/v1/markets", limit=2, offset=2).json()["items"]) == 1


@pytest.mark.parametrize(
    "query",
    [
        {"limit": 0},
        {"limit": 10_000},
        {"offset": -1},
        {"offset": 10**30},
        {"authority_id": 10**30},
        {"authority_id": "x"},
        {"open": "perhaps"},
    ],
)
def test_market_list_refuses_bad_query_strings_with_422(people, api_client_for, query):
    response = api_client_for(people.buyer).get("/api/v1/markets", **query)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


# --- POST /markets --------------------------------------------------------------------------

CREATE_EXPECTED = {
    "authority_admin": (201, None),
    "commissioner": (201, None),
    "buyer": (403, MARKET_ROLES_NEEDED),
    "evaluator": (403, MARKET_ROLES_NEEDED),
    "other_buyer": (404, ORGANISATION_NOT_FOUND),
    "supplier_a_admin": (404, ORGANISATION_NOT_FOUND),
    "supplier_a_writer": (404, ORGANISATION_NOT_FOUND),
    "supplier_b_admin": (404, ORGANISATION_NOT_FOUND),
    "anonymous": (401, UNAUTHENTICATED),
}


@pytest.mark.parametrize("role", ROLES)
def test_market_create_per_role(people, api_client_for, role):
    status, detail = CREATE_EXPECTED[role]
    response = api_client_for(person(people, role)).post("/api/v1/markets", market_payload(people))
    assert response.status_code == status, response.json()
    if detail is not None:
        assert response.json()["detail"] == detail
        assert not Market.objects.exists()
    else:
        assert Market.objects.get().created_by == person(people, role)


def test_market_create_returns_the_draft_with_its_status(people, api_client_for):
    response = api_client_for(people.commissioner).post(
        "/api/v1/markets",
        market_payload(people, estimated_value="1250000.5", cpv_codes=[" 79600000-0 "]),
    )
    assert response.status_code == 201
    body = response.json()
    market = Market.objects.get()
    assert body["id"] == market.pk
    assert body["status"] == "draft"
    assert body["authority_id"] == people.authority.pk
    assert body["authority_name"] == "Test Borough Council"
    assert body["regime"] == "pcr2015_dps"
    assert Decimal(body["estimated_value"]) == Decimal("1250000.50")
    assert market.estimated_value == Decimal("1250000.50")
    assert body["cpv_codes"] == ["79600000-0"]
    assert body["nation"] == "england_wales"  # the authority's, when not given
    assert body["published_at"] is None
    assert body["first_period_ends_at"] is None


def test_a_supplier_cannot_make_its_own_organisation_an_authority(people, api_client_for):
    response = api_client_for(people.supplier_a_admin).post(
        "/api/v1/markets", market_payload(people, authority_id=people.supplier_a.pk)
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Only a contracting authority can set up a market."


@pytest.mark.parametrize(
    ("overrides", "detail"),
    [
        (
            {"cpv_codes": ["79600000"]},
            "'79600000' is not a CPV code (8 digits, a dash and a check digit, e.g. 79600000-0).",
        ),
        ({"cpv_codes": []}, "Give at least one CPV code."),
        ({"estimated_value": "0"}, "The estimated value must be more than zero."),
        (
            {"regime": "pa2023_dynamic_market", "first_period_ends_at": "2027-05-01T09:00:00Z"},
            "Only a PCR 2015 DPS has a first period for requests to participate.",
        ),
    ],
)
def test_market_create_refuses_unlawful_settings_with_the_services_message(
    people, api_client_for, overrides, detail
):
    response = api_client_for(people.commissioner).post(
        "/api/v1/markets", market_payload(people, **overrides)
    )
    assert response.status_code == 422
    assert response.json()["detail"] == detail
    assert not Market.objects.exists()
    assert not AuditEvent.objects.filter(event_type=AuditEventType.MARKET_CREATED).exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"validity_starts_at": "2027-03-01T09:00:00"},  # no time zone
        {"validity_ends_at": "not a date"},
        {"estimated_value": "NaN"},
        {"estimated_value": "Infinity"},
        {"estimated_value": "1.234"},
        {"estimated_value": "1" * 20},
        {"estimated_purchases": -1},
        {"estimated_purchases": 10**12},
        {"regime": "ojeu_1999"},
        {"nation": "atlantis"},
        {"title": "   "},
        {"title": "x" * 201},
        {"description": ""},
        {"cpv_codes": "79600000-0"},
        {"authority_id": 10**30},
        {"assessment_working_days": 0},
        {"supplier_fee_percent": "-1"},
        {"light_touch": "sometimes"},
    ],
)
def test_market_create_refuses_malformed_fields_with_422(people, api_client_for, overrides):
    response = api_client_for(people.commissioner).post(
        "/api/v1/markets", market_payload(people, **overrides)
    )
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)
    assert not Market.objects.exists()


def test_validity_ending_before_it_starts_is_refused_without_a_500(people, api_client_for):
    now = clock.now()
    response = api_client_for(people.commissioner).post(
        "/api/v1/markets",
        market_payload(people, validity_ends_at=(now - timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 422
    assert not Market.objects.exists()


@pytest.mark.parametrize("body", ["{not json", "[1, 2", "\xff\xfe", "", "[]", "null"])
def test_market_create_with_malformed_json_is_a_4xx(people, api_client_for, body):
    client = api_client_for(people.commissioner)
    response = client.client.post(
        "/api/v1/markets", body, content_type="application/json", headers=client._headers()
    )
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()
    assert not Market.objects.exists()


# --- GET /markets/{id} ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_market_detail_per_role(people, api_client_for, role, draft, published):
    client = api_client_for(person(people, role))
    shown = client.get(f"/api/v1/markets/{published.pk}")
    assert shown.status_code == 200
    assert shown.json()["status"] == "open"
    assert [c["title"] for c in shown.json()["categories"]] == ["CV and job search support"]

    hidden = client.get(f"/api/v1/markets/{draft.pk}")
    if role in AUTHORITY_PEOPLE:
        assert hidden.status_code == 200
        assert hidden.json()["status"] == "draft"
    else:
        assert hidden.status_code == 404
        assert hidden.json()["detail"] == MARKET_NOT_FOUND


@pytest.mark.parametrize("market_id", ["999999", str(10**30), "0", "-1", "abc"])
def test_unknown_or_impossible_market_ids_are_4xx(people, api_client_for, market_id):
    response = api_client_for(people.commissioner).get(f"/api/v1/markets/{market_id}")
    assert response.status_code in {404, 422}
    assert "detail" in response.json()


def test_a_wrong_token_is_refused_even_on_public_reads(people, published):
    response = Client().get(
        f"/api/v1/markets/{published.pk}", headers={"Authorization": "Bearer odps_wrong"}
    )
    assert response.status_code == 401
    assert response.json()["detail"] == UNAUTHENTICATED


def test_a_session_cookie_does_not_reveal_drafts(people, draft):
    client = Client()
    client.force_login(people.commissioner, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(f"/api/v1/markets/{draft.pk}").status_code == 404
    assert client.get("/api/v1/markets").json()["count"] == 0


# --- POST /markets/{id}/publish ----------------------------------------------------------------

PUBLISH_EXPECTED = {
    "authority_admin": (200, None),
    "commissioner": (200, None),
    "buyer": (403, MARKET_ROLES_NEEDED),
    "evaluator": (403, MARKET_ROLES_NEEDED),
    "other_buyer": (404, MARKET_NOT_FOUND),
    "supplier_a_admin": (404, MARKET_NOT_FOUND),
    "supplier_a_writer": (404, MARKET_NOT_FOUND),
    "supplier_b_admin": (404, MARKET_NOT_FOUND),
    "anonymous": (401, UNAUTHENTICATED),
}


@pytest.mark.parametrize("role", ROLES)
def test_market_publish_per_role(people, api_client_for, role, draft):
    status, detail = PUBLISH_EXPECTED[role]
    response = api_client_for(person(people, role)).post(f"/api/v1/markets/{draft.pk}/publish")
    assert response.status_code == status
    draft.refresh_from_db()
    if detail is None:
        assert response.json()["status"] == "open"
        assert response.json()["first_period_ends_at"] is not None  # PCR 2015 reg 34
        assert draft.published_at is not None
    else:
        assert response.json()["detail"] == detail
        assert draft.published_at is None


def test_publishing_twice_is_a_conflict(people, api_client_for, published):
    response = api_client_for(people.commissioner).post(f"/api/v1/markets/{published.pk}/publish")
    assert response.status_code == 409
    assert response.json()["detail"] == "The market has already been published."


def test_a_market_without_categories_cannot_be_published(people, api_client_for):
    market = make_market(people, publish=False, categories=())
    response = api_client_for(people.commissioner).post(f"/api/v1/markets/{market.pk}/publish")
    assert response.status_code == 422
    assert response.json()["detail"] == "Add at least one category before publishing."


# --- GET/POST /markets/{id}/categories ---------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_category_list_per_role(people, api_client_for, role, draft, published):
    client = api_client_for(person(people, role))
    response = client.get(f"/api/v1/markets/{published.pk}/categories")
    assert response.status_code == 200
    [category] = response.json()["items"]
    assert category["title"] == "CV and job search support"
    assert category["questionnaire"]["version"] == 1
    ids = [q["id"] for q in category["questionnaire"]["questions"]]
    assert ids == [q["id"] for q in pcr2015_standard_sq(vulnerable_people=False)["questions"]]

    hidden = client.get(f"/api/v1/markets/{draft.pk}/categories")
    assert hidden.status_code == (200 if role in AUTHORITY_PEOPLE else 404)


CATEGORY_ADD_EXPECTED = PUBLISH_EXPECTED | {
    "authority_admin": (201, None),
    "commissioner": (201, None),
}


@pytest.mark.parametrize("role", ROLES)
def test_category_add_per_role(people, api_client_for, role, draft):
    status, detail = CATEGORY_ADD_EXPECTED[role]
    response = api_client_for(person(people, role)).post(
        f"/api/v1/markets/{draft.pk}/categories",
        {"title": "Basic skills", "areas": ["Leeds", " Bradford "], "max_contract_value": "25000"},
    )
    assert response.status_code == status
    titles = set(draft.categories.values_list("title", flat=True))
    if detail is None:
        body = response.json()
        assert body["title"] == "Basic skills"
        assert body["areas"] == ["Leeds", "Bradford"]
        assert Decimal(body["max_contract_value"]) == Decimal("25000")
        assert body["questionnaire"]["version"] == 1
        assert body["questionnaire"]["questions"][0]["id"] == "p1.legal_name"
        assert titles == {"CV and job search support", "Basic skills"}
    else:
        assert response.json()["detail"] == detail
        assert titles == {"CV and job search support"}


def test_category_add_with_its_own_questions(people, api_client_for, draft):
    questions = [
        {
            "id": "q1",
            "text": "Are you registered with the CQC?",
            "kind": "yes_no",
            "rule": {"kind": "in", "values": ["yes"]},
        },
        {
            "id": "q2",
            "text": "How many staff?",
            "kind": "number",
            "rule": {"kind": "min", "number": "3"},
        },
    ]
    response = api_client_for(people.commissioner).post(
        f"/api/v1/markets/{draft.pk}/categories", {"title": "Home care", "questions": questions}
    )
    assert response.status_code == 201
    stored = response.json()["questionnaire"]["questions"]
    assert [q["id"] for q in stored] == ["q1", "q2"]
    assert stored[0]["rule"] == {"kind": "in", "values": ["yes"], "number": None}
    assert Decimal(stored[1]["rule"]["number"]) == Decimal("3")
    version = QuestionnaireVersion.objects.get(category__title="Home care")
    assert [q["id"] for q in version.questions] == ["q1", "q2"]


@pytest.mark.parametrize(
    ("payload", "detail_starts"),
    [
        (
            {"title": "Bad", "questions": [{"id": "Q 1", "text": "?", "kind": "text"}]},
            "The questionnaire is not valid: ",
        ),
        (
            {"title": "Bad", "questions": [{"id": "q", "text": "?", "kind": "choice"}]},
            "The questionnaire is not valid: ",
        ),
        ({"title": "CV and job search support"}, ""),  # the same title twice in a market
    ],
)
def test_category_add_refuses_bad_questionnaires_and_duplicates(
    people, api_client_for, draft, payload, detail_starts
):
    response = api_client_for(people.commissioner).post(
        f"/api/v1/markets/{draft.pk}/categories", payload
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith(detail_starts)
    assert Category.objects.filter(market=draft).count() == 1


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"title": ""},
        {"title": "x", "areas": "Leeds"},
        {"title": "x", "max_contract_value": "lots"},
        {"title": "x", "questions": "all of them"},
        {"title": "x", "position": -1},
    ],
)
def test_category_add_refuses_malformed_fields(people, api_client_for, draft, payload):
    response = api_client_for(people.commissioner).post(
        f"/api/v1/markets/{draft.pk}/categories", payload
    )
    assert response.status_code == 422
    assert Category.objects.filter(market=draft).count() == 1


def test_a_pa2023_market_is_closed_to_new_parts_once_established(people, api_client_for):
    market = make_market(people, regime="pa2023_dynamic_market")
    response = api_client_for(people.commissioner).post(
        f"/api/v1/markets/{market.pk}/categories", {"title": "Zone 2"}
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "The conditions of membership cannot be changed once the market has been "
        "established.",
        "code": "conditions_fixed",
    }
    assert market.categories.count() == 1


# --- the OpenAPI document -----------------------------------------------------------------------


def test_openapi_document_lists_the_market_and_membership_paths(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    expected = {
        "/api/v1/markets": {"get", "post"},
        "/api/v1/markets/{market_id}": {"get"},
        "/api/v1/markets/{market_id}/publish": {"post"},
        "/api/v1/markets/{market_id}/categories": {"get", "post"},
        "/api/v1/markets/{market_id}/applications": {"post"},
        "/api/v1/applications": {"get"},
        "/api/v1/applications/{application_id}": {"get"},
        "/api/v1/applications/{application_id}/decision": {"post"},
        "/api/v1/applications/{application_id}/extension": {"post"},
        "/api/v1/markets/{market_id}/members": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), path
    body = paths["/api/v1/markets/{market_id}/applications"]["post"]["requestBody"]
    assert set(body["content"]) == {"application/json", "multipart/form-data"}
    # Public reads say a token is optional; everything else needs one.
    assert {} in paths["/api/v1/markets/{market_id}/members"]["get"]["security"]
    assert {} not in paths["/api/v1/applications"]["get"]["security"]


def test_api_roles_match_the_service_roles():
    """The table above assumes the market roles; fail loudly if they change."""
    assert {Role.COMMISSIONER, Role.AUTHORITY_ADMIN} == services.MARKET_ROLES
