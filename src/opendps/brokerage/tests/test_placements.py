"""Placement acceptance after a rapid call's award: accept, decline, lapse, fall-through."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

from opendps.brokerage import services
from opendps.brokerage.models import Placement
from opendps.brokerage.services import placements as placement_rules
from opendps.brokerage.tasks import placements_lapse
from opendps.competitions import services as competition_services
from opendps.competitions.models import Award, Feedback
from opendps.competitions.schemas import FeedbackOut
from opendps.competitions.services.calls import ACCEPTANCE_HOURS_INVALID
from opendps.contracts.models import Contract
from opendps.core.errors import Conflict, NotPermitted, RuleViolation
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.testing.factories import make_market
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db(transaction=True)


def events(kind: AuditEventType) -> int:
    return AuditEvent.objects.filter(event_type=kind).count()


def subjects(mailbox, address):
    return [m["Subject"] for m in mailbox.to(address)]


def test_the_winner_is_offered_and_no_contract_is_made_before_it_accepts(people, awarded):
    """The award offers the placement to the first-ranked provider, with the buyer's window;
    the contract waits."""
    placement = Placement.objects.get(call=awarded)
    assert placement.supplier == people.supplier_a
    assert placement.rank == 1
    assert placement.respond_by == placement.offered_at + timedelta(hours=2)
    assert placement.waiting
    assert not Contract.objects.filter(call=awarded).exists()
    assert events(AuditEventType.PLACEMENT_OFFERED) == 1


def test_acceptance_makes_the_contract_with_the_provider(people, awarded, mailbox):
    placement = Placement.objects.get(call=awarded)
    mailbox.clear()
    services.placement_accept(actor=people.supplier_a_admin, placement=placement)
    contract = Contract.objects.get(call=awarded)
    assert contract.supplier == people.supplier_a
    assert contract.value == Decimal("4000.00")
    placement.refresh_from_db()
    assert placement.accepted_at is not None
    assert events(AuditEventType.PLACEMENT_ACCEPTED) == 1
    subject = f"Placement accepted: {awarded.title}"
    assert subject in subjects(mailbox, "buyer@authority.test")
    assert subject in subjects(mailbox, "admin@alpha.test")


def test_a_decline_offers_the_next_ranked_compliant_tender(people, awarded, mailbox):
    first = Placement.objects.get(call=awarded)
    mailbox.clear()
    services.placement_decline(
        actor=people.supplier_a_admin, placement=first, reason="No carer free on mornings."
    )
    second = Placement.objects.get(call=awarded, supplier=people.supplier_b)
    assert second.rank == 2 and second.waiting
    award = Award.objects.get(call=awarded)
    assert award.winner.supplier == people.supplier_b
    assert award.contract_value == Decimal("5000.00")
    assert f"Placement offered: {awarded.title}" in subjects(mailbox, "admin@beta.test")
    assert f"Placement not taken: {awarded.title}" in subjects(mailbox, "buyer@authority.test")
    services.placement_accept(actor=people.supplier_b_admin, placement=second)
    assert Contract.objects.get(call=awarded).supplier == people.supplier_b
    assert events(AuditEventType.PLACEMENT_DECLINED) == 1
    assert events(AuditEventType.PLACEMENT_OFFERED) == 2


def test_no_answer_in_time_lapses_and_passes_to_the_next(people, awarded, mailbox):
    """The periodic job lapses an offer at the end of its window, not a minute before."""
    first = Placement.objects.get(call=awarded)
    with time_machine.travel(first.respond_by - timedelta(seconds=1), tick=False):
        assert placements_lapse.call_local() == 0
    with time_machine.travel(first.respond_by, tick=False):
        assert placements_lapse.call_local() == 1
    first.refresh_from_db()
    assert first.lapsed_at is not None
    assert Placement.objects.get(call=awarded, supplier=people.supplier_b).waiting
    event = AuditEvent.objects.get(event_type=AuditEventType.PLACEMENT_LAPSED)
    assert event.actor_id is None
    assert f"Placement offered: {awarded.title}" in subjects(mailbox, "admin@beta.test")


def test_a_decline_after_the_window_is_refused_and_writes_nothing(people, awarded):
    """After the window the provider can no longer answer; the job passes the placement on."""
    first = Placement.objects.get(call=awarded)
    before = AuditEvent.objects.count()
    with time_machine.travel(first.respond_by + timedelta(minutes=5), tick=False):
        with pytest.raises(Conflict) as refused:
            services.placement_decline(
                actor=people.supplier_a_admin, placement=first, reason="Too late."
            )
        assert refused.value.message == placement_rules.WINDOW_PASSED
        with pytest.raises(Conflict):
            services.placement_accept(actor=people.supplier_a_admin, placement=first)
        first.refresh_from_db()
        assert first.waiting and first.declined_at is None
        assert AuditEvent.objects.count() == before
        assert not Contract.objects.filter(call=awarded).exists()
        assert services.placements_lapse_due() == 1
    assert Placement.objects.get(call=awarded, supplier=people.supplier_b).waiting


def test_when_every_provider_declines_no_contract_is_made(people, awarded, mailbox):
    first = Placement.objects.get(call=awarded)
    services.placement_decline(actor=people.supplier_a_admin, placement=first, reason="Full.")
    second = Placement.objects.get(call=awarded, supplier=people.supplier_b)
    mailbox.clear()
    services.placement_decline(actor=people.supplier_b_admin, placement=second, reason="Full.")
    assert events(AuditEventType.PLACEMENT_EXHAUSTED) == 1
    assert not Contract.objects.filter(call=awarded).exists()
    assert f"No provider left for the placement: {awarded.title}" in subjects(
        mailbox, "buyer@authority.test"
    )
    with pytest.raises(RuleViolation):
        competition_services.contract_conclude(actor=people.buyer, call=awarded)
    # Nobody won: the feedback names no winner (not the last provider, who declined).
    for supplier, person in (
        (people.supplier_a, people.supplier_a_admin),
        (people.supplier_b, people.supplier_b_admin),
    ):
        record = Feedback.objects.get(call=awarded, supplier=supplier)
        assert FeedbackOut.build(record).winning_supplier is None
        page = client_for(person).get(f"/calls/{awarded.pk}/feedback").content.decode()
        assert "None: no provider took the placement" in page


def test_only_the_offered_provider_answers_and_only_once(people, awarded):
    placement = Placement.objects.get(call=awarded)
    with pytest.raises(NotPermitted):
        services.placement_accept(actor=people.supplier_b_admin, placement=placement)
    with pytest.raises(NotPermitted):
        services.placement_accept(actor=people.buyer, placement=placement)
    with pytest.raises(RuleViolation):
        services.placement_decline(actor=people.supplier_a_admin, placement=placement, reason=" ")
    services.placement_accept(actor=people.supplier_a_admin, placement=placement)
    with pytest.raises(Conflict):
        services.placement_decline(actor=people.supplier_a_admin, placement=placement, reason="x")
    assert Contract.objects.filter(call=awarded).count() == 1


def test_an_acceptance_window_belongs_to_rapid_calls_of_1_to_72_hours(people, fixed_day):
    from opendps.testing.factories import make_call

    market = make_market(people, regime="pa2023_dynamic_market", light_touch=True)
    with pytest.raises(RuleViolation) as refused:
        make_call(people, market, publish=False, acceptance_hours=2)
    assert refused.value.message == ACCEPTANCE_HOURS_INVALID
    for hours in (0, 73):
        with pytest.raises(RuleViolation):
            make_call(people, market, publish=False, rapid=True, acceptance_hours=hours)
    assert make_call(people, market, publish=False, rapid=True, acceptance_hours=72)
