"""A rapid call answered in one step from the standing offer and rate card."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

from opendps.competitions import services
from opendps.competitions.models import TenderSubmission
from opendps.competitions.opened import unseal_tenders
from opendps.competitions.services import offers as offer_rules
from opendps.core.errors import RuleViolation
from opendps.membership.models import CategoryMember
from opendps.testing.factories import make_call, market_with_both_suppliers
from opendps.testing.fixtures import client_for

from .conftest import rapid_call

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def market(people, fixed_day):
    market = market_with_both_suppliers(people)
    member = CategoryMember.objects.get(market=market, supplier=people.supplier_a)
    services.standing_offer_save(
        actor=people.supplier_a_admin,
        member=member,
        description="Experienced carers, mornings and evenings, seven days.",
        price_per_hour=Decimal("24.50"),
        social_value="Local carers paid the Real Living Wage.",
    )
    return market


def opened(people, call):
    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=True):
        call = services.call_open(actor=people.buyer, call=call)
        return {t.submission.supplier_id: t for t in unseal_tenders(call)}


def test_confirming_tenders_the_rate_card_and_standing_answers(people, market):
    call = rapid_call(people, market)
    submission = services.tender_from_standing_offer(
        actor=people.supplier_a_admin, call=call, supplier=people.supplier_a
    )
    assert submission.receipt["supplier_id"] == people.supplier_a.pk  # signed like any tender
    tender = opened(people, call)[people.supplier_a.pk]
    assert tender.price == Decimal("24.50")
    assert tender.answers == {"quality": "Experienced carers, mornings and evenings, seven days."}


def test_social_value_comes_from_the_standing_offer_too(people, market):
    criteria = [
        {"key": "quality", "name": "Quality", "kind": "quality", "weight": 50},
        {"key": "sv", "name": "Social value", "kind": "social_value", "weight": 10},
        {"key": "price", "name": "Price per hour", "kind": "price", "weight": 40},
    ]
    call = rapid_call(people, market, criteria=criteria)
    services.tender_from_standing_offer(
        actor=people.supplier_a_admin,
        call=call,
        supplier=people.supplier_a,
        price=Decimal("23"),
        answers={"quality": "A named carer for every visit."},
    )
    tender = opened(people, call)[people.supplier_a.pk]
    assert tender.price == Decimal("23.00")
    assert tender.answers == {
        "quality": "A named carer for every visit.",
        "sv": "Local carers paid the Real Living Wage.",
    }


def test_a_price_can_only_be_improved(people, market):
    call = rapid_call(people, market)
    with pytest.raises(RuleViolation) as refused:
        services.tender_from_standing_offer(
            actor=people.supplier_a_admin,
            call=call,
            supplier=people.supplier_a,
            price=Decimal("24.51"),
        )
    assert refused.value.message == offer_rules.NOT_AN_IMPROVEMENT
    assert not TenderSubmission.objects.exists()


def test_only_rapid_calls_and_only_with_a_standing_offer(people, market):
    standard = make_call(people, market)
    with pytest.raises(RuleViolation) as refused:
        services.tender_from_standing_offer(
            actor=people.supplier_a_admin, call=standard, supplier=people.supplier_a
        )
    assert refused.value.message == offer_rules.NOT_RAPID
    call = rapid_call(people, market)
    with pytest.raises(RuleViolation) as refused:
        services.tender_from_standing_offer(
            actor=people.supplier_b_admin, call=call, supplier=people.supplier_b
        )
    assert refused.value.message == offer_rules.NO_STANDING_OFFER
    assert not TenderSubmission.objects.exists()


def test_one_step_from_the_tender_page(people, market):
    call = rapid_call(people, market)
    client = client_for(people.supplier_a_admin)
    page = client.get(f"/calls/{call.pk}/tender").content.decode()
    assert "Answer in one step from your standing offer" in page
    assert "£24.50" in page
    refused = client.post(f"/calls/{call.pk}/tender/from-offer", {"offer-price": "30"})
    assert refused.status_code == 200
    assert "There is a problem" in refused.content.decode()
    response = client.post(f"/calls/{call.pk}/tender/from-offer", {"offer-price": ""})
    assert response.status_code == 302
    assert TenderSubmission.objects.filter(call=call, supplier=people.supplier_a).count() == 1
