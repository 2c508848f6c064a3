"""The platform-wide debarment list."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import Organisation, User
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import (
    NotFound,
    NotPermitted,
    full_clean_or_refuse,
)
from opendps.core.events import AuditEventType
from opendps.membership.models import (
    Debarment,
)
from opendps.membership.services.common import (
    _reason,
)

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
    """Platform staff keep the debarment list; a listed supplier cannot be admitted."""
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
    audit_record(
        actor=actor,
        event_type=AuditEventType.DEBARMENT_ADDED,
        subject=debarment,
        organisation_id=supplier.pk if supplier else None,
        data={"name": debarment.name, "registration_number": debarment.registration_number},
    )
    return debarment


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
