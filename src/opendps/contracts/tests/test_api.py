"""/api/v1/contracts for every role: only the two parties see a contract; either records
performance and only the other confirms or disputes it; bad input is a 4xx that changes
nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from opendps.contracts import services
from opendps.contracts.models import Contract, PerformanceRecord
from opendps.testing.factories import make_call, make_market, member_suppliers, tender

pytestmark = pytest.mark.django_db

UNAUTHENTICATED = "Authentication required: send a valid, unrevoked API token."
NOT_A_PARTY = "Only the buyer or the supplier of this contract can do that."
OTHER_PARTY = "The other party to the contract confirms a record, not the one who made it."
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
AUTHORITY = {"authority_admin", "commissioner", "buyer", "evaluator"}
BUYER_SIDE = {"authority_admin", "commissioner", "buyer"}
SUPPLIER_A = {"supplier_a_admin", "supplier_a_writer"}
OUTSIDERS = {"other_buyer", "supplier_b_admin", "staff"}


def person(people: Any, role: str) -> Any:
    return None if role == "anonymous" else people.by_name(role)


def make_contract(people: Any) -> Contract:
    """Alpha wins a call of Test Borough Council and the contract is made at once (PCR)."""
    from opendps.competitions.tests.test_services import evaluate_and_award

    market = make_market(people)
    with time_machine.travel(market.first_period_ends_at + timedelta(hours=1), tick=False):
        member_suppliers(people, market, (people.supplier_a, people.supplier_a_admin))
        call = make_call(people, market)
        tender(
            people,
            call,
            price="6000",
            answers={"quality": "Weekly coaching", "social_value": "Two apprenticeships"},
        )
    evaluate_and_award(people, call, {people.supplier_a: 3})
    return Contract.objects.get()


@pytest.fixture
def contract(people):
    return make_contract(people)


def payload(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "outcome",
        "metric": "job starts",
        "quantity": "7",
        "target": "10",
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
    } | overrides


def supplier_record(people: Any, contract: Contract) -> PerformanceRecord:
    return services.performance_record(
        actor=people.supplier_a_writer,
        contract=contract,
        kind="outcome",
        metric="job starts",
        quantity=Decimal(7),
        target=Decimal(10),
        period_start=contract.starts_on,
        period_end=contract.starts_on,
    )


@pytest.mark.parametrize("role", ROLES)
def test_only_the_parties_see_a_contract(people, api_client_for, contract, role):
    client = api_client_for(person(people, role))
    listed = client.get("/api/v1/contracts")
    detail = client.get(f"/api/v1/contracts/{contract.pk}")
    if role == "anonymous":
        assert (listed.status_code, detail.status_code) == (401, 401)
        assert detail.json()["detail"] == UNAUTHENTICATED
    elif role in AUTHORITY | SUPPLIER_A:
        assert listed.json()["count"] == 1
        data = detail.json()
        assert detail.status_code == 200
        assert (data["value"], data["supplier_name"], data["status"]) == (
            "6000.00",
            "Alpha Support CIC",
            "active",
        )
        assert data["commitments"] == {"social_value": {"social_value": "Two apprenticeships"}}
    else:
        assert listed.json()["items"] == []
        assert (detail.status_code, detail.json()["detail"]) == (404, "Contract not found.")


@pytest.mark.parametrize("role", ROLES)
def test_either_party_records_performance(people, api_client_for, contract, role):
    response = api_client_for(person(people, role)).post(
        f"/api/v1/contracts/{contract.pk}/performance", payload()
    )
    if role == "anonymous":
        assert response.status_code == 401
    elif role in BUYER_SIDE | SUPPLIER_A:
        assert response.status_code == 201, response.content
        data = response.json()
        assert (data["metric"], data["quantity"], data["target"], data["status"]) == (
            "job starts",
            "7.00",
            "10.00",
            "awaiting",
        )
        org = people.authority if role in BUYER_SIDE else people.supplier_a
        assert data["recorded_by_organisation_id"] == org.pk
    elif role == "evaluator":
        assert (response.status_code, response.json()["detail"]) == (403, NOT_A_PARTY)
    else:
        assert (response.status_code, response.json()["detail"]) == (404, "Contract not found.")
    expected = 1 if role in BUYER_SIDE | SUPPLIER_A else 0
    assert PerformanceRecord.objects.count() == expected


@pytest.mark.parametrize("action", ["confirm", "dispute"])
@pytest.mark.parametrize("role", ROLES)
def test_only_the_other_party_confirms_or_disputes(people, api_client_for, contract, role, action):
    record = supplier_record(people, contract)
    response = api_client_for(person(people, role)).post(
        f"/api/v1/contracts/{contract.pk}/performance/{record.pk}/{action}",
        {"reason": "We count 6 starts."} if action == "dispute" else None,
    )
    record.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == 401
    elif role in BUYER_SIDE:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == ("confirmed" if action == "confirm" else "disputed")
    elif role in SUPPLIER_A:
        assert (response.status_code, response.json()["detail"]) == (403, OTHER_PARTY)
    elif role == "evaluator":
        assert (response.status_code, response.json()["detail"]) == (403, NOT_A_PARTY)
    else:
        assert response.status_code == 404
        assert response.json()["detail"] == "Performance record not found."
    settled = record.confirmed_at is not None or record.disputed_at is not None
    assert settled == (role in BUYER_SIDE)


def test_a_settled_record_cannot_be_settled_again(people, api_client_for, contract):
    record = supplier_record(people, contract)
    client = api_client_for(people.buyer)
    path = f"/api/v1/contracts/{contract.pk}/performance/{record.pk}"
    assert client.post(f"{path}/confirm").status_code == 200
    response = client.post(f"{path}/dispute", {"reason": "Changed my mind"})
    assert (response.status_code, response.json()) == (
        409,
        {"detail": "This record has already been confirmed or disputed.", "code": "conflict"},
    )


@pytest.mark.parametrize(
    ("changes", "status", "detail"),
    [
        ({"period_end": "2026-09-30"}, 422, "The period must end on or after the day it starts."),
        ({"quantity": "-1"}, 422, None),
        ({"kind": "gossip"}, 422, None),
        ({"metric": " "}, 422, None),
        ({"quantity": "1e400"}, 422, None),
        ({"period_start": "yesterday"}, 422, None),
    ],
)
def test_bad_records_are_refused_and_nothing_is_written(
    people, api_client_for, contract, changes, status, detail
):
    response = api_client_for(people.buyer).post(
        f"/api/v1/contracts/{contract.pk}/performance", payload(**changes)
    )
    assert response.status_code == status, response.content
    if detail:
        assert response.json()["detail"] == detail
    assert not PerformanceRecord.objects.exists()


def test_a_dispute_needs_a_reason(people, api_client_for, contract):
    record = supplier_record(people, contract)
    response = api_client_for(people.buyer).post(
        f"/api/v1/contracts/{contract.pk}/performance/{record.pk}/dispute", {"reason": "  "}
    )
    assert response.status_code == 422
    record.refresh_from_db()
    assert record.disputed_at is None


def test_a_terminated_contract_takes_no_more_records(people, api_client_for, contract):
    services.contract_change(
        actor=people.buyer, contract=contract, kind="termination", reason="Moved away"
    )
    client = api_client_for(people.supplier_a_admin)
    response = client.post(f"/api/v1/contracts/{contract.pk}/performance", payload())
    assert (response.status_code, response.json()) == (
        409,
        {"detail": "This contract has been terminated.", "code": "conflict"},
    )
    assert client.get(f"/api/v1/contracts/{contract.pk}").json()["status"] == "terminated"


def test_records_are_listed_for_the_parties_and_the_list_filters(people, api_client_for, contract):
    supplier_record(people, contract)
    client = api_client_for(people.supplier_a_admin)
    records = client.get(f"/api/v1/contracts/{contract.pk}/performance").json()["items"]
    assert [(r["metric"], r["status"]) for r in records] == [("job starts", "awaiting")]
    contracts = client.get("/api/v1/contracts").json()["items"]
    assert contracts[0]["records_awaiting_confirmation"] == 1
    category = contract.call.category_id
    assert client.get("/api/v1/contracts", category_id=category).json()["count"] == 1
    assert client.get("/api/v1/contracts", category_id=category + 1000).json()["count"] == 0
    assert (
        client.get("/api/v1/contracts", organisation_id=people.supplier_b.pk).json()["count"] == 0
    )
    other = api_client_for(people.supplier_b_admin)
    response = other.get(f"/api/v1/contracts/{contract.pk}/performance")
    assert response.status_code == 404
