"""Open data at /ocds (public JSON, no sign-in) and the notices-due page for authorities.

The /ocds views are plain Django views because the paths are fixed by DESIGN.md §5 outside
/api/v1; they answer errors as the API does: JSON ``{"detail": …}`` with a 4xx status.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from opendps.core import clock
from opendps.core.errors import DomainError, RuleViolation
from opendps.publication import notices, ocds, selectors, services
from opendps.publication.forms import NoticeRecordForm
from opendps.publication.notices import NoticeDueKind
from opendps.publication.ocds import Context
from opendps.publication.selectors import MAX_LIMIT, Cursor
from opendps.regimes import RegimeCode
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest
from opendps.web.pagination import paginate

DEFAULT_LIMIT = 100
SINCE_INVALID = gettext_lazy(
    "'since' must be a date and time with a timezone, such as 2027-01-31T09:00:00Z."
)
LIMIT_INVALID = gettext_lazy("'limit' must be a whole number from 1 to %(maximum)s.")


def _json(data: Any, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Public open data, readable from any web page (no cookies are involved).
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(error: DomainError, status: int | None = None) -> JsonResponse:
    return _json({"detail": str(error)}, status=status or error.status_code)


def _since(text: str | None) -> datetime | None:
    if text is None:
        return None
    # A "+" left unencoded in a query string arrives as a space.
    try:
        value = datetime.fromisoformat(text.strip().replace(" ", "+"))
    except ValueError:
        raise RuleViolation(SINCE_INVALID, code="since_invalid") from None
    if value.utcoffset() is None:
        raise RuleViolation(SINCE_INVALID, code="since_invalid")
    return value


def _limit(text: str | None) -> int:
    if text is None:
        return DEFAULT_LIMIT
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise RuleViolation(LIMIT_INVALID, code="limit_invalid", maximum=MAX_LIMIT)
    return int(text)


@require_GET
def release_list(request: HttpRequest) -> HttpResponse:
    """GET /ocds/releases: a release package, oldest first, ``since`` a moment (inclusive),
    paged by the cursor in ``links.next``."""
    try:
        since = _since(request.GET.get("since"))
        cursor = request.GET.get("cursor")
        after = Cursor.decode(cursor) if cursor is not None else None
        limit = _limit(request.GET.get("limit"))
    except DomainError as error:
        return _error(error, status=400)
    page = selectors.release_page(since=since, after=after, limit=limit)
    ctx = Context.from_settings()
    latest = (
        max(ocds.parse_moment(release["date"]) for release in page.releases)
        if page.releases
        else clock.now()
    )
    package = ocds.package_metadata(
        ctx, uri=request.build_absolute_uri(), published_date=latest
    ) | {"releases": page.releases}
    if page.next is not None:
        query = {"cursor": page.next.encode()}
        if "limit" in request.GET:
            query["limit"] = str(limit)
        path = f"{reverse('publication:releases')}?{urlencode(query)}"
        package["links"] = {"next": request.build_absolute_uri(path)}
    return _json(package)


@require_GET
def record_detail(request: HttpRequest, ocid: str) -> HttpResponse:
    """GET /ocds/records/{ocid}: every release of one process and its compiled release."""
    try:
        releases = selectors.release_list_for_ocid(ocid)
    except DomainError as error:
        return _error(error)
    ctx = Context.from_settings()
    return _json(ocds.record_package(ctx, ocid, releases, uri=request.build_absolute_uri()))


@require_GET
def publication_policy(request: HttpRequest) -> HttpResponse:
    """What the open data contains, what it leaves out, and how to read it."""
    ctx = Context.from_settings()
    return render(
        request,
        "publication/policy.html",
        {
            "title": _("Open contracting data"),
            "prefix": ctx.prefix,
            "extensions": ocds.EXTENSIONS,
            "license": ocds.LICENSE,
        },
    )


def _notices_page(
    request: AuthedRequest, form: NoticeRecordForm | None = None, status: int = 200
) -> HttpResponse:
    if not notices.notice_authority_ids(request.user):
        raise Http404
    grouped = request.GET.get("grouped") == "1"
    regimes = {str(code): str(label) for code, label in RegimeCode.choices}
    failed = (form["kind"].value(), str(form["call_id"].value())) if form else None
    # An authority that has not recorded its notices for a while may have thousands due.
    listing = paginate(request, notices.notice_list_due(request.user, grouped_quarterly=grouped))
    return render(
        request,
        "publication/notices_due.html",
        {
            "title": _("Notices due"),
            "notices": listing.rows,
            "listing": listing,
            "grouped": grouped,
            "regimes": regimes,
            "form": form,
            "failed": failed,
        },
        status=status,
    )


@login_required
@require_GET
def notices_due(request: AuthedRequest) -> HttpResponse:
    """The award and contract details notices the person's authorities still have to publish.

    Only for people who publish an authority's notices; for anyone else there is no page.
    """
    return _notices_page(request)


@login_required
@require_POST
def notice_record(request: AuthedRequest) -> HttpResponse:
    """Record one notice as published on Find a Tender, with its reference."""
    if not notices.notice_authority_ids(request.user):
        raise Http404
    form = NoticeRecordForm(request.POST)
    recorded = None
    if form.is_valid():
        recorded = call_service(
            form,
            lambda: services.notice_record_published(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                call_id=form.cleaned_data["call_id"],
                reference=form.cleaned_data["reference"],
            ),
            "reference",
        )
    if recorded is None:
        return _notices_page(request, form, status=400)
    kind = NoticeDueKind(form.cleaned_data["kind"])
    messages.success(
        request,
        _("%(notice)s recorded as published on Find a Tender (%(reference)s).")
        % {"notice": kind.label, "reference": form.cleaned_data["reference"].strip()},
    )
    grouped = "?grouped=1" if request.GET.get("grouped") == "1" else ""
    return redirect(reverse("publication:notices-due") + grouped)
