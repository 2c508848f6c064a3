"""Who may do what: every role check in the platform goes through here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from opendps.accounts.models import Membership, Organisation, OrganisationKind, Role
from opendps.core.errors import NotPermitted

AUTHORITY_ROLES = frozenset({Role.AUTHORITY_ADMIN, Role.COMMISSIONER, Role.BUYER, Role.EVALUATOR})
SUPPLIER_ROLES = frozenset({Role.SUPPLIER_ADMIN, Role.BID_WRITER, Role.VIEWER})
ADMIN_ROLES = frozenset({Role.AUTHORITY_ADMIN, Role.SUPPLIER_ADMIN})
ROLES_BY_KIND = {
    OrganisationKind.AUTHORITY: AUTHORITY_ROLES,
    OrganisationKind.SUPPLIER: SUPPLIER_ROLES,
}

MISSING_ROLE = _("You need one of these roles in %(organisation)s: %(roles)s.")

_CACHE_ATTR = "_opendps_roles"


def role_map(user: Any) -> dict[int, set[str]]:
    """Organisation id → the user's roles there, loaded once per user object (one query)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = {}
        for org_id, role in Membership.objects.filter(user=user).values_list(
            "organisation_id", "role"
        ):
            cached.setdefault(org_id, set()).add(role)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user: Any) -> None:
    """Drop the cached roles after a membership change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_in(user: Any, organisation: Organisation | int) -> set[str]:
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return role_map(user).get(org_id, set())


def has_role(user: Any, organisation: Organisation | int, roles: Iterable[str]) -> bool:
    return bool(roles_in(user, organisation) & set(roles))


def require_role(user: Any, organisation: Organisation, roles: Iterable[str]) -> None:
    """Raise ``NotPermitted`` unless the user holds one of ``roles`` in ``organisation``."""
    wanted = set(roles)
    if not has_role(user, organisation, wanted):
        raise NotPermitted(
            MISSING_ROLE,
            organisation=organisation.name,
            roles=", ".join(sorted(str(Role(r).label) for r in wanted)),
        )


def organisation_ids_with_role(user: Any, roles: Iterable[str]) -> list[int]:
    wanted = set(roles)
    return [org_id for org_id, held in role_map(user).items() if held & wanted]


def is_platform_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_staff)
