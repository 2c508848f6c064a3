"""Contract pages for every role, and recording, confirming, disputing, rating, answering,
varying and terminating through the forms (refusals in the error summary, nothing written)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from opendps.contracts import services
from opendps.contracts.models import Contract, ContractChange, PerformanceRecord, Rating
from opendps.contracts.tests.test_api import make_contract, supplier_record
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "supplier_a_admin",
    "supplier_a_writer",
    "supplier_b_admin",
    "buyer",
    "evaluator",
    "commissioner",
    "authority_admin",
    "other_buyer",
    "staff",
]
SIGN_IN = 302
BUYER_SIDE = {"buyer", "commissioner", "authority_admin"}
SUPPLIER_A = {"supplier_a_admin", "supplier_a_writer"}
PARTIES = BUYER_SIDE | SUPPLIER_A | {"evaluator"}


def client_as(people: Any, role: str) -> Any:
    return client_for(None if role == "anonymous" else people.by_name(role))


@pytest.fixture
def contract(people):
    return make_contract(people)


def expected(role: str, allowed: set[str]) -> int:
    if role == "anonymous":
        return SIGN_IN
    if role not in PARTIES:
        return 404
    return 200 if role in allowed else 403


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_each_contract_page(people, contract, role):
    record = supplier_record(people, contract)
    rating = services.rating_give(actor=people.buyer, contract=contract, score=4, comment="Good")
    base = f"/contracts/{contract.pk}"
    pages = [
        ("/contracts", SIGN_IN if role == "anonymous" else 200),
        (base, expected(role, PARTIES)),
        (f"{base}/performance/new", expected(role, BUYER_SIDE | SUPPLIER_A)),
        (f"{base}/performance/{record.pk}/dispute", expected(role, BUYER_SIDE | SUPPLIER_A)),
        (f"{base}/ratings/new", expected(role, BUYER_SIDE)),
        (f"{base}/ratings/{rating.pk}/reply", expected(role, SUPPLIER_A)),
        (f"{base}/change", expected(role, BUYER_SIDE)),
    ]
    client = client_as(people, role)
    for path, status in pages:
        response = client.get(path)
        assert response.status_code == status, (path, response.status_code)
    listed = client.get("/contracts")
    if role in PARTIES:
        assert contract.call.title in listed.content.decode()
    elif role != "anonymous":
        assert b"has no contracts yet" in listed.content


def test_outsiders_cannot_post_either(people, contract):
    record = supplier_record(people, contract)
    client = client_for(people.supplier_b_admin)
    assert (
        client.post(f"/contracts/{contract.pk}/performance/{record.pk}/confirm").status_code == 404
    )
    record.refresh_from_db()
    assert record.confirmed_at is None


def test_the_supplier_records_and_the_buyer_confirms_on_the_page(people, contract):
    supplier = client_for(people.supplier_a_writer)
    response = supplier.post(
        f"/contracts/{contract.pk}/performance/new",
        {
            "kind": "outcome",
            "metric": "job starts",
            "quantity": "7",
            "target": "10",
            "period_start_day": "1",
            "period_start_month": "10",
            "period_start_year": "2026",
            "period_end_day": "31",
            "period_end_month": "10",
            "period_end_year": "2026",
        },
    )
    assert response.status_code == 302
    record = PerformanceRecord.objects.get()
    assert (record.quantity, record.target, record.recorded_by_org) == (
        Decimal(7),
        Decimal(10),
        people.supplier_a,
    )
    page = supplier.get(f"/contracts/{contract.pk}").content.decode()
    assert "Awaiting confirmation" in page and ">Confirm<" not in page  # not its own record
    buyer = client_for(people.buyer)
    assert "Confirm<span" in buyer.get(f"/contracts/{contract.pk}").content.decode()
    response = buyer.post(f"/contracts/{contract.pk}/performance/{record.pk}/confirm")
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.confirmed_by == people.buyer
    again = buyer.post(f"/contracts/{contract.pk}/performance/{record.pk}/confirm")
    assert again.status_code == 400
    assert "This record has already been confirmed or disputed." in again.content.decode()


def test_a_backwards_period_is_shown_in_the_error_summary_and_nothing_saved(people, contract):
    response = client_for(people.buyer).post(
        f"/contracts/{contract.pk}/performance/new",
        {
            "kind": "delivery",
            "metric": "hours",
            "quantity": "5",
            "period_start_day": "7",
            "period_start_month": "11",
            "period_start_year": "2026",
            "period_end_day": "1",
            "period_end_month": "11",
            "period_end_year": "2026",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The period must end on or after the day it starts" in page
    assert not PerformanceRecord.objects.exists()


def test_the_buyer_disputes_with_a_reason(people, contract):
    record = supplier_record(people, contract)
    client = client_for(people.buyer)
    path = f"/contracts/{contract.pk}/performance/{record.pk}/dispute"
    response = client.post(path, {"reason": ""})
    assert "Give the reason for the dispute" in response.content.decode()
    assert client.post(path, {"reason": "We count 6."}).status_code == 302
    record.refresh_from_db()
    assert record.dispute_reason == "We count 6."
    assert (
        "We count 6."
        in client_for(people.supplier_a_admin).get(f"/contracts/{contract.pk}").content.decode()
    )


def test_the_buyer_rates_and_the_supplier_answers_once(people, contract):
    buyer = client_for(people.buyer)
    response = buyer.post(
        f"/contracts/{contract.pk}/ratings/new", {"score": "4", "comment": "Reliable"}
    )
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.score, rating.comment) == (4, "Reliable")
    supplier = client_for(people.supplier_a_admin)
    assert "Answer this rating" in supplier.get(f"/contracts/{contract.pk}").content.decode()
    path = f"/contracts/{contract.pk}/ratings/{rating.pk}/reply"
    assert supplier.post(path, {"reply": "Thank you"}).status_code == 302
    again = supplier.post(path, {"reply": "Again"})
    assert "You have already answered this rating." in again.content.decode()
    rating.refresh_from_db()
    assert rating.supplier_reply == "Thank you"
    bad = buyer.post(f"/contracts/{contract.pk}/ratings/new", {"score": "9", "comment": "x"})
    assert "Select one of the options for: Rating" in bad.content.decode()
    assert Rating.objects.count() == 1


def test_the_buyer_varies_then_terminates_with_reasons(people, contract):
    client = client_for(people.buyer)
    path = f"/contracts/{contract.pk}/change"
    missing = client.post(path, {"kind": "variation", "reason": "More claimants"})
    assert "enter at least one" in missing.content.decode()
    assert not ContractChange.objects.exists()
    assert (
        client.post(
            path, {"kind": "variation", "reason": "More claimants", "value": "7200"}
        ).status_code
        == 302
    )
    assert Contract.objects.get().value == Decimal("7200")
    assert client.post(path, {"kind": "termination", "reason": "Moved away"}).status_code == 302
    contract.refresh_from_db()
    assert contract.terminated_at is not None
    page = client.get(f"/contracts/{contract.pk}").content.decode()
    assert "Terminated" in page and "Moved away" in page and "Record performance" not in page
    assert client.post(path, {"kind": "termination", "reason": "Again"}).status_code == 200
    assert ContractChange.objects.count() == 2
