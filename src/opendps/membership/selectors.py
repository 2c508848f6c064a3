"""Reads of applications and members, scoped to what the actor may see.

A supplier sees its own applications; an authority's people see applications to their own
markets. Any other id is 'not found'.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.permissions import AUTHORITY_ROLES, SUPPLIER_ROLES
from opendps.core import clock
from opendps.core.errors import NotFound, NotPermitted
from opendps.membership.models import (
    Application,
    ApplicationDraft,
    CategoryMember,
    Debarment,
    DeclarationRequest,
    EvidenceDocument,
)
from opendps.membership.services import ASSESS_ROLES
from opendps.membership.status import active_members_q, with_declaration_overdue

APPLICATION_NOT_FOUND = _("Application not found.")
MEMBER_NOT_FOUND = _("Member not found.")
DECLARATION_NOT_FOUND = _("Declaration request not found.")
DRAFT_NOT_FOUND = _("Application draft not found.")
EVIDENCE_NOT_FOUND = _("Document not found.")
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
    return applications.order_by("-submitted_at", "-pk")


def application_list_for_supplier(actor: Any, *, supplier_id: int) -> QuerySet[Application]:
    if supplier_id not in permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES):
        return Application.objects.none()
    return _applications().filter(supplier_id=supplier_id).order_by("-submitted_at")


def application_queue_for_evaluator(
    actor: Any,
    *,
    overdue: bool | None = None,
    category_id: int | None = None,
    failed_checks: int | None = None,
    supplier_id: int | None = None,
) -> QuerySet[Application]:
    """Undecided applications to the evaluator's markets, the most urgent first.

    Filters: ``overdue`` (True: past the time limit; False: still within it), one
    category, ``failed_checks`` (0: none failed; n > 0: at least n failed) and one supplier.
    A queue lists applications without their content: the answers, the assessments and
    the questionnaire stay in the database until one is opened (BENCHMARKS.md H7)."""
    authorities = permissions.organisation_ids_with_role(actor, ASSESS_ROLES)
    filters = Q()
    if overdue is not None:
        late = Q(assessment_due_at__lt=clock.now())
        filters &= late if overdue else ~late
    if category_id is not None:
        filters &= Q(category_id=category_id)
    if failed_checks is not None:
        filters &= Q(failed_checks=0) if failed_checks == 0 else Q(failed_checks__gte=failed_checks)
    if supplier_id is not None:
        filters &= Q(supplier_id=supplier_id)
    return (
        _applications()
        .filter(
            filters,
            market__authority_id__in=authorities,
            decided_at__isnull=True,
            withdrawn_at__isnull=True,
        )
        .defer("answers", "auto_assessment", "reasons", "questionnaire__questions")
        .order_by("assessment_due_at", "submitted_at", "pk")
    )


def queue_categories(actor: Any) -> list[tuple[int, str]]:
    """The categories of the evaluator's markets that have applications waiting, for the
    queue's filter: (id, "category (market)")."""
    waiting = application_queue_for_evaluator(actor).order_by()
    rows = (
        waiting.values_list("category_id", "category__title", "market__title")
        .distinct()
        .order_by("market__title", "category__title")
    )
    return [(pk, f"{title} ({market})") for pk, title, market in rows]


def queue_counts_by_supplier(actor: Any, *, supplier_ids: list[int]) -> dict[int, int]:
    """How many applications each of these suppliers has waiting in the evaluator's queue."""
    rows = (
        application_queue_for_evaluator(actor)
        .filter(supplier_id__in=supplier_ids)
        .order_by()
        .values("supplier_id")
        .annotate(waiting=Count("pk"))
    )
    return {row["supplier_id"]: row["waiting"] for row in rows}


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


def draft_get(actor: Any, *, draft_id: int) -> ApplicationDraft:
    """A live draft of one of the actor's suppliers (anyone else's is 'not found')."""
    suppliers = permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES)
    draft = (
        ApplicationDraft.objects.select_related("supplier", "market", "market__authority")
        .filter(pk=draft_id, supplier_id__in=suppliers, submitted_at=None)
        .first()
    )
    if draft is None:
        raise NotFound(DRAFT_NOT_FOUND)
    return draft


def drafts_for_supplier(actor: Any, *, supplier_id: int) -> QuerySet[ApplicationDraft]:
    if supplier_id not in permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES):
        return ApplicationDraft.objects.none()
    return ApplicationDraft.objects.select_related("market").filter(
        supplier_id=supplier_id, submitted_at=None
    )


def evidence_for_supplier(actor: Any, *, supplier_id: int) -> QuerySet[EvidenceDocument]:
    """The supplier's locker, for its own people only."""
    if supplier_id not in permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES):
        return EvidenceDocument.objects.none()
    return EvidenceDocument.objects.filter(supplier_id=supplier_id, removed_at=None)


def evidence_get(actor: Any, *, document_id: int) -> EvidenceDocument:
    suppliers = permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES)
    document = (
        EvidenceDocument.objects.select_related("supplier")
        .filter(pk=document_id, supplier_id__in=suppliers, removed_at=None)
        .first()
    )
    if document is None:
        raise NotFound(EVIDENCE_NOT_FOUND)
    return document


def evidence_lapsed(supplier_id: int) -> list[EvidenceDocument]:
    """Locker documents of a supplier whose expiry date has passed (London date), for the
    pages of an application or member the caller has already been allowed to see."""
    from opendps.core.calendar import london_date

    today = london_date(clock.now())
    return list(
        EvidenceDocument.objects.filter(
            supplier_id=supplier_id, removed_at=None, expires_on__lt=today
        ).order_by("expires_on")
    )
