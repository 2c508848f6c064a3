"""Long lists on pages: 50 rows a page, GOV.UK pagination, and a filter by status.

A list grows with the years a market runs (an authority makes ~17,000 calls a year at
DWP's scale), so no page renders a whole list (BENCHMARKS.md H4–H7)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

PER_PAGE = 50


@dataclass
class Listing:
    """One page of a list, with what the template needs to move between pages."""

    page: Page[Any]
    pagination: dict[str, Any] | None
    summary: str
    filters: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rows(self) -> list[Any]:
        return list(self.page.object_list)


def _href(request: HttpRequest, **changes: Any) -> str:
    query = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = str(value)
    return "?" + query.urlencode() if query else "?"


def _govuk_pagination(request: HttpRequest, page: Page[Any]) -> dict[str, Any] | None:
    """Parameters for the ``govukPagination`` macro, None when one page holds it all."""
    if page.paginator.num_pages <= 1:
        return None
    items: list[dict[str, Any]] = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == Paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append(
                {
                    "number": number,
                    "href": _href(request, page=number),
                    "current": number == page.number,
                    "visuallyHiddenText": _("Page %(number)s") % {"number": number},
                }
            )
    params: dict[str, Any] = {"items": items, "landmarkLabel": _("Pages")}
    if page.has_previous():
        params["previous"] = {
            "href": _href(request, page=page.previous_page_number()),
            "html": format_html(
                '{}<span class="govuk-visually-hidden"> {}</span>', _("Previous"), _("page")
            ),
        }
    if page.has_next():
        params["next"] = {
            "href": _href(request, page=page.next_page_number()),
            "html": format_html(
                '{}<span class="govuk-visually-hidden"> {}</span>', _("Next"), _("page")
            ),
        }
    return params


def _summary(page: Page[Any]) -> str:
    total = page.paginator.count
    if total <= page.paginator.per_page:
        return ""
    return _("Showing %(first)s to %(last)s of %(total)s") % {
        "first": number_format(page.start_index(), force_grouping=True),
        "last": number_format(page.end_index(), force_grouping=True),
        "total": number_format(total, force_grouping=True),
    }


def paginate(
    request: HttpRequest, items: QuerySet[Any] | Sequence[Any], *, per_page: int | None = None
) -> Listing:
    """The page the query string asks for; a page number out of range or not a number
    shows the nearest real page rather than an error."""
    page = Paginator(items, per_page or PER_PAGE).get_page(request.GET.get("page"))
    return Listing(page=page, pagination=_govuk_pagination(request, page), summary=_summary(page))


def status_filters(
    request: HttpRequest,
    counts_by_status: dict[str, int],
    choices: Iterable[tuple[str, Any]],
    chosen: str | None,
) -> list[dict[str, Any]]:
    """Links to the list filtered by each status that has rows, with their counts."""
    total = sum(counts_by_status.values())
    links = [
        {
            "text": _("All"),
            "count": number_format(total, force_grouping=True),
            "href": _href(request, status=None, page=None),
            "current": chosen is None,
        }
    ]
    for value, label in choices:
        if counts_by_status.get(value):
            links.append(
                {
                    "text": label,
                    "count": number_format(counts_by_status[value], force_grouping=True),
                    "href": _href(request, status=value, page=None),
                    "current": chosen == value,
                }
            )
    return links


def chosen_status(request: HttpRequest, choices: Iterable[tuple[str, Any]]) -> str | None:
    """The ``status`` asked for, if it is one of ``choices`` (anything else: all)."""
    asked = request.GET.get("status")
    return asked if asked in {value for value, _label in choices} else None


def counts_by(queryset: QuerySet[Any], annotation: str) -> dict[str, int]:
    """One GROUP BY query: how many rows have each value of ``annotation``."""
    rows = queryset.order_by().values(annotation).annotate(n=Count("pk"))
    return {row[annotation]: row["n"] for row in rows}
