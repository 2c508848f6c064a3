"""Navigation by role, shown in the GOV.UK service navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from opendps.accounts import permissions
from opendps.accounts.models import Role


def navigation_items(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    if not user.is_authenticated:
        return [
            {"text": _("Find opportunities"), "href": reverse("competitions:opportunities")},
            {"text": _("Find markets"), "href": reverse("markets:list")},
            {"text": _("Contracts awarded"), "href": reverse("competitions:awards")},
            {"text": _("Sign in"), "href": reverse("accounts:sign-in")},
        ]
    items: list[dict[str, Any]] = [{"text": _("Home"), "href": reverse("web:home")}]
    if permissions.organisation_ids_with_role(user, {Role.COMMISSIONER, Role.AUTHORITY_ADMIN}):
        items.append({"text": _("Your markets"), "href": reverse("markets:authority-markets")})
    if permissions.organisation_ids_with_role(
        user, {Role.BUYER, Role.COMMISSIONER, Role.AUTHORITY_ADMIN}
    ):
        items.append(
            {"text": _("Calls for competition"), "href": reverse("competitions:buyer-calls")}
        )
    if permissions.organisation_ids_with_role(user, {Role.EVALUATOR}):
        items.append(
            {"text": _("Calls to evaluate"), "href": reverse("competitions:evaluator-calls")}
        )
    if permissions.organisation_ids_with_role(
        user, {Role.EVALUATOR, Role.COMMISSIONER, Role.AUTHORITY_ADMIN}
    ):
        items.append(
            {"text": _("Applications to assess"), "href": reverse("membership:evaluator-queue")}
        )
    if permissions.organisation_ids_with_role(user, permissions.SUPPLIER_ROLES):
        items += [
            {"text": _("Find markets"), "href": reverse("markets:list")},
            {"text": _("Your applications"), "href": reverse("membership:supplier-applications")},
            {"text": _("Your memberships"), "href": reverse("membership:supplier-memberships")},
            {"text": _("Evidence locker"), "href": reverse("membership:evidence")},
            {"text": _("Invitations to tender"), "href": reverse("competitions:invitations")},
            {"text": _("Capacity and placements"), "href": reverse("brokerage:capacity")},
        ]
    if permissions.role_map(user):
        items.append({"text": _("Contracts"), "href": reverse("contracts:list")})
        items.append({"text": _("Challenges"), "href": reverse("challenges:list")})
        items.append({"text": _("Insight"), "href": reverse("insights:index")})
        items.append({"text": _("Your organisation"), "href": reverse("accounts:organisation")})
    items.append({"text": _("API tokens"), "href": reverse("accounts:tokens")})
    items.append({"text": _("Change password"), "href": reverse("accounts:password-change")})
    if permissions.is_platform_staff(user):
        items.append({"text": _("Debarment list"), "href": reverse("membership:debarment")})
        items.append({"text": _("Platform admin"), "href": reverse("admin:index")})
    for item in items:
        item["active"] = request.path == item["href"]
    return items


# Each language's name and link text are always in that language (marked with its ``lang``).
TOGGLE = [
    ("en-gb", "en", "English", "Change the language to English"),
    ("cy", "cy", "Cymraeg", "Newid yr iaith i’r Gymraeg"),
]


def language_toggle(request: HttpRequest) -> list[dict[str, Any]]:
    """The GOV.UK language toggle ("English | Cymraeg"): the current one is not a link."""
    from urllib.parse import urlencode

    current = get_language() or "en-gb"
    here = request.get_full_path()
    return [
        {
            "lang": lang,
            "name": name,
            "hidden": hidden,
            "current": current.split("-")[0] == lang,
            "href": f"{reverse('web:language', args=[code])}?{urlencode({'next': here})}",
        }
        for code, lang, name, hidden in TOGGLE
    ]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Variables the GOV.UK page template and our layout read on every page."""
    return {
        "navigation": navigation_items(request),
        "assetPath": "/assets",
        "htmlLang": (get_language() or "en").split("-")[0],
        "language_toggle": language_toggle(request),
        # Reading the nonce here makes django-csp put it in this response's header.
        "cspNonce": str(getattr(request, "csp_nonce", "")),
    }
