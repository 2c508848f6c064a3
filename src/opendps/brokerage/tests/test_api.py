"""The brokerage API: placements answered and read, capacity kept, one-step offers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

from opendps.brokerage.models import Capacity, Placement
from opendps.competitions import services as competition_services
from opendps.competitions.models import TenderSubmission
from opendps.contracts.models import Contract
from opendps.membership.models import CategoryMember
from opendps.testing.factories import market_with_both_suppliers

from .conftest import rapid_call

pytestmark = pytest.mark.django_db(transaction=True)


def url(placement: Placement, step: str = "") -> str:
    return f"/api/v1/placements/{placement.pk}{step}"


@pytest.mark.parametrize(
    "person, sees",
    [
        ("supplier_a_admin", True),
        ("buyer", True),
        ("evaluator", True),
        ("supplier_b_admin", False),  # ranked second, not (yet) offered
        ("other_buyer", False),
        ("staff", False),
    ],
)
def test_the_offered_provider_and_the_authority_see_a_placement(
    people, awarded, api_client_for, person, sees
):
    placement = Placement.objects.get(call=awarded)
    api = api_client_for(people.by_name(person))
    detail = api.get(url(placement))
    listed = api.get("/api/v1/placements").json()["items"]
    if sees:
        assert detail.status_code == 200
        body = detail.json()
        assert body["status"] == "waiting"
        assert body["supplier_name"] == people.supplier_a.name
        assert body["rank"] == 1
        assert [p["id"] for p in listed] == [placement.pk]
    else:
        assert detail.status_code == 404
        assert detail.json()["detail"] == "Placement not found."
        assert listed == []


def test_the_provider_accepts_through_the_api_and_the_contract_is_made(
    people, awarded, api_client_for
):
    placement = Placement.objects.get(call=awarded)
    api = api_client_for(people.supplier_a_admin)
    response = api.post(url(placement, "/acceptance"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    assert Contract.objects.get(call=awarded).supplier == people.supplier_a
    again = api.post(url(placement, "/acceptance"))
    assert again.status_code == 409
    assert again.json()["detail"]


def test_a_decline_needs_a_reason_and_offers_the_next_provider(people, awarded, api_client_for):
    placement = Placement.objects.get(call=awarded)
    api = api_client_for(people.supplier_a_admin)
    blank = api.post(url(placement, "/decline"), {"reason": "  "})
    assert blank.status_code == 422
    assert Placement.objects.get(pk=placement.pk).declined_at is None
    declined = api.post(url(placement, "/decline"), {"reason": "No carers free on Mondays."})
    assert declined.json()["status"] == "declined"
    following = api_client_for(people.supplier_b_admin).get("/api/v1/placements?status=waiting")
    assert [p["supplier_name"] for p in following.json()["items"]] == [people.supplier_b.name]


def test_only_the_offered_provider_answers(people, awarded, api_client_for):
    placement = Placement.objects.get(call=awarded)
    by_buyer = api_client_for(people.buyer).post(url(placement, "/acceptance"))
    assert by_buyer.status_code == 403
    by_other = api_client_for(people.supplier_b_admin).post(url(placement, "/acceptance"))
    assert by_other.status_code == 404
    assert Placement.objects.get(pk=placement.pk).accepted_at is None


def test_after_the_window_the_placement_reads_lapsed_and_cannot_be_accepted(
    people, awarded, api_client_for
):
    placement = Placement.objects.get(call=awarded)
    with time_machine.travel(placement.respond_by + timedelta(seconds=1), tick=False):
        api = api_client_for(people.supplier_a_admin)
        assert api.get(url(placement)).json()["status"] == "lapsed"
        late = api.post(url(placement, "/acceptance"))
        assert late.status_code == 409
        lapsed = api.get("/api/v1/placements?status=lapsed").json()["items"]
        assert [p["id"] for p in lapsed] == [placement.pk]
    assert not Contract.objects.filter(call=awarded).exists()


@pytest.fixture
def market(people, fixed_day):
    return market_with_both_suppliers(people)


def member_of(market, supplier):
    return CategoryMember.objects.get(market=market, supplier=supplier, removed_at=None)


def test_a_provider_records_and_reads_its_capacity(people, market, api_client_for):
    api = api_client_for(people.supplier_a_admin)
    body = {
        "member_id": member_of(market, people.supplier_a).pk,
        "zone": "Northgate",
        "kind": "care_hours",
        "amount": "30",
        "available_from": "2027-03-08",
    }
    created = api.post("/api/v1/capacity", body)
    assert created.status_code == 201, created.content
    api.post("/api/v1/capacity", {**body, "amount": "12.5"})
    current = api.get("/api/v1/capacity").json()
    assert [(c["zone"], c["kind"], c["amount"]) for c in current] == [
        ("Northgate", "care_hours", "12.5")
    ]


@pytest.mark.parametrize(
    "change",
    [{"zone": ""}, {"kind": "beds"}, {"amount": "-1"}, {"amount": "10001"}, {"member_id": 0}],
)
def test_bad_capacity_is_refused_and_nothing_written(people, market, api_client_for, change):
    body = {
        "member_id": member_of(market, people.supplier_a).pk,
        "zone": "Northgate",
        "kind": "care_hours",
        "amount": "30",
        "available_from": "2027-03-08",
        **change,
    }
    response = api_client_for(people.supplier_a_admin).post("/api/v1/capacity", body)
    assert response.status_code == 422
    assert response.json()["detail"]
    assert not Capacity.objects.exists()


def test_another_suppliers_membership_is_not_found(people, market, api_client_for):
    body = {
        "member_id": member_of(market, people.supplier_b).pk,
        "zone": "Northgate",
        "kind": "vacancies",
        "amount": "2",
        "available_from": "2027-03-08",
    }
    response = api_client_for(people.supplier_a_admin).post("/api/v1/capacity", body)
    assert response.status_code == 404
    assert not Capacity.objects.exists()


def test_the_buyer_reads_invited_providers_capacity_and_suppliers_do_not(
    people, market, api_client_for
):
    api_client_for(people.supplier_b_admin).post(
        "/api/v1/capacity",
        {
            "member_id": member_of(market, people.supplier_b).pk,
            "zone": "Southgate",
            "kind": "vacancies",
            "amount": "3",
            "available_from": "2027-03-08",
        },
    )
    call = rapid_call(people, market)
    path = f"/api/v1/competitions/{call.pk}/capacity"
    rows = api_client_for(people.buyer).get(path).json()
    by_name = {row["supplier_name"]: row["capacity"] for row in rows}
    assert by_name[people.supplier_a.name] == []
    assert [c["zone"] for c in by_name[people.supplier_b.name]] == ["Southgate"]
    assert api_client_for(people.supplier_a_admin).get(path).status_code == 404
    assert api_client_for(people.other_buyer).get(path).status_code == 404


def test_a_rapid_call_is_answered_from_the_standing_offer(people, market, api_client_for):
    competition_services.standing_offer_save(
        actor=people.supplier_a_admin,
        member=member_of(market, people.supplier_a),
        description="Experienced carers, mornings and evenings.",
        price_per_hour=Decimal("24.50"),
    )
    call = rapid_call(people, market)
    api = api_client_for(people.supplier_a_admin)
    path = f"/api/v1/competitions/{call.pk}/tenders/from-offer"
    higher = api.post(path, {"price": "30"})
    assert higher.status_code == 422
    assert not TenderSubmission.objects.filter(call=call).exists()
    response = api.post(path, {})
    assert response.status_code == 201, response.content
    assert response.json()["receipt"]["call_id"] == call.pk
    assert TenderSubmission.objects.get(call=call, superseded_at=None).supplier == people.supplier_a
    no_offer = api_client_for(people.supplier_b_admin).post(path, {})
    assert no_offer.status_code == 422
    assert api_client_for(people.other_buyer).post(path, {}).status_code in {403, 404}


def test_placements_filter_by_call_and_refuse_a_bad_filter(people, awarded, api_client_for):
    api = api_client_for(people.buyer)
    mine = api.get("/api/v1/placements", call_id=str(awarded.pk)).json()["items"]
    assert [p["call_id"] for p in mine] == [awarded.pk]
    assert api.get("/api/v1/placements", call_id=str(awarded.pk + 1)).json()["items"] == []
    for bad in ({"call_id": "x"}, {"status": "maybe"}, {"call_id": "0"}):
        response = api.get("/api/v1/placements", **bad)
        assert response.status_code == 422, bad
        assert response.json()["detail"]
