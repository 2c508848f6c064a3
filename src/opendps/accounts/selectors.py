"""Reads of accounts data, scoped to what the actor may see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import ApiToken, Invitation, Membership, Organisation, Role, User
from opendps.core.errors import NotFound, NotPermitted, RuleViolation
from opendps.core.models import AuditEvent

ORGANISATION_NOT_FOUND = _("Organisation not found.")
CHOOSE_SUPPLIER = _("You work for more than one supplier: say which one with supplier_id.")


def organisation_list_for_user(actor: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=list(permissions.role_map(actor)))


def organisation_get(actor: User, *, organisation_id: int) -> Organisation:
    """An organisation the actor belongs to; any other id is 'not found'."""
    if organisation_id not in permissions.role_map(actor):
        raise NotFound(ORGANISATION_NOT_FOUND)
    return Organisation.objects.get(pk=organisation_id)


def acting_supplier(actor: User, supplier_id: int | None, not_a_supplier: Any) -> Organisation:
    """The supplier named, if the actor works for it; else the actor's only supplier. An
    API caller acting for several suppliers must name one."""
    if supplier_id is not None:
        return organisation_get(actor, organisation_id=supplier_id)
    suppliers = [o for o in organisation_list_for_user(actor) if o.is_supplier]
    if not suppliers:
        raise NotPermitted(not_a_supplier)
    if len(suppliers) > 1:
        raise RuleViolation(CHOOSE_SUPPLIER, code="choose_supplier")
    return suppliers[0]


def membership_list(actor: User, *, organisation: Organisation) -> QuerySet[Membership]:
    organisation_get(actor, organisation_id=organisation.pk)
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__full_name", "role")
    )


def membership_get(actor: User, *, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("user", "organisation").filter(pk=membership_id).first()
    )
    if membership is None or membership.organisation_id not in permissions.role_map(actor):
        raise NotFound(_("Team member not found."))
    return membership


def staff_activity_list(actor: User, *, organisation: Organisation) -> QuerySet[AuditEvent]:
    """What platform staff have done inside the organisation (added people, removed members
    for debarment, set it up), newest first, for its administrators: staff acting inside an
    authority is an event the authority sees (issue 18). Only staff's own events are
    listed, so nothing the organisation may not yet know (who has tendered) shows here."""
    organisation = organisation_get(actor, organisation_id=organisation.pk)
    permissions.require_role(actor, organisation, permissions.ADMIN_ROLES)
    return (
        AuditEvent.objects.filter(organisation_id=organisation.pk, actor__is_staff=True)
        .select_related("actor")
        .order_by("-sequence")
    )


def invitation_list_pending(actor: User, *, organisation: Organisation) -> QuerySet[Invitation]:
    organisation_get(actor, organisation_id=organisation.pk)
    return Invitation.objects.filter(
        organisation=organisation, accepted_at=None, revoked_at=None
    ).select_related("invited_by")


def api_token_list(actor: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=actor)


def supplier_list_for_staff(actor: User) -> QuerySet[Organisation]:
    """Every supplier organisation, for platform staff (e.g. to debar one)."""
    from opendps.core.errors import NotPermitted

    if not permissions.is_platform_staff(actor):
        raise NotPermitted(_("Only platform staff can do that."))
    return Organisation.objects.filter(kind="supplier").order_by("name")


SUPPLIER_CONTACT_ROLES = frozenset({Role.SUPPLIER_ADMIN, Role.BID_WRITER})


def contact_emails(
    organisation_ids: Iterable[int | None] | QuerySet[Organisation],
    roles: Iterable[str] = SUPPLIER_CONTACT_ROLES,
) -> list[str]:
    """Whom to email for some organisations: the active people holding one of ``roles``.

    For notifications only, never shown to a user; one address once.
    """
    return list(
        Membership.objects.filter(
            organisation_id__in=organisation_ids, role__in=list(roles), user__is_active=True
        )
        .values_list("user__email", flat=True)
        .distinct()
    )
