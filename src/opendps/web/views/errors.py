"""Error pages in the GOV.UK layout; under /api/ the same errors as JSON ``{"detail", "code"}``.

Django calls the ``handler4xx``/``handler500`` views named in the root URLconf; a 405 comes
from ``require_http_methods`` as an empty response, so ``ErrorPageMiddleware`` gives it its
page (keeping the ``Allow`` header).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NOT_FOUND = gettext_lazy("Page not found")
NOT_FOUND_DETAIL = gettext_lazy(
    "If you typed the web address, check it is correct. If you pasted the web address, check "
    "you copied the entire address."
)
FORBIDDEN = gettext_lazy("You cannot see this page")
FORBIDDEN_DETAIL = gettext_lazy(
    "Your account does not give you access to this page. If you think it should, ask your "
    "organisation's administrator."
)
BAD_REQUEST = gettext_lazy("There is a problem with the request")
BAD_REQUEST_DETAIL = gettext_lazy(
    "The page could not understand what your browser sent. Go back and try again."
)
METHOD_NOT_ALLOWED = gettext_lazy("This page cannot be used like that")
METHOD_NOT_ALLOWED_DETAIL = gettext_lazy(
    "The page exists, but not for what your browser asked. Go back and use the page's own "
    "buttons and links."
)
TOO_LARGE = gettext_lazy("The request body is larger than the API accepts.")
SERVER_ERROR = gettext_lazy("Sorry, there is a problem with the service")
SERVER_ERROR_DETAIL = gettext_lazy(
    "Try again later. Anything you had saved is kept; a tender you were sent a receipt for "
    "has been received."
)

# (title, detail, machine-readable code) by status
ERRORS: dict[int, tuple[Any, Any, str]] = {
    400: (BAD_REQUEST, BAD_REQUEST_DETAIL, "bad_request"),
    403: (FORBIDDEN, FORBIDDEN_DETAIL, "forbidden"),
    404: (NOT_FOUND, NOT_FOUND_DETAIL, "not_found"),
    405: (METHOD_NOT_ALLOWED, METHOD_NOT_ALLOWED_DETAIL, "method_not_allowed"),
    413: (TOO_LARGE, TOO_LARGE, "request_too_large"),  # only under /api/
    500: (SERVER_ERROR, SERVER_ERROR_DETAIL, "server_error"),
}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_response(request: HttpRequest, status: int) -> HttpResponse:
    """The error page for ``status``, or its JSON under /api/."""
    title, detail, code = ERRORS[status]
    if is_api(request):
        return JsonResponse({"detail": str(title), "code": code}, status=status)
    return error_page(request, status, title=title, detail=detail)


def error_page(request: HttpRequest, status: int, *, title: Any, detail: Any) -> HttpResponse:
    """The GOV.UK error page: the one template every error answer of a page uses."""
    return render(
        request,
        "web/error.html",
        {"title": str(title), "detail": str(detail), "status": status},
        status=status,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A body read before the API's own handlers (the Idempotency-Key middleware hashes it).
    if is_api(request) and isinstance(exception, RequestDataTooBig):
        return error_response(request, 413)
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404)


def method_not_allowed_page(request: HttpRequest) -> HttpResponse:
    return error_response(request, 405)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return error_response(request, 500)
    except Exception:
        return HttpResponse(_("Sorry, there is a problem with the service."), status=500)
