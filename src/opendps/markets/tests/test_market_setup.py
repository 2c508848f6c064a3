"""Setting up a market: CPV codes checked against the CPV 2008 list and shown with their
descriptions; the rules chosen first so only that regime's settings are asked; the
two-officer opening setting shown on the market."""

from __future__ import annotations

import pytest

from opendps.core.errors import RuleViolation
from opendps.markets.cpv import cpv_codes, cpv_description
from opendps.markets.models import Market
from opendps.markets.tests.test_views import market_form
from opendps.testing.factories import make_market
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


def test_the_cpv_2008_list_is_complete_and_described():
    codes = cpv_codes()
    assert len(codes) == 9454
    assert cpv_description("79600000-0") == "Recruitment services"
    assert cpv_description("85312000-9") == "Social work services without accommodation"
    assert cpv_description("79600000-1") is None  # wrong check digit


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        (["banana"], "'banana' is not a CPV code"),
        (["1234"], "'1234' is not a CPV code"),
        (["79600000-1"], "'79600000-1' is not in the CPV 2008 list"),
        (["99999999-9"], "'99999999-9' is not in the CPV 2008 list"),
    ],
)
def test_codes_not_in_the_cpv_2008_list_are_refused(people, codes, message):
    with pytest.raises(RuleViolation, match=message):
        make_market(people, cpv_codes=codes)
    assert not Market.objects.exists()


def test_banana_1234_is_refused_on_the_page_next_to_the_box(people):
    response = client_for(people.commissioner).post(
        "/markets/new", market_form(cpv_codes="banana, 1234")
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "&#39;banana&#39; is not a CPV code" in text
    assert 'href="#id_cpv_codes"' in text
    assert not Market.objects.exists()


def test_the_market_page_shows_each_code_with_its_description_and_the_opening_rule(people):
    market = make_market(people, cpv_codes=["79600000-0", "85312000-9"], dual_opening=True)
    page = client_for(None).get(f"/markets/{market.pk}").content.decode()
    assert "79600000-0 – Recruitment services" in page
    assert "85312000-9 – Social work services without accommodation" in page
    assert "Two officers: one approves, a different one opens" in page
    single = make_market(people, title="Other DPS")
    assert (
        "One authorised officer opens"
        in client_for(None).get(f"/markets/{single.pk}").content.decode()
    )


def test_the_rules_are_chosen_first_and_only_their_settings_asked(people):
    client = client_for(people.commissioner)
    first = client.get("/markets/new").content.decode()
    assert "Which rules will the market run under?" in first
    assert 'name="title"' not in first
    unchosen = client.get("/markets/new", {"step": "rules"}).content.decode()
    assert "Choose the rules the market runs under" in unchosen
    assert "<title>Error:" in unchosen
    pcr = client.get("/markets/new", {"regime": "pcr2015_dps"}).content.decode()
    assert 'name="first_period_ends_at_day"' in pcr
    assert 'name="supplier_fee_percent"' not in pcr
    assert 'name="assessment_working_days"' not in pcr
    pa = client.get("/markets/new", {"regime": "pa2023_dynamic_market"}).content.decode()
    assert 'name="supplier_fee_percent"' in pa and 'name="assessment_working_days"' in pa
    assert 'name="first_period_ends_at_day"' not in pa
    assert 'type="hidden" name="regime" value="pa2023_dynamic_market"' in pa
