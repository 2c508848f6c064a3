"""Find opportunities: published calls open for tenders, public, searchable, nothing more."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from opendps.competitions import services
from opendps.core import clock
from opendps.testing.factories import make_call, market_with_both_suppliers, tender

pytestmark = pytest.mark.django_db

NEEDS = "Person in their 80s in NT4, needs a morning visit."
SECRET_ANSWER = "our-sealed-approach-canary"


@pytest.fixture
def market(people):
    return market_with_both_suppliers(people, cpv_codes=["85310000-5"])


@pytest.fixture
def calls(people, market):
    """An open call with a tender, an open rapid call with needs, a draft, a cancelled call
    and one whose deadline has passed."""
    with time_machine.travel(clock.now() - timedelta(days=2), tick=False):
        closed = make_call(people, market, days=1, rapid=True, title="Closed call")
    open_call = make_call(
        people,
        market,
        days=3,
        rapid=True,
        title="Home care in Leeds",
        region="Leeds",
        estimated_value=Decimal("15000"),
    )
    tender(people, open_call, answers={"quality": SECRET_ANSWER})
    rapid = make_call(
        people, market, days=1, rapid=True, title="Morning visits", service_user_needs=NEEDS
    )
    draft = make_call(people, market, days=1, rapid=True, title="Draft call", publish=False)
    cancelled = make_call(people, market, days=1, rapid=True, title="Cancelled call")
    services.call_cancel(actor=people.buyer, call=cancelled, reason="Budget withdrawn")
    return {"open": open_call, "rapid": rapid, "draft": draft, "closed": closed}


def page(path: str = "/opportunities", **params: str) -> str:
    response = Client().get(path, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_anyone_sees_the_open_published_calls_soonest_deadline_first(calls):
    body = page()
    assert body.index("Morning visits") < body.index("Home care in Leeds")
    for hidden in ("Draft call", "Cancelled call", "Closed call"):
        assert hidden not in body
    assert "2 calls open" in body
    assert "£10,000 to £100,000" in body  # the value band, not the value


def test_nothing_the_open_data_would_not_show(calls):
    list_page = page()
    detail = page(f"/opportunities/{calls['rapid'].pk}")
    for body in (list_page, detail):
        assert NEEDS not in body
        assert SECRET_ANSWER not in body
        assert "Tenders received" not in body
    assert "Every admitted member of the category was invited" in detail
    market = calls["rapid"].market
    assert f'<a class="govuk-link" href="/markets/{market.pk}">{market.title}</a>' in detail
    assert "&lt;a class" not in detail


def test_a_draft_is_not_found(calls):
    assert Client().get(f"/opportunities/{calls['draft'].pk}").status_code == 404


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"text": "leeds"}, "Home care in Leeds", "Morning visits"),
        ({"region": "Leeds"}, "Home care in Leeds", "Morning visits"),
        ({"cpv": "8531"}, "Home care in Leeds", "Draft call"),
        ({"regime": "pa2023_dynamic_market"}, "Morning visits", "Draft call"),
    ],
)
def test_filters_narrow_the_list(calls, params, shown, hidden):
    body = page(**params)
    assert shown in body and hidden not in body


def test_the_category_filter_lists_the_categories_with_open_calls(calls, market):
    category = market.categories.get()
    body = page()
    assert f'<option value="{category.pk}"' in body
    assert "Home care in Leeds" in page(category=str(category.pk))
    assert "Select one of the options for: Category" in page(category=str(category.pk + 999))


def test_filters_that_match_nothing_say_so(calls):
    assert "No open call matches" in page(cpv="72000000")
    assert "No open call matches" in page(regime="pcr2015_dps")


def test_closing_by_a_date_keeps_the_calls_closing_that_day_or_before(calls):
    soon = calls["rapid"].deadline
    body = page(
        closes_by_day=str(soon.day), closes_by_month=str(soon.month), closes_by_year=str(soon.year)
    )
    assert "Morning visits" in body and "Home care in Leeds" not in body


def test_bad_filters_are_explained_and_the_list_still_shows(calls):
    body = page(cpv="health", closes_by_day="31", closes_by_month="2", closes_by_year="2027")
    assert "Enter a CPV code as digits" in body
    assert "Home care in Leeds" in body


def test_the_list_costs_the_same_queries_at_any_size(people, market, django_assert_max_num_queries):
    for n in range(3):
        make_call(people, market, days=1, rapid=True, title=f"Call {n}")
    with django_assert_max_num_queries(4):
        Client().get("/opportunities")
    for n in range(20):
        make_call(people, market, days=1, rapid=True, title=f"More {n}")
    with django_assert_max_num_queries(4):
        Client().get("/opportunities")


def test_awards_are_public_with_the_winner_and_value_only(people, market):
    from opendps.competitions.tests.test_services import evaluate_and_award

    call = make_call(people, market, title="Awarded call")
    tender(people, call, price="9000")
    tender(people, call, supplier=people.supplier_b, price="8123.45")
    evaluate_and_award(people, call, {people.supplier_a: 4, people.supplier_b: 1})
    body = page("/awards")
    assert "Awarded call" in body
    assert "awarded to Alpha Support CIC" in body
    assert "£9,000" in body
    assert "Beta Care Ltd" not in body and "8,123" not in body  # the loser: nothing
    assert "/ocds/records/" in body
    detail = page(f"/opportunities/{call.pk}")
    assert "Awarded to Alpha Support CIC" in detail and "£9,000" in detail
    assert "Beta Care Ltd" not in detail
    assert "Awarded call" not in page("/awards", text="nothing like it")
    # The process page: the contract (light-touch, no standstill: made at award) and its record.
    assert "Entered into" in detail
    assert "/ocds/records/" in detail and f"call-{call.pk}" in detail
