"""/api/v1/insights for every role: a supplier sees only its own insight; market health
and past performance only the market's authority; nothing of another bidder leaks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from opendps.accounts.models import Role
from opendps.insights.tests.scenario import build, viewing
from opendps.testing.factories import make_market
from opendps.testing.fixtures import make_person

pytestmark = pytest.mark.django_db

UNAUTHENTICATED = "Authentication required: send a valid, unrevoked API token."
NOT_A_SUPPLIER = "Supplier insight is for people who work for a supplier."
AUTHORITY = {"authority_admin", "commissioner", "buyer", "evaluator"}
ROLES = [
    "authority_admin",
    "commissioner",
    "buyer",
    "evaluator",
    "other_buyer",
    "supplier_a_admin",
    "supplier_a_writer",
    "supplier_b_admin",
    "staff",
    "anonymous",
]


def person(people: Any, role: str) -> Any:
    return None if role == "anonymous" else people.by_name(role)


@pytest.fixture
def market(people):
    return make_market(people)


def expected_supplier(role: str) -> tuple[int, str | None]:
    if role == "anonymous":
        return 401, UNAUTHENTICATED
    if role.startswith("supplier_"):
        return 200, None
    return 403, NOT_A_SUPPLIER


@pytest.mark.parametrize("role", ROLES)
def test_supplier_insight_is_only_for_suppliers_and_only_their_own(people, api_client_for, role):
    response = api_client_for(person(people, role)).get("/api/v1/insights/supplier")
    status, detail = expected_supplier(role)
    assert response.status_code == status, response.content
    if detail:
        assert response.json()["detail"] == detail
    else:
        own = people.supplier_b if role == "supplier_b_admin" else people.supplier_a
        assert response.json()["supplier_id"] == own.pk


def test_naming_another_suppliers_id_is_not_found(people, api_client_for):
    client = api_client_for(people.supplier_a_admin)
    response = client.get("/api/v1/insights/supplier", supplier_id=people.supplier_b.pk)
    assert (response.status_code, response.json()["detail"]) == (404, "Supplier not found.")
    response = client.get("/api/v1/insights/supplier", supplier_id=people.supplier_a.pk)
    assert response.status_code == 200
    assert client.get("/api/v1/insights/supplier", supplier_id=0).status_code == 422


def test_someone_working_for_two_suppliers_must_say_which(people, api_client_for):
    both = make_person("both@alpha.test", people.supplier_a, Role.BID_WRITER)
    make_person("both@alpha.test", people.supplier_b, Role.BID_WRITER)
    response = api_client_for(both).get("/api/v1/insights/supplier")
    assert response.status_code == 422
    assert response.json() == {
        "detail": "You work for more than one supplier: say which one with supplier_id.",
        "code": "choose_supplier",
    }


@pytest.mark.parametrize("role", ROLES)
def test_market_health_only_for_the_markets_authority(people, api_client_for, market, role):
    response = api_client_for(person(people, role)).get(f"/api/v1/insights/market/{market.pk}")
    if role == "anonymous":
        assert (response.status_code, response.json()["detail"]) == (401, UNAUTHENTICATED)
    elif role in AUTHORITY:
        assert response.status_code == 200
        assert response.json()["market_id"] == market.pk
    else:
        assert (response.status_code, response.json()["detail"]) == (404, "Market not found.")


@pytest.mark.parametrize("role", ROLES)
def test_past_performance_only_for_the_categorys_authority(people, api_client_for, market, role):
    category = market.categories.get()
    response = api_client_for(person(people, role)).get(
        f"/api/v1/insights/categories/{category.pk}/past-performance"
    )
    if role == "anonymous":
        assert response.status_code == 401
    elif role in AUTHORITY:
        assert response.status_code == 200
        assert response.json() == {
            "category_id": category.pk,
            "category_title": category.title,
            "rows": [],
        }
    else:
        assert (response.status_code, response.json()["detail"]) == (404, "Category not found.")


def test_missing_market_is_not_found_and_bad_ids_are_422(people, api_client_for):
    client = api_client_for(people.commissioner)
    assert client.get("/api/v1/insights/market/999999").status_code == 404
    assert client.get("/api/v1/insights/market/0").status_code == 422
    assert client.get(f"/api/v1/insights/market/{2**63}").status_code == 422


def test_the_supplier_api_reports_the_pinned_figures_and_nothing_of_other_bidders(
    people, api_client_for
):
    """Alpha's insight: its own figures only. Beta's losing price (£4,100) and total
    (82.50) in call two, and Gamma's tender, are nowhere in it."""
    build(people)
    with viewing():
        response = api_client_for(people.supplier_a_admin).get("/api/v1/insights/supplier")
    data = response.json()
    assert (data["tendered"], data["won"], data["win_rate"], data["awaiting"]) == (
        3,
        1,
        "33.3",
        1,
    )
    assert data["loses_most"] == {
        "kind": "quality",
        "name": "Quality of the proposed service",
        "calls": 2,
        "average_gap": "37.50",
        "largest_gap": "45.00",
    }
    assert [c["rank"] for c in data["calls"]] == [2, 1, 2]
    assert data["trend"]["direction"] == "up"
    assert data["forecast_calls"]["available"] is False
    assert [p["title"] for p in data["planned"]] == ["Summer cohort"]
    text = json.dumps(data)
    for secret in ("4100", "82.5", "Gamma", "7000", "35.07", "Not for Alpha"):
        assert secret not in text, secret


def test_market_health_api_reports_the_pinned_figures(people, api_client_for):
    scenario = build(people)
    with viewing():
        response = api_client_for(people.commissioner).get(
            f"/api/v1/insights/market/{scenario.market.pk}"
        )
    data = response.json()
    assert (data["closed_calls"], data["total_bids"], data["few_bids_share"]) == (4, 8, "75.0")
    assert data["admission"]["median_days"] == "4.0"
    assert data["admission"]["on_time_share"] == "66.7"
    assert data["concentration"][0]["hhi"] == 5062
    assert data["shares"][1] == {
        "group": "vcse",
        "awards": 1,
        "count_share": "33.3",
        "value": "6000.00",
        "value_share": "44.4",
        "currency": "GBP",
    }
