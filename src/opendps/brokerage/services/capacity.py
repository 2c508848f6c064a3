"""A member keeps its capacity current: care hours per week or vacancies, per zone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import User
from opendps.brokerage.models import Capacity, CapacityKind
from opendps.competitions.services.common import TENDER_ROLES
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import Conflict, RuleViolation
from opendps.core.events import AuditEventType
from opendps.membership.models import CategoryMember

NOT_A_LIVE_MEMBER = _("Only a current member of the category can record capacity there.")
ZONE_REQUIRED = _("Enter the zone or area the capacity is for.")
KIND_UNKNOWN = _("Choose care hours per week or placement vacancies.")
AMOUNT_OUT_OF_RANGE = _("Enter an amount from 0 to 10,000.")
MAX_AMOUNT = Decimal("10000")


@transaction.atomic(durable=True)
def capacity_record(
    *,
    actor: User,
    member: CategoryMember,
    zone: str,
    kind: str,
    amount: Decimal,
    available_from: date,
) -> Capacity:
    """Record what the member can take on from a date; the newest record per zone and kind
    is its current capacity. Buyers read it; invitations never depend on it."""
    member = CategoryMember.objects.select_for_update().get(pk=member.pk)
    permissions.require_role(actor, member.supplier, TENDER_ROLES)
    if member.removed_at is not None:
        raise Conflict(NOT_A_LIVE_MEMBER)
    zone = zone.strip()
    if not zone or len(zone) > 100:
        raise RuleViolation(ZONE_REQUIRED, code="zone_required")
    if kind not in CapacityKind.values:
        raise RuleViolation(KIND_UNKNOWN, code="kind_unknown")
    if not amount.is_finite() or not Decimal(0) <= amount <= MAX_AMOUNT:
        raise RuleViolation(AMOUNT_OUT_OF_RANGE, code="amount_out_of_range")
    capacity = Capacity.objects.create(
        member=member,
        supplier_id=member.supplier_id,
        category_id=member.category_id,
        zone=zone,
        kind=kind,
        amount=amount.quantize(Decimal("0.1")),
        available_from=available_from,
        recorded_at=clock.now(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.CAPACITY_RECORDED,
        subject=capacity,
        organisation_id=member.supplier_id,
        data={
            "category_id": member.category_id,
            "zone": zone,
            "kind": kind,
            "amount": str(capacity.amount),
            "available_from": available_from.isoformat(),
        },
    )
    return capacity
