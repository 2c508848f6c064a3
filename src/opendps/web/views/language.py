"""The language toggle: keep the choice in a cookie (and on a signed-in person's profile)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from opendps.accounts.language import language_choose, language_codes


def safe_next(request: HttpRequest, next_url: str) -> str:
    """``next_url`` if it stays on this site, else the home page."""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return reverse("web:home")


@require_GET
def language(request: HttpRequest, code: str) -> HttpResponse:
    """A plain link (GOV.UK's toggle is two links), so it works without JavaScript."""
    if code not in language_codes():
        raise Http404
    if request.user.is_authenticated:
        language_choose(user=request.user, language=code)  # type: ignore[arg-type]
    response = redirect(safe_next(request, request.GET.get("next", "")))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # "Lax"
    )
    return response
