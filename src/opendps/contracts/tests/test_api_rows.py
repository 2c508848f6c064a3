"""Contracts built from ``values()`` (``api_rows``) answer exactly what ``ContractOut``
would: every field, as each party sees them, through the list's real answers too."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import RequestFactory

from opendps.api import api
from opendps.contracts import selectors
from opendps.contracts.api_rows import ContractShaper, contract_rows
from opendps.contracts.schemas import ContractOut
from opendps.contracts.tests.test_api import make_contract, supplier_record

pytestmark = pytest.mark.django_db


def rendered(data: Any) -> Any:
    return json.loads(api.renderer.render(RequestFactory().get("/"), data, response_status=200))


def test_rows_equal_the_schema_output_for_every_field(people, api_client_for):
    contract = make_contract(people)
    supplier_record(people, contract)  # one record awaiting confirmation
    for user in (people.buyer, people.supplier_a_admin):
        contracts = list(selectors.contract_list(user))
        assert contracts
        expected = {c.pk: rendered(ContractOut.from_orm(c).model_dump()) for c in contracts}
        shape = ContractShaper()
        rows = {r["id"]: rendered(shape(r)) for r in contract_rows(selectors.contract_list(user))}
        assert rows == expected
        listed = api_client_for(user).get("/api/v1/contracts", limit=200).json()["items"]
        assert {c["id"]: c for c in listed} == expected
    assert expected[contract.pk]["records_awaiting_confirmation"] == 1
    assert set(expected[contract.pk]) == set(ContractOut.model_fields)
