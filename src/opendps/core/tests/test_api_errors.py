"""Bad input to /api/v1 is a 4xx JSON answer ``{"detail", "code"}`` that writes nothing.

Hand-made hostile bodies once gave 500s (on SQLite, and more on PostgreSQL): nesting deep
enough to exhaust the parser, NUL characters PostgreSQL cannot store, offsets that overflow
a datetime, ids beyond a 64-bit key, booleans read as ids, bare JSON strings read as
objects, other media types read as JSON and oversized bodies answered with HTML. Every row
of every table is counted before and after each refusal.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.test import Client

from opendps.core.calendar import LONDON
from opendps.testing.factories import make_call, make_market, member_suppliers

pytestmark = pytest.mark.django_db

DEEP_ARRAY = b"[" * 100_000 + b"]" * 100_000
DEEP_ANSWERS = b'{"answers": ' + b"[" * 2_000 + b"]" * 2_000 + b"}"


# The platform's own availability counters (requests per minute on tender submission) count
# every answer, refused ones included: they are telemetry, not data a request wrote.
TELEMETRY = {"availability.AvailabilityMinute"}


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label not in TELEMETRY
    }


@pytest.fixture
def world(people: Any, api_client_for: Any) -> Any:
    """A published DPS with one category, both suppliers admitted, and a published call."""
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=LONDON), tick=False):
        market = make_market(people, first_period_ends_at=None)
        member_suppliers(
            people,
            market,
            (people.supplier_a, people.supplier_a_admin),
            (people.supplier_b, people.supplier_b_admin),
        )
    with time_machine.travel(datetime(2027, 5, 3, 9, tzinfo=LONDON), tick=False):
        call = make_call(people, market)
    category = market.categories.get()
    with time_machine.travel(datetime(2027, 5, 4, 9, tzinfo=LONDON), tick=True):
        yield {
            "people": people,
            "market": market,
            "category": category,
            "call": call,
            "client": lambda name: api_client_for(people.by_name(name)),
        }


def send(client: Any, path: str, body: bytes | str, content_type: str = "application/json") -> Any:
    return client.client.post(path, body, content_type=content_type, headers=client._headers())


def call_body(world: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "category_id": world["category"].pk,
        "title": "Job search support",
        "requirement": "Weekly sessions.",
        "estimated_value": "6000",
        "deadline": "2027-06-01T12:00:00+01:00",
    } | overrides


def answers(world: Any) -> dict[str, str]:
    return {k["key"]: "Our approach." for k in world["call"].criteria if k["kind"] != "price"}


def refused(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code, body
    assert body["detail"]
    return body


CASES: list[tuple[str, str, str, Any, str, int, str]] = [
    # (id, role, path, body, content type, status, code); {m}, {c}, {k} are filled in
    ("deep-array", "commissioner", "/api/v1/markets", DEEP_ARRAY, "", 400, "invalid_json"),
    ("deep-tender", "supplier_a_admin", "{c}/tenders", DEEP_ANSWERS, "", 400, "invalid_json"),
    (
        "nul-title",
        "commissioner",
        "{m}/categories",
        {"title": "a\u0000b"},
        "",
        422,
        "validation_error",
    ),
    (
        "nul-key",
        "commissioner",
        "{m}/categories",
        {"title": "Coaching", "questions": [{"te\u0000xt": "x"}]},
        "",
        422,
        "validation_error",
    ),
    (
        "nul-call",
        "buyer",
        "/api/v1/competitions",
        {"requirement": "Weekly\u0000 sessions."},
        "",
        422,
        "validation_error",
    ),
    (
        "nul-answer",
        "supplier_a_admin",
        "{c}/tenders",
        {"price": "4000", "answers": {"{k}": "Our\u0000 approach."}},
        "",
        422,
        "validation_error",
    ),
    (
        "late-offset",
        "buyer",
        "/api/v1/competitions",
        {"deadline": "9999-12-31T23:59:59-23:59"},
        "",
        422,
        "validation_error",
    ),
    (
        "early-offset",
        "buyer",
        "/api/v1/competitions",
        {"deadline": "0001-01-01T00:00:00+14:00"},
        "",
        422,
        "validation_error",
    ),
    (
        "integer-moment",
        "buyer",
        "/api/v1/competitions",
        {"deadline": 1_811_000_000},
        "",
        422,
        "validation_error",
    ),
    (
        "integer-validity",
        "commissioner",
        "/api/v1/markets",
        "market:validity_ends_at=1830000000",
        "",
        422,
        "validation_error",
    ),
    (
        "bool-id",
        "buyer",
        "/api/v1/competitions",
        {"category_id": True},
        "",
        422,
        "validation_error",
    ),
    (
        "huge-id",
        "buyer",
        "/api/v1/notices/published",
        {"kind": "award_notice", "call_id": 2**63, "reference": "2027/S 000-012345"},
        "",
        422,
        "validation_error",
    ),
    ("bare-string", "commissioner", "{m}/categories", '"hello there"', "", 422, "validation_error"),
    ("bare-list", "commissioner", "{m}/categories", "[1, 2]", "", 422, "validation_error"),
    (
        "text-plain",
        "commissioner",
        "{m}/categories",
        {"title": "Coaching"},
        "text/plain",
        415,
        "unsupported_media_type",
    ),
    (
        "xml",
        "commissioner",
        "{m}/categories",
        {"title": "Coaching"},
        "application/xml",
        415,
        "unsupported_media_type",
    ),
    (
        "tender-text-plain",
        "supplier_a_admin",
        "{c}/tenders",
        {"price": "4000"},
        "text/plain",
        415,
        "unsupported_media_type",
    ),
    ("malformed", "commissioner", "{m}/categories", "{", "", 400, "invalid_json"),
]


@pytest.mark.parametrize(
    ("role", "path", "body", "content_type", "status", "code"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_bad_json_is_refused_as_json_and_writes_nothing(
    world, role, path, body, content_type, status, code
):
    """Each hostile body gets its 4xx and code, as JSON, and no table changes; where the
    answer is a validation error it names one fault, so the rest of the body was good."""
    path = path.format(
        m=f"/api/v1/markets/{world['market'].pk}", c=f"/api/v1/competitions/{world['call'].pk}"
    )
    if isinstance(body, str) and body.startswith("market:"):
        field, value = body.removeprefix("market:").split("=")
        body = market_body(world) | {field: int(value)}
    if isinstance(body, dict):
        if path == "/api/v1/competitions":
            body = call_body(world, **body)
        body = json.dumps(body).replace("{k}", next(iter(answers(world))))
    client = world["client"](role)
    before = row_counts()
    response = send(client, path, body, content_type or "application/json")
    body = refused(response, status, code)
    if code == "validation_error":
        # One thing wrong, where expected: the rest of the body is good.
        [error] = body["detail"]
        assert error["loc"][0] == "body", error
    assert row_counts() == before


def market_body(world: Any) -> dict[str, Any]:
    return {
        "authority_id": world["people"].authority.pk,
        "regime": "pcr2015_dps",
        "title": "Employment Support DPS",
        "description": "Support for people looking for work.",
        "cpv_codes": ["79600000-0"],
        "estimated_value": "1000000",
        "estimated_purchases": 500,
        "validity_starts_at": "2027-05-05T09:00:00+01:00",
        "validity_ends_at": "2028-05-05T09:00:00+01:00",
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("notes", "Our\u0000 notes"),
        ("answers", json.dumps({"KEY": "Our\u0000 approach."})),
    ],
)
def test_a_multipart_tender_with_a_nul_is_refused_and_writes_nothing(world, field, value):
    """Form values are held to the same rule as JSON, also inside the answers' JSON."""
    supplier = world["client"]("supplier_a_admin")
    form = {"price": "4000", "answers": json.dumps(answers(world))}
    form[field] = value.replace("KEY", next(iter(answers(world))))
    before = row_counts()
    response = supplier.client.post(
        f"/api/v1/competitions/{world['call'].pk}/tenders", form, headers=supplier._headers()
    )
    refused(response, 422, "validation_error")
    assert row_counts() == before


def test_a_nul_in_a_query_string_is_refused(world):
    """PostgreSQL cannot compare with a NUL either: a filter holding one is a 422."""
    response = world["client"]("buyer").get("/api/v1/applications", market_id="1\u0000")
    refused(response, 422, "validation_error")


def test_a_body_over_the_size_limit_is_413_json_and_writes_nothing(world):
    big = json.dumps({"title": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
    commissioner = world["client"]("commissioner")
    before = row_counts()
    response = send(commissioner, f"/api/v1/markets/{world['market'].pk}/categories", big)
    refused(response, 413, "request_too_large")
    assert row_counts() == before


def test_a_body_over_the_size_limit_with_an_idempotency_key_is_413_json(world):
    """The Idempotency-Key middleware reads the body before the API does: still a 413."""
    big = json.dumps({"title": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
    commissioner = world["client"]("commissioner")
    before = row_counts()
    response = commissioner.client.post(
        f"/api/v1/markets/{world['market'].pk}/categories",
        big,
        content_type="application/json",
        headers=commissioner._headers() | {"Idempotency-Key": "big-1"},
    )
    refused(response, 413, "request_too_large")
    assert row_counts() == before


def test_domain_errors_carry_their_code(world):
    """A rule's own code (not_invited) stands beside its message; otherwise the class's."""
    people = world["people"]
    outsider = Client()
    other_buyer, buyer = world["client"]("other_buyer"), world["client"]("buyer")
    before = row_counts()
    response = outsider.post(
        f"/api/v1/competitions/{world['call'].pk}/questions",
        {"question": "Online?"},
        content_type="application/json",
    )
    refused(response, 401, "not_authenticated")
    response = other_buyer.post(f"/api/v1/competitions/{world['call'].pk}/publish")
    refused(response, 404, "not_found")
    response = buyer.post("/api/v1/competitions", call_body(world, title=""))
    body = refused(response, 422, "validation_error")
    assert body["detail"][0]["loc"] == ["body", "payload", "title"]
    assert row_counts() == before
    assert people


def test_a_deadline_passed_tender_says_so(world):
    """The late attempt itself is audited; no tender is stored."""
    supplier = world["client"]("supplier_a_admin")
    with time_machine.travel(world["call"].deadline + timedelta(minutes=1), tick=False):
        before = row_counts()
        response = supplier.post(
            f"/api/v1/competitions/{world['call'].pk}/tenders",
            {"price": "4000", "answers": answers(world)},
        )
        refused(response, 422, "deadline_passed")
        after = row_counts()
    assert after.pop("core.AuditEvent") == before.pop("core.AuditEvent") + 1
    assert after == before
