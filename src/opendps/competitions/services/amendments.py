"""After publishing: clarification notices to every invitee, and changes to the deadline.

A change to the deadline is told to every invitee by email, audited, and published as an
OCDS tender amendment (``publication.releases.call_amendment_release``). Once a tender has
arrived the deadline can only move later: a bidder who tendered early must never find the
box closed before the time it was promised. Before any tender arrives a shorter deadline is
allowed, but never one earlier than the regime's minimum from the invitation.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import User
from opendps.competitions.models import AmendmentKind, Call, CallAmendment, TenderSubmission
from opendps.competitions.services.common import BUY_ROLES, lock_call, supplier_emails
from opendps.competitions.status import CallStatus, call_status
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.calendar import london_text
from opendps.core.errors import RuleViolation
from opendps.core.events import AuditEventType
from opendps.notifications.services import email_send_on_commit
from opendps.regimes import get_regime

NOT_OPEN = _("Only an open call can be changed: the deadline for tenders has passed.")
REASON_REQUIRED = _("Give the reason for the change")
NOTICE_REQUIRED = _("Write the notice")
DEADLINE_UNCHANGED = _("The new deadline is the same as the current one.")
DEADLINE_IN_PAST = _("The new deadline for tenders must be in the future.")
DEADLINE_SHORTENED_AFTER_TENDERS = _(
    "Tenders have already arrived, so the deadline can only be made later, not earlier."
)
DEADLINE_AFTER_VALIDITY = _("The deadline must fall within the market's period of validity.")
DEADLINE_BEFORE_QUESTIONS = _(
    "The new deadline for tenders must be after the deadline for questions (%(questions)s)."
)
MAX_TEXT = 10_000


def _tenders_arrived(call: Call) -> bool:
    """Whether any tender has ever been received, live or withdrawn: a bidder that
    withdrew to resubmit was still told the old deadline."""
    return TenderSubmission.objects.filter(call=call).exists()


def _require_open(call: Call, actor: User | None) -> None:
    if actor is not None:
        permissions.require_role(actor, call.market.authority, BUY_ROLES)
    if call_status(call) != CallStatus.OPEN:
        raise RuleViolation(NOT_OPEN, code="call_not_open")


@transaction.atomic(durable=True)
def call_extend_deadline(
    call: Call | int, *, new_deadline: datetime, reason: str, actor: User | None
) -> CallAmendment:
    """Move an open call's deadline for tenders, telling every invitee why.

    ``actor`` is the buyer who decided, or None when the platform itself extends (after an
    incident). Refused: a call that is not open, a deadline in the past, beyond the market's
    period of validity or not after the deadline for questions, and — once any tender has
    arrived — any deadline earlier than the current one. A shorter deadline before any
    tender must still meet the regime's minimum from the invitation.
    """
    call = lock_call(call)
    _require_open(call, actor)
    reason = reason.strip()
    if not reason:
        raise RuleViolation(REASON_REQUIRED, code="reason_required")
    now = clock.now()
    previous = call.deadline
    if new_deadline == previous:
        raise RuleViolation(DEADLINE_UNCHANGED, code="deadline_unchanged")
    if new_deadline <= now:
        raise RuleViolation(DEADLINE_IN_PAST, code="deadline_in_past")
    if new_deadline > call.market.validity_ends_at:
        raise RuleViolation(DEADLINE_AFTER_VALIDITY, code="deadline_after_validity")
    if new_deadline <= call.clarification_deadline:
        raise RuleViolation(
            DEADLINE_BEFORE_QUESTIONS,
            code="deadline_before_questions",
            questions=london_text(call.clarification_deadline),
        )
    if new_deadline < previous:
        if _tenders_arrived(call):
            raise RuleViolation(DEADLINE_SHORTENED_AFTER_TENDERS, code="deadline_shortened")
        market = call.market
        assert call.published_at is not None  # an open call is published
        agreed = timedelta(hours=call.agreed_period_hours) if call.agreed_period_hours else None
        get_regime(market.regime, market.validity_starts_at).check_tender_deadline(
            call.published_at,
            new_deadline,
            light_touch=call.rapid,
            sub_central_agreed_period=agreed,
            authority_is_sub_central=not market.authority.is_central_government,
        )
    call.deadline = new_deadline
    call.save(update_fields=["deadline"])
    amendment = CallAmendment.objects.create(
        call=call,
        kind=AmendmentKind.DEADLINE,
        made_at=now,
        made_by=actor,
        text=reason[:MAX_TEXT],
        previous_deadline=previous,
        new_deadline=new_deadline,
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.CALL_DEADLINE_CHANGED,
        subject=call,
        organisation_id=call.buyer_id,
        data={
            "amendment_id": amendment.pk,
            "from": previous.isoformat(),
            "to": new_deadline.isoformat(),
            "reason": amendment.text,
            "by_platform": actor is None,
        },
    )
    invited = list(call.invitations.values_list("supplier_id", flat=True))
    email_send_on_commit(
        to=supplier_emails(invited),
        template="call_deadline_changed",
        context={"call": call, "amendment": amendment, "later": new_deadline > previous},
    )
    return amendment


@transaction.atomic(durable=True)
def call_notice_send(*, actor: User, call: Call | int, text: str) -> CallAmendment:
    """A clarification notice from the buyer to every invitee of an open call (emailed,
    shown on the call's page; never published: it may quote the specification)."""
    call = lock_call(call)
    _require_open(call, actor)
    text = text.strip()
    if not text:
        raise RuleViolation(NOTICE_REQUIRED, code="notice_required")
    amendment = CallAmendment.objects.create(
        call=call,
        kind=AmendmentKind.NOTICE,
        made_at=clock.now(),
        made_by=actor,
        text=text[:MAX_TEXT],
    )
    invited = list(call.invitations.values_list("supplier_id", flat=True))
    audit_record(
        actor=actor,
        event_type=AuditEventType.CALL_NOTICE_SENT,
        subject=call,
        organisation_id=call.buyer_id,
        data={"amendment_id": amendment.pk, "invitees": len(invited)},
    )
    email_send_on_commit(
        to=supplier_emails(invited),
        template="call_notice",
        context={"call": call, "amendment": amendment},
    )
    return amendment
