"""A call's price basis: a total, or a unit rate for an expected quantity (issue 11.3).

A home-care package won at £24.50 an hour is not a £24.50 contract: the award, the contract,
the PA 2023 fee, feedback, insight and OCDS all carry the rate times the expected quantity.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

from opendps.competitions import services
from opendps.competitions.models import TenderSubmission
from opendps.competitions.pricing import PriceBasis, PriceTerms, PriceUnit
from opendps.competitions.tests.test_views import call_data
from opendps.contracts.models import Contract
from opendps.core import clock
from opendps.core.errors import RuleViolation
from opendps.testing.factories import make_call, market_with_both_suppliers, tender
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db(transaction=True)

HOURS = Decimal("612")  # 12 hours a week for 51 weeks


# --- the terms themselves (no database) -----------------------------------------------------


@pytest.mark.parametrize(
    ("terms", "price", "value"),
    [
        (PriceTerms(), Decimal("15000"), Decimal("15000")),
        (
            PriceTerms(PriceBasis.UNIT_RATE, PriceUnit.HOUR, HOURS),
            Decimal("24.50"),
            Decimal("14994.00"),
        ),
        # Rounded half up to the penny: 37.5 nights at £33.33 is £1,249.875.
        (
            PriceTerms(PriceBasis.UNIT_RATE, PriceUnit.NIGHT, Decimal("37.5")),
            Decimal("33.33"),
            Decimal("1249.88"),
        ),
    ],
)
def test_the_contract_value_is_the_total_or_the_rate_times_the_quantity(terms, price, value):
    assert terms.check().value(price) == value


@pytest.mark.parametrize(
    "terms",
    [
        PriceTerms(PriceBasis.UNIT_RATE, PriceUnit.HOUR, None),
        PriceTerms(PriceBasis.UNIT_RATE, PriceUnit.HOUR, Decimal("0")),
        PriceTerms(PriceBasis.UNIT_RATE, "", Decimal("10")),
        PriceTerms(PriceBasis.UNIT_RATE, "fortnight", Decimal("10")),
        PriceTerms(PriceBasis.UNIT_RATE, PriceUnit.HOUR, Decimal("10000000")),
        PriceTerms(PriceBasis.TOTAL, PriceUnit.HOUR, None),
        PriceTerms(PriceBasis.TOTAL, "", Decimal("10")),
        PriceTerms("per_widget", "", None),
    ],
)
def test_incoherent_terms_are_refused(terms):
    with pytest.raises(RuleViolation) as caught:
        terms.check()
    assert caught.value.code == "price_basis_invalid"


# --- the whole process ------------------------------------------------------------------------


@pytest.fixture
def market(people):
    return market_with_both_suppliers(
        people, title="Home Support Dynamic Market", supplier_fee_percent=Decimal("1.5")
    )


def hourly_call(people, market, **fields):
    return make_call(
        people,
        market,
        days=1,
        rapid=True,
        title="Home care package, NT4",
        estimated_value=Decimal("15000"),
        price_basis=PriceBasis.UNIT_RATE,
        price_unit=PriceUnit.HOUR,
        expected_quantity=HOURS,
        **fields,
    )


def award_on_quality(people, call, quality):
    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=False):
        services.call_open(actor=people.buyer, call=call)
        services.conflict_declare(actor=people.evaluator, call=call, has_conflict=False)
        keys = [c["key"] for c in call.criteria if c["kind"] != "price"]
        scores = {
            str(TenderSubmission.objects.get(call=call, supplier=s, superseded_at=None).pk): {
                key: {"score": score, "reason": f"Scored {score}"} for key in keys
            }
            for s, score in quality.items()
        }
        services.scoresheet_save(actor=people.evaluator, call=call, scores=scores, submit=True)
        services.moderation_record(actor=people.commissioner, call=call, scores=scores)
        return services.award_decide(actor=people.buyer, call=call)


@pytest.fixture
def awarded(people, market):
    call = hourly_call(people, market)
    tender(people, call, price="24.50")
    tender(people, call, supplier=people.supplier_b, price="26.00")
    award = award_on_quality(people, call, {people.supplier_a: 4, people.supplier_b: 3})
    return call, award


def test_a_unit_rate_award_is_valued_at_the_rate_times_the_quantity(people, awarded):
    _call, award = awarded
    assert award.winner.supplier == people.supplier_a
    assert award.contract_value == Decimal("14994.00")  # not £24.50
    ranking = {entry["supplier_id"]: entry for entry in award.ranking}
    assert ranking[people.supplier_a.pk]["price"] == "24.50"
    assert ranking[people.supplier_b.pk]["value"] == "15912.00"


def test_the_contract_and_the_pa_fee_follow_the_value(people, awarded):
    call, _award = awarded
    contract = Contract.objects.get(call=call)  # light-touch: no standstill, made at once
    assert contract.value == Decimal("14994.00")
    assert contract.fee_amount == Decimal("224.91")  # 1.5 % of £14,994, not of £24.50


def test_feedback_gives_rates_and_values(people, awarded, api_client_for):
    call, _award = awarded
    response = api_client_for(people.supplier_b_admin).get(
        f"/api/v1/competitions/{call.pk}/feedback"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["price_basis"], body["price_unit"]) == ("unit_rate", "hour")
    assert Decimal(body["expected_quantity"]) == HOURS
    assert Decimal(body["your_price"]) == Decimal("26.00")
    assert Decimal(body["winning_price"]) == Decimal("24.50")
    assert Decimal(body["your_value"]) == Decimal("15912.00")
    assert Decimal(body["winning_value"]) == Decimal("14994.00")
    page = client_for(people.supplier_b_admin).get(f"/calls/{call.pk}/feedback")
    text = page.content.decode()
    assert "£24.50 per hour" in text
    assert "£26 per hour" in text
    assert "£14,994 for 612 hours" in text


def test_supplier_insight_compares_contract_values(people, awarded, api_client_for):
    response = api_client_for(people.supplier_b_admin).get("/api/v1/insights/supplier")
    assert response.status_code == 200
    (result,) = response.json()["calls"]
    assert Decimal(result["your_price"]) == Decimal("15912.00")
    assert Decimal(result["winning_price"]) == Decimal("14994.00")


def test_open_data_carries_the_value_and_the_quantity(people, awarded):
    call, _award = awarded
    releases = client_for(None).get("/ocds/releases").json()["releases"]
    of_call = [r for r in releases if r["ocid"].endswith(f"call-{call.pk}")]
    tender_release = next(r for r in of_call if "tender" in r["tag"])
    assert tender_release["tender"]["items"][0]["quantity"] == 612
    assert tender_release["tender"]["items"][0]["unit"] == {"name": "hour"}
    award_release = next(r for r in of_call if "award" in r["tag"])
    assert award_release["awards"][0]["value"] == {"amount": 14994.0, "currency": "GBP"}
    contract_release = next(r for r in of_call if "contract" in r["tag"])
    assert contract_release["contracts"][0]["value"]["amount"] == 14994.0


def test_a_total_price_is_the_contract_value(people, market):
    call = make_call(people, market, days=1, rapid=True, estimated_value=Decimal("15000"))
    tender(people, call, price="14500")
    award = award_on_quality(people, call, {people.supplier_a: 4})
    assert award.contract_value == Decimal("14500")
    assert Contract.objects.get(call=call).fee_amount == Decimal("217.50")


# --- refusals -------------------------------------------------------------------------------


def test_a_unit_rate_call_needs_its_unit_and_quantity(people, market):
    with pytest.raises(RuleViolation, match="expected number of units"):
        make_call(people, market, days=1, rapid=True, price_basis=PriceBasis.UNIT_RATE)


def test_a_rate_whose_contract_value_overflows_is_refused(people, market):
    call = hourly_call(people, market)
    with pytest.raises(RuleViolation, match="rate times the expected quantity"):
        tender(people, call, price="999999999999")
    assert not TenderSubmission.objects.exists()


def test_the_api_takes_and_shows_the_price_basis(people, market, api_client_for):
    api = api_client_for(people.buyer)
    body = {
        "category_id": market.categories.first().pk,
        "title": "Home care package",
        "requirement": "Care at home.",
        "estimated_value": "15000",
        "deadline": (clock.now() + timedelta(days=2)).isoformat(),
        "rapid": True,
        "price_basis": "unit_rate",
        "price_unit": "hour",
        "expected_quantity": "612",
    }
    created = api.post("/api/v1/competitions", body)
    assert created.status_code == 201, created.json()
    shown = api.get(f"/api/v1/competitions/{created.json()['id']}").json()
    assert (shown["price_basis"], shown["price_unit"]) == ("unit_rate", "hour")
    assert Decimal(shown["expected_quantity"]) == HOURS
    missing = api.post("/api/v1/competitions", body | {"expected_quantity": None})
    assert missing.status_code == 422
    assert "expected number of units" in missing.json()["detail"]
    unknown = api.post("/api/v1/competitions", body | {"price_unit": "fortnight"})
    assert unknown.status_code == 422


def test_the_call_page_asks_for_the_unit_and_quantity(people, market):
    category = market.categories.first()
    page = client_for(people.buyer)
    form = page.get(f"/calls/new?category={category.pk}&rapid=1")
    assert form.status_code == 200
    # A rapid care call starts priced per hour.
    html = form.content.decode()
    assert re.search(r'value="unit_rate"\s+checked', html)
    assert re.search(r'<option value="hour"\s+selected', html)
    response = page.post(
        f"/calls/new?category={category.pk}&rapid=1",
        call_data(price_basis="unit_rate", price_unit="", expected_quantity=""),
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Choose what the rate is per" in text
    assert "Enter the expected quantity as a number more than 0" in text
