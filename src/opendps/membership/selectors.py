"""Reads of applications and members, scoped to what the actor may see.

A supplier sees its own applications; an authority's people see applications to their own
markets. Any other id is 'not found'.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.permissions import AUTHORITY_ROLES, SUPPLIER_ROLES
from opendps.core import clock
from opendps.core.errors import NotFound, NotPermitted
from opendps.membership.models import Application, CategoryMember, Debarment, DeclarationRequest
from opendps.membership.services import ASSESS_ROLES
from opendps.membership.status import active_members_q, with_declaration_overdue

APPLICATION_NOT_FOUND = _("Application not found.")
MEMBER_NOT_FOUND = _("Member not found.")
DECLARATION_NOT_FOUND = _("Declaration request not found.")
NOT_PLATFORM_STAFF = _("Only platform staff can see the debarment list.")


def _application_scope(actor: Any) -> Q:
    suppliers = permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES)
    authorities = permissions.organisation_ids_with_role(actor, AUTHORITY_ROLES)
    return Q(supplier_id__in=suppliers) | Q(market__authority_id__in=authorities)


def _applications() -> QuerySet[Application]:
    return Application.objects.select_related(
        "supplier", "market", "market__authority", "category", "questionnaire"
    )


def application_list(actor: Any, *, market_id: int | None = None) -> QuerySet[Application]:
    applications = _applications().filter(_application_scope(actor))
    if market_id is not None:
        applications = applications.filter(market_id=market_id)
    return applications.order_by("-submitted_at")


def application_list_for_supplier(actor: Any, *, supplier_id: int) -> QuerySet[Application]:
    if supplier_id not in permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES):
        return Application.objects.none()
    return _applications().filter(supplier_id=supplier_id).order_by("-submitted_at")


def application_queue_for_evaluator(actor: Any) -> QuerySet[Application]:
    """Undecided applications to the evaluator's markets, the most urgent first.

    A queue lists applications without their content: the answers, the assessments and
    the questionnaire stay in the database until one is opened (BENCHMARKS.md H7)."""
    authorities = permissions.organisation_ids_with_role(actor, ASSESS_ROLES)
    return (
        _applications()
        .filter(
            market__authority_id__in=authorities,
            decided_at__isnull=True,
            withdrawn_at__isnull=True,
        )
        .defer("answers", "auto_assessment", "reasons", "questionnaire__questions")
        .order_by("assessment_due_at", "submitted_at", "pk")
    )


def application_get(actor: Any, *, application_id: int) -> Application:
    application = (
        _applications()
        .filter(_application_scope(actor), pk=application_id)
        .prefetch_related("documents")
        .first()
    )
    if application is None:
        raise NotFound(APPLICATION_NOT_FOUND)
    return application


def previous_answers(supplier_id: int) -> dict[str, Any]:
    """The supplier's latest answer to each question id, offered for reuse."""
    merged: dict[str, Any] = {}
    for answers in (
        Application.objects.filter(supplier_id=supplier_id)
        .order_by("submitted_at")
        .values_list("answers", flat=True)[:50]
    ):
        merged.update(answers)
    return merged


def member_list(
    actor: Any, *, market_id: int, include_removed: bool = False
) -> QuerySet[CategoryMember]:
    """Members of a market the actor may see: public once published (who is admitted
    where); removed members only for the market's own authority."""
    from opendps.markets.selectors import can_manage_market, market_get

    market = market_get(actor, market_id=market_id)
    include_removed = include_removed and can_manage_market(actor, market)
    members = with_declaration_overdue(
        CategoryMember.objects.filter(market=market).select_related("supplier", "category")
    )
    if not include_removed:
        members = members.filter(removed_at__isnull=True)
    return members.order_by("category__position", "category_id", "supplier__name")


def member_get_for_authority(actor: Any, *, member_id: int) -> CategoryMember:
    authorities = permissions.organisation_ids_with_role(actor, AUTHORITY_ROLES)
    member = (
        with_declaration_overdue(CategoryMember.objects.all())
        .select_related("supplier", "category", "market", "market__authority", "application")
        .filter(pk=member_id, market__authority_id__in=authorities)
        .first()
    )
    if member is None:
        raise NotFound(MEMBER_NOT_FOUND)
    return member


def memberships_for_supplier(actor: Any, *, supplier_id: int) -> QuerySet[CategoryMember]:
    if supplier_id not in permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES):
        return CategoryMember.objects.none()
    return with_declaration_overdue(
        CategoryMember.objects.filter(supplier_id=supplier_id).select_related(
            "category", "market", "market__authority"
        )
    ).order_by("-admitted_at")


def active_members_of_category(category_id: int) -> QuerySet[CategoryMember]:
    """Who a call in this category invites right now."""
    return CategoryMember.objects.filter(active_members_q(clock.now()), category_id=category_id)


def declaration_get_for_supplier(actor: Any, *, request_id: int) -> DeclarationRequest:
    suppliers = permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES)
    request = (
        DeclarationRequest.objects.select_related(
            "member", "member__category", "member__market", "member__application__questionnaire"
        )
        .filter(pk=request_id, member__supplier_id__in=suppliers)
        .first()
    )
    if request is None:
        raise NotFound(DECLARATION_NOT_FOUND)
    return request


def declarations_waiting_for_supplier(
    actor: Any, *, supplier_id: int
) -> QuerySet[DeclarationRequest]:
    if supplier_id not in permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES):
        return DeclarationRequest.objects.none()
    return DeclarationRequest.objects.filter(
        member__supplier_id=supplier_id, answered_at__isnull=True
    ).select_related("member__category", "member__market")


def debarment_list(actor: Any) -> QuerySet[Debarment]:
    """The platform-wide debarment list, for platform staff only."""
    if not permissions.is_platform_staff(actor):
        raise NotPermitted(NOT_PLATFORM_STAFF)
    return Debarment.objects.select_related("supplier").order_by("-created_at")
