"""Domain errors that escape a view become a GOV.UK error page with the right status."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from opendps.core.errors import DomainError, NotFound, NotPermitted


class DomainErrorMiddleware:
    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/") or not isinstance(exception, DomainError):
            return None
        titles = {
            NotFound: _("Page not found"),
            NotPermitted: _("You cannot do that"),
        }
        title = titles.get(type(exception), _("That could not be done"))
        return render(
            request,
            "web/error.html",
            {"title": title, "detail": str(exception)},
            status=exception.status_code,
        )
