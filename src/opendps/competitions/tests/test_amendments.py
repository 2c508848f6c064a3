"""After publishing: clarification notices and changes to the deadline (issue 15)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from opendps.competitions import services
from opendps.competitions.models import AmendmentKind, Call, CallAmendment
from opendps.competitions.services.amendments import (
    DEADLINE_AFTER_VALIDITY,
    DEADLINE_IN_PAST,
    DEADLINE_SHORTENED_AFTER_TENDERS,
    NOT_OPEN,
    REASON_REQUIRED,
)
from opendps.core import clock
from opendps.core.errors import NotPermitted, RuleViolation
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.testing.factories import make_call, market_with_both_suppliers, tender

# Every contact of the two invited suppliers (the admins and Alpha's bid writer).
INVITEE_CONTACTS = {"admin@alpha.test", "writer@alpha.test", "admin@beta.test"}

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fixed_day")]


@pytest.fixture
def call(people):
    market = market_with_both_suppliers(people)
    return make_call(people, market, days=11)


def _nothing_written(call: Call, deadline) -> None:
    call.refresh_from_db()
    assert call.deadline == deadline
    assert not CallAmendment.objects.exists()
    assert not AuditEvent.objects.filter(
        event_type__in=[AuditEventType.CALL_DEADLINE_CHANGED, AuditEventType.CALL_NOTICE_SENT]
    ).exists()


def test_an_extension_moves_the_deadline_tells_every_invitee_and_is_audited(people, call, mailbox):
    mailbox.clear()
    old = call.deadline
    new = old + timedelta(days=3)
    amendment = services.call_extend_deadline(
        call, new_deadline=new, reason="The specification changed.", actor=people.buyer
    )
    call.refresh_from_db()
    assert call.deadline == new
    assert (amendment.kind, amendment.previous_deadline, amendment.new_deadline) == (
        AmendmentKind.DEADLINE,
        old,
        new,
    )
    assert amendment.made_by == people.buyer
    event = AuditEvent.objects.get(event_type=AuditEventType.CALL_DEADLINE_CHANGED)
    assert event.actor_id == people.buyer.pk
    assert event.data["from"] == old.isoformat() and event.data["to"] == new.isoformat()
    assert event.data["reason"] == "The specification changed."
    told = {m["To"] for m in mailbox.messages if m["Subject"].startswith("Deadline extended")}
    assert told == INVITEE_CONTACTS
    body = next(m for m in mailbox.messages if m["Subject"].startswith("Deadline extended"))
    assert "The specification changed." in body.get_payload()


def test_the_platform_may_extend_without_a_person(people, call, mailbox):
    """Issue 19 calls this for automatic, incident-aware extensions."""
    new = call.deadline + timedelta(hours=4)
    amendment = services.call_extend_deadline(
        call=call.pk, new_deadline=new, reason="The service was unavailable.", actor=None
    )
    assert amendment.made_by is None
    event = AuditEvent.objects.get(event_type=AuditEventType.CALL_DEADLINE_CHANGED)
    assert event.actor_id is None and event.data["by_platform"] is True
    assert any("The platform has changed" in m.get_payload() for m in mailbox.messages)


def test_once_a_tender_has_arrived_the_deadline_is_never_shortened(people, call):
    tender(people, call)
    old = call.deadline
    with pytest.raises(RuleViolation) as refused:
        services.call_extend_deadline(
            call, new_deadline=old - timedelta(days=1), reason="Sooner.", actor=people.buyer
        )
    assert refused.value.message == DEADLINE_SHORTENED_AFTER_TENDERS
    _nothing_written(call, old)


def test_a_withdrawn_tender_still_counts_as_arrived(people, call):
    tender(people, call)
    services.tender_withdraw(actor=people.supplier_a_admin, call=call, supplier=people.supplier_a)
    with pytest.raises(RuleViolation) as refused:
        services.call_extend_deadline(
            call, new_deadline=call.deadline - timedelta(days=1), reason="x", actor=people.buyer
        )
    assert refused.value.code == "deadline_shortened"


def test_before_any_tender_a_shorter_deadline_must_still_meet_the_regime_minimum(people, call):
    old = call.deadline
    # PA 2023: 10 days from the invitation; 9 days (after the questions close) is too soon.
    too_soon = call.published_at + timedelta(days=9)
    with pytest.raises(RuleViolation) as refused:
        services.call_extend_deadline(
            call, new_deadline=too_soon, reason="Sooner.", actor=people.buyer
        )
    assert refused.value.code == "tender_deadline_too_early"
    _nothing_written(call, old)
    shorter = old - timedelta(minutes=30)
    services.call_extend_deadline(call, new_deadline=shorter, reason="Sooner.", actor=people.buyer)
    call.refresh_from_db()
    assert call.deadline == shorter


@pytest.mark.parametrize(
    ("change", "reason", "message"),
    [
        (lambda c: c.deadline + timedelta(days=1), "   ", REASON_REQUIRED),
        (lambda c: clock.now() - timedelta(minutes=1), "Past.", DEADLINE_IN_PAST),
        (lambda c: c.market.validity_ends_at + timedelta(days=1), "Far.", DEADLINE_AFTER_VALIDITY),
    ],
)
def test_bad_changes_are_refused_and_nothing_is_written(people, call, change, reason, message):
    old = call.deadline
    with pytest.raises(RuleViolation) as refused:
        services.call_extend_deadline(
            call, new_deadline=change(call), reason=reason, actor=people.buyer
        )
    assert refused.value.message == message
    _nothing_written(call, old)


@pytest.mark.parametrize("who", ["evaluator", "other_buyer", "supplier_a_admin"])
def test_only_the_authoritys_buyers_may_change_the_deadline_or_send_a_notice(people, call, who):
    old = call.deadline
    with pytest.raises(NotPermitted):
        services.call_extend_deadline(
            call, new_deadline=old + timedelta(days=1), reason="x", actor=people.by_name(who)
        )
    with pytest.raises(NotPermitted):
        services.call_notice_send(actor=people.by_name(who), call=call, text="Note.")
    _nothing_written(call, old)


def test_after_the_deadline_nothing_can_be_changed(people, call):
    old = call.deadline
    with time_machine.travel(old + timedelta(seconds=1), tick=False):
        with pytest.raises(RuleViolation) as refused:
            services.call_extend_deadline(
                call, new_deadline=old + timedelta(days=2), reason="Late.", actor=people.buyer
            )
        assert refused.value.message == NOT_OPEN
        with pytest.raises(RuleViolation):
            services.call_notice_send(actor=people.buyer, call=call, text="Late note.")
    _nothing_written(call, old)


def test_a_draft_has_no_amendments(people):
    market = market_with_both_suppliers(people)
    draft = make_call(people, market, publish=False)
    with pytest.raises(RuleViolation):
        services.call_notice_send(actor=people.buyer, call=draft, text="Note.")


def test_a_notice_goes_to_every_invitee_and_is_audited(people, call, mailbox):
    mailbox.clear()
    notice = services.call_notice_send(
        actor=people.buyer, call=call, text="Sessions may be held online."
    )
    assert notice.kind == AmendmentKind.NOTICE and notice.previous_deadline is None
    event = AuditEvent.objects.get(event_type=AuditEventType.CALL_NOTICE_SENT)
    assert event.data == {"amendment_id": notice.pk, "invitees": 2}
    notices = [m for m in mailbox.messages if m["Subject"].startswith("Clarification notice")]
    assert {m["To"] for m in notices} == INVITEE_CONTACTS
    assert all("Sessions may be held online." in m.get_payload() for m in notices)
