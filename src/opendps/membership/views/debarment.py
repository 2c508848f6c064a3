"""Platform staff: the debarment list."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opendps.accounts import selectors as account_selectors
from opendps.core import clock
from opendps.core.calendar import end_of_london_day
from opendps.core.errors import NotFound
from opendps.membership import selectors, services
from opendps.membership.forms import (
    DebarmentForm,
    LiftForm,
)
from opendps.membership.models import Debarment
from opendps.membership.views.common import (
    DEBARMENT_NOT_FOUND,
)
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest

# --- platform staff: the debarment list -----------------------------------------------------


def _debarment_status(debarment: Debarment, now: Any) -> dict[str, str]:
    if debarment.lifted_at is not None:
        return {"text": _("Lifted"), "classes": "govuk-tag--grey"}
    if debarment.ends_at is not None and debarment.ends_at <= now:
        return {"text": _("Ended"), "classes": "govuk-tag--grey"}
    return {"text": _("In force"), "classes": "govuk-tag--red"}


@login_required
@require_http_methods(["GET", "POST"])
def debarment_list(request: AuthedRequest) -> HttpResponse:
    debarments = selectors.debarment_list(request.user)
    suppliers = account_selectors.supplier_list_for_staff(request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    add_form = DebarmentForm(request.POST if action == "add" else None, suppliers=suppliers)
    lift_form = None
    lifting = None
    lift_id = request.POST.get("debarment") if action == "lift" else request.GET.get("lift")
    if lift_id:
        lifting = debarments.filter(pk=int(lift_id) if str(lift_id).isdigit() else 0).first()
        if lifting is None:
            raise NotFound(DEBARMENT_NOT_FOUND)
        lift_form = LiftForm(
            request.POST if action == "lift" else None, initial={"debarment": lifting.pk}
        )
    if action == "add" and add_form.is_valid():
        data = add_form.cleaned_data
        added = call_service(
            add_form,
            lambda: services.debarment_add(
                actor=request.user,
                name=data["name"],
                reason=data["reason"],
                supplier=data["supplier"],
                registration_number=data["registration_number"],
                ends_at=end_of_london_day(data["ends_at"]) if data["ends_at"] else None,
            ),
        )
        if added is not None:
            messages.success(
                request, _("%(name)s is on the debarment list.") % {"name": added.name}
            )
            return redirect("membership:debarment")
    if action == "lift" and lift_form is not None and lifting is not None and lift_form.is_valid():
        target = lifting
        lifted = call_service(
            lift_form,
            lambda: services.debarment_lift(
                actor=request.user, debarment=target, reason=lift_form.cleaned_data["lift_reason"]
            ),
        )
        if lifted is not None:
            messages.success(
                request, _("The debarment of %(name)s is lifted.") % {"name": lifted.name}
            )
            return redirect("membership:debarment")
    now = clock.now()
    failed = lift_form if action == "lift" else add_form if action == "add" else None
    return render(
        request,
        "membership/debarment.html",
        {
            "title": _("Debarment list"),
            "rows": [
                {"debarment": debarment, "status": _debarment_status(debarment, now)}
                for debarment in debarments
            ],
            "add_form": add_form,
            "lift_form": lift_form,
            "lifting": lifting,
            "form": failed,
        },
    )
