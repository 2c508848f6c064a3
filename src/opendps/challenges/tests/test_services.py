"""Raising and deciding challenges of every kind, with their outcomes, remedies, audit
events, emails (through the real SMTP server) and the hold on the contract."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from opendps.challenges import services
from opendps.challenges.models import Challenge, ChallengeDocument
from opendps.challenges.status import ChallengeStatus, challenge_status
from opendps.competitions import services as competition_services
from opendps.contracts.models import Contract
from opendps.core.calendar import LONDON
from opendps.core.errors import Conflict, NotFound, NotPermitted, RuleViolation
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.membership import services as membership_services
from opendps.membership.models import CategoryMember
from opendps.testing.factories import TINY_PDF

from .conftest import STANDSTILL_END, awarded_call

pytestmark = pytest.mark.django_db(transaction=True)

GROUNDS = "The quality score ignores our recruiters' evidence."


def raise_award(people, award, **kw):
    return services.challenge_raise(
        actor=people.supplier_a_admin,
        supplier=people.supplier_a,
        kind="award",
        decision_id=award.call_id,
        grounds=kw.pop("grounds", GROUNDS),
        **kw,
    )


def events(kind):
    return list(AuditEvent.objects.filter(event_type=kind))


# --- the hold on the contract -------------------------------------------------------------


def test_contract_cannot_be_concluded_while_a_standstill_challenge_is_open(
    people, award_in_standstill, mailbox
):
    """A losing bidder challenges during standstill: after the standstill the contract is
    still refused while the challenge is open, and allowed once it is dismissed."""
    award = award_in_standstill
    assert award.standstill_ends_at == STANDSTILL_END
    with time_machine.travel(datetime(2027, 4, 22, 10, tzinfo=LONDON), tick=False):
        challenge = raise_award(people, award)
    assert challenge.raised_in_standstill
    raised = events(AuditEventType.CHALLENGE_RAISED)
    assert len(raised) == 1 and raised[0].data["contract_held"] is True
    # The winner learns only that the contract is held, not who challenged.
    held_mail = mailbox.to("admin@beta.test")[-1]
    assert "held" in held_mail["Subject"] and "Alpha" not in held_mail.get_payload()
    with time_machine.travel(datetime(2027, 4, 30, 10, tzinfo=LONDON), tick=False):
        with pytest.raises(RuleViolation) as refused:
            competition_services.contract_conclude(actor=people.buyer, call=award.call)
        assert refused.value.code == "contract_held"
        assert not Contract.objects.exists()
        services.challenge_acknowledge(actor=people.commissioner, challenge=challenge)
        services.challenge_decide(
            actor=people.buyer,
            challenge=challenge,
            outcome="dismissed",
            reasons="The panel read the evidence; the score stands.",
        )
        contract = competition_services.contract_conclude(actor=people.buyer, call=award.call)
    assert contract.supplier == people.supplier_b
    decided = events(AuditEventType.CHALLENGE_DECIDED)[0]
    assert decided.data["contract_hold_lifted"] is True and decided.data["outcome"] == "dismissed"
    subjects = [m["Subject"] for m in mailbox.to("admin@alpha.test")]
    assert any("Challenge CH-" in s and "dismissed" in s for s in subjects)
    assert any("may now be entered into" in m["Subject"] for m in mailbox.to("admin@beta.test"))


@pytest.mark.parametrize("remedy", ["reevaluate", "cancel_award"])
def test_an_upheld_award_challenge_sets_the_award_aside(people, award_in_standstill, remedy):
    with time_machine.travel(datetime(2027, 4, 22, 10, tzinfo=LONDON), tick=False):
        challenge = raise_award(people, award_in_standstill)
        services.challenge_acknowledge(actor=people.buyer, challenge=challenge)
        services.challenge_decide(
            actor=people.buyer,
            challenge=challenge,
            outcome="upheld",
            reasons="The social value answers were scored against the wrong criterion.",
            remedy=remedy,
        )
    with (
        time_machine.travel(datetime(2027, 4, 30, 10, tzinfo=LONDON), tick=False),
        pytest.raises(RuleViolation) as refused,
    ):
        competition_services.contract_conclude(actor=people.buyer, call=award_in_standstill.call)
    assert refused.value.code == "award_set_aside"
    challenge.refresh_from_db()
    assert challenge.remedy_done_at is None  # the authority's next action
    services.challenge_remedy_record(
        actor=people.buyer, challenge=challenge, note="Tenders scored again by a new panel."
    )
    assert len(events(AuditEventType.CHALLENGE_REMEDY_RECORDED)) == 1
    with pytest.raises(Conflict):
        services.challenge_remedy_record(actor=people.buyer, challenge=challenge, note="again")


def test_a_challenge_after_standstill_does_not_hold_until_proceedings_are_recorded(
    people, award_in_standstill
):
    """After the standstill a challenge alone does not stop the contract; once the
    authority records that proceedings were issued, it does (PA 2023 s 101)."""
    with time_machine.travel(datetime(2027, 4, 30, 10, tzinfo=LONDON), tick=False):
        challenge = raise_award(people, award_in_standstill)
        assert not challenge.raised_in_standstill
        services.challenge_acknowledge(actor=people.buyer, challenge=challenge)
        services.challenge_proceedings_record(
            actor=people.buyer, challenge=challenge, note="Claim form served on 30 April."
        )
        with pytest.raises(RuleViolation) as refused:
            competition_services.contract_conclude(
                actor=people.buyer, call=award_in_standstill.call
            )
        assert refused.value.code == "contract_held"
        services.challenge_decide(
            actor=people.buyer,
            challenge=challenge,
            outcome="dismissed",
            reasons="The court lifted the suspension; the award stands.",
        )
        competition_services.contract_conclude(actor=people.buyer, call=award_in_standstill.call)
    assert Contract.objects.count() == 1
    recorded = events(AuditEventType.CHALLENGE_PROCEEDINGS_RECORDED)[0]
    assert recorded.data["contract_held"] is True


def test_a_pcr_call_off_without_standstill_can_be_challenged_after_the_contract(people):
    """Where no standstill applies the contract is made at the award; the challenge is
    still heard, and holds nothing."""
    award = awarded_call(people, regime="pcr2015_dps")
    assert award.standstill_ends_at is None and Contract.objects.count() == 1
    with time_machine.travel(datetime(2027, 4, 21, 10, tzinfo=LONDON), tick=False):
        challenge = raise_award(people, award)
    assert not challenge.raised_in_standstill
    assert events(AuditEventType.CHALLENGE_RAISED)[0].data["contract_held"] is False


def test_the_winner_and_other_people_cannot_challenge_an_award(people, award_in_standstill):
    with time_machine.travel(datetime(2027, 4, 22, 10, tzinfo=LONDON), tick=False):
        with pytest.raises(NotFound):
            services.challenge_raise(
                actor=people.supplier_b_admin,
                supplier=people.supplier_b,
                kind="award",
                decision_id=award_in_standstill.call_id,
                grounds=GROUNDS,
            )
        with pytest.raises(NotPermitted):
            services.challenge_raise(
                actor=people.buyer,
                supplier=people.supplier_a,
                kind="award",
                decision_id=award_in_standstill.call_id,
                grounds=GROUNDS,
            )
    assert not Challenge.objects.exists()


def test_a_challenge_is_refused_after_thirty_days(people, award_in_standstill):
    # Decided 20 April 2027: 30 days beginning with that day end at the end of 19 May.
    with time_machine.travel(datetime(2027, 5, 19, 23, 0, tzinfo=LONDON), tick=False):
        raise_award(people, award_in_standstill)
    Challenge.objects.all().delete()
    with (
        time_machine.travel(datetime(2027, 5, 20, 0, 1, tzinfo=LONDON), tick=False),
        pytest.raises(RuleViolation) as refused,
    ):
        raise_award(people, award_in_standstill)
    assert refused.value.code == "challenge_too_late"
    assert "raised by 2027-05-20 00:00 BST" in str(refused.value)


def test_grounds_are_required_and_a_second_open_challenge_is_refused(people, award_in_standstill):
    with time_machine.travel(datetime(2027, 4, 22, 10, tzinfo=LONDON), tick=False):
        with pytest.raises(RuleViolation, match="Give the grounds"):
            raise_award(people, award_in_standstill, grounds="  ")
        raise_award(people, award_in_standstill)
        with pytest.raises(Conflict, match="already has a challenge"):
            raise_award(people, award_in_standstill)
    assert Challenge.objects.count() == 1


# --- time limits ---------------------------------------------------------------------------


def test_due_dates_count_working_days_and_follow_the_authority(people, award_in_standstill):
    with time_machine.travel(datetime(2027, 4, 22, 10, tzinfo=LONDON), tick=False):
        first = raise_award(people, award_in_standstill)
    # Thursday 22 April: 2 working days → Monday 26 April; 10 → Friday 7 May (3 May is a
    # bank holiday).
    assert first.acknowledge_due_at == datetime(2027, 4, 26, 23, 59, 59, 999999, tzinfo=LONDON)
    assert first.decision_due_at == datetime(2027, 5, 7, 23, 59, 59, 999999, tzinfo=LONDON)
    services.challenge_time_limits_set(
        actor=people.commissioner,
        authority=people.authority,
        acknowledge_working_days=1,
        decision_working_days=5,
    )
    assert len(events(AuditEventType.CHALLENGE_TIME_LIMITS_SET)) == 1
    Challenge.objects.all().delete()
    with time_machine.travel(datetime(2027, 4, 22, 10, tzinfo=LONDON), tick=False):
        second = raise_award(people, award_in_standstill)
    assert second.acknowledge_due_at == datetime(2027, 4, 23, 23, 59, 59, 999999, tzinfo=LONDON)
    assert second.decision_due_at == datetime(2027, 4, 29, 23, 59, 59, 999999, tzinfo=LONDON)


@pytest.mark.parametrize("days", [0, 61])
def test_an_authority_cannot_set_a_period_out_of_range(people, days):
    with pytest.raises(RuleViolation):
        services.challenge_time_limits_set(
            actor=people.commissioner,
            authority=people.authority,
            acknowledge_working_days=days,
            decision_working_days=None,
        )
    with pytest.raises(NotPermitted):
        services.challenge_time_limits_set(
            actor=people.buyer,
            authority=people.authority,
            acknowledge_working_days=None,
            decision_working_days=None,
        )


# --- membership decisions ------------------------------------------------------------------


def test_rejected_application_challenge_upheld_to_reassess(people, rejected_application, mailbox):
    document = SimpleUploadedFile("insurance.pdf", TINY_PDF, "application/pdf")
    challenge = services.challenge_raise(
        actor=people.supplier_a_writer,
        supplier=people.supplier_a,
        kind="application_rejected",
        decision_id=rejected_application.pk,
        grounds="Our insurance certificate shows £5m cover.",
        files=[document],
    )
    stored = ChallengeDocument.objects.get()
    assert stored.original_name == "insurance.pdf" and stored.size == len(TINY_PDF)
    assert challenge_status(challenge) == ChallengeStatus.RAISED
    with pytest.raises(RuleViolation, match="Acknowledge"):
        services.challenge_decide(
            actor=people.commissioner, challenge=challenge, outcome="upheld", reasons="x"
        )
    with pytest.raises(NotPermitted):  # a buyer does not answer for membership decisions
        services.challenge_acknowledge(actor=people.buyer, challenge=challenge)
    services.challenge_acknowledge(actor=people.commissioner, challenge=challenge)
    services.challenge_review_record(
        actor=people.commissioner, challenge=challenge, note="A second evaluator re-read it."
    )
    challenge.refresh_from_db()
    assert challenge_status(challenge) == ChallengeStatus.UNDER_REVIEW
    with pytest.raises(RuleViolation) as wrong:
        services.challenge_decide(
            actor=people.commissioner,
            challenge=challenge,
            outcome="upheld",
            reasons="The certificate was missed.",
            remedy="reinstate",
        )
    assert wrong.value.code == "remedy_not_for_kind"
    services.challenge_decide(
        actor=people.commissioner,
        challenge=challenge,
        outcome="upheld",
        reasons="The certificate was missed.",
        remedy="reassess",
    )
    challenge.refresh_from_db()
    assert challenge.outcome == "upheld" and challenge.remedy_done_at is None
    kinds = list(
        AuditEvent.objects.filter(subject_id=str(challenge.pk), subject_type="challenges.challenge")
        .order_by("sequence")
        .values_list("event_type", flat=True)
    )
    assert kinds == [
        "challenge_raised",
        "challenge_acknowledged",
        "challenge_reviewed",
        "challenge_decided",
    ]
    to_supplier = [m["Subject"] for m in mailbox.to("writer@alpha.test")]
    assert len([s for s in to_supplier if "Challenge CH-" in s]) == 4
    assert any("Challenge CH-" in m["Subject"] for m in mailbox.to("commissioner@authority.test"))


def test_suspension_challenge_upheld_reinstates_through_membership(people, member):
    membership_services.member_suspend(
        actor=people.commissioner, member=member, reason="Late safeguarding renewal."
    )
    challenge = services.challenge_raise(
        actor=people.supplier_a_admin,
        supplier=people.supplier_a,
        kind="member_suspended",
        decision_id=member.pk,
        grounds="The renewal was sent on time.",
    )
    services.challenge_acknowledge(actor=people.authority_admin, challenge=challenge)
    services.challenge_decide(
        actor=people.authority_admin,
        challenge=challenge,
        outcome="upheld",
        reasons="The renewal arrived in time.",
        remedy="reinstate",
    )
    member = CategoryMember.objects.get(pk=member.pk)
    assert member.suspended_at is None
    reinstated = events(AuditEventType.MEMBER_REINSTATED)
    assert len(reinstated) == 1 and reinstated[0].data["challenge_id"] == challenge.pk
    challenge.refresh_from_db()
    assert challenge.remedy_done_at is not None


def test_removal_for_debarment_challenge_partly_upheld(people, member):
    membership_services.member_remove(
        actor=people.commissioner, member=member, reason="Debarred.", exclusion=True
    )
    challenge = services.challenge_raise(
        actor=people.supplier_a_admin,
        supplier=people.supplier_a,
        kind="member_removed",
        decision_id=member.pk,
        grounds="The debarment concerns another company with a similar name.",
    )
    with pytest.raises(NotFound):  # the membership is removed, not suspended
        services.challenge_raise(
            actor=people.supplier_a_admin,
            supplier=people.supplier_a,
            kind="member_suspended",
            decision_id=member.pk,
            grounds="x",
        )
    services.challenge_acknowledge(actor=people.commissioner, challenge=challenge)
    with pytest.raises(RuleViolation, match="dismissed challenge has no remedy"):
        services.challenge_decide(
            actor=people.commissioner,
            challenge=challenge,
            outcome="dismissed",
            reasons="x",
            remedy="reinstate",
        )
    services.challenge_decide(
        actor=people.commissioner,
        challenge=challenge,
        outcome="partly_upheld",
        reasons="The name matched; the registration number did not.",
        remedy="reinstate",
    )
    challenge.refresh_from_db()
    # A removal is final in the membership records: re-admission is the next action.
    assert challenge.remedy == "reinstate" and challenge.remedy_done_at is None
    assert CategoryMember.objects.get(pk=member.pk).removed_at is not None
    with pytest.raises(Conflict, match="already been decided"):
        services.challenge_acknowledge(actor=people.commissioner, challenge=challenge)


def test_another_authority_cannot_act_on_a_challenge(people, rejected_application):
    challenge = services.challenge_raise(
        actor=people.supplier_a_admin,
        supplier=people.supplier_a,
        kind="application_rejected",
        decision_id=rejected_application.pk,
        grounds="x",
    )
    with pytest.raises(NotPermitted):
        services.challenge_acknowledge(actor=people.other_buyer, challenge=challenge)
    assert len(events(AuditEventType.CHALLENGE_ACKNOWLEDGED)) == 0
    assert timedelta(0) <= challenge.acknowledge_due_at - challenge.raised_at
