"""After a rapid call's award the winner confirms it can start; a decline or silence
passes the placement to the next-ranked compliant tender, under the published rules.

The ranking is the award's (the published criteria, applied once); a placement only walks
down it. The contract is made on an acceptance, never before.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import User
from opendps.brokerage.models import Placement
from opendps.brokerage.services.feedback import (
    feedback_follow_winner,
    feedback_placement_not_taken,
)
from opendps.competitions.models import Award, Call
from opendps.competitions.services.common import (
    BUY_ROLES,
    TENDER_ROLES,
    authority_emails,
    lock_call,
    supplier_emails,
)
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import Conflict, RuleViolation
from opendps.core.events import AuditEventType
from opendps.membership.models import CategoryMember
from opendps.membership.status import active_members_q
from opendps.notifications.services import email_send_on_commit

ALREADY_ANSWERED = _("This placement has already been answered.")
WINDOW_PASSED = _(
    "The time to answer this placement has passed: it has been or will be offered to the "
    "next provider."
)
DECLINE_REASON_REQUIRED = _("Say why you cannot take the placement: the buyer reads it.")
WAITING_FILTER: dict[str, Any] = {
    "accepted_at__isnull": True,
    "declined_at__isnull": True,
    "lapsed_at__isnull": True,
}


def placement_offer_first(*, actor: User, call: Call, award: Award, now: datetime) -> None:
    """Inside the award's transaction: offer the placement to the winner."""
    _offer_next(actor=actor, call=call, award=award, now=now)


def _offer_next(*, actor: User | None, call: Call, award: Award, now: datetime) -> None:
    """Offer to the best-ranked compliant tender not yet offered whose supplier is still an
    active member; if none is left, tell the buyer."""
    offered = set(Placement.objects.filter(call=call).values_list("supplier_id", flat=True))
    active = set(
        CategoryMember.objects.filter(
            active_members_q(now), category_id=call.category_id
        ).values_list("supplier_id", flat=True)
    )
    for entry in sorted(award.ranking, key=lambda e: e["rank"]):
        supplier_id = entry["supplier_id"]
        if supplier_id in offered or supplier_id not in active:
            continue
        assert call.acceptance_hours is not None
        placement = Placement.objects.create(
            call=call,
            award=award,
            submission_id=entry["submission_id"],
            supplier_id=supplier_id,
            rank=entry["rank"],
            offered_at=now,
            respond_by=now + timedelta(hours=call.acceptance_hours),
        )
        # The provider offered the placement is the one the contract will be made with,
        # and the winner every bidder's feedback is compared with.
        if award.winner_id != entry["submission_id"]:
            award.winner_id = entry["submission_id"]
            award.contract_value = Decimal(entry["value"])
            award.save(update_fields=["winner", "contract_value"])
            feedback_follow_winner(call, award)
        audit_record(
            actor=actor,
            event_type=AuditEventType.PLACEMENT_OFFERED,
            subject=placement,
            organisation_id=call.buyer_id,
            data={
                "call_id": call.pk,
                "supplier_id": supplier_id,
                "rank": entry["rank"],
                "respond_by": placement.respond_by.isoformat(),
            },
        )
        context = {"call": call, "placement": placement}
        email_send_on_commit(
            to=supplier_emails([supplier_id]), template="placement_offered", context=context
        )
        return
    audit_record(
        actor=actor,
        event_type=AuditEventType.PLACEMENT_EXHAUSTED,
        subject=call,
        organisation_id=call.buyer_id,
        data={"offered": len(offered)},
    )
    email_send_on_commit(
        to=authority_emails(call.buyer, BUY_ROLES),
        template="placement_exhausted",
        context={"call": call},
    )


def _lock(placement: Placement | int) -> tuple[Call, Placement]:
    pk = placement if isinstance(placement, int) else placement.pk
    call_id = Placement.objects.values_list("call_id", flat=True).get(pk=pk)
    call = lock_call(call_id)
    locked = Placement.objects.select_for_update().select_related("award", "supplier").get(pk=pk)
    return call, locked


def _check_answerable(placement: Placement, now: datetime) -> None:
    if not placement.waiting:
        raise Conflict(ALREADY_ANSWERED, code="already_answered")
    if now >= placement.respond_by:
        raise Conflict(WINDOW_PASSED, code="window_passed")


@transaction.atomic(durable=True)
def placement_accept(*, actor: User, placement: Placement | int) -> Placement:
    """The provider can start: the contract is made (or, if a standstill runs, may be made
    once it ends)."""
    from opendps.competitions.services.award import _conclude

    call, placement = _lock(placement)
    permissions.require_role(actor, placement.supplier, TENDER_ROLES)
    now = clock.now()
    _check_answerable(placement, now)
    placement.accepted_at = now
    placement.answered_by = actor
    placement.save(update_fields=["accepted_at", "answered_by"])
    award = placement.award
    contract = None
    if award.standstill_ends_at is None or award.standstill_ends_at < now:
        contract = _conclude(call, award, now)
    audit_record(
        actor=actor,
        event_type=AuditEventType.PLACEMENT_ACCEPTED,
        subject=placement,
        organisation_id=call.buyer_id,
        data={
            "call_id": call.pk,
            "supplier_id": placement.supplier_id,
            "contract_id": contract.pk if contract is not None else None,
        },
    )
    context = {"call": call, "placement": placement, "contract": contract}
    email_send_on_commit(
        to=[*authority_emails(call.buyer, BUY_ROLES), *supplier_emails([placement.supplier_id])],
        template="placement_accepted",
        context=context,
    )
    return placement


@transaction.atomic(durable=True)
def placement_decline(*, actor: User, placement: Placement | int, reason: str) -> Placement:
    """The provider cannot start: the next-ranked compliant tender is offered at once."""
    call, placement = _lock(placement)
    permissions.require_role(actor, placement.supplier, TENDER_ROLES)
    now = clock.now()
    _check_answerable(placement, now)
    if not reason.strip():
        raise RuleViolation(DECLINE_REASON_REQUIRED, code="reason_required")
    placement.declined_at = now
    placement.answered_by = actor
    placement.decline_reason = reason.strip()[:2000]
    placement.save(update_fields=["declined_at", "answered_by", "decline_reason"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.PLACEMENT_DECLINED,
        subject=placement,
        organisation_id=call.buyer_id,
        data={"call_id": call.pk, "supplier_id": placement.supplier_id, "reason": reason.strip()},
    )
    feedback_placement_not_taken(placement, outcome="declined")
    _tell_not_taken(call, placement)
    _offer_next(actor=actor, call=call, award=placement.award, now=now)
    return placement


def _tell_not_taken(call: Call, placement: Placement) -> None:
    email_send_on_commit(
        to=[*authority_emails(call.buyer, BUY_ROLES), *supplier_emails([placement.supplier_id])],
        template="placement_not_taken",
        context={"call": call, "placement": placement},
    )


def placements_lapse_due() -> int:
    """Lapse every offer whose window has closed unanswered and offer the next; one
    transaction per placement, so one failure does not hold back the others. Returns how
    many lapsed."""
    due = list(
        Placement.objects.filter(respond_by__lte=clock.now(), **WAITING_FILTER)
        .order_by("respond_by")
        .values_list("pk", flat=True)[:500]
    )
    return sum(1 for pk in due if _lapse(pk))


@transaction.atomic(durable=True)
def _lapse(pk: int) -> bool:
    call, placement = _lock(pk)
    now = clock.now()
    # Answered, or the clock moved back, since the list was read.
    if not placement.waiting or now < placement.respond_by:
        return False
    placement.lapsed_at = now
    placement.save(update_fields=["lapsed_at"])
    audit_record(
        actor=None,
        event_type=AuditEventType.PLACEMENT_LAPSED,
        subject=placement,
        organisation_id=call.buyer_id,
        data={"call_id": call.pk, "supplier_id": placement.supplier_id},
    )
    feedback_placement_not_taken(placement, outcome="lapsed")
    _tell_not_taken(call, placement)
    _offer_next(actor=None, call=call, award=placement.award, now=now)
    return True
