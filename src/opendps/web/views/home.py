"""The home page: a public front door signed out, next actions signed in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from opendps.accounts import permissions
from opendps.accounts.models import Role
from opendps.web import public
from opendps.web.next_actions import next_actions
from opendps.web.organisation import current_organisation
from opendps.web.readiness import readiness


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(
            request,
            "web/public_home.html",
            {"title": _("Buy and sell public services through dynamic markets")}
            | public.front_door_counts(),
        )
    organisation = current_organisation(request)
    roles = sorted(
        str(Role(role).label) for role in permissions.roles_in(request.user, organisation or 0)
    )
    return render(
        request,
        "web/home.html",
        {
            "title": _("Home"),
            "organisation": organisation,
            "roles": roles,
            "actions": next_actions(request),
        },
    )


def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up (a load balancer's liveness check): touches nothing else."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request: HttpRequest) -> HttpResponse:
    """Ready to serve: the database, the cache and file storage each answer. 503 and the
    failing part when one does not, so a load balancer takes the node out of rotation."""
    checks = readiness()
    ready = all(state == "ok" for state in checks.values())
    return JsonResponse({"ready": ready, "checks": checks}, status=200 if ready else 503)
