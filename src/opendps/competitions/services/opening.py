"""Opening the sealed tenders after the deadline (Annex IV (c)(e)(g): see tenders).

Only the buying authority's opening officers may open, only after the deadline by the
server clock, and two different officers where the market requires it. At opening, a
tender from a supplier no longer an active member of the category is excluded.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import User
from opendps.competitions.models import Call
from opendps.competitions.services.common import (
    OPEN_ROLES,
    lock_call,
    submission_exclude_locked,
)
from opendps.competitions.services.refusals import TenderAttempt, service_refusals_audited
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import Conflict, RuleViolation
from opendps.core.events import AuditEventType
from opendps.membership.models import CategoryMember
from opendps.membership.status import active_members_q
from opendps.regimes import get_regime

TOO_EARLY_TO_OPEN = _("Tenders cannot be opened before the deadline (%(deadline)s).")
ALREADY_OPENED = _("The tenders have already been opened.")
SECOND_OFFICER_NEEDED = _(
    "This market needs two different officers to open tenders: a second officer must approve."
)
CALL_NOT_CLOSED = _("Only a call whose deadline has passed can be opened.")
EXCLUDED_REMOVED = _(
    "Your organisation was removed from this category before the tenders were opened, so "
    "the tender cannot be considered. Reason for the removal: %(reason)s"
)
EXCLUDED_SUSPENDED = _(
    "Your organisation's membership of this category was suspended when the tenders were "
    "opened, so the tender cannot be considered. Reason for the suspension: %(reason)s"
)
EXCLUDED_DECLARATION_OVERDUE = _(
    "Your organisation's renewed self-declaration was overdue when the tenders were opened, "
    "so its membership was suspended and the tender cannot be considered."
)


@service_refusals_audited(TenderAttempt.OPEN)
def call_open(*, actor: User, call: Call) -> Call:
    """Open the box after the deadline (audited); refused attempts are audited too, at
    most once a minute per person (``services.refusals``)."""
    return _open(actor=actor, call=call)


@transaction.atomic(durable=True)
def _open(*, actor: User, call: Call) -> Call:
    call = lock_call(call)
    permissions.require_role(actor, call.market.authority, OPEN_ROLES)
    now = clock.now()
    if call.opened_at is not None:
        raise Conflict(ALREADY_OPENED)
    if call.published_at is None or call.cancelled_at is not None:
        raise RuleViolation(CALL_NOT_CLOSED, code="call_not_closed")
    if now < call.deadline:
        from opendps.core.calendar import london_text

        raise RuleViolation(
            TOO_EARLY_TO_OPEN, code="too_early", deadline=london_text(call.deadline)
        )
    if call.market.dual_opening and (
        call.opening_requested_by_id is None or call.opening_requested_by_id == actor.pk
    ):
        if call.opening_requested_by_id is None:
            call.opening_requested_at = now
            call.opening_requested_by = actor
            call.save(update_fields=["opening_requested_at", "opening_requested_by"])
            audit_record(
                actor=actor,
                event_type=AuditEventType.OPENING_APPROVED,
                subject=call,
                organisation_id=call.buyer_id,
            )
            return call
        raise Conflict(SECOND_OFFICER_NEEDED, code="second_officer_needed")
    call.opened_at = now
    call.opened_by = actor
    call.save(update_fields=["opened_at", "opened_by"])
    live = call.submissions.filter(withdrawn_at=None, superseded_at=None).count()
    audit_record(
        actor=actor,
        event_type=AuditEventType.TENDERS_OPENED,
        subject=call,
        organisation_id=call.buyer_id,
        data={"tenders": live, "second_officer_id": call.opening_requested_by_id},
    )
    _exclude_non_members(actor, call, now)
    return call


def _exclude_non_members(actor: User, call: Call, now: Any) -> None:
    """A tender is considered only from a member of the category (reg 34; PA 2023 s 34:
    a non-member's tender is disregarded): one sent before the supplier was removed,
    suspended or debarred is excluded at opening, with the reason its bidder will read."""
    regime = get_regime(call.market.regime, call.market.validity_starts_at)
    if regime.accepts_tender_from(False):
        return
    active = CategoryMember.objects.filter(
        active_members_q(now), category_id=call.category_id, supplier=OuterRef("supplier_id")
    )
    outsiders = call.submissions.filter(
        withdrawn_at=None, superseded_at=None, excluded_at=None
    ).exclude(Exists(active))
    for submission in outsiders.select_for_update():
        submission_exclude_locked(
            actor=actor,
            call=call,
            submission=submission,
            reason=_not_a_member_reason(call, submission.supplier_id),
            at_opening=True,
        )


def _not_a_member_reason(call: Call, supplier_id: int) -> str:
    member = (
        CategoryMember.objects.filter(category_id=call.category_id, supplier_id=supplier_id)
        .order_by("-admitted_at")
        .first()
    )
    if member is None or member.removed_at is not None:
        why = member.removal_reason if member else ""
        return str(EXCLUDED_REMOVED) % {"reason": why}
    if member.suspended_at is not None:
        return str(EXCLUDED_SUSPENDED) % {"reason": member.suspension_reason}
    return str(EXCLUDED_DECLARATION_OVERDUE)


def is_opening_pending_second_officer(call: Call) -> bool:
    return call.opening_requested_by_id is not None and call.opened_at is None
