"""Debarment and an exclusion found later reach existing members and open calls (issue 11.1).

Platform staff list a supplier: every membership it holds is removed with an audited reason
(PA 2023 removals reported under s 37), it is invited to nothing new, calls still open refuse
its tenders, and a tender it sent before is excluded at opening with the reason.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from opendps.competitions import services
from opendps.competitions.models import Invitation, TenderSubmission
from opendps.core.errors import NotPermitted
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.markets.questionnaire import FailureMeaning
from opendps.membership import services as membership_services
from opendps.membership.models import CategoryMember
from opendps.membership.status import MemberStatus, member_status
from opendps.testing.factories import (
    make_call,
    market_with_both_suppliers,
    tender,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pa_market(people):
    return market_with_both_suppliers(people, title="Home Support Dynamic Market")


@pytest.fixture
def pcr_market(people):
    return market_with_both_suppliers(people, regime="pcr2015_dps", light_touch=False)


def debar_b(people, **fields):
    return membership_services.debarment_add(
        actor=people.staff, supplier=people.supplier_b, name="", reason="Fraud conviction", **fields
    )


def b_members():
    return CategoryMember.objects.filter(supplier__name="Beta Care Ltd")


def test_debarment_removes_every_membership_with_an_audited_reason(
    people, pa_market, pcr_market, mailbox, settings
):
    assert b_members().count() == 2
    mailbox.clear()
    debarment = debar_b(people)

    for member in b_members().select_related("market"):
        assert member_status(member) == MemberStatus.REMOVED
        assert member.removal_reason == "The supplier is on the debarment list: Fraud conviction"
    events = AuditEvent.objects.filter(event_type=AuditEventType.MEMBER_REMOVED)
    assert {e.data["supplier_id"] for e in events} == {people.supplier_b.pk}
    assert {e.data["debarment_id"] for e in events} == {debarment.pk}
    assert events.count() == 2
    added = AuditEvent.objects.get(event_type=AuditEventType.DEBARMENT_ADDED)
    assert sorted(added.data["members_removed"]) == sorted(b_members().values_list("pk", flat=True))
    # Supplier A is untouched.
    assert all(
        member_status(m) == MemberStatus.ACTIVE
        for m in CategoryMember.objects.filter(supplier=people.supplier_a)
    )
    # Told: the supplier (twice: one per market), and the authority's managers.
    assert len(mailbox.to("admin@beta.test")) == 2
    assert any("debarment" in m["Subject"] for m in mailbox.to("commissioner@authority.test"))


def test_pa_removal_for_debarment_is_reported_and_pcr_removal_is_not(
    people, pa_market, pcr_market, mailbox, settings
):
    mailbox.clear()
    debar_b(people)
    pa_member = b_members().get(market=pa_market)
    pcr_member = b_members().get(market=pcr_market)
    assert pa_member.removal_reported_at is not None  # PA 2023 s 37
    assert pcr_member.removal_reported_at is None
    (report,) = mailbox.to(settings.OPENDPS_EXCLUSION_REPORT_EMAIL)
    assert "s 37" in report["Subject"]
    assert "Beta Care Ltd" in report.get_payload() or "Beta Care Ltd" in str(report)


def test_debarment_by_registration_number_reaches_the_matching_supplier(people, pa_market):
    people.supplier_b.registration_number = "01234567"
    people.supplier_b.save()
    membership_services.debarment_add(
        actor=people.staff, name="Beta Care Ltd", registration_number="01234567", reason="Listed"
    )
    assert all(member_status(m) == MemberStatus.REMOVED for m in b_members())
    assert CategoryMember.objects.filter(supplier=people.supplier_a, removed_at=None).exists()


def test_members_api_shows_the_debarred_supplier_removed(people, pa_market, api_client_for):
    debar_b(people)
    response = api_client_for(people.commissioner).get(f"/api/v1/markets/{pa_market.pk}/members")
    assert response.status_code == 200
    statuses = {row["supplier_name"]: row["status"] for row in response.json()["items"]}
    assert statuses == {"Alpha Support CIC": "active"}  # the removed are not listed


def test_a_debarred_supplier_is_not_invited_to_a_new_call(people, pa_market):
    debar_b(people)
    call = make_call(people, pa_market, days=1, rapid=True)
    assert list(Invitation.objects.filter(call=call).values_list("supplier__name", flat=True)) == [
        "Alpha Support CIC"
    ]


def test_a_call_still_open_refuses_the_debarred_suppliers_tender(people, pa_market, api_client_for):
    call = make_call(people, pa_market, days=1, rapid=True)
    debar_b(people)
    with pytest.raises(NotPermitted, match="no longer an active member"):
        tender(people, call, supplier=people.supplier_b)
    response = api_client_for(people.supplier_b_admin).post(
        f"/api/v1/competitions/{call.pk}/tenders",
        {"price": "100", "answers": {c["key"]: "x" for c in call.criteria}},
    )
    assert response.status_code == 403
    assert "no longer an active member" in response.json()["detail"]
    assert not TenderSubmission.objects.filter(supplier=people.supplier_b).exists()


def test_an_earlier_tender_is_excluded_at_opening_with_the_reason(people, pa_market):
    call = make_call(people, pa_market, days=1, rapid=True)
    tender(people, call, supplier=people.supplier_a)
    earlier = tender(people, call, supplier=people.supplier_b)
    debar_b(people)
    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=False):
        services.call_open(actor=people.buyer, call=call)
    earlier.refresh_from_db()
    assert earlier.excluded_at == call.deadline + timedelta(minutes=1)
    assert "removed from this category" in earlier.exclusion_reason
    assert "debarment list: Fraud conviction" in earlier.exclusion_reason
    kept = TenderSubmission.objects.get(supplier=people.supplier_a)
    assert kept.excluded_at is None
    event = AuditEvent.objects.get(event_type=AuditEventType.TENDER_EXCLUDED)
    assert event.data["at_opening"] is True
    assert event.subject_id == str(earlier.pk)


def test_a_member_suspended_before_opening_has_its_tender_excluded(people, pa_market):
    call = make_call(people, pa_market, days=1, rapid=True)
    earlier = tender(people, call, supplier=people.supplier_b)
    member = b_members().get()
    membership_services.member_suspend(
        actor=people.commissioner, member=member, reason="Safeguarding review"
    )
    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=False):
        services.call_open(actor=people.buyer, call=call)
    earlier.refresh_from_db()
    assert earlier.excluded_at is not None
    assert "suspended" in earlier.exclusion_reason
    assert "Safeguarding review" in earlier.exclusion_reason


def test_a_renewed_declaration_reporting_a_mandatory_ground_suspends_the_member(
    people, pcr_market, mailbox
):
    member = b_members().get()
    request = membership_services.declaration_request(actor=people.commissioner, member=member)
    questions = membership_services.declaration_questions(member)
    mandatory = next(
        q
        for q in questions
        if q.get("failure") == FailureMeaning.MANDATORY_EXCLUSION and q.get("rule")
    )
    answers = {q["id"]: (q["rule"]["values"][0] if q.get("rule") else "no") for q in questions}
    answers[mandatory["id"]] = next(
        c for c in ("yes", "no") if c not in mandatory["rule"]["values"]
    )
    mailbox.clear()
    membership_services.declaration_answer(
        actor=people.supplier_b_admin, request=request, answers=answers
    )
    member.refresh_from_db()
    assert member_status(member) == MemberStatus.SUSPENDED
    assert mandatory["id"] in member.suspension_reason
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.MEMBER_SUSPENDED, data__supplier_id=people.supplier_b.pk
    ).exists()
    assert mailbox.to("admin@beta.test")
    # Out of the next call.
    with time_machine.travel(pcr_market.first_period_ends_at + timedelta(hours=1), tick=False):
        call = make_call(people, pcr_market)
    assert not Invitation.objects.filter(call=call, supplier=people.supplier_b).exists()
