"""Navigation by role, shown in the GOV.UK service navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from opendps.accounts import permissions


def navigation_items(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    if not user.is_authenticated:
        return [{"text": _("Sign in"), "href": reverse("accounts:sign-in")}]
    items: list[dict[str, Any]] = [{"text": _("Home"), "href": reverse("web:home")}]
    if permissions.role_map(user):
        items.append({"text": _("Your organisation"), "href": reverse("accounts:organisation")})
    items.append({"text": _("API tokens"), "href": reverse("accounts:tokens")})
    if permissions.is_platform_staff(user):
        items.append({"text": _("Platform admin"), "href": reverse("admin:index")})
    for item in items:
        item["active"] = request.path == item["href"]
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Variables the GOV.UK page template and our layout read on every page."""
    return {
        "navigation": navigation_items(request),
        "assetPath": "/assets",
        "htmlLang": (get_language() or "en").split("-")[0],
        # Reading the nonce here makes django-csp put it in this response's header.
        "cspNonce": str(getattr(request, "csp_nonce", "")),
    }
