"""Email alerts: a person's saved searches, and the one-click unsubscribe from an email."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from opendps.alerts import selectors, services
from opendps.alerts.models import Frequency
from opendps.competitions import public
from opendps.competitions.views.opportunities import OpportunitySearchForm
from opendps.core.errors import DomainError
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest


class AlertForm(OpportunitySearchForm):
    name = forms.CharField(
        label=gettext_lazy("Name of the alert"),
        max_length=100,
        error_messages={"required": gettext_lazy("Give the alert a name")},
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("How often do you want emails?"),
        choices=Frequency.choices,
        initial=Frequency.DAILY,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose how often you want emails")},
    )

    field_order = ["name", "text", "region", "cpv", "category", "buyer", "regime", "frequency"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["closes_by"]  # an alert is about calls still to come

    def alert_fields(self) -> dict[str, Any]:
        search = self.search()
        return {
            "name": self.cleaned_data["name"],
            "frequency": self.cleaned_data["frequency"],
            "text": search.text,
            "region": search.region,
            "cpv": search.cpv,
            "buyer_id": search.buyer_id,
            "category_id": search.category_id,
            "regime": search.regime,
        }


@login_required
@require_http_methods(["GET", "POST"])
def alert_list(request: AuthedRequest) -> HttpResponse:
    choices = {
        "buyers": public.opportunity_buyers(),
        "categories": public.opportunity_categories(),
    }
    if request.method == "POST":
        form = AlertForm(request.POST, **choices)
        if form.is_valid():
            created = call_service(
                form,
                lambda: services.saved_search_create(actor=request.user, **form.alert_fields()),
                lambda error: "name",
            )
            if created is not None:
                messages.success(request, _("Alert saved: we will email you new calls that match."))
                return redirect("alerts:list")
    else:
        form = AlertForm(initial=request.GET.dict() if request.GET else None, **choices)
    return render(
        request,
        "alerts/list.html",
        {
            "title": _("Email alerts"),
            "form": form if request.method == "POST" else None,
            "alert_form": form,
            "searches": selectors.saved_search_list(request.user),
        },
    )


@login_required
@require_POST
def alert_stop(request: AuthedRequest, search_id: int) -> HttpResponse:
    search = selectors.saved_search_get(request.user, search_id=search_id)
    services.saved_search_stop(actor=request.user, search=search)
    messages.success(
        request, _("Alert stopped: no more emails for “%(name)s”.") % {"name": search.name}
    )
    return redirect("alerts:list")


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (a link checker must not unsubscribe anyone); one POST stops the alert."""
    context: dict[str, Any] = {"title": _("Stop this email alert"), "token": token}
    if request.method == "POST":
        try:
            search = services.saved_search_unsubscribe(token=token)
        except DomainError as error:
            context["error"] = str(error)
        else:
            context |= {"title": _("Alert stopped"), "stopped": search}
    return render(request, "alerts/unsubscribe.html", context)
