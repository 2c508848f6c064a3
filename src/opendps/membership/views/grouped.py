"""An evaluator assesses one supplier's applications to several categories together: the
waiting applications side by side, and one decision form for those chosen."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from opendps.accounts import permissions
from opendps.core import clock
from opendps.core.errors import NotFound, NotPermitted
from opendps.membership import selectors, services
from opendps.membership.assessment_forms import GroupDecisionForm
from opendps.membership.views.common import NOT_AN_ASSESSOR, _posted
from opendps.regimes import get_regime
from opendps.web.due import due_in_working_days
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest


@login_required
@require_http_methods(["GET", "POST"])
def assess_supplier(request: AuthedRequest, supplier_id: int) -> HttpResponse:
    if not permissions.organisation_ids_with_role(request.user, services.ASSESS_ROLES):
        raise NotPermitted(NOT_AN_ASSESSOR)
    applications = list(
        selectors.application_queue_for_evaluator(request.user, supplier_id=supplier_id).defer(None)
    )
    if not applications:
        raise NotFound(selectors.APPLICATION_NOT_FOUND)
    supplier = applications[0].supplier
    form = GroupDecisionForm(_posted(request), applications=applications)
    if request.method == "POST" and form.is_valid():
        decided = call_service(
            form,
            lambda: services.application_decide_group(
                actor=request.user,
                applications=form.chosen(),
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            ),
            field=lambda error: "reason" if "reason" in error.code else None,
        )
        if decided is not None:
            admitted = form.cleaned_data["outcome"] == "admitted"
            text = (
                ngettext(
                    "%(supplier)s is admitted to %(num)d category. They have been told.",
                    "%(supplier)s is admitted to %(num)d categories. They have been told.",
                    len(decided),
                )
                if admitted
                else ngettext(
                    "%(supplier)s's application to %(num)d category is rejected. "
                    "They have been told.",
                    "%(supplier)s's applications to %(num)d categories are rejected. "
                    "They have been told.",
                    len(decided),
                )
            )
            messages.success(request, text % {"supplier": supplier.name, "num": len(decided)})
            return redirect("membership:evaluator-queue")
    now = clock.now()
    rows = []
    for application in applications:
        market = application.market
        regime = get_regime(market.regime, market.validity_starts_at)
        failed = [
            question["text"]
            for question in application.questionnaire.questions
            if application.auto_assessment.get(question["id"], {}).get("outcome") == "fail"
        ]
        rows.append(
            {
                "application": application,
                "failed": failed,
                "due": due_in_working_days(
                    now,
                    application.assessment_due_at,
                    market.nation,
                    uk_wide=regime.working_days_uk_wide,
                ),
            }
        )
    return render(
        request,
        "membership/assess_supplier.html",
        {
            "title": _("Assess %(supplier)s's applications together") % {"supplier": supplier.name},
            "supplier": supplier,
            "rows": rows,
            "form": form,
        },
    )
