"""Statuses of applications and members, derived from timestamps and the clock."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opendps.core import clock
from opendps.membership.models import Application, CategoryMember, DeclarationRequest, Outcome


class ApplicationStatus(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting decision")
    OVERDUE = "overdue", _("Decision overdue")
    ADMITTED = "admitted", _("Admitted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def application_status(application: Application, now: datetime | None = None) -> ApplicationStatus:
    now = now or clock.now()
    if application.withdrawn_at is not None:
        return ApplicationStatus.WITHDRAWN
    if application.decided_at is not None:
        return ApplicationStatus(application.outcome)
    if application.assessment_due_at < now:
        return ApplicationStatus.OVERDUE
    return ApplicationStatus.AWAITING


def application_status_q(status: ApplicationStatus, now: datetime | None = None) -> Q:
    """``application_status`` as a condition on the raw columns (filtered in SQL)."""
    now = now or clock.now()
    live = Q(withdrawn_at__isnull=True)
    undecided = live & Q(decided_at__isnull=True)
    return {
        ApplicationStatus.WITHDRAWN: Q(withdrawn_at__isnull=False),
        ApplicationStatus.ADMITTED: live & Q(decided_at__isnull=False, outcome=Outcome.ADMITTED),
        ApplicationStatus.REJECTED: live & Q(decided_at__isnull=False, outcome=Outcome.REJECTED),
        ApplicationStatus.OVERDUE: undecided & Q(assessment_due_at__lt=now),
        ApplicationStatus.AWAITING: undecided & Q(assessment_due_at__gte=now),
    }[status]


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    DECLARATION_OVERDUE = "declaration_overdue", _("Suspended: renewed declaration overdue")
    REMOVED = "removed", _("Removed")


def overdue_declaration_q(now: datetime) -> Q:
    return Q(answered_at__isnull=True, due_at__lt=now)


def member_status(
    member: CategoryMember, now: datetime | None = None, *, declaration_overdue: bool | None = None
) -> MemberStatus:
    """``declaration_overdue`` may be passed from an annotation to avoid a query."""
    now = now or clock.now()
    if member.removed_at is not None:
        return MemberStatus.REMOVED
    if member.suspended_at is not None:
        return MemberStatus.SUSPENDED
    if declaration_overdue is None:
        declaration_overdue = member.declarations.filter(overdue_declaration_q(now)).exists()
    if declaration_overdue:
        return MemberStatus.DECLARATION_OVERDUE
    return MemberStatus.ACTIVE


def with_declaration_overdue(
    queryset: QuerySet[CategoryMember], now: datetime | None = None
) -> QuerySet[CategoryMember]:
    now = now or clock.now()
    overdue = DeclarationRequest.objects.filter(overdue_declaration_q(now), member=OuterRef("pk"))
    return queryset.annotate(declaration_overdue=Exists(overdue))


def active_members_q(now: datetime) -> Q:
    """Members who are invited to calls: admitted, not removed, not suspended, no overdue
    renewed declaration (reg 34 invites every admitted member; a suspended one is not)."""
    overdue = DeclarationRequest.objects.filter(overdue_declaration_q(now), member=OuterRef("pk"))
    return Q(removed_at__isnull=True, suspended_at__isnull=True) & ~Q(Exists(overdue))
