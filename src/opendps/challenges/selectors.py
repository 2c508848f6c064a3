"""Reads of challenges, scoped to the challenging supplier and the authority concerned.

Nobody else (another supplier, the winning bidder, another authority, platform staff
through the product's pages and API) learns that a challenge exists: any other id is
"not found", exactly like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.permissions import AUTHORITY_ROLES, SUPPLIER_ROLES
from opendps.challenges.models import Challenge, ChallengeDocument, ChallengeKind
from opendps.challenges.services.common import HANDLE_AWARD_ROLES, HANDLE_ROLES
from opendps.competitions.models import Award, Feedback
from opendps.core.errors import NotFound
from opendps.core.models import AuditEvent
from opendps.membership.models import Application, CategoryMember, Outcome

CHALLENGE_NOT_FOUND = _("Challenge not found.")
DOCUMENT_NOT_FOUND = _("Document not found.")


def _scope(actor: Any) -> Q:
    suppliers = permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES)
    authorities = permissions.organisation_ids_with_role(actor, AUTHORITY_ROLES)
    return Q(supplier_id__in=suppliers) | Q(authority_id__in=authorities)


def _challenges() -> QuerySet[Challenge]:
    return Challenge.objects.select_related(
        "supplier",
        "authority",
        "market",
        "application__category",
        "member__category",
        "award__call",
    )


def challenge_list(
    actor: Any, *, open_only: bool = False, kind: str | None = None
) -> QuerySet[Challenge]:
    challenges = _challenges().filter(_scope(actor))
    if open_only:
        challenges = challenges.filter(decided_at__isnull=True)
    if kind:
        challenges = challenges.filter(kind=kind)
    return challenges.order_by("-raised_at", "-pk")


def challenge_get(actor: Any, *, challenge_id: int) -> Challenge:
    challenge = (
        _challenges().filter(_scope(actor), pk=challenge_id).prefetch_related("documents").first()
    )
    if challenge is None:
        raise NotFound(CHALLENGE_NOT_FOUND)
    return challenge


def challenge_document_get(actor: Any, *, challenge_id: int, document_id: int) -> ChallengeDocument:
    challenge = challenge_get(actor, challenge_id=challenge_id)
    document = next((d for d in challenge.documents.all() if d.pk == document_id), None)
    if document is None:
        raise NotFound(DOCUMENT_NOT_FOUND)
    return document


def challenge_history(actor: Any, *, challenge: Challenge) -> QuerySet[AuditEvent]:
    """Every audited step of ``challenge``, oldest first (the caller already reached it
    through :func:`challenge_get`)."""
    challenge_get(actor, challenge_id=challenge.pk)
    return AuditEvent.objects.filter(
        subject_type=Challenge._meta.label_lower, subject_id=str(challenge.pk)
    ).select_related("actor")


def challenges_awaiting_authority(actor: Any) -> QuerySet[Challenge]:
    """Undecided challenges, or decided ones whose remedy is still to be carried out, that
    the actor answers for; the most urgent first."""
    membership = permissions.organisation_ids_with_role(actor, HANDLE_ROLES)
    awards = permissions.organisation_ids_with_role(actor, HANDLE_AWARD_ROLES)
    mine = Q(authority_id__in=membership) | Q(authority_id__in=awards, kind=ChallengeKind.AWARD)
    waiting = Q(decided_at__isnull=True) | (
        Q(remedy_done_at__isnull=True) & ~Q(remedy__in=["", "none"])
    )
    return _challenges().filter(mine & waiting).order_by("decision_due_at", "pk")


def challengeable_decisions(actor: Any, *, supplier_id: int) -> dict[str, list[Any]]:
    """The decisions affecting a supplier that it could challenge (the service still
    checks the period for raising one)."""
    if supplier_id not in permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES):
        return {"applications": [], "suspensions": [], "removals": [], "awards": []}
    applications = Application.objects.filter(
        supplier_id=supplier_id, outcome=Outcome.REJECTED
    ).select_related("market", "category")
    members = CategoryMember.objects.filter(supplier_id=supplier_id).select_related(
        "market", "category"
    )
    lost = (
        Award.objects.filter(
            call__in=Feedback.objects.filter(supplier_id=supplier_id).values("call_id")
        )
        .exclude(winner__supplier_id=supplier_id)
        .select_related("call")
    )
    return {
        "applications": list(applications.order_by("-decided_at")[:20]),
        "suspensions": list(
            members.filter(suspended_at__isnull=False, removed_at__isnull=True).order_by(
                "-suspended_at"
            )[:20]
        ),
        "removals": list(members.filter(removed_at__isnull=False).order_by("-removed_at")[:20]),
        "awards": list(lost.order_by("-decided_at")[:20]),
    }
