"""The platform-wide debarment list."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import Organisation, OrganisationKind, User
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import (
    NotFound,
    NotPermitted,
    full_clean_or_refuse,
)
from opendps.core.events import AuditEventType
from opendps.membership.models import CategoryMember, Debarment
from opendps.membership.services.common import (
    MANAGE_ROLES,
    _reason,
    authority_emails,
)
from opendps.membership.services.members import member_remove_locked
from opendps.notifications.services import email_send_on_commit

REMOVED_FOR_DEBARMENT = _("The supplier is on the debarment list: %(reason)s")

# --- debarment ----------------------------------------------------------------------------


@transaction.atomic(durable=True)
def debarment_add(
    *,
    actor: User,
    name: str,
    reason: str,
    supplier: Organisation | None = None,
    registration_number: str = "",
    ends_at: datetime | None = None,
) -> Debarment:
    """Platform staff keep the debarment list: a listed supplier cannot be admitted, and
    every membership it holds is removed."""
    if not permissions.is_platform_staff(actor):
        raise NotPermitted(_("Only platform staff can change the debarment list."))
    debarment = Debarment(
        supplier=supplier,
        name=name.strip() or (supplier.name if supplier else ""),
        registration_number=(
            registration_number or (supplier.registration_number if supplier else "")
        ).strip(),
        reason=_reason(reason),
        created_by=actor,
        created_at=clock.now(),
        ends_at=ends_at,
    )
    full_clean_or_refuse(debarment)
    debarment.save()
    removed = _remove_debarred_members(actor, debarment)
    audit_record(
        actor=actor,
        event_type=AuditEventType.DEBARMENT_ADDED,
        subject=debarment,
        organisation_id=supplier.pk if supplier else None,
        data={
            "name": debarment.name,
            "registration_number": debarment.registration_number,
            "members_removed": [member.pk for member in removed],
        },
    )
    return debarment


def debarred_suppliers(debarment: Debarment) -> QuerySet[Organisation]:
    """The supplier organisations a debarment names: by account, or by registration number."""
    match = Q(pk=debarment.supplier_id) if debarment.supplier_id else Q(pk__in=[])
    if debarment.registration_number:
        match |= Q(registration_number__iexact=debarment.registration_number)
    return Organisation.objects.filter(match, kind=OrganisationKind.SUPPLIER)


def _remove_debarred_members(actor: User, debarment: Debarment) -> list[CategoryMember]:
    """A debarred supplier is removed from every market it is in (PCR 2015 reg 57(1) and
    reg 34: a DPS admits only suppliers not excluded; PA 2023 ss 57 and 37: removed, and the
    removal reported). Each removal is its own audited event, told to the supplier and to
    the authority; calls already published stop taking its tenders at once."""
    members = list(
        CategoryMember.objects.select_for_update()
        .select_related("market", "market__authority", "category", "supplier")
        .filter(supplier__in=debarred_suppliers(debarment), removed_at__isnull=True)
        .order_by("pk")
    )
    reason = str(REMOVED_FOR_DEBARMENT) % {"reason": debarment.reason}
    for member in members:
        member_remove_locked(
            actor=actor,
            member=member,
            reason=reason,
            exclusion=True,
            data={"debarment_id": debarment.pk},
        )
        email_send_on_commit(
            to=authority_emails(member.market.authority_id, MANAGE_ROLES),
            template="member_debarred",
            context={"member": member, "debarment": debarment},
        )
    return members


@transaction.atomic(durable=True)
def debarment_lift(*, actor: User, debarment: Debarment, reason: str) -> Debarment:
    if not permissions.is_platform_staff(actor):
        raise NotPermitted(_("Only platform staff can change the debarment list."))
    debarment = Debarment.objects.select_for_update().get(pk=debarment.pk)
    if debarment.lifted_at is not None:
        raise NotFound(_("That debarment is not in force."))
    debarment.lifted_at = clock.now()
    debarment.save(update_fields=["lifted_at"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.DEBARMENT_LIFTED,
        subject=debarment,
        organisation_id=debarment.supplier_id,
        data={"reason": _reason(reason)},
    )
    return debarment
