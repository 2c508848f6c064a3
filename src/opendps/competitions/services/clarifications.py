"""Clarification questions from invited suppliers, answered once to every invitee."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import Organisation, User
from opendps.competitions.models import Call, Clarification, Invitation
from opendps.competitions.services.common import BUY_ROLES, lock_call, supplier_emails
from opendps.competitions.status import CallStatus, call_status
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import (
    Conflict,
    NotFound,
    NotPermitted,
    RuleViolation,
)
from opendps.core.events import AuditEventType
from opendps.notifications.services import email_send_on_commit

CLARIFICATION_AFTER_DEADLINE = _("The deadline for questions has passed.")
NOT_INVITED = _("Only suppliers invited to this call can do that.")
ALREADY_ANSWERED = _("This question has already been answered.")
NOT_OPEN = _("The call is not open.")
TEXT_REQUIRED = _("Write the question.")
ANSWER_REQUIRED = _("Write the answer.")
QUESTION_NOT_FOUND = _("Question not found.")


def _invited(call: Call, supplier: Organisation) -> bool:
    return Invitation.objects.filter(call=call, supplier=supplier).exists()


@transaction.atomic(durable=True)
def clarification_ask(
    *, actor: User, call: Call, supplier: Organisation, question: str
) -> Clarification:
    from opendps.competitions.services.common import TENDER_ROLES

    permissions.require_role(actor, supplier, TENDER_ROLES)
    call = lock_call(call)
    if not _invited(call, supplier):
        raise NotPermitted(NOT_INVITED)
    if call_status(call) != CallStatus.OPEN:
        raise RuleViolation(NOT_OPEN, code="call_not_open")
    if clock.now() >= call.clarification_deadline:
        raise RuleViolation(CLARIFICATION_AFTER_DEADLINE, code="clarification_deadline")
    if not question.strip():
        raise RuleViolation(TEXT_REQUIRED)
    clarification = Clarification.objects.create(
        call=call, asked_by=supplier, asked_at=clock.now(), question=question.strip()[:5000]
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.CLARIFICATION_ASKED,
        subject=clarification,
        organisation_id=supplier.pk,
        data={"call_id": call.pk},
    )
    return clarification


@transaction.atomic(durable=True)
def clarification_answer(
    *, actor: User, clarification: Clarification, answer: str
) -> Clarification:
    """Answer once, to every invited member, without saying who asked."""
    found = Clarification.objects.select_for_update().filter(pk=clarification.pk).first()
    if found is None:
        raise NotFound(QUESTION_NOT_FOUND)
    clarification = found
    call = lock_call(clarification.call_id)
    permissions.require_role(actor, call.market.authority, BUY_ROLES)
    if clarification.answered_at is not None:
        raise Conflict(ALREADY_ANSWERED)
    if call_status(call) != CallStatus.OPEN:
        raise RuleViolation(NOT_OPEN, code="call_not_open")
    if not answer.strip():
        raise RuleViolation(ANSWER_REQUIRED)
    clarification.answer = answer.strip()
    clarification.answered_at = clock.now()
    clarification.answered_by = actor
    clarification.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.CLARIFICATION_ANSWERED,
        subject=clarification,
        organisation_id=call.market.authority_id,
        data={"call_id": call.pk},
    )
    invited = list(call.invitations.values_list("supplier_id", flat=True))
    email_send_on_commit(
        to=supplier_emails(invited),
        template="clarification_answered",
        context={"call": call, "clarification": clarification},
    )
    return clarification
