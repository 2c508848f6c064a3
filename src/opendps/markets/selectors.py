"""Reads of markets, scoped to what the actor may see.

Published markets are public. Drafts are seen only by their authority's people.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.permissions import AUTHORITY_ROLES
from opendps.core import clock
from opendps.core.errors import NotFound
from opendps.markets.models import Category, Market, QuestionnaireVersion
from opendps.markets.status import open_markets_q, with_status

MARKET_NOT_FOUND = _("Market not found.")
CATEGORY_NOT_FOUND = _("Category not found.")


def _visible_q(actor: Any) -> Q:
    own = permissions.organisation_ids_with_role(actor, AUTHORITY_ROLES)
    return Q(published_at__isnull=False) | Q(authority_id__in=own)


def market_list(
    actor: Any, *, only_open: bool = False, authority_id: int | None = None
) -> QuerySet[Market]:
    markets = Market.objects.filter(_visible_q(actor))
    if only_open:
        markets = markets.filter(open_markets_q(clock.now()))
    if authority_id is not None:
        markets = markets.filter(authority_id=authority_id)
    return with_status(
        markets.select_related("authority").annotate(category_count=Count("categories"))
    ).order_by("-created_at", "-pk")


def market_list_for_authority(actor: Any) -> QuerySet[Market]:
    """The markets of the authorities the actor works for, drafts included."""
    own = permissions.organisation_ids_with_role(actor, AUTHORITY_ROLES)
    return with_status(Market.objects.filter(authority_id__in=own).select_related("authority"))


def market_get(actor: Any, *, market_id: int) -> Market:
    market = (
        with_status(Market.objects.filter(_visible_q(actor), pk=market_id))
        .select_related("authority")
        .prefetch_related(
            Prefetch("categories", queryset=Category.objects.order_by("position", "pk"))
        )
        .first()
    )
    if market is None:
        raise NotFound(MARKET_NOT_FOUND)
    return market


def category_get(actor: Any, *, category_id: int) -> Category:
    category = (
        Category.objects.filter(pk=category_id)
        .select_related("market", "market__authority")
        .first()
    )
    if (
        category is None
        or not Market.objects.filter(_visible_q(actor), pk=category.market_id).exists()
    ):
        raise NotFound(CATEGORY_NOT_FOUND)
    return category


def category_list(actor: Any, *, market_id: int) -> list[Category]:
    """A visible market's categories, each with its versions prefetched (newest first),
    so ``questionnaire_current`` costs no query per category."""
    market = market_get(actor, market_id=market_id)
    return list(
        Category.objects.filter(market=market)
        .order_by("position", "pk")
        .prefetch_related(
            Prefetch(
                "questionnaire_versions",
                queryset=QuestionnaireVersion.objects.order_by("-version"),
            )
        )
    )


def questionnaire_current(category: Category) -> QuestionnaireVersion:
    """The newest version; uses prefetched versions when the caller loaded them."""
    cache = getattr(category, "_prefetched_objects_cache", {})
    if "questionnaire_versions" in cache:
        versions = sorted(cache["questionnaire_versions"], key=lambda v: -v.version)
        version = versions[0] if versions else None
    else:
        version = category.questionnaire_versions.order_by("-version").first()
    assert version is not None  # created with the category
    return version


def can_manage_market(actor: Any, market: Market) -> bool:
    from opendps.markets.services import MARKET_ROLES

    return permissions.has_role(actor, market.authority_id, MARKET_ROLES)
