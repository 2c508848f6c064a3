"""Calls built from ``values()`` (``api_rows``) answer exactly what ``CallOut`` would.

The call list and get-one skip the schema's per-attribute validation on the way out, so
this test holds them to it: every field, for calls in several states, as every kind of
reader sees them, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from opendps.api import api
from opendps.competitions import selectors, services
from opendps.competitions.api_rows import call_rows, shape_call
from opendps.competitions.schemas import CallOut
from opendps.testing.factories import (
    make_call,
    make_market,
    market_with_both_suppliers,
    member_suppliers,
)

pytestmark = pytest.mark.django_db


def rendered(data: Any) -> Any:
    return json.loads(api.renderer.render(RequestFactory().get("/"), data, response_status=200))


def test_rows_equal_the_schema_output_for_every_field(people, api_client_for):
    market = market_with_both_suppliers(people)
    make_call(people, market, title="Draft", publish=False)
    make_call(people, market, title="Open")
    cancelled = make_call(people, market, title="Cancelled")
    services.call_cancel(actor=people.buyer, call=cancelled, reason="No longer needed.")
    for user in (people.buyer, people.supplier_a_admin):
        calls = list(selectors.call_list(user))
        assert calls
        expected = {c.pk: rendered(CallOut.from_orm(c).model_dump()) for c in calls}
        rows = {r["id"]: rendered(shape_call(r)) for r in call_rows(selectors.call_list(user))}
        assert rows == expected
        client = api_client_for(user)
        listed = client.get("/api/v1/competitions", limit=200).json()["items"]
        assert {c["id"]: c for c in listed} == expected
        for pk, answer in expected.items():
            assert client.get(f"/api/v1/competitions/{pk}").json() == answer
    assert set(expected[cancelled.pk]) == set(CallOut.model_fields)


def test_the_status_of_every_state_equals_the_schema_output(people, api_client_for):
    """The rows derive the status from their own timestamps (``call_status``), not the SQL
    annotation: closed, in evaluation, in standstill and awarded, at several moments."""
    from datetime import timedelta

    import time_machine

    from opendps.competitions.tests.test_services import evaluate_and_award
    from opendps.core import clock
    from opendps.testing.factories import tender

    market = market_with_both_suppliers(people)
    awarded = make_call(people, market, title="Awarded")
    tender(people, awarded, price="6000", answers={"quality": "Q", "social_value": "S"})
    award = evaluate_and_award(people, awarded, {people.supplier_a: 3}, voluntary_standstill=True)
    evaluating = make_call(people, market, title="Evaluating")
    tender(people, evaluating, price="5000", answers={"quality": "Q", "social_value": "S"})
    with time_machine.travel(evaluating.deadline + timedelta(minutes=1), tick=False):
        services.call_open(actor=people.buyer, call=evaluating)
    moments = [evaluating.deadline + timedelta(minutes=2), award.standstill_ends_at]
    moments += [award.standstill_ends_at + timedelta(seconds=1)]
    statuses = set()
    client = api_client_for(people.buyer)
    for moment in moments:
        with time_machine.travel(moment, tick=False):
            expected = {
                c.pk: rendered(CallOut.from_orm(c).model_dump())
                for c in selectors.call_list(people.buyer)
            }
            listed = client.get("/api/v1/competitions").json()["items"]
            assert {c["id"]: c for c in listed} == expected
            statuses |= {c["status"] for c in listed}
            assert clock.now() == moment
    assert {"evaluation", "standstill", "awarded"} <= statuses


def test_a_suppliers_count_reads_its_invitations_and_filters_still_count(
    people, api_client_for, django_assert_num_queries, settings
):
    """One supplier's people: ``count`` is its invitations (every one is of a published
    call); with a filter, the filtered calls."""
    settings.OPENDPS_TOKEN_CACHE = True  # as with Redis (accounts.token_cache)
    market = market_with_both_suppliers(people)
    make_call(people, market, title="Draft", publish=False)
    for title in ("One", "Two", "Three"):
        make_call(people, market, title=title)
    cancelled = make_call(people, market, title="Cancelled")
    services.call_cancel(actor=people.buyer, call=cancelled, reason="No longer needed.")
    client = api_client_for(people.supplier_a_admin)
    client.get("/api/v1/me")  # the token's answer is cached from here on
    # The page and its count (one statement where PostgreSQL writes the page): no token or
    # role query.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        page = client.get("/api/v1/competitions", limit=1).json()
    assert page["count"] == 4
    assert client.get("/api/v1/competitions", limit=1, status="cancelled").json()["count"] == 1
    assert client.get("/api/v1/competitions", limit=1, status="open").json()["count"] == 3


def test_every_kind_of_field_is_written_alike_by_the_database(people, api_client_for):
    """On PostgreSQL the database writes the list's items (``api_rows.CALL_JSON``): a rapid
    call priced per hour with its acceptance window, criteria with guidance and fractional
    weights, a draft with no key yet; each equals ``CallOut``'s own output."""
    market = make_market(people, regime="pa2023_dynamic_market", light_touch=True)
    member_suppliers(people, market, (people.supplier_a, people.supplier_a_admin))
    criteria = [
        {
            "key": "quality",
            "name": "Quality",
            "kind": "quality",
            "weight": "62.5",
            "guidance": 'Say how, with "examples".\nTwo lines.',
        },
        {"key": "social_value", "name": "Social value", "kind": "social_value", "weight": 10},
        {"key": "price", "name": "Price per hour", "kind": "price", "weight": "27.5"},
    ]
    make_call(
        people,
        market,
        title="Home care, 14 hours a week — Ynys Môn",
        rapid=True,
        days=1,
        acceptance_hours=4,
        service_user_needs="Help with meals.",
        price_basis="unit_rate",
        price_unit="hour",
        expected_quantity=Decimal("728.50"),
        criteria=criteria,
    )
    make_call(people, market, title="A draft", publish=False)
    client = api_client_for(people.buyer)
    expected = {
        c.pk: rendered(CallOut.from_orm(c).model_dump()) for c in selectors.call_list(people.buyer)
    }
    with CaptureQueriesContext(connection) as queries:
        listed = client.get("/api/v1/competitions").json()["items"]
    assert {c["id"]: c for c in listed} == expected
    assert [c["id"] for c in listed] == sorted(expected, reverse=True)
    built_by_database = any("json_agg" in q["sql"] for q in queries.captured_queries)
    assert built_by_database == (connection.vendor == "postgresql")
