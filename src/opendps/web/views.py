"""The home page and error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from opendps.accounts import permissions
from opendps.accounts.models import Role
from opendps.web.next_actions import next_actions
from opendps.web.organisation import current_organisation


@login_required
def home(request: HttpRequest) -> HttpResponse:
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
    return HttpResponse("ok", content_type="text/plain")
