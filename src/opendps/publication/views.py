"""Open data at /ocds (public JSON, no sign-in) and the notices-due page for authorities.

The /ocds views are plain Django views because the paths are fixed by DESIGN.md §5 outside
/api/v1; they answer errors as the API does: JSON ``{"detail": …}`` with a 4xx status.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from opendps.core import clock
from opendps.core.errors import DomainError, RuleViolation
from opendps.publication import notices, ocds, selectors, services
from opendps.publication.forms import NoticeRecordForm
from opendps.publication.notices import NoticeDueKind
from opendps.publication.ocds import Context, Process
from opendps.publication.selectors import MAX_LIMIT, Cursor
from opendps.regimes import RegimeCode
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest
from opendps.web.pagination import paginate

DEFAULT_LIMIT = 100
SINCE_INVALID = gettext_lazy(
    "'since' must be a date and time with a timezone, such as 2027-01-31T09:00:00Z."
)
UNTIL_INVALID = gettext_lazy(
    "'until' must be a date and time with a timezone, such as 2027-01-31T09:00:00Z."
)
UNTIL_BEFORE_SINCE = gettext_lazy("'until' must not be before 'since'.")
LIMIT_INVALID = gettext_lazy("'limit' must be a whole number from 1 to %(maximum)s.")
PROCESS_INVALID = gettext_lazy("'process' must be one of: %(choices)s.")
PROCESSES = (Process.MARKET, Process.CALL, Process.PLANNED)
# Part of every validator: a change to how releases are written (or to the OCID prefix, the
# site or the extensions) changes every ETag, although no release date changed.
FORMAT_VERSION = "2"


def _json(data: Any, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    _cors(response)
    return response


def _cors(response: HttpResponseBase) -> None:
    # Public open data, readable from any web page (no cookies are involved), with the
    # next page's address and the ETag, which scripts on other sites cannot see otherwise.
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "Link, ETag"


def _error(error: DomainError, status: int | None = None) -> JsonResponse:
    return _json({"detail": str(error)}, status=status or error.status_code)


def _moment(text: str | None, message: Any, code: str) -> datetime | None:
    if text is None:
        return None
    # A "+" left unencoded in a query string arrives as a space.
    try:
        value = datetime.fromisoformat(text.strip().replace(" ", "+"))
    except ValueError:
        raise RuleViolation(message, code=code) from None
    if value.utcoffset() is None:
        raise RuleViolation(message, code=code)
    return value


def _since(text: str | None) -> datetime | None:
    return _moment(text, SINCE_INVALID, "since_invalid")


def _until(text: str | None, since: datetime | None) -> datetime | None:
    until = _moment(text, UNTIL_INVALID, "until_invalid")
    if until is not None and since is not None and until < since:
        raise RuleViolation(UNTIL_BEFORE_SINCE, code="until_before_since")
    return until


def _process(text: str | None) -> str | None:
    if text is not None and text not in PROCESSES:
        raise RuleViolation(PROCESS_INVALID, code="process_invalid", choices=", ".join(PROCESSES))
    return text


def _validators(
    request: HttpRequest, positions: Iterable[tuple[datetime, int, int]], extra: str = ""
) -> str:
    """A weak ETag for an answer made of these releases, from their keys only.

    A release says what its row recorded when it was published, so the keys (date, kind,
    row) of the releases, the request and the settings the text is built from identify the
    answer without building it. Weak (``W/``): a later edit of a related row, such as an
    organisation's name, changes the text but not the ETag until the page itself changes,
    so the answers it names are equivalent, not byte for byte the same.
    """
    ctx = Context.from_settings()
    digest = hashlib.sha256()
    for part in (FORMAT_VERSION, ctx.prefix, ctx.site_url, *ocds.EXTENSIONS):
        digest.update(f"{part}\n".encode())
    digest.update(f"{request.build_absolute_uri()}\n{extra}\n".encode())
    for moment, rank, pk in positions:
        digest.update(f"{moment.isoformat()}|{rank}|{pk}\n".encode())
    return f"W/{quote_etag(digest.hexdigest()[:40])}"


def _conditional(
    request: HttpRequest, etag: str, last_modified: datetime | None
) -> HttpResponse | None:
    """A 304 if the reader's copy (If-None-Match, or else If-Modified-Since) is current."""
    timestamp = int(last_modified.timestamp()) if last_modified is not None else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is not None:
        _cache_headers(response, etag, last_modified)
        _cors(response)
    return response


def _cache_headers(response: HttpResponse, etag: str, last_modified: datetime | None) -> None:
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    # Stored, but checked with the server before each reuse: a page can gain releases.
    response["Cache-Control"] = "public, no-cache"


def _limit(text: str | None) -> int:
    if text is None:
        return DEFAULT_LIMIT
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise RuleViolation(LIMIT_INVALID, code="limit_invalid", maximum=MAX_LIMIT)
    return int(text)


@require_GET
def release_list(request: HttpRequest) -> HttpResponse:
    """GET /ocds/releases: a release package, oldest first, ``since`` and ``until`` moments
    (both inclusive), ``process`` one kind of contracting process, paged by the cursor in
    the ``Link`` header's ``rel="next"`` URL.

    OCDS 1.1.5's release package has no ``links`` (the next page went into the package
    schema only in OCDS 1.2), so the next page is announced in the HTTP header (RFC 8288)
    and the package stays valid OCDS 1.1 with no additional field. The ETag and
    Last-Modified come from the keys of the page's releases, before any is built, so a
    reader whose copy is current gets a 304 for the price of the keys' queries.
    """
    try:
        since = _since(request.GET.get("since"))
        until = _until(request.GET.get("until"), since)
        process = _process(request.GET.get("process"))
        cursor = request.GET.get("cursor")
        after = Cursor.decode(cursor) if cursor is not None else None
        limit = _limit(request.GET.get("limit"))
    except DomainError as error:
        return _error(error, status=400)
    keys = selectors.release_page_keys(
        since=since, after=after, limit=limit, until=until, process=process
    )
    # An empty page (a reader up to date) is dated by the newest release of all.
    latest = keys.latest or selectors.release_latest_date()
    # Whether a next page exists is part of the answer (its Link header): a full last page
    # gains one when a release is published, although its own releases are the same.
    extra = f"{latest.isoformat() if latest else ''}|{keys.next is not None}"
    etag = _validators(request, keys.positions, extra=extra)
    not_modified = _conditional(request, etag, latest)
    if not_modified is not None:
        return not_modified
    page = selectors.release_page_build(keys)
    ctx = Context.from_settings()
    package = ocds.package_metadata(
        ctx, uri=request.build_absolute_uri(), published_date=latest or clock.now()
    ) | {"releases": page.releases}
    response = _json(package)
    if page.next is not None:
        query = {"cursor": page.next.encode()}
        for name, value in (("until", request.GET.get("until")), ("process", process)):
            if value is not None:
                query[name] = value
        if "limit" in request.GET:
            query["limit"] = str(limit)
        path = f"{reverse('publication:releases')}?{urlencode(query)}"
        response["Link"] = f'<{request.build_absolute_uri(path)}>; rel="next"'
    if latest is not None:
        _cache_headers(response, etag, latest)
    return response


@require_GET
def record_detail(request: HttpRequest, ocid: str) -> HttpResponse:
    """GET /ocds/records/{ocid}: every release of one process and its compiled release,
    with an ETag and Last-Modified from the keys of its releases (a 304 builds nothing)."""
    try:
        positions = selectors.release_keys_for_ocid(ocid)
    except DomainError as error:
        return _error(error)
    latest = max(position[0] for position in positions)
    etag = _validators(request, positions)
    not_modified = _conditional(request, etag, latest)
    if not_modified is not None:
        return not_modified
    try:
        releases = selectors.release_list_for_ocid(ocid)
    except DomainError as error:
        return _error(error)
    ctx = Context.from_settings()
    response = _json(ocds.record_package(ctx, ocid, releases, uri=request.build_absolute_uri()))
    _cache_headers(response, etag, latest)
    return response


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


EXPORT_NOT_YET = gettext_lazy(
    "The bulk export is written every night at 03:30; there is none yet. Read /ocds/releases "
    "in pages meanwhile."
)


@require_GET
def bulk_export(request: HttpRequest) -> HttpResponseBase:
    """GET /ocds/export: every release in one release package, as written last night (a
    file, so a download costs no database work)."""
    from django.core.files.storage import default_storage

    from opendps.publication.tasks import EXPORT_NAME

    if not default_storage.exists(EXPORT_NAME):
        return _json({"detail": str(EXPORT_NOT_YET), "code": "not_found"}, status=404)
    response = FileResponse(
        default_storage.open(EXPORT_NAME, "rb"),
        content_type="application/json",
        as_attachment=True,
        filename="opendps-ocds-releases.json",
    )
    _cors(response)
    return response
