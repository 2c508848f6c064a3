"""Domain errors that escape a view become a GOV.UK error page with the right status."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
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
        from opendps.web.views.errors import NOT_FOUND, error_page

        titles = {NotFound: NOT_FOUND, NotPermitted: _("You cannot do that")}
        title = titles.get(type(exception), _("That could not be done"))
        return error_page(request, exception.status_code, title=title, detail=exception)


class ErrorPageMiddleware:
    """A 405 from ``require_http_methods`` is an empty response: give it its page (or its
    JSON under /api/), keeping the ``Allow`` header that says what the URL takes."""

    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            from opendps.web.views.errors import error_response

            page = error_response(request, 405)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response


class UserLanguageMiddleware:
    """A signed-in person's chosen language wins over the cookie and the browser's
    (runs after AuthenticationMiddleware; LocaleMiddleware has already chosen for others)."""

    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import translation

        chosen = getattr(request.user, "language", "") if hasattr(request, "user") else ""
        if chosen and request.user.is_authenticated:
            translation.activate(chosen)
            request.LANGUAGE_CODE = translation.get_language()  # type: ignore[attr-defined]
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            # The language cookie (or the session's person) chooses the page's language.
            patch_vary_headers(response, ("Cookie",))
        return response
