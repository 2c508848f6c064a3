"""Reads for care brokerage: current capacity, and placements, scoped to who may see them."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import User
from opendps.brokerage.models import Capacity, Placement
from opendps.brokerage.status import PlacementStatus, placement_status_q
from opendps.competitions.models import Call, Invitation
from opendps.competitions.selectors import CALL_NOT_FOUND
from opendps.core import clock
from opendps.core.errors import NotFound
from opendps.membership.models import CategoryMember

PLACEMENT_NOT_FOUND = _("Placement not found.")


def current_capacity(
    *, category_ids: list[int] | None = None, supplier_id: int | None = None
) -> dict[int, list[Capacity]]:
    """Each live member's current capacity (the newest record per zone and kind), by
    member id, in the categories or of the supplier given. A category holds at most a few
    hundred members, each a few records."""
    current: dict[int, list[Capacity]] = defaultdict(list)
    seen: set[tuple[int, str, str]] = set()
    scope = Q(category_id__in=category_ids) if category_ids is not None else Q()
    if supplier_id is not None:
        scope &= Q(supplier_id=supplier_id)
    rows = Capacity.objects.filter(scope, member__removed_at__isnull=True).order_by(
        "-recorded_at", "-pk"
    )
    for capacity in rows:
        key = (capacity.member_id, capacity.zone.casefold(), capacity.kind)
        if key not in seen:
            seen.add(key)
            current[capacity.member_id].append(capacity)
    for records in current.values():
        records.sort(key=lambda c: (c.zone.casefold(), c.kind))
    return current


def call_capacity(call: Call) -> list[dict[str, Any]]:
    """Every invited member (or, before publication, every live member) with its current
    capacity: the buyer reads it; it decides nothing about who is invited."""
    if call.published_at is not None:
        member_ids = list(Invitation.objects.filter(call=call).values_list("member_id", flat=True))
        members = CategoryMember.objects.filter(pk__in=member_ids)
    else:
        members = CategoryMember.objects.filter(
            category_id=call.category_id, removed_at__isnull=True
        )
    capacity = current_capacity(category_ids=[call.category_id])
    return [
        {"supplier": member.supplier, "capacity": capacity.get(member.pk, [])}
        for member in members.select_related("supplier").order_by("supplier__name")
    ]


def placements_for_call(call: Call) -> list[Placement]:
    return list(Placement.objects.filter(call=call).select_related("supplier").order_by("rank"))


def placement_get(user: User, *, placement_id: int) -> Placement:
    """The offered provider's staff and the buying authority's staff see a placement."""
    placement = (
        Placement.objects.select_related("call__buyer", "call__category", "supplier", "award")
        .filter(pk=placement_id)
        .first()
    )
    if placement is None or not (
        permissions.has_role(user, placement.supplier_id, permissions.SUPPLIER_ROLES)
        or permissions.has_role(user, placement.call.buyer_id, permissions.AUTHORITY_ROLES)
    ):
        raise NotFound(PLACEMENT_NOT_FOUND)
    return placement


def placements_for_supplier(user: User, *, supplier_id: int) -> list[Placement]:
    if not permissions.has_role(user, supplier_id, permissions.SUPPLIER_ROLES):
        return []
    return list(
        Placement.objects.filter(supplier_id=supplier_id)
        .select_related("call__buyer")
        .order_by("-offered_at")[:50]
    )


def placement_list(
    user: User, *, call_id: int | None = None, status: PlacementStatus | None = None
) -> QuerySet[Placement]:
    """Placements offered to the caller's suppliers or made on its authorities' calls."""
    suppliers = permissions.organisation_ids_with_role(user, permissions.SUPPLIER_ROLES)
    authorities = permissions.organisation_ids_with_role(user, permissions.AUTHORITY_ROLES)
    placements = Placement.objects.filter(
        Q(supplier_id__in=suppliers) | Q(call__buyer_id__in=authorities)
    ).select_related("call__buyer", "supplier")
    if call_id is not None:
        placements = placements.filter(call_id=call_id)
    if status is not None:
        placements = placements.filter(placement_status_q(status, clock.now()))
    return placements.order_by("-offered_at", "-pk")


def capacity_of_supplier(user: User, *, supplier_id: int) -> list[Capacity]:
    """The supplier's current capacity in each category it is a live member of; its own
    staff only (another supplier's id reads as empty, like a supplier with none)."""
    if not permissions.has_role(user, supplier_id, permissions.SUPPLIER_ROLES):
        return []
    current = current_capacity(supplier_id=supplier_id)
    return [record for member_id in sorted(current) for record in current[member_id]]


def buyer_call_capacity(user: User, *, call_id: int) -> list[dict[str, Any]]:
    """``call_capacity`` for the buying authority's staff; to anyone else the call is not
    found (a supplier never reads its competitors' capacity)."""
    authorities = permissions.organisation_ids_with_role(user, permissions.AUTHORITY_ROLES)
    call = Call.objects.filter(pk=call_id, buyer_id__in=authorities).first()
    if call is None:
        raise NotFound(CALL_NOT_FOUND)
    return call_capacity(call)
