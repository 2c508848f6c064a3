"""Calls built from ``values()`` (``api_rows``) answer exactly what ``CallOut`` would.

The call list and get-one skip the schema's per-attribute validation on the way out, so
this test holds them to it: every field, for calls in several states, as every kind of
reader sees them, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import RequestFactory

from opendps.api import api
from opendps.competitions import selectors, services
from opendps.competitions.api_rows import call_rows, shape_call
from opendps.competitions.schemas import CallOut
from opendps.testing.factories import make_call, market_with_both_suppliers

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
