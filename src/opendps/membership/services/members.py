"""Suspending, reinstating and removing members; renewed self-declarations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import User
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import (
    Conflict,
)
from opendps.core.events import AuditEventType
from opendps.markets.questionnaire import (
    FailureMeaning,
    answers_clean,
    assess,
    failed_questions,
    mandatory_exclusion_failed,
    questionnaire_parse,
)
from opendps.membership.models import (
    CategoryMember,
    DeclarationRequest,
)
from opendps.membership.services.common import (
    ALREADY_SUSPENDED,
    APPLY_ROLES,
    DECLARATION_ANSWERED,
    DECLARATION_PENDING,
    MANAGE_ROLES,
    MEMBER_REMOVED,
    NOT_SUSPENDED,
    _reason,
    _supplier_contacts,
    authority_emails,
)
from opendps.notifications.services import email_send_on_commit
from opendps.regimes import get_regime

SUSPENDED_FOR_DECLARED_GROUND = _(
    "The renewed self-declaration reports a mandatory exclusion ground (%(questions)s). The "
    "membership is suspended until the contracting authority has reviewed it."
)

# --- members ------------------------------------------------------------------------------


def _lock_member(member: CategoryMember) -> CategoryMember:
    return (
        CategoryMember.objects.select_for_update()
        .select_related("market", "market__authority", "category", "supplier")
        .get(pk=member.pk)
    )


@transaction.atomic(durable=True)
def member_suspend(*, actor: User, member: CategoryMember, reason: str) -> CategoryMember:
    member = _lock_member(member)
    permissions.require_role(actor, member.market.authority, MANAGE_ROLES)
    if member.removed_at is not None:
        raise Conflict(MEMBER_REMOVED)
    if member.suspended_at is not None:
        raise Conflict(ALREADY_SUSPENDED)
    return _suspend_locked(actor, member, _reason(reason))


def _suspend_locked(actor: User, member: CategoryMember, reason: str) -> CategoryMember:
    """Suspend a member already locked and checked: audited, and the supplier told."""
    member.suspended_at = clock.now()
    member.suspension_reason = reason
    member.save(update_fields=["suspended_at", "suspension_reason"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.MEMBER_SUSPENDED,
        subject=member,
        organisation_id=member.market.authority_id,
        data={"supplier_id": member.supplier_id, "reason": member.suspension_reason},
    )
    email_send_on_commit(
        to=_supplier_contacts(member.supplier),
        template="member_suspended",
        context={"member": member},
    )
    return member


@transaction.atomic(durable=True)
def member_reinstate(*, actor: User, member: CategoryMember, reason: str) -> CategoryMember:
    member = _lock_member(member)
    permissions.require_role(actor, member.market.authority, MANAGE_ROLES)
    if member.suspended_at is None:
        raise Conflict(NOT_SUSPENDED)
    return member_reinstate_locked(actor=actor, member=member, reason=_reason(reason))


def member_reinstate_locked(
    *, actor: User, member: CategoryMember, reason: str, data: dict[str, Any] | None = None
) -> CategoryMember:
    """Lift the suspension of a member already locked and checked by the caller: audited.

    Shared by the authority's own reinstatement and by the remedy of an upheld challenge.
    """
    previous = member.suspension_reason
    member.suspended_at = None
    member.suspension_reason = ""
    member.save(update_fields=["suspended_at", "suspension_reason"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.MEMBER_REINSTATED,
        subject=member,
        organisation_id=member.market.authority_id,
        data={"reason": reason, "suspension_reason": previous, **(data or {})},
    )
    return member


@transaction.atomic(durable=True)
def member_remove(
    *, actor: User, member: CategoryMember, reason: str, exclusion: bool = False
) -> CategoryMember:
    """Remove a member for good; PA 2023 s 37 removals for exclusion are reported."""
    member = _lock_member(member)
    permissions.require_role(actor, member.market.authority, MANAGE_ROLES)
    if member.removed_at is not None:
        raise Conflict(MEMBER_REMOVED)
    return member_remove_locked(
        actor=actor, member=member, reason=_reason(reason), exclusion=exclusion
    )


def member_remove_locked(
    *,
    actor: User,
    member: CategoryMember,
    reason: str,
    exclusion: bool,
    data: dict[str, Any] | None = None,
) -> CategoryMember:
    """The removal itself, for a member already locked and checked by the caller.

    Shared by the authority's own removal and by debarment, which platform staff record and
    which removes the supplier from every market it is in (reg 57 / PA 2023 s 57).
    """
    market = member.market
    now = clock.now()
    member.removed_at = now
    member.removal_reason = reason
    regime = get_regime(market.regime, market.validity_starts_at)
    report = exclusion and regime.removal_reported_to_authority
    if report:
        member.removal_reported_at = now
    member.save(update_fields=["removed_at", "removal_reason", "removal_reported_at"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.MEMBER_REMOVED,
        subject=member,
        organisation_id=market.authority_id,
        data={
            "supplier_id": member.supplier_id,
            "reason": member.removal_reason,
            "exclusion": exclusion,
            "reported": report,
            **(data or {}),
        },
    )
    email_send_on_commit(
        to=_supplier_contacts(member.supplier),
        template="member_removed",
        context={"member": member},
    )
    if report:
        email_send_on_commit(
            to=[settings.OPENDPS_EXCLUSION_REPORT_EMAIL],
            template="removal_report",
            context={"member": member, "market": market},
        )
    return member


@transaction.atomic(durable=True)
def declaration_request(*, actor: User, member: CategoryMember) -> DeclarationRequest:
    """PCR 2015: ask a member for a renewed self-declaration, due in 5 working days.

    A member whose declaration is overdue counts as suspended until it answers.
    """
    member = _lock_member(member)
    market = member.market
    permissions.require_role(actor, market.authority, MANAGE_ROLES)
    if member.removed_at is not None:
        raise Conflict(MEMBER_REMOVED)
    if member.declarations.filter(answered_at__isnull=True).exists():
        raise Conflict(DECLARATION_PENDING)
    now = clock.now()
    regime = get_regime(market.regime, market.validity_starts_at)
    request = DeclarationRequest.objects.create(
        member=member,
        requested_by=actor,
        requested_at=now,
        due_at=regime.self_declaration_due(now, market.nation),
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.DECLARATION_REQUESTED,
        subject=request,
        organisation_id=market.authority_id,
        data={"member_id": member.pk, "due": request.due_at.isoformat()},
    )
    email_send_on_commit(
        to=_supplier_contacts(member.supplier),
        template="declaration_requested",
        context={"member": member, "request": request},
    )
    return request


def declaration_questions(member: CategoryMember) -> list[dict[str, Any]]:
    """The exclusion questions of the member's questionnaire: what a renewal re-asks."""
    return [
        q
        for q in member.application.questionnaire.questions
        if q.get("failure")
        in {FailureMeaning.MANDATORY_EXCLUSION, FailureMeaning.DISCRETIONARY_EXCLUSION}
        and q["kind"] != "file"
    ]


@transaction.atomic(durable=True)
def declaration_answer(
    *, actor: User, request: DeclarationRequest, answers: Mapping[str, Any]
) -> DeclarationRequest:
    request = (
        DeclarationRequest.objects.select_for_update()
        .select_related(
            "member", "member__supplier", "member__market", "member__application__questionnaire"
        )
        .get(pk=request.pk)
    )
    member = request.member
    permissions.require_role(actor, member.supplier, APPLY_ROLES)
    if request.answered_at is not None:
        raise Conflict(DECLARATION_ANSWERED)
    questionnaire = questionnaire_parse({"questions": declaration_questions(member)})
    clean = answers_clean(questionnaire, dict(answers), set())
    request.answers = clean
    request.assessment = assess(questionnaire, clean, set())
    request.answered_at = clock.now()
    request.answered_by = actor
    request.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.DECLARATION_ANSWERED,
        subject=request,
        organisation_id=member.supplier_id,
        data={
            "member_id": member.pk,
            "late": request.answered_at > request.due_at,
            "failed": failed_questions(request.assessment),
        },
    )
    if mandatory_exclusion_failed(request.assessment) and member.suspended_at is None:
        _suspend_for_declared_ground(actor, member, failed_questions(request.assessment))
    if failed_questions(request.assessment):
        email_send_on_commit(
            to=authority_emails(member.market.authority_id, MANAGE_ROLES),
            template="declaration_reports_ground",
            context={"member": member, "request": request},
        )
    return request


def _suspend_for_declared_ground(actor: User, member: CategoryMember, questions: list[str]) -> None:
    """An exclusion found after admission: a mandatory ground in a renewed declaration
    suspends the membership at once (no invitations, no tenders considered) until the
    authority reviews it and removes (reg 57; PA 2023 s 57) or reinstates."""
    reason = str(SUSPENDED_FOR_DECLARED_GROUND) % {"questions": ", ".join(questions)}
    locked = _suspend_locked(actor, _lock_member(member), reason)
    member.suspended_at, member.suspension_reason = locked.suspended_at, locked.suspension_reason
