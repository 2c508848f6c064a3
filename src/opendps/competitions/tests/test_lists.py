"""Long lists of calls: pages of rows with GOV.UK pagination, a filter by status, and a
query count that does not grow with the number of calls (BENCHMARKS.md H3–H6)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opendps.competitions import services
from opendps.competitions.models import Call
from opendps.competitions.tests.test_views import scores_for
from opendps.testing.factories import make_call, market_with_both_suppliers, tender
from opendps.testing.fixtures import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_day")]


@pytest.fixture
def market(people):
    return market_with_both_suppliers(people)


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr("opendps.web.pagination.PER_PAGE", 2)


def calls_made(people: Any, market: Any, count: int, start: int = 0) -> list[Call]:
    return [
        make_call(people, market, title=f"Call number {n}") for n in range(start, start + count)
    ]


def titles_on(response: Any) -> list[str]:
    assert response.status_code == 200
    return re.findall(r"Call number \d+", response.content.decode())


def queries_for(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_invitations_come_in_pages_with_the_newest_first(people, market, small_pages):
    calls_made(people, market, 5)
    alpha = client_for(people.supplier_a_admin)
    first = alpha.get("/invitations")
    assert titles_on(first) == ["Call number 4", "Call number 3"]
    assert "Showing 1 to 2 of 5" in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()
    assert titles_on(alpha.get("/invitations?page=3")) == ["Call number 0"]
    # A page out of range or not a number shows the nearest real page, not an error.
    assert titles_on(alpha.get("/invitations?page=99")) == ["Call number 0"]
    assert titles_on(alpha.get("/invitations?page=x")) == ["Call number 4", "Call number 3"]


def test_invitations_filter_by_status_with_counts(people, market):
    calls = calls_made(people, market, 3)
    services.call_cancel(actor=people.buyer, call=calls[0], reason="Budget cut")
    alpha = client_for(people.supplier_a_admin)
    page = alpha.get("/invitations").content.decode()
    assert "All (3)" in page and "Open for tenders (2)" in page and "Cancelled (1)" in page
    assert titles_on(alpha.get("/invitations?status=cancelled")) == ["Call number 0"]
    assert titles_on(alpha.get("/invitations?status=open")) == ["Call number 2", "Call number 1"]
    # An unknown status is no filter at all.
    assert len(titles_on(alpha.get("/invitations?status=nonsense"))) == 3


def test_invitations_say_which_calls_were_tendered_for(people, market):
    tendered, untouched = calls_made(people, market, 2)
    tender(people, tendered)
    tender(people, untouched, supplier=people.supplier_b)  # another supplier's tender
    page = client_for(people.supplier_a_admin).get("/invitations").content.decode()
    rows = dict(re.findall(r"(Call number \d+).*?(You have tendered|Not tendered yet)", page, re.S))
    assert rows == {"Call number 0": "You have tendered", "Call number 1": "Not tendered yet"}


def test_invitations_cost_the_same_queries_whatever_their_number(people, market):
    calls_made(people, market, 2)
    alpha = client_for(people.supplier_a_admin)
    few = queries_for(alpha, "/invitations")
    tender(people, calls_made(people, market, 6, start=2)[0])
    assert queries_for(alpha, "/invitations") == few


def test_buyer_calls_come_in_pages_filtered_by_status(people, market, small_pages):
    calls = calls_made(people, market, 3)
    make_call(people, market, publish=False, title="Call number 9")
    buyer = client_for(people.buyer)
    first = buyer.get("/calls").content.decode()
    assert "Showing 1 to 2 of 4" in first and "Draft (1)" in first
    assert titles_on(buyer.get("/calls?status=draft")) == ["Call number 9"]
    assert titles_on(buyer.get("/calls?status=open&page=2")) == ["Call number 0"]
    assert len(calls) == 3


def test_buyer_calls_cost_the_same_queries_whatever_their_number(people, market):
    calls_made(people, market, 2)
    buyer = client_for(people.buyer)
    few = queries_for(buyer, "/calls")
    calls_made(people, market, 6, start=2)
    assert queries_for(buyer, "/calls") == few


@pytest.fixture
def being_evaluated(people, market):
    """Four opened calls; the evaluator declared a conflict on one, submitted scores on
    one, saved a draft on one and has not started the last."""
    calls = calls_made(people, market, 4)
    for call in calls:
        tender(people, call)
    with time_machine.travel(calls[-1].deadline + timedelta(minutes=1), tick=True):
        for call in calls:
            services.call_open(actor=people.buyer, call=call)
        conflicted, submitted, draft, _untouched = calls
        services.conflict_declare(
            actor=people.evaluator, call=conflicted, has_conflict=True, details="Trustee"
        )
        for call, submit in ((submitted, True), (draft, False)):
            services.conflict_declare(actor=people.evaluator, call=call, has_conflict=False)
            services.scoresheet_save(
                actor=people.evaluator,
                call=call,
                scores=scores_for(call, {people.supplier_a: 3}),
                submit=submit,
            )
        yield calls


def test_evaluator_sees_where_they_are_on_each_call(people, being_evaluated):
    page = client_for(people.evaluator).get("/evaluation").content.decode()
    states = re.findall(
        r"(Call number \d+).*?(Conflict declared|Submitted|In progress|Not started)", page, re.S
    )
    assert states == [
        ("Call number 0", "Conflict declared"),
        ("Call number 1", "Submitted"),
        ("Call number 2", "In progress"),
        ("Call number 3", "Not started"),
    ]
    # Another evaluator's progress is not theirs: the commissioner has started nothing.
    other = client_for(people.commissioner).get("/evaluation")
    assert other.status_code == 200
    assert "Submitted" not in other.content.decode()
    assert other.content.decode().count("Not started") == 4


def test_evaluator_list_costs_the_same_queries_whatever_its_length(people, being_evaluated):
    evaluator = client_for(people.evaluator)
    with time_machine.travel(being_evaluated[-1].deadline + timedelta(minutes=2), tick=True):
        many = queries_for(evaluator, "/evaluation")
        for call in being_evaluated[1:]:
            services.call_cancel(actor=people.buyer, call=call, reason="Budget cut")
        assert queries_for(evaluator, "/evaluation") == many


def test_supplier_home_costs_the_same_queries_whatever_the_invitations(people, market):
    calls_made(people, market, 1)
    alpha = client_for(people.supplier_a_admin)
    few = queries_for(alpha, "/")
    for call in calls_made(people, market, 7, start=1)[:3]:
        tender(people, call)
    home = alpha.get("/").content.decode()
    assert "Tender for Call number 0" in home and "Tender for Call number 1" not in home
    assert queries_for(alpha, "/") == few
