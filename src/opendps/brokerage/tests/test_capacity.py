"""Capacity: recorded by members, kept current, shown to buyers, never used to filter."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from opendps.brokerage import services
from opendps.brokerage.models import Capacity
from opendps.brokerage.selectors import current_capacity
from opendps.brokerage.services import capacity as capacity_rules
from opendps.competitions.models import Invitation
from opendps.core.errors import Conflict, NotPermitted, RuleViolation
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.membership import services as membership_services
from opendps.membership.models import CategoryMember
from opendps.testing.factories import market_with_both_suppliers
from opendps.testing.fixtures import client_for

from .conftest import rapid_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(people, fixed_day):
    return market_with_both_suppliers(people)


def member_of(market, supplier):
    return CategoryMember.objects.get(market=market, supplier=supplier, removed_at=None)


def record(people, market, amount="30", zone="Northgate", kind="care_hours", supplier=None):
    supplier = supplier or people.supplier_a
    actor = people.supplier_a_admin if supplier == people.supplier_a else people.supplier_b_admin
    return services.capacity_record(
        actor=actor,
        member=member_of(market, supplier),
        zone=zone,
        kind=kind,
        amount=Decimal(amount),
        available_from=date(2027, 3, 8),
    )


def test_the_newest_record_per_zone_and_kind_is_the_current_capacity(people, market):
    record(people, market, "30")
    newest = record(people, market, "12")
    other_zone = record(people, market, "5", zone="Southmoor")
    vacancies = record(people, market, "2", kind="vacancies")
    member = member_of(market, people.supplier_a)
    current = current_capacity(category_ids=[member.category_id])[member.pk]
    assert {c.pk for c in current} == {newest.pk, other_zone.pk, vacancies.pk}
    assert Capacity.objects.count() == 4  # history is kept
    event = AuditEvent.objects.filter(event_type=AuditEventType.CAPACITY_RECORDED).last()
    assert event.data["amount"] == "2.0" and event.organisation_id == people.supplier_a.pk


def test_every_admitted_member_is_invited_whatever_its_capacity(people, market):
    """Capacity informs, never filters: a member with none left, and one that never said,
    are both invited (reg 34 / PA 2023 s 34)."""
    record(people, market, "0")
    call = rapid_call(people, market)
    invited = set(Invitation.objects.filter(call=call).values_list("supplier_id", flat=True))
    assert invited == {people.supplier_a.pk, people.supplier_b.pk}


@pytest.mark.parametrize(
    ("zone", "kind", "amount", "message"),
    [
        (" ", "care_hours", "3", capacity_rules.ZONE_REQUIRED),
        ("Northgate", "beds", "3", capacity_rules.KIND_UNKNOWN),
        ("Northgate", "care_hours", "-1", capacity_rules.AMOUNT_OUT_OF_RANGE),
        ("Northgate", "care_hours", "10000.1", capacity_rules.AMOUNT_OUT_OF_RANGE),
    ],
)
def test_bad_capacity_is_refused_and_nothing_written(people, market, zone, kind, amount, message):
    with pytest.raises(RuleViolation) as refused:
        record(people, market, amount, zone=zone, kind=kind)
    assert refused.value.message == message
    assert not Capacity.objects.exists()
    assert not AuditEvent.objects.filter(event_type=AuditEventType.CAPACITY_RECORDED).exists()


def test_only_the_member_records_and_only_while_a_member(people, market):
    member = member_of(market, people.supplier_a)
    for actor in (people.supplier_b_admin, people.buyer):
        with pytest.raises(NotPermitted):
            services.capacity_record(
                actor=actor,
                member=member,
                zone="Northgate",
                kind="care_hours",
                amount=Decimal(1),
                available_from=date(2027, 3, 8),
            )
    membership_services.member_remove(actor=people.commissioner, member=member, reason="left")
    with pytest.raises(Conflict):
        services.capacity_record(
            actor=people.supplier_a_admin,
            member=member,
            zone="Northgate",
            kind="care_hours",
            amount=Decimal(1),
            available_from=date(2027, 3, 8),
        )


def test_buyers_see_capacity_on_the_call_and_in_the_member_list(people, market):
    record(people, market, "14")
    call = rapid_call(people, market)
    buyer = client_for(people.buyer)
    page = buyer.get(f"/calls/{call.pk}").content.decode()
    assert "Members&#39; capacity" in page or "Members' capacity" in page
    assert "Northgate: 14.0 care hours available per week" in page
    assert "Not recorded" in page  # Beta never said
    members = client_for(people.commissioner).get(f"/markets/{market.pk}/members")
    assert "Northgate: 14.0 care hours available per week" in members.content.decode()


def test_a_provider_records_capacity_on_its_page(people, market):
    client = client_for(people.supplier_a_admin)
    assert client.get("/capacity").status_code == 200
    member = member_of(market, people.supplier_a)
    form = {
        "member": member.pk,
        "zone": "Northgate",
        "kind": "vacancies",
        "amount": "2",
        "available_from_day": "8",
        "available_from_month": "3",
        "available_from_year": "2027",
    }
    bad = client.post("/capacity", form | {"amount": "-3"})
    assert bad.status_code == 200
    assert "There is a problem" in bad.content.decode()
    assert not Capacity.objects.exists()
    response = client.post("/capacity", form)
    assert response.status_code == 302
    assert Capacity.objects.get().amount == Decimal("2.0")
    assert "Northgate: 2.0 placement vacancies" in client.get("/capacity").content.decode()


def test_capacity_from_a_later_date_is_shown_with_that_date(people, market):
    later = date(2027, 3, 1) + timedelta(days=30)
    services.capacity_record(
        actor=people.supplier_a_admin,
        member=member_of(market, people.supplier_a),
        zone="Northgate",
        kind="care_hours",
        amount=Decimal(20),
        available_from=later,
    )
    page = client_for(people.supplier_a_admin).get("/capacity").content.decode()
    assert "from 31 March 2027" in page
