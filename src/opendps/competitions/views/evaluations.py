"""The opened tenders and excluding one, evaluation, moderation and the evaluator's list."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opendps.accounts import permissions
from opendps.competitions import selectors, services
from opendps.competitions.criteria import CriterionKind
from opendps.competitions.forms import SCORE_LABELS, ConflictForm, ReasonForm, ScoresForm
from opendps.competitions.models import Call, Scoresheet, TenderSubmission
from opendps.competitions.opened import OpenedTender
from opendps.competitions.services.common import BUY_ROLES, EVALUATE_ROLES, MODERATE_ROLES
from opendps.competitions.services.refusals import TenderAttempt, refusals_audited
from opendps.competitions.status import CallStatus
from opendps.competitions.views.common import (
    _authority_call,
    _opened_tender,
    _posted,
    criteria_rows,
    ms_text,
)
from opendps.core.errors import NotPermitted
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest
from opendps.web.pagination import paginate

NOT_AN_EVALUATOR = gettext_lazy(
    "Only the authority's evaluators, buyers and commissioners score tenders."
)
NOT_A_MODERATOR = gettext_lazy(
    "Only the authority's commissioners, buyers and evaluators record consensus scores."
)


# --- the opened tenders and excluding one ------------------------------------------------------


def _tenders_page(
    request: HttpRequest,
    call: Call,
    tenders: list[OpenedTender],
    failed: tuple[int, ReasonForm] | None = None,
) -> HttpResponse:
    opened = call.opened_at is not None
    award = selectors.award_for_call(request.user, call=call)
    can_exclude = (
        opened
        and award is None
        and call.status == CallStatus.EVALUATION  # type: ignore[attr-defined]
        and permissions.has_role(request.user, call.buyer_id, MODERATE_ROLES)
    )
    scored = [c for c in call.criteria if c["kind"] != CriterionKind.PRICE]
    rows = []
    for tender in tenders:
        submission = tender.submission
        exclude_form = None
        if can_exclude and submission.excluded_at is None:
            exclude_form = (
                failed[1]
                if failed is not None and failed[0] == submission.pk
                else _exclude_form(submission)
            )
        rows.append(
            {
                "tender": tender,
                "submission": submission,
                "received": ms_text(submission.received_at),
                "answers": [
                    {"name": c["name"], "text": tender.answers.get(c["key"], "")} for c in scored
                ],
                "exclude_form": exclude_form,
            }
        )
    received = len(tenders) if opened else selectors.tender_count_live(request.user, call=call)
    return render(
        request,
        "competitions/tenders.html",
        {
            "title": _("Tenders for %(title)s") % {"title": call.title},
            "call": call,
            "opened": opened,
            "received_count": received,
            "rows": rows,
            "opened_at": ms_text(call.opened_at),
            "form": failed[1] if failed is not None else None,
        },
    )


def _exclude_form(submission: TenderSubmission, data: Any = None) -> ReasonForm:
    return ReasonForm(
        data,
        prefix=f"t{submission.pk}",
        label=_("Reason for excluding the tender from %(supplier)s")
        % {"supplier": submission.supplier.name},
        hint=_("The bidder is told this reason in its feedback."),
    )


@login_required
@require_GET
@refusals_audited(TenderAttempt.READ)
def tenders(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = _authority_call(request, call_id)
    opened = selectors.tender_list_opened(request.user, call_id=call.pk) if call.opened_at else []
    return _tenders_page(request, call, opened)


@login_required
@require_POST
@refusals_audited(TenderAttempt.EXCLUDE)
def tender_exclude(request: AuthedRequest, call_id: int, submission_id: int) -> HttpResponse:
    call = _authority_call(request, call_id, MODERATE_ROLES, NOT_A_MODERATOR)
    tender, opened = _opened_tender(request, call, submission_id)
    form = _exclude_form(tender.submission, request.POST)
    if form.is_valid():
        excluded = call_service(
            form,
            lambda: services.tender_exclude(
                actor=request.user, submission=tender.submission, reason=form.cleaned_data["reason"]
            ),
        )
        if excluded is not None:
            messages.success(
                request,
                _("The tender from %(supplier)s is excluded.")
                % {"supplier": tender.submission.supplier.name},
            )
            return redirect("competitions:tenders", call.pk)
    return _tenders_page(request, call, opened, failed=(submission_id, form))


# --- evaluation and moderation -----------------------------------------------------------------


def _names(tenders: list[OpenedTender]) -> dict[str, str]:
    return {str(t.submission.pk): t.submission.supplier.name for t in tenders}


def _sheet_rows(call: Call, scores: dict[str, Any], names: dict[str, str]) -> list[dict[str, Any]]:
    criteria = {c["key"]: c["name"] for c in call.criteria}
    return [
        {
            "supplier": names.get(submission_id, submission_id),
            "criterion": criteria.get(key, key),
            "score": str(SCORE_LABELS.get(item.get("score"), "")),
            "reason": item.get("reason", ""),
        }
        for submission_id, by_criterion in scores.items()
        for key, item in by_criterion.items()
    ]


@login_required
@require_http_methods(["GET", "POST"])
@refusals_audited(TenderAttempt.SCORE)
def evaluation(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = _authority_call(request, call_id, EVALUATE_ROLES, NOT_AN_EVALUATOR)
    opened = call.opened_at is not None
    declaration = selectors.conflict_declaration_for_evaluator(request.user, call=call)
    # Tenders are unsealed for this page only once the evaluator has declared no conflict
    # (the selector refuses a conflicted reader).
    readable = opened and declaration is not None and not declaration.has_conflict
    tenders = selectors.tender_list_opened(request.user, call_id=call.pk) if readable else []
    compliant = [t for t in tenders if t.submission.excluded_at is None]
    sheets = list(selectors.scoresheets_visible(request.user, call_id=call.pk)) if opened else []
    own = next((s for s in sheets if s.evaluator_id == request.user.pk), None)
    others = [s for s in sheets if s.evaluator_id != request.user.pk and s.submitted_at]
    action = request.POST.get("action") if request.method == "POST" else None
    awarded = selectors.award_for_call(request.user, call=call) is not None
    conflict_form = scores_form = None
    if opened and declaration is None and not awarded:
        conflict_form = ConflictForm(request.POST if action == "declare" else None)
        if action == "declare" and conflict_form.is_valid():
            data = conflict_form.cleaned_data
            declared = call_service(
                conflict_form,
                lambda: services.conflict_declare(
                    actor=request.user,
                    call=call,
                    has_conflict=data["has_conflict"] == "yes",
                    details=data["details"],
                ),
            )
            if declared is not None:
                messages.success(request, _("Your declaration is recorded."))
                return redirect("competitions:evaluation", call.pk)
    elif (
        opened
        and declaration is not None
        and not declaration.has_conflict
        and (own is None or own.submitted_at is None)
        and not awarded
    ):
        submit = action == "submit"
        scores_form = ScoresForm(
            request.POST if action in {"save", "submit"} else None,
            tenders=compliant,
            criteria=call.criteria,
            complete=submit,
            initial=ScoresForm.initial_from(own.scores if own else {}),
        )
        if action in {"save", "submit"} and scores_form.is_valid():
            form = scores_form
            sheet = call_service(
                form,
                lambda: services.scoresheet_save(
                    actor=request.user, call=call, scores=form.scores(), submit=submit
                ),
            )
            if sheet is not None:
                messages.success(
                    request,
                    _("Your scores are submitted. You can now see the other evaluators' scores.")
                    if submit
                    else _("Your scores are saved. Submit them when every tender is scored."),
                )
                return redirect("competitions:evaluation", call.pk)
    names = _names(tenders)
    return render(
        request,
        "competitions/evaluation.html",
        {
            "title": _("Evaluate %(title)s") % {"title": call.title},
            "call": call,
            "opened": opened,
            "awarded": awarded,
            "declaration": declaration,
            "conflict_form": conflict_form,
            "scores_form": scores_form,
            "form": conflict_form if action == "declare" else scores_form if action else None,
            "own": own,
            "own_rows": _sheet_rows(call, own.scores, names) if own and own.submitted_at else [],
            "others": [
                {"sheet": sheet, "rows": _sheet_rows(call, sheet.scores, names)} for sheet in others
            ],
            "criteria": criteria_rows(call),
            "tender_count": len(compliant),
            "bidders": selectors.bidder_names(request.user, call=call) if conflict_form else [],
        },
    )


def _average_scores(sheets: list[Scoresheet]) -> dict[str, dict[str, dict[str, Any]]]:
    """The submitted sheets' average score (rounded half up), with no reason.

    The consensus reason box starts empty: the bidder reads it in its feedback, so it holds
    only what the moderator writes. The evaluators' notes are shown beside it instead
    (``_evaluator_notes``).
    """
    collected: dict[str, dict[str, list[Decimal]]] = {}
    for sheet in sheets:
        for submission_id, by_criterion in sheet.scores.items():
            for key, item in by_criterion.items():
                collected.setdefault(submission_id, {}).setdefault(key, []).append(
                    Decimal(item["score"])
                )
    return {
        submission_id: {
            key: {
                "score": int(
                    (sum(scores, Decimal(0)) / len(scores)).quantize(
                        Decimal(1), rounding=ROUND_HALF_UP
                    )
                )
            }
            for key, scores in by_criterion.items()
        }
        for submission_id, by_criterion in collected.items()
    }


def _evaluator_notes(sheets: list[Scoresheet]) -> dict[str, list[dict[str, Any]]]:
    """Each evaluator's score and notes, by the name of the reason box they sit beside.

    Read-only context for the moderator's eyes: never a form value, so never sent back.
    """
    notes: dict[str, list[dict[str, Any]]] = {}
    for sheet in sheets:
        evaluator = sheet.evaluator.full_name or sheet.evaluator.email
        for submission_id, by_criterion in sheet.scores.items():
            for key, item in by_criterion.items():
                notes.setdefault(f"reason_{submission_id}_{key}", []).append(
                    {
                        "evaluator": evaluator,
                        "score": str(SCORE_LABELS.get(item.get("score"), "")),
                        "notes": item.get("reason", ""),
                    }
                )
    return notes


@login_required
@require_http_methods(["GET", "POST"])
@refusals_audited(TenderAttempt.MODERATE)
def moderation(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = _authority_call(request, call_id, MODERATE_ROLES, NOT_A_MODERATOR)
    opened = call.opened_at is not None
    tenders = selectors.tender_list_opened(request.user, call_id=call.pk) if opened else []
    compliant = [t for t in tenders if t.submission.excluded_at is None]
    # The selector's rule: other people's sheets only once one's own is submitted.
    visible = list(selectors.scoresheets_visible(request.user, call_id=call.pk)) if opened else []
    sheets = [s for s in visible if s.submitted_at]
    recorded = selectors.moderation_for_call(request.user, call=call)
    awarded = selectors.award_for_call(request.user, call=call) is not None
    form = None
    if opened and not awarded:
        initial = _average_scores(sheets) if recorded is None else recorded.scores
        form = ScoresForm(
            _posted(request),
            tenders=compliant,
            criteria=call.criteria,
            complete=True,
            consensus=True,
            initial=ScoresForm.initial_from(initial),
        )
        if request.method == "POST" and form.is_valid():
            done = call_service(
                form,
                lambda: services.moderation_record(
                    actor=request.user, call=call, scores=form.scores()
                ),
            )
            if done is not None:
                messages.success(request, _("The consensus scores are recorded."))
                if permissions.has_role(request.user, call.buyer_id, BUY_ROLES):
                    return redirect("competitions:award", call.pk)
                return redirect("competitions:call-detail", call.pk)
    names = _names(tenders)
    return render(
        request,
        "competitions/moderation.html",
        {
            "title": _("Moderate %(title)s") % {"title": call.title},
            "call": call,
            "opened": opened,
            "awarded": awarded,
            "form": form,
            "recorded": recorded,
            "recorded_rows": _sheet_rows(call, recorded.scores, names) if recorded else [],
            "sheets": [
                {"sheet": sheet, "rows": _sheet_rows(call, sheet.scores, names)} for sheet in sheets
            ],
            "notes": _evaluator_notes(sheets),
            "no_sheets": not sheets,
        },
    )


# --- evaluator: calls to evaluate ----------------------------------------------------------------


@login_required
@require_GET
def evaluator_calls(request: AuthedRequest) -> HttpResponse:
    authorities = permissions.organisation_ids_with_role(request.user, EVALUATE_ROLES)
    if not authorities:
        raise NotPermitted(NOT_AN_EVALUATOR)
    calls = selectors.calls_to_evaluate(request.user, authority_ids=authorities)
    listing = paginate(request, calls)
    rows = [{"call": call, "state": _evaluator_state(call)} for call in listing.rows]
    return render(
        request,
        "competitions/evaluator_calls.html",
        {"title": _("Calls to evaluate"), "rows": rows, "listing": listing},
    )


def _evaluator_state(call: Any) -> dict[str, str]:
    """Where this evaluator is on the call, from ``selectors.calls_to_evaluate``."""
    if call.has_conflict:
        return {"text": _("Conflict declared"), "classes": "govuk-tag--grey"}
    if call.own_sheet_submitted_at is not None:
        return {"text": _("Submitted"), "classes": "govuk-tag--green"}
    if call.has_own_sheet:
        return {"text": _("In progress"), "classes": "govuk-tag--blue"}
    return {"text": _("Not started"), "classes": "govuk-tag--yellow"}
