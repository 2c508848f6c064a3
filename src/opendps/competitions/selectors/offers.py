"""Standing offers (rate cards) of a category and an authority's planned calls."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.permissions import AUTHORITY_ROLES, SUPPLIER_ROLES
from opendps.competitions.models import PlannedCall, StandingOffer
from opendps.core.errors import NotFound

CATEGORY_NOT_FOUND = _("Category not found.")


def standing_offers_in_category(actor: Any, *, category_id: int) -> QuerySet[StandingOffer]:
    """Rate cards of the category's current members, for its authority's buyers and for
    members of the category (suppliers see the going rate)."""
    from opendps.core import clock
    from opendps.markets.models import Category
    from opendps.membership.status import active_members_q

    category = Category.objects.select_related("market").filter(pk=category_id).first()
    if category is None:
        raise NotFound(CATEGORY_NOT_FOUND)
    authorities = permissions.organisation_ids_with_role(actor, AUTHORITY_ROLES)
    suppliers = permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES)
    is_member = category.members.filter(supplier_id__in=suppliers, removed_at__isnull=True).exists()
    if category.market.authority_id not in authorities and not is_member:
        raise NotFound(CATEGORY_NOT_FOUND)
    live = category.members.filter(active_members_q(clock.now())).values("pk")
    return (
        StandingOffer.objects.filter(category=category, member__in=live)
        .select_related("supplier")
        .order_by("price_per_hour", "price_per_service_user")
    )


def planned_call_list(actor: Any, *, authority_ids: list[int]) -> QuerySet[PlannedCall]:
    """Planned calls of ``authority_ids`` not withdrawn, soonest first. Only the actor's own
    authorities count: the ids narrow the list, never widen it."""
    own = set(permissions.organisation_ids_with_role(actor, AUTHORITY_ROLES))
    return (
        PlannedCall.objects.filter(buyer_id__in=own & set(authority_ids), withdrawn_at=None)
        .select_related("category", "category__market")
        .order_by("expected_month")
    )


PLANNED_CALL_NOT_FOUND = _("Planned call not found.")


def planned_call_get(actor: Any, *, planned_id: int) -> PlannedCall:
    """One of the actor's authorities' planned calls, not withdrawn (NotFound otherwise)."""
    own = permissions.organisation_ids_with_role(actor, AUTHORITY_ROLES)
    planned = planned_call_list(actor, authority_ids=own).filter(pk=planned_id).first()
    if planned is None:
        raise NotFound(PLANNED_CALL_NOT_FOUND)
    return planned
