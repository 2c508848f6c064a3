"""Applications built from ``values()`` (``api_rows``) answer exactly what
``ApplicationOut`` would: every field, for an admitted and an undecided application, as the
supplier and the authority see them, through the list's real answers too."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import RequestFactory

from opendps.api import api
from opendps.membership import selectors
from opendps.membership.api_rows import ApplicationShaper, application_rows
from opendps.membership.schemas import ApplicationOut
from opendps.testing.factories import admit, apply, make_market

pytestmark = pytest.mark.django_db


def rendered(data: Any) -> Any:
    return json.loads(api.renderer.render(RequestFactory().get("/"), data, response_status=200))


def test_rows_equal_the_schema_output_for_every_field(people, api_client_for):
    market = make_market(people, categories=("CV and job search support", "Job coaching"))
    admitted, _undecided = apply(people, market)
    admit(people, admitted)
    apply(people, market, actor=people.supplier_b_admin, supplier=people.supplier_b)
    for user in (people.supplier_a_admin, people.evaluator):
        applications = list(selectors.application_list(user))
        assert applications
        expected = {a.pk: rendered(ApplicationOut.from_orm(a).model_dump()) for a in applications}
        shape = ApplicationShaper()
        rows = application_rows(selectors.application_list(user))
        assert {r["id"]: rendered(shape(r)) for r in rows} == expected
        listed = api_client_for(user).get("/api/v1/applications", limit=200).json()["items"]
        assert {a["id"]: a for a in listed} == expected
    statuses = {a["status"] for a in expected.values()}
    assert {"admitted", "awaiting"} <= statuses
    assert set(expected[admitted.pk]) == set(ApplicationOut.model_fields)
