"""The public status page: the platform's health now and its recent incidents."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from opendps.accounts import permissions
from opendps.availability import services
from opendps.availability.forms import IncidentPolicyForm
from opendps.availability.health import incidents
from opendps.competitions.models import AmendmentKind, CallAmendment
from opendps.core import clock
from opendps.core.errors import NotPermitted
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest, current_organisation


@require_GET
def status_page(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    recent = incidents(now - timedelta(days=30))
    return render(
        request,
        "availability/status.html",
        {
            "title": _("Service status"),
            "degraded": bool(recent) and recent[0].ongoing,
            "incidents": recent[:20],
            # Extensions the platform made itself (no person made them) after an incident.
            "extensions": CallAmendment.objects.select_related("call")
            .filter(
                kind=AmendmentKind.DEADLINE,
                made_by__isnull=True,
                made_at__gte=now - timedelta(days=30),
            )
            .order_by("-made_at")[:20],
        },
    )


NOT_POLICY_STAFF = gettext_lazy(
    "Only an authority's administrators and commissioners set its incident policy."
)


@login_required
@require_http_methods(["GET", "POST"])
def incident_policy(request: AuthedRequest) -> HttpResponse:
    """An authority sets when the platform counts as degraded for its calls, and by how
    much their deadlines move."""
    authority = current_organisation(request)
    if authority is None or not permissions.has_role(
        request.user, authority.pk, services.POLICY_ROLES
    ):
        raise NotPermitted(NOT_POLICY_STAFF)
    policy = services.policy_for(authority.pk)
    form = IncidentPolicyForm(
        request.POST if request.method == "POST" else None,
        initial={
            "threshold_percent": policy.threshold_percent,
            "window_hours": policy.window_hours,
            "extension_hours": policy.extension_hours,
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.incident_policy_save(
                actor=request.user, authority=authority, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("The incident policy is saved."))
            return redirect("availability:policy")
    return render(
        request,
        "availability/policy.html",
        {"title": _("Deadlines after an incident"), "authority": authority, "form": form},
    )
