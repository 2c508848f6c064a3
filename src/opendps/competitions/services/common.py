"""Shared pieces of the competition services: roles, locking, who to tell."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from opendps.accounts.models import Organisation, Role
from opendps.competitions.models import Call

BUY_ROLES = frozenset({Role.BUYER, Role.COMMISSIONER, Role.AUTHORITY_ADMIN})
# Annex IV (c)/(e): the authorised persons who may open tenders.
OPEN_ROLES = frozenset({Role.BUYER, Role.COMMISSIONER, Role.AUTHORITY_ADMIN})
EVALUATE_ROLES = frozenset({Role.EVALUATOR, Role.COMMISSIONER, Role.BUYER})
MODERATE_ROLES = frozenset({Role.COMMISSIONER, Role.BUYER, Role.EVALUATOR})
TENDER_ROLES = frozenset({Role.SUPPLIER_ADMIN, Role.BID_WRITER})


def lock_call(call: Call | int) -> Call:
    pk = call if isinstance(call, int) else call.pk
    return (
        Call.objects.select_for_update()
        .select_related("market", "category", "buyer", "market__authority")
        .get(pk=pk)
    )


def supplier_emails(supplier_ids: list[int] | QuerySet[Any]) -> list[str]:
    from opendps.accounts.models import Membership

    return list(
        Membership.objects.filter(
            organisation_id__in=supplier_ids,
            role__in=[Role.SUPPLIER_ADMIN, Role.BID_WRITER],
            user__is_active=True,
        )
        .values_list("user__email", flat=True)
        .distinct()
    )


def authority_emails(authority: Organisation, roles: frozenset[str]) -> list[str]:
    return list(
        authority.memberships.filter(role__in=list(roles), user__is_active=True)
        .values_list("user__email", flat=True)
        .distinct()
    )
