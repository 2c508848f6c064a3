"""Lists an integrator can work with: filters (in SQL, 422 on an unknown value), one
paginator for every list (``items``, ``count``, ``links`` and the ``Link`` header), a stable
order with a unique tie-breaker, and money that says its currency.

Run on SQLite and on PostgreSQL (where rows with equal sort keys come back in any order
unless a unique key breaks the tie)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.test import Client

from opendps.competitions.models import Call, Invitation
from opendps.contracts.models import Contract
from opendps.contracts.tests.test_api import make_contract
from opendps.core import clock
from opendps.membership.models import Application
from opendps.testing.factories import apply, make_call, make_market, market_with_both_suppliers

pytestmark = pytest.mark.django_db

PAGED = [
    "/api/v1/markets",
    "/api/v1/competitions",
    "/api/v1/applications",
    "/api/v1/contracts",
    "/api/v1/notices/due",
]


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def walk(client: Any, path: str, limit: int, **params: Any) -> list[int]:
    """Every id of a list, page by page through its ``next`` links."""
    seen: list[int] = []
    body = client.get(path, limit=limit, **params).json()
    while True:
        seen += [item["id"] for item in body["items"]]
        if body["links"]["next"] is None:
            return seen
        body = client.get(path, **query_of(body["links"]["next"])).json()


def test_pages_carry_count_links_and_a_link_header(people, api_client_for):
    market = market_with_both_suppliers(people)
    calls = [make_call(people, market, title=f"Call {n}") for n in range(5)]
    buyer = api_client_for(people.buyer)
    first = buyer.get("/api/v1/competitions", limit=2)
    body = first.json()
    assert set(body) == {"items", "count", "links"}
    assert body["count"] == 5
    assert [c["id"] for c in body["items"]] == [calls[4].pk, calls[3].pk]
    links = body["links"]
    assert links["prev"] is None
    assert links["first"] == "http://testserver/api/v1/competitions?limit=2&offset=0"
    assert links["next"].startswith("http://testserver/api/v1/competitions?limit=2&cursor=")
    assert first["Link"] == f'<{links["first"]}>; rel="first", <{links["next"]}>; rel="next"'
    # The cursor continues after the last row (keyset); prev goes back by offset.
    second = buyer.get("/api/v1/competitions", **query_of(links["next"])).json()
    assert [c["id"] for c in second["items"]] == [calls[2].pk, calls[1].pk]
    assert second["links"]["prev"] == "http://testserver/api/v1/competitions?limit=2&offset=0"
    assert second["count"] == 5
    third = buyer.get("/api/v1/competitions", **query_of(second["links"]["next"])).json()
    assert [c["id"] for c in third["items"]] == [calls[0].pk]
    assert third["links"]["next"] is None
    # Offsets still work, and the links keep the filters.
    last = buyer.get("/api/v1/competitions", limit=2, offset=4, status="open")
    assert last.json()["links"] == {
        "first": "http://testserver/api/v1/competitions?limit=2&status=open&offset=0",
        "prev": "http://testserver/api/v1/competitions?limit=2&status=open&offset=2",
        "next": None,
    }
    assert last.json()["count"] == 5
    assert 'rel="next"' not in last["Link"]


@pytest.mark.parametrize("path", PAGED)
def test_every_list_refuses_a_bad_page_as_a_422(people, api_client_for, path):
    buyer = api_client_for(people.buyer)
    for bad in (
        {"limit": 0},
        {"limit": 201},
        {"offset": -1},
        {"limit": "ten"},
        {"cursor": "not-a-cursor"},
        {"cursor": "eyJvIjoyLCJrIjpbXX0"},  # {"o":2,"k":[]}: not this list's keys
    ):
        response = buyer.get(path, **bad)
        assert response.status_code == 422, (path, bad)
        assert response.json()["code"] == "validation_error"


def test_the_six_former_whole_lists_are_paged(people, api_client_for):
    """Categories (public), questions, tenders, scores, performance and due notices."""
    contract = make_contract(people)
    call = contract.call
    buyer = api_client_for(people.buyer)
    evaluator = api_client_for(people.evaluator)
    for client, path in [
        (api_client_for(None), f"/api/v1/markets/{call.market_id}/categories"),
        (buyer, f"/api/v1/competitions/{call.pk}/questions"),
        (buyer, f"/api/v1/competitions/{call.pk}/tenders"),
        (evaluator, f"/api/v1/competitions/{call.pk}/scores"),
        (buyer, f"/api/v1/contracts/{contract.pk}/performance"),
        (buyer, "/api/v1/notices/due"),
    ]:
        response = client.get(path, limit=1)
        assert response.status_code == 200, (path, response.json())
        body = response.json()
        assert set(body) == {"items", "count", "links"}, path
        assert len(body["items"]) <= 1
        assert body["links"]["first"].endswith("limit=1&offset=0"), path
    assert buyer.get(f"/api/v1/competitions/{call.pk}/tenders").json()["count"] == 1


def test_equal_sort_keys_never_swap_or_repeat_between_pages(people, api_client_for):
    """Calls drafted at the same instant, applications submitted at the same instant: every
    page size walks the same order, each row exactly once (the id breaks the tie)."""
    market = market_with_both_suppliers(people)
    for n in range(7):
        make_call(people, market, title=f"Call {n}", publish=False)
    Call.objects.update(created_at=clock.now().replace(microsecond=0))
    buyer = api_client_for(people.buyer)
    whole = walk(buyer, "/api/v1/competitions", 200)
    assert whole == sorted(whole, reverse=True)  # newest first, then the highest id
    for size in (1, 2, 3, 4, 6):
        assert walk(buyer, "/api/v1/competitions", size) == whole, size

    # A supplier's list runs through its invitations (a many-valued join): the cursor must
    # not join them again (each call would come back once per invited supplier).
    for n in range(5):
        make_call(people, market, title=f"Published {n}")
    Invitation.objects.update(invited_at=clock.now().replace(microsecond=0))
    supplier = api_client_for(people.supplier_a_admin)
    invited = walk(supplier, "/api/v1/competitions", 200)
    assert len(invited) == len(set(invited)) == 5
    for size in (1, 2, 3):
        assert walk(supplier, "/api/v1/competitions", size) == invited, size

    Application.objects.update(submitted_at=clock.now().replace(microsecond=0))
    commissioner = api_client_for(people.commissioner)
    applications = walk(commissioner, "/api/v1/applications", 200)
    assert len(applications) == Application.objects.count() >= 2
    for size in (1, 2, 3):
        assert walk(commissioner, "/api/v1/applications", size) == applications, size

    make_market(people, title="A second market")
    markets = walk(Client(), "/api/v1/markets", 200)
    for size in (1, 2):
        assert walk(Client(), "/api/v1/markets", size) == markets


def test_a_cursor_keeps_rows_stamped_within_the_same_millisecond(people, api_client_for):
    """Rows whose sort keys differ below the millisecond: a cursor cut to the millisecond
    would skip the ones after the last row of a page."""
    market = market_with_both_suppliers(people)
    calls = [make_call(people, market, title=f"Call {n}", publish=False) for n in range(4)]
    base = clock.now().replace(microsecond=500_000)
    for n, call in enumerate(calls):  # .500100, .500200, … within one millisecond
        Call.objects.filter(pk=call.pk).update(
            created_at=base.replace(microsecond=500_100 + n * 100)
        )
    buyer = api_client_for(people.buyer)
    whole = walk(buyer, "/api/v1/competitions", 200)
    assert whole == [c.pk for c in reversed(calls)]
    assert walk(buyer, "/api/v1/competitions", 1) == whole


def test_calls_filter_by_status_and_dates_in_sql(people, api_client_for):
    market = market_with_both_suppliers(people)
    draft = make_call(people, market, title="Draft", publish=False)
    soon = make_call(people, market, title="Soon", days=11)
    later = make_call(people, market, title="Later", days=30)
    buyer = api_client_for(people.buyer)

    def ids(**params: Any) -> list[int]:
        response = buyer.get("/api/v1/competitions", **params)
        assert response.status_code == 200, response.json()
        return [c["id"] for c in response.json()["items"]]

    assert ids(status="draft") == [draft.pk]
    assert ids(status="open") == [later.pk, soon.pk]
    assert ids(status="awarded") == []
    cut = (soon.deadline + timedelta(days=1)).isoformat()
    assert ids(deadline_before=cut) == [soon.pk, draft.pk]  # the draft's own deadline
    assert ids(deadline_after=cut) == [later.pk]
    assert ids(status="open", deadline_after=cut) == [later.pk]
    assert ids(published_after="2000-01-01T00:00:00Z") == [later.pk, soon.pk]
    with time_machine.travel(soon.deadline + timedelta(minutes=1), tick=False):
        assert ids(status="open") == [later.pk]
        assert ids(status="closed") == [soon.pk]
    for bad in (
        {"status": "opened"},
        {"status": ""},
        {"deadline_after": "tomorrow"},
        {"deadline_before": "2027-01-01T00:00:00"},  # no zone
        {"published_after": 1_700_000_000},
    ):
        response = buyer.get("/api/v1/competitions", **bad)
        assert response.status_code == 422, bad
        assert response.json()["code"] == "validation_error"


def test_applications_and_contracts_filter_by_status(people, api_client_for):
    contract = make_contract(people)
    market = contract.call.market
    admitted = Application.objects.get()
    buyer = api_client_for(people.buyer)
    commissioner = api_client_for(people.commissioner)

    def ids(client: Any, path: str, **params: Any) -> list[int]:
        response = client.get(path, **params)
        assert response.status_code == 200, response.json()
        return [item["id"] for item in response.json()["items"]]

    assert ids(commissioner, "/api/v1/applications", status="admitted") == [admitted.pk]
    assert ids(commissioner, "/api/v1/applications", status="awaiting") == []
    with time_machine.travel(market.first_period_ends_at + timedelta(days=2), tick=False):
        waiting = apply(people, market, actor=people.supplier_b_admin, supplier=people.supplier_b)[
            0
        ]
        assert ids(commissioner, "/api/v1/applications", status="awaiting") == [waiting.pk]
    with time_machine.travel(waiting.assessment_due_at + timedelta(days=1), tick=False):
        assert ids(commissioner, "/api/v1/applications", status="overdue") == [waiting.pk]
    assert ids(buyer, "/api/v1/contracts", status="active") == [contract.pk]
    assert ids(buyer, "/api/v1/contracts", status="terminated") == []
    if contract.ends_on is not None:
        after = (contract.ends_on + timedelta(days=1)).isoformat()
        assert ids(buyer, "/api/v1/contracts", ends_before=after) == [contract.pk]
        assert ids(buyer, "/api/v1/contracts", ends_after=after) == []
    Contract.objects.update(terminated_at=clock.now())
    assert ids(buyer, "/api/v1/contracts", status="terminated") == [contract.pk]
    assert ids(buyer, "/api/v1/contracts", status="active") == []
    for path, bad in [
        ("/api/v1/applications", {"status": "accepted"}),
        ("/api/v1/contracts", {"status": "live"}),
        ("/api/v1/contracts", {"starts_after": "next week"}),
    ]:
        response = commissioner.get(path, **bad)
        assert response.status_code == 422, (path, bad)
        assert response.json()["code"] == "validation_error"


def test_filters_are_documented_in_openapi():
    spec = Client().get("/api/v1/openapi.json").json()

    def names(path: str) -> set[str]:
        return {p["name"] for p in spec["paths"][path]["get"]["parameters"]}

    assert {"status", "deadline_after", "deadline_before", "published_after", "limit"} <= names(
        "/api/v1/competitions"
    )
    assert {"status", "market_id", "offset"} <= names("/api/v1/applications")
    assert {"status", "starts_after", "ends_before"} <= names("/api/v1/contracts")
    status = next(
        p
        for p in spec["paths"]["/api/v1/competitions"]["get"]["parameters"]
        if p["name"] == "status"
    )
    assert "open" in str(status["schema"])


def test_money_says_its_currency(people, api_client_for):
    market = market_with_both_suppliers(people)
    make_call(people, market)
    call = api_client_for(people.buyer).get("/api/v1/competitions").json()["items"][0]
    assert (call["estimated_value"], call["currency"]) == ("5000.00", "GBP")
    listed = Client().get("/api/v1/markets").json()["items"][0]
    assert listed["currency"] == "GBP"
    spec = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    for name in ("CallOut", "MarketOut", "ContractOut", "OpenedTenderOut", "StandingOfferOut"):
        assert spec[name]["properties"]["currency"]["const"] == "GBP", name


def test_a_person_with_no_organisation_gets_an_empty_page(people, api_client_for):
    """Platform staff belong to no organisation: their call list is empty, not an error
    (on PostgreSQL the database writes the page: an empty query must not reach it)."""
    market = market_with_both_suppliers(people)
    make_call(people, market)
    body = api_client_for(people.staff).get("/api/v1/competitions").json()
    assert body["items"] == [] and body["count"] == 0
    assert body["links"]["next"] is None


def test_one_shape_serves_every_caller_with_their_own_rows(people, api_client_for):
    """On PostgreSQL a list's statement is compiled once per shape and reused with each
    caller's values (``web.api_page_sql``): two suppliers invited to different calls, and
    two authorities, each see only their own calls, page by page."""
    from opendps.testing.factories import member_suppliers

    both = market_with_both_suppliers(people)
    only_a = make_market(people, regime="pa2023_dynamic_market", light_touch=True, title="A")
    member_suppliers(people, only_a, (people.supplier_a, people.supplier_a_admin))
    shared = [make_call(people, both, title=f"Both {n}") for n in range(2)]
    a_only = [make_call(people, only_a, title=f"A only {n}") for n in range(2)]
    newest_first = [c.pk for c in reversed([*shared, *a_only])]
    expected = {
        people.supplier_a_admin: newest_first,
        people.supplier_b_admin: [c.pk for c in reversed(shared)],
        people.buyer: newest_first,
        people.other_buyer: [],
    }
    clients = {user: api_client_for(user) for user in expected}
    for _round in range(2):  # the second round reuses every statement the first compiled
        for user, calls in expected.items():
            client = clients[user]
            assert walk(client, "/api/v1/competitions", 1) == calls, user.email
            assert client.get("/api/v1/competitions").json()["count"] == len(calls)


def test_a_cursor_whose_keys_are_not_ours_is_a_422(people, api_client_for):
    import base64
    import json

    market = market_with_both_suppliers(people)
    for n in range(3):
        make_call(people, market, title=f"Call {n}")
    buyer = api_client_for(people.buyer)
    for keys in (["not a moment", 1], ["2026-01-01T00:00:00", 1], [None, 1], ["", "x"]):
        text = json.dumps({"o": 1, "k": keys}).encode()
        cursor = base64.urlsafe_b64encode(text).decode().rstrip("=")
        response = buyer.get("/api/v1/competitions", limit=1, cursor=cursor)
        assert response.status_code == 422, (keys, response.content)
        assert response.json()["code"] == "validation_error"
