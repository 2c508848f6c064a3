"""Shared pieces of the competition services: roles, locking, who to tell."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from opendps.accounts.models import Organisation, Role, User
from opendps.accounts.selectors import contact_emails
from opendps.competitions.models import Call, TenderSubmission
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import RuleViolation
from opendps.core.events import AuditEventType

BUY_ROLES = frozenset({Role.BUYER, Role.COMMISSIONER, Role.AUTHORITY_ADMIN})
# Annex IV (c)/(e): the authorised persons who may open tenders.
OPEN_ROLES = frozenset({Role.BUYER, Role.COMMISSIONER, Role.AUTHORITY_ADMIN})
EVALUATE_ROLES = frozenset({Role.EVALUATOR, Role.COMMISSIONER, Role.BUYER})
MODERATE_ROLES = frozenset({Role.COMMISSIONER, Role.BUYER, Role.EVALUATOR})
TENDER_ROLES = frozenset({Role.SUPPLIER_ADMIN, Role.BID_WRITER})

NOT_OPENED = _("The tenders have not been opened yet.")
ALREADY_AWARDED = _("This call has already been awarded.")
REASON_REQUIRED = _("Give a reason.")


def lock_call(call: Call | int) -> Call:
    pk = call if isinstance(call, int) else call.pk
    return (
        Call.objects.select_for_update()
        .select_related("market", "category", "buyer", "market__authority")
        .get(pk=pk)
    )


def require_opened(call: Call) -> None:
    """Scoring, moderation and award all wait for the opening."""
    if call.opened_at is None:
        raise RuleViolation(NOT_OPENED, code="not_opened")


def supplier_emails(supplier_ids: list[int] | QuerySet[Any]) -> list[str]:
    return contact_emails(supplier_ids)


def authority_emails(authority: Organisation, roles: frozenset[str]) -> list[str]:
    return contact_emails([authority.pk], roles)


def submission_exclude_locked(
    *, actor: User, call: Call, submission: TenderSubmission, reason: str, **data: Any
) -> TenderSubmission:
    """Exclude a locked tender from ranking with the reason its bidder will read: audited.

    Shared by the moderator's exclusion of a non-compliant tender and by opening, which
    excludes tenders from suppliers that stopped being members."""
    submission.excluded_at = clock.now()
    submission.exclusion_reason = reason
    submission.save(update_fields=["excluded_at", "exclusion_reason"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.TENDER_EXCLUDED,
        subject=submission,
        organisation_id=call.buyer_id,
        data={"reason": reason, **data},
    )
    return submission
