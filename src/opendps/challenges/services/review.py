"""The authority's steps: acknowledge, review, proceedings, outcome and remedy."""

from __future__ import annotations

from django.db import transaction

from opendps.accounts import permissions
from opendps.accounts.models import Organisation, User
from opendps.challenges.holds import SETTING_ASIDE, challenge_reference, holds_contract
from opendps.challenges.models import (
    Challenge,
    ChallengeKind,
    ChallengeOutcome,
    ChallengeTimeLimits,
    Remedy,
)
from opendps.challenges.services.common import (
    ACKNOWLEDGE_FIRST,
    ALREADY_ACKNOWLEDGED,
    ALREADY_DECIDED,
    ALREADY_REVIEWED,
    DISMISSED_HAS_NO_REMEDY,
    HANDLE_ROLES,
    NO_REMEDY_TO_RECORD,
    NOTE_REQUIRED,
    PROCEEDINGS_ALREADY_RECORDED,
    PROCEEDINGS_NOTE_REQUIRED,
    PROCEEDINGS_ONLY_FOR_AWARDS,
    REASONS_REQUIRED,
    REMEDIES_BY_KIND,
    REMEDY_NOT_FOR_KIND,
    REMEDY_NOTE_REQUIRED,
    UNKNOWN_OUTCOME,
    UPHELD_NEEDS_A_REMEDY,
    handle_roles,
    lock_challenge,
    regime_of,
    tell_both,
    text_required,
    winner_contacts,
)
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import Conflict, RuleViolation
from opendps.core.events import AuditEventType
from opendps.membership.models import CategoryMember
from opendps.membership.services.members import member_reinstate_locked
from opendps.notifications.services import email_send_on_commit
from opendps.regimes.challenges import ChallengeRules


def _open_for(actor: User, challenge: Challenge) -> Challenge:
    """Lock the challenge, check the actor answers for it, and that it is undecided."""
    challenge = lock_challenge(challenge)
    permissions.require_role(actor, challenge.authority, handle_roles(challenge))
    if challenge.decided_at is not None:
        raise Conflict(ALREADY_DECIDED)
    return challenge


def _record(actor: User, challenge: Challenge, event: AuditEventType, **data: object) -> None:
    audit_record(
        actor=actor,
        event_type=event,
        subject=challenge,
        organisation_id=challenge.authority_id,
        data={"supplier_id": challenge.supplier_id, **data},
    )


@transaction.atomic(durable=True)
def challenge_acknowledge(*, actor: User, challenge: Challenge, note: str = "") -> Challenge:
    """Tell the supplier the challenge has been received and by when it will be decided."""
    challenge = _open_for(actor, challenge)
    if challenge.acknowledged_at is not None:
        raise Conflict(ALREADY_ACKNOWLEDGED)
    now = clock.now()
    challenge.acknowledged_at = now
    challenge.acknowledged_by = actor
    challenge.acknowledgement_note = (note or "").strip()
    challenge.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
    _record(
        actor,
        challenge,
        AuditEventType.CHALLENGE_ACKNOWLEDGED,
        late=now > challenge.acknowledge_due_at,
    )
    tell_both(challenge, "challenge_acknowledged")
    return challenge


@transaction.atomic(durable=True)
def challenge_review_record(*, actor: User, challenge: Challenge, note: str) -> Challenge:
    """Record how the decision is being reviewed (what was looked at, by whom)."""
    challenge = _open_for(actor, challenge)
    if challenge.acknowledged_at is None:
        raise RuleViolation(ACKNOWLEDGE_FIRST, code="acknowledge_first")
    if challenge.reviewed_at is not None:
        raise Conflict(ALREADY_REVIEWED)
    challenge.review_note = text_required(note, NOTE_REQUIRED, "note_required")
    challenge.reviewed_at = clock.now()
    challenge.reviewed_by = actor
    challenge.save(update_fields=["review_note", "reviewed_at", "reviewed_by"])
    _record(actor, challenge, AuditEventType.CHALLENGE_REVIEWED, note=challenge.review_note)
    tell_both(challenge, "challenge_reviewed")
    return challenge


@transaction.atomic(durable=True)
def challenge_proceedings_record(*, actor: User, challenge: Challenge, note: str) -> Challenge:
    """The authority was told that court proceedings about the award were issued: where
    the regime suspends the contract for them, the contract is held from now on."""
    challenge = _open_for(actor, challenge)
    if challenge.kind != ChallengeKind.AWARD:
        raise RuleViolation(PROCEEDINGS_ONLY_FOR_AWARDS, code="proceedings_only_for_awards")
    if challenge.proceedings_issued_at is not None:
        raise Conflict(PROCEEDINGS_ALREADY_RECORDED)
    challenge.proceedings_note = text_required(
        note, PROCEEDINGS_NOTE_REQUIRED, "proceedings_note_required"
    )
    challenge.proceedings_issued_at = clock.now()
    challenge.save(update_fields=["proceedings_note", "proceedings_issued_at"])
    award = challenge.award
    assert award is not None
    held = holds_contract(challenge, regime_of(challenge.market)) and not hasattr(
        award.call, "contract"
    )
    _record(
        actor,
        challenge,
        AuditEventType.CHALLENGE_PROCEEDINGS_RECORDED,
        note=challenge.proceedings_note,
        contract_held=held,
    )
    tell_both(challenge, "challenge_proceedings", contract_held=held)
    if held and not challenge.raised_in_standstill:
        email_send_on_commit(
            to=winner_contacts(challenge),
            template="challenge_contract_held",
            context={"call": award.call, "reference": challenge_reference(challenge)},
        )
    return challenge


def _check_outcome(challenge: Challenge, outcome: str, remedy: str) -> str:
    if outcome not in ChallengeOutcome.values:
        raise RuleViolation(UNKNOWN_OUTCOME, code="unknown_outcome")
    remedy = remedy or Remedy.NONE
    if remedy not in Remedy.values:
        raise RuleViolation(UPHELD_NEEDS_A_REMEDY, code="remedy_required")
    if outcome == ChallengeOutcome.DISMISSED:
        if remedy != Remedy.NONE:
            raise RuleViolation(DISMISSED_HAS_NO_REMEDY, code="dismissed_has_no_remedy")
        return remedy
    if remedy == Remedy.NONE:
        if outcome == ChallengeOutcome.UPHELD:
            raise RuleViolation(UPHELD_NEEDS_A_REMEDY, code="remedy_required")
        return remedy
    if remedy not in REMEDIES_BY_KIND[challenge.kind]:
        raise RuleViolation(
            REMEDY_NOT_FOR_KIND,
            code="remedy_not_for_kind",
            remedy=Remedy(remedy).label,
            kind=ChallengeKind(challenge.kind).label,
        )
    return remedy


def _reinstate(actor: User, challenge: Challenge) -> bool:
    """Reinstate a suspended member through membership's own service; ``True`` if done.

    A removal is final in the membership records, so reinstating a removed member is
    left to the authority (the supplier applies again and is admitted): a next action.
    """
    if challenge.member is None:
        return False
    member = (
        CategoryMember.objects.select_for_update()
        .select_related("market", "category", "supplier")
        .get(pk=challenge.member.pk)
    )
    if member.removed_at is not None or member.suspended_at is None:
        return False
    member_reinstate_locked(
        actor=actor,
        member=member,
        reason=challenge.reasons,
        data={"challenge_id": challenge.pk},
    )
    return True


@transaction.atomic(durable=True)
def challenge_decide(
    *, actor: User, challenge: Challenge, outcome: str, reasons: str, remedy: str = ""
) -> Challenge:
    """Record the outcome with reasons and the remedy; this lifts any hold on the contract.

    Reinstating a suspended member is done at once by the membership service; the other
    remedies (re-assess, re-evaluate, cancel the award) are the authority's next action,
    recorded later with :func:`challenge_remedy_record`. A remedy that sets the award aside
    keeps the contract from being entered into.
    """
    challenge = _open_for(actor, challenge)
    if challenge.acknowledged_at is None:
        raise RuleViolation(ACKNOWLEDGE_FIRST, code="acknowledge_first")
    remedy = _check_outcome(challenge, outcome, remedy)
    reasons = text_required(reasons, REASONS_REQUIRED, "reasons_required")
    regime = regime_of(challenge.market)
    was_holding = holds_contract(challenge, regime)
    now = clock.now()
    challenge.decided_at = now
    challenge.decided_by = actor
    challenge.outcome = outcome
    challenge.reasons = reasons
    challenge.remedy = remedy
    if remedy == Remedy.REINSTATE and _reinstate(actor, challenge):
        challenge.remedy_done_at = now
    challenge.save(
        update_fields=["decided_at", "decided_by", "outcome", "reasons", "remedy", "remedy_done_at"]
    )
    set_aside = remedy in SETTING_ASIDE
    _record(
        actor,
        challenge,
        AuditEventType.CHALLENGE_DECIDED,
        outcome=outcome,
        reasons=reasons,
        remedy=remedy,
        remedy_done=challenge.remedy_done_at is not None,
        contract_hold_lifted=was_holding and not set_aside,
        award_set_aside=set_aside,
        late=now > challenge.decision_due_at,
    )
    tell_both(challenge, "challenge_decided")
    if challenge.award is not None and (was_holding or set_aside):
        email_send_on_commit(
            to=winner_contacts(challenge),
            template="challenge_contract_released",
            context={
                "call": challenge.award.call,
                "reference": challenge_reference(challenge),
                "set_aside": set_aside,
            },
        )
    return challenge


@transaction.atomic(durable=True)
def challenge_remedy_record(*, actor: User, challenge: Challenge, note: str) -> Challenge:
    """The authority carried out the remedy (re-assessed, re-evaluated, cancelled...)."""
    challenge = lock_challenge(challenge)
    permissions.require_role(actor, challenge.authority, handle_roles(challenge))
    if (
        challenge.decided_at is None
        or challenge.remedy in {"", Remedy.NONE}
        or challenge.remedy_done_at is not None
    ):
        raise Conflict(NO_REMEDY_TO_RECORD)
    note = text_required(note, REMEDY_NOTE_REQUIRED, "remedy_note_required")
    challenge.remedy_done_at = clock.now()
    challenge.save(update_fields=["remedy_done_at"])
    _record(
        actor,
        challenge,
        AuditEventType.CHALLENGE_REMEDY_RECORDED,
        remedy=challenge.remedy,
        note=note,
    )
    tell_both(challenge, "challenge_remedy", note=note)
    return challenge


@transaction.atomic(durable=True)
def challenge_time_limits_set(
    *,
    actor: User,
    authority: Organisation,
    acknowledge_working_days: int | None,
    decision_working_days: int | None,
) -> ChallengeTimeLimits:
    """An authority's own periods for acknowledging and deciding challenges (empty: the
    regime's defaults). They apply to challenges raised from now on."""
    permissions.require_role(actor, authority, HANDLE_ROLES)
    rules = ChallengeRules()
    for days, default in (
        (acknowledge_working_days, rules.CHALLENGE_ACKNOWLEDGE_WORKING_DAYS),
        (decision_working_days, rules.CHALLENGE_DECISION_WORKING_DAYS),
    ):
        rules.challenge_working_days(days, default)
    row, _created = ChallengeTimeLimits.objects.select_for_update().update_or_create(
        authority=authority,
        defaults={
            "acknowledge_working_days": acknowledge_working_days,
            "decision_working_days": decision_working_days,
            "updated_at": clock.now(),
        },
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.CHALLENGE_TIME_LIMITS_SET,
        subject=row,
        organisation_id=authority.pk,
        data={
            "acknowledge_working_days": acknowledge_working_days,
            "decision_working_days": decision_working_days,
        },
    )
    return row
