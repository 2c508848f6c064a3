"""The award, the contract and the bidders' feedback."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opendps.accounts import permissions
from opendps.accounts.models import Organisation
from opendps.competitions import selectors, services
from opendps.competitions.criteria import PRICE_FORMULA, TIE_BREAK_RULE, CriterionKind
from opendps.competitions.feedback import advantages_text, placement_not_taken_text
from opendps.competitions.forms import KIND_LABELS, SCORE_LABELS, AwardForm, ConfirmForm
from opendps.competitions.models import Award, Call
from opendps.competitions.preview import award_preview
from opendps.competitions.pricing import terms_from
from opendps.competitions.services.common import BUY_ROLES
from opendps.competitions.services.refusals import TenderAttempt, refusals_audited
from opendps.competitions.views.common import _authority_call, _regime, status_tag
from opendps.competitions.views.evaluations import _names, _sheet_rows
from opendps.core import clock
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest, current_organisation

# --- award and contract -------------------------------------------------------------------------


def _ranking(call: Call, award: Award) -> list[dict[str, Any]]:
    """The award's ranking with each bidder's name (names of organisations are public)."""
    names = dict(
        Organisation.objects.filter(
            pk__in=[entry["supplier_id"] for entry in award.ranking]
        ).values_list("pk", "name")
    )
    return [
        {
            **entry,
            "supplier": names.get(entry["supplier_id"], ""),
            "won": entry["submission_id"] == award.winner_id,
            "cells": [entry["points"].get(criterion["key"], "") for criterion in call.criteria],
        }
        for entry in award.ranking
    ]


def _award_context(request: HttpRequest, call: Call) -> dict[str, Any]:
    award = selectors.award_for_call(request.user, call=call)
    if award is None:
        return {"award": None}
    now = clock.now()
    contract = selectors.contract_for_call(request.user, call=call)
    return {
        "award": award,
        "ranking": _ranking(call, award),
        "contract": contract,
        "in_standstill": award.standstill_ends_at is not None and now <= award.standstill_ends_at,
        "can_contract": contract is None
        and (award.standstill_ends_at is None or now > award.standstill_ends_at)
        and permissions.has_role(request.user, call.buyer_id, BUY_ROLES),
    }


def _award_page(request: HttpRequest, call: Call, form: Any = None) -> HttpResponse:
    regime = _regime(call)
    now = clock.now()
    nation = call.market.nation
    mandatory = (
        regime.standstill_end(now, nation, light_touch=call.light_touch_contract) is not None
    )
    voluntary = (
        not mandatory
        and regime.standstill_end(
            now, nation, voluntary=True, light_touch=call.light_touch_contract
        )
        is not None
    )
    context = _award_context(request, call)
    recorded = selectors.moderation_for_call(request.user, call=call)
    consensus = []
    if context["award"] is None and recorded is not None:
        names = _names(selectors.tender_list_opened(request.user, call_id=call.pk))
        consensus = _sheet_rows(call, recorded.scores, names)
    preview = (
        award_preview(request.user, call=call)
        if context["award"] is None and recorded is not None
        else None
    )
    if form is None and context["award"] is None:
        form = AwardForm()
    return render(
        request,
        "competitions/award.html",
        {
            "title": _("Award %(title)s") % {"title": call.title},
            "call": call,
            "status": status_tag(call.status),  # type: ignore[attr-defined]
            "criteria": call.criteria,
            "moderated": recorded is not None,
            "consensus": consensus,
            "preview": preview,
            "award_form": form if isinstance(form, AwardForm) else AwardForm(),
            "form": form if form is not None and form.is_bound else None,
            "mandatory_standstill": mandatory,
            "offer_voluntary": voluntary,
            "price_formula": PRICE_FORMULA,
            "tie_break": TIE_BREAK_RULE,
            **context,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@refusals_audited(TenderAttempt.AWARD)
def award(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = _authority_call(request, call_id, BUY_ROLES)
    if request.method == "GET":
        return _award_page(request, call)
    form = AwardForm(request.POST)
    if form.is_valid():
        decided = call_service(
            form,
            lambda: services.award_decide(
                actor=request.user,
                call=call,
                voluntary_standstill=form.cleaned_data["voluntary_standstill"],
            ),
        )
        if decided is not None:
            messages.success(
                request,
                _("The call is awarded. Every bidder has been sent its scores and feedback."),
            )
            return redirect("competitions:award", call.pk)
    return _award_page(request, call, form)


@login_required
@require_GET
@refusals_audited(TenderAttempt.AWARD)
def award_confirm(request: AuthedRequest, call_id: int) -> HttpResponse:
    """The last step before the irreversible award: the winner, its points and the
    standstill chosen on the preview, with one button that awards."""
    call = _authority_call(request, call_id, BUY_ROLES)
    if selectors.award_for_call(request.user, call=call) is not None:
        return redirect("competitions:award", call.pk)
    preview = award_preview(request.user, call=call)
    if not preview:
        return redirect("competitions:award", call.pk)
    form = AwardForm(request.GET)
    voluntary = form.is_valid() and bool(form.cleaned_data["voluntary_standstill"])
    return render(
        request,
        "competitions/award_confirm.html",
        {
            "title": _("Confirm the award of %(title)s") % {"title": call.title},
            "call": call,
            "winner": preview[0],
            "others": len(preview) - 1,
            "voluntary_standstill": voluntary,
        },
    )


@login_required
@require_POST
def contract_conclude(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = _authority_call(request, call_id, BUY_ROLES)
    form = ConfirmForm(request.POST)
    form.is_valid()
    contract = call_service(form, lambda: services.contract_conclude(actor=request.user, call=call))
    if contract is None:
        return _award_page(request, call, form)
    messages.success(
        request,
        _("The contract with %(supplier)s is entered into.") % {"supplier": contract.supplier.name},
    )
    return redirect("competitions:award", call.pk)


# --- supplier: feedback ---------------------------------------------------------------------------


def _nobody_took_placement(call: Call) -> bool:
    try:
        award = call.award
    except Award.DoesNotExist:
        return False
    return selectors.placement_not_taken(award)


@login_required
@require_GET
def feedback(request: AuthedRequest, call_id: int) -> HttpResponse:
    organisation = current_organisation(request)
    record = selectors.feedback_for_supplier(
        request.user,
        call_id=call_id,
        supplier_id=organisation.pk if organisation and organisation.is_supplier else None,
    )
    content = record.content
    rows = []
    for criterion in content["criteria"]:
        score = criterion.get("your_score")
        rows.append(
            criterion
            | {
                "kind_text": str(KIND_LABELS[CriterionKind(criterion["kind"])]),
                "score_text": str(SCORE_LABELS[score]) if score is not None else "",
            }
        )
    standstill = content.get("standstill_ends_at")
    return render(
        request,
        "competitions/feedback.html",
        {
            "title": _("Feedback on %(title)s") % {"title": record.call.title},
            "call": record.call,
            "feedback": content,
            "terms": terms_from(content),
            "rows": rows,
            "advantages": (
                [] if content["won"] else advantages_text(content, with_placement=False)
            ),
            "placement_note": placement_not_taken_text(content),
            "winner_name": selectors.feedback_winner_name(record),
            "nobody_took_placement": _nobody_took_placement(record.call),
            "standstill_ends_at": datetime.fromisoformat(standstill) if standstill else None,
        },
    )
