"""A query compiled once per shape (``core.prepared``) answers what the queryset would,
for every value, and refuses a queryset whose SQL depends on a value."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.db import connection
from django.db.models import F, QuerySet
from django.test.utils import CaptureQueriesContext

from opendps.competitions import selectors
from opendps.competitions.api_rows import call_rows, visible_call_row
from opendps.competitions.models import Call
from opendps.core.prepared import PreparedRows
from opendps.testing.factories import make_call, market_with_both_suppliers

pytestmark = pytest.mark.django_db


def _calls(call_id: int, buyers: list[int]) -> QuerySet[Any]:
    return Call.objects.filter(pk=call_id, buyer_id__in=buyers).values(
        "id", "deadline", "criteria", "public_key", buyer_name=F("buyer__name")
    )


def test_rows_equal_the_querysets_own_for_every_value(people):
    market = market_with_both_suppliers(people)
    calls = [make_call(people, market, title=f"Call {n}") for n in range(3)]
    prepared = PreparedRows(_calls)
    for call in calls:
        for buyers in ([people.authority.pk], [people.other_authority.pk, people.authority.pk]):
            expected = list(_calls(call.pk, buyers))
            assert expected  # converted as Django converts: aware moments, parsed JSON
            got = prepared.rows(len(buyers), call_id=call.pk, buyers=buyers)
            assert got == expected
    assert prepared.rows(1, call_id=calls[0].pk, buyers=[people.other_authority.pk]) == []


def test_a_query_whose_sql_depends_on_a_value_is_refused(people):
    def by_sign(call_id: int) -> QuerySet[Any]:
        # Two different SQL texts for the two stand-ins' signs would be compiled once and
        # reused wrongly; here the text changes with the value itself.
        return Call.objects.filter(pk=call_id).values("id").order_by("id" if call_id % 2 else "-id")

    with pytest.raises(ValueError, match="depends on its values"):
        PreparedRows(by_sign).rows("one", call_id=1)


def test_a_value_that_never_reaches_the_sql_is_refused(people):
    with pytest.raises(ValueError, match="does not reach"):
        PreparedRows(lambda call_id, unused: Call.objects.filter(pk=call_id).values("id")).rows(
            "one", call_id=1, unused=2
        )


def test_get_one_is_one_query_and_sees_what_the_selector_allows(people):
    market = market_with_both_suppliers(people)
    published = make_call(people, market, title="Published")
    draft = make_call(people, market, title="Draft", publish=False)
    for user in (people.buyer, people.supplier_a_admin, people.other_buyer, people.staff):
        for call in (published, draft):
            allowed = list(call_rows(selectors.call_visible(user, call_id=call.pk)))
            with CaptureQueriesContext(connection) as queries:
                row = visible_call_row(user, call.pk)
            assert row == (allowed[0] if allowed else None), (user.email, call.title)
            assert len(queries) <= 1


def test_the_criteria_migration_writes_what_the_services_write():
    migration = importlib.import_module(
        "opendps.competitions.migrations.0011_criteria_stored_as_answered"
    )
    old = {"key": "price", "name": "Price", "kind": "price", "weight": 27.5}
    assert migration._criterion(old) == {
        "key": "price",
        "name": "Price",
        "kind": "price",
        "weight": "27.5",
        "guidance": "",
    }
    from opendps.competitions.criteria import criteria_parse

    stored = [c.model_dump(mode="json") for c in criteria_parse([old | {"weight": 100}])]
    assert [migration._criterion(c) for c in stored] == stored
