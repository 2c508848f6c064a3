"""One parser of money as people type it, used by every money box (issue 15)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms

from opendps.core.money import parse_money
from opendps.web.forms import MoneyField


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1200", "1200"),
        ("£1,200", "1200"),
        ("1,200.50", "1200.50"),
        ("£1,200.50", "1200.50"),
        (" £ 45 ", "45"),
        ("1,234,567.89", "1234567.89"),
        ("1200.5", "1200.5"),
        ("1200GBP", "1200"),
        (".50", "0.50"),
        ("-5", "-5"),
    ],
)
def test_what_people_type_is_read_as_pounds(typed, amount):
    assert parse_money(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["", "lots", "1,2,00", "12,00", "£", "1.2.3", "NaN", "Infinity"])
def test_anything_else_is_refused(typed):
    with pytest.raises(ValueError):
        parse_money(typed)


def _money_fields() -> list[tuple[type[forms.Form], str]]:
    from opendps.brokerage.forms import OfferAnswerForm
    from opendps.competitions.forms import CallForm, PlannedCallForm, StandingOfferForm
    from opendps.contracts.forms import ContractChangeForm
    from opendps.markets.forms import CategoryForm, MarketForm

    return [
        (CallForm, "estimated_value"),
        (PlannedCallForm, "planned_value"),
        (StandingOfferForm, "price_per_hour"),
        (StandingOfferForm, "price_per_service_user"),
        (MarketForm, "estimated_value"),
        (CategoryForm, "max_contract_value"),
        (ContractChangeForm, "value"),
        (OfferAnswerForm, "price"),
    ]


@pytest.mark.parametrize(("form_class", "name"), _money_fields())
def test_every_money_box_is_a_money_field_reading_pounds_as_typed(form_class, name):
    field = form_class.base_fields.get(name)
    assert isinstance(field, MoneyField), (form_class, name)
    assert field.clean("£1,200.50") == Decimal("1200.50")
    assert field.widget.input_type == "text"
