"""Insight pages: supplier insight, market health, past performance, and their exports.

Each view calls one selector, turns its result into sections (``sections``) and renders
them, or writes one of their tables as CSV or XLSX: the page and the files share the
same tables. Who may see what is the selectors' business.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from opendps.accounts import permissions
from opendps.accounts.permissions import AUTHORITY_ROLES, SUPPLIER_ROLES
from opendps.contracts import selectors as contract_selectors
from opendps.core import clock
from opendps.core.errors import NotFound, NotPermitted
from opendps.insights import exports, selectors
from opendps.insights.charts import chart_svg
from opendps.insights.sections import (
    market_sections,
    past_performance_sections,
    supplier_sections,
)
from opendps.insights.tables import Section, all_tables, find_table
from opendps.markets import selectors as market_selectors
from opendps.markets.models import Category
from opendps.web.organisation import AuthedRequest, current_organisation

NOT_A_SUPPLIER = gettext_lazy(
    "Supplier insight is for people who work for a supplier. Choose a supplier organisation "
    "to act for, or ask its administrator to add you."
)
NO_INSIGHT = gettext_lazy(
    "Insight is for people who work for a supplier or a contracting authority."
)
TABLE_NOT_FOUND = gettext_lazy("There is no such table to download.")
FORMATS = {"csv", "xlsx"}


def _acting_supplier(request: AuthedRequest) -> int:
    """The supplier the person is acting for now (the organisation they chose)."""
    organisation = current_organisation(request)
    if organisation is None or not permissions.has_role(request.user, organisation, SUPPLIER_ROLES):
        raise NotPermitted(NOT_A_SUPPLIER)
    return organisation.pk


def _page(
    request: HttpRequest,
    template: str,
    sections: list[Section],
    export: str,
    export_kwargs: dict[str, Any],
    **context: Any,
) -> HttpResponse:
    def export_link(table: str, fmt: str) -> str:
        return reverse(export, kwargs={**export_kwargs, "table": table, "fmt": fmt})

    return render(
        request,
        template,
        {"sections": sections, "chart_svg": chart_svg, "export_link": export_link, **context},
    )


def _download(sections: list[Section], table: str, fmt: str, name: str) -> HttpResponse:
    """One table (or, for ``all.xlsx``, every table) as a file with a telling name."""
    if fmt not in FORMATS:
        raise NotFound(TABLE_NOT_FOUND)
    stamp = clock.now().strftime("%Y-%m-%d")
    if table == "all" and fmt == "xlsx":
        content, filename = exports.tables_xlsx(all_tables(sections)), f"{name}-{stamp}.xlsx"
    else:
        found = find_table(sections, table)
        if found is None:
            raise NotFound(TABLE_NOT_FOUND)
        filename = f"{name}-{found.key.replace('_', '-')}-{stamp}.{fmt}"
        content = exports.table_csv(found) if fmt == "csv" else exports.tables_xlsx([found])
    response = HttpResponse(
        content, content_type=exports.CSV_TYPE if fmt == "csv" else exports.XLSX_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- index -----------------------------------------------------------------------------------


@login_required
@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    """Where insight lives: a supplier's own page; an authority's markets and categories."""
    is_supplier = bool(permissions.organisation_ids_with_role(request.user, SUPPLIER_ROLES))
    is_authority = bool(permissions.organisation_ids_with_role(request.user, AUTHORITY_ROLES))
    if not is_supplier and not is_authority:
        raise NotPermitted(NO_INSIGHT)
    markets = []
    if is_authority:
        markets = list(market_selectors.market_list_for_authority(request.user).order_by("title"))
    categories: dict[int, list[Category]] = {}
    for category in Category.objects.filter(market__in=markets).order_by("position", "pk"):
        categories.setdefault(category.market_id, []).append(category)
    return render(
        request,
        "insights/index.html",
        {
            "title": _("Insight"),
            "is_supplier": is_supplier,
            "markets": markets,
            "categories": categories,
        },
    )


# --- supplier insight -----------------------------------------------------------------------


@login_required
@require_GET
def supplier(request: AuthedRequest) -> HttpResponse:
    insight = selectors.supplier_insight(request.user, supplier_id=_acting_supplier(request))
    return _page(
        request,
        "insights/supplier.html",
        supplier_sections(insight),
        title=_("How you are doing"),
        insight=insight,
        export="insights:supplier-export",
        export_kwargs={},
    )


@login_required
@require_GET
def supplier_export(request: AuthedRequest, table: str, fmt: str) -> HttpResponse:
    insight = selectors.supplier_insight(request.user, supplier_id=_acting_supplier(request))
    return _download(
        supplier_sections(insight), table, fmt, "insight-" + slugify(insight.supplier.name)
    )


# --- market health --------------------------------------------------------------------------


@login_required
@require_GET
def market(request: AuthedRequest, market_id: int) -> HttpResponse:
    health = selectors.market_health(request.user, market_id=market_id)
    return _page(
        request,
        "insights/market.html",
        market_sections(health),
        title=_("Market health"),
        health=health,
        export="insights:market-export",
        export_kwargs={"market_id": market_id},
    )


@login_required
@require_GET
def market_export(request: AuthedRequest, market_id: int, table: str, fmt: str) -> HttpResponse:
    health = selectors.market_health(request.user, market_id=market_id)
    return _download(market_sections(health), table, fmt, f"market-{market_id}-health")


# --- past performance -----------------------------------------------------------------------


@login_required
@require_GET
def past_performance(request: AuthedRequest, category_id: int) -> HttpResponse:
    past = contract_selectors.past_performance_in_category(request.user, category_id=category_id)
    return _page(
        request,
        "insights/past_performance.html",
        past_performance_sections(past),
        title=_("Past performance of members"),
        past=past,
        export="insights:past-performance-export",
        export_kwargs={"category_id": category_id},
    )


@login_required
@require_GET
def past_performance_export(
    request: AuthedRequest, category_id: int, table: str, fmt: str
) -> HttpResponse:
    past = contract_selectors.past_performance_in_category(request.user, category_id=category_id)
    return _download(
        past_performance_sections(past), table, fmt, f"category-{category_id}-past-performance"
    )
