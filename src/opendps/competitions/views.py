"""Pages for calls for competition: buyers run a call, evaluators score, suppliers tender.

Each view parses input, calls one service or selector, and renders. Who may see a call is
``selectors.call_get``'s business (anyone else gets "not found", whoever guesses its id);
who may change it is the services'. Tender content reaches a page only through
``selectors.tender_list_opened``, so before the box is opened a buyer's page can show how
many tenders arrived and nothing else (Directive 2014/24/EU Annex IV (b)).

A few reads have no selector yet (a call's questions, the number of live tenders, one's
own conflict declaration, planned calls); they are small helpers here, each marked, and
always run on a call already fetched through a selector.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opendps.accounts import permissions
from opendps.accounts.models import Organisation
from opendps.accounts.permissions import AUTHORITY_ROLES
from opendps.competitions import selectors, services
from opendps.competitions.criteria import PRICE_FORMULA, TIE_BREAK_RULE, CriterionKind
from opendps.competitions.forms import (
    KIND_LABELS,
    SCORE_LABELS,
    AnswerForm,
    AwardForm,
    CallForm,
    ConfirmForm,
    ConflictForm,
    PlannedCallForm,
    QuestionForm,
    ReasonForm,
    ScoresForm,
    StandingOfferForm,
    TenderForm,
    call_error_field,
)
from opendps.competitions.models import (
    Award,
    Call,
    Clarification,
    ConflictDeclaration,
    Moderation,
    PlannedCall,
    Scoresheet,
    StandingOffer,
    TenderSubmission,
)
from opendps.competitions.opened import OpenedTender, unseal_document
from opendps.competitions.services.calls import default_criteria
from opendps.competitions.services.common import (
    BUY_ROLES,
    EVALUATE_ROLES,
    MODERATE_ROLES,
    OPEN_ROLES,
)
from opendps.competitions.status import CallStatus, status_q
from opendps.core import clock
from opendps.core.errors import NotFound, NotPermitted
from opendps.markets import selectors as market_selectors
from opendps.markets.models import Category, MarketStatus
from opendps.membership import selectors as membership_selectors
from opendps.membership.models import CategoryMember
from opendps.regimes import get_regime
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest, current_organisation
from opendps.web.pagination import (
    Listing,
    chosen_status,
    counts_by,
    paginate,
    status_filters,
)

NOT_A_SUPPLIER_PAGE = gettext_lazy("This page is for suppliers.")
NOT_A_BUYER = gettext_lazy(
    "Only an authority's buyers, commissioners and administrators run calls for competition."
)
NOT_AN_EVALUATOR = gettext_lazy(
    "Only the authority's evaluators, buyers and commissioners score tenders."
)
NOT_A_MODERATOR = gettext_lazy(
    "Only the authority's commissioners, buyers and evaluators record consensus scores."
)
NOT_CALLABLE = gettext_lazy(
    "You can only make a call in a category of an open market run by your authority."
)
CHOOSE_CATEGORY = gettext_lazy("Choose the category to call in")
QUESTION_NOT_FOUND = gettext_lazy("Question not found.")
TENDER_NOT_FOUND = gettext_lazy("Tender not found.")
DOCUMENT_NOT_FOUND = gettext_lazy("Document not found.")
RECEIPT_NOT_FOUND = gettext_lazy("Receipt not found.")

STATUS_TAG_CLASSES = {
    CallStatus.DRAFT: "govuk-tag--grey",
    CallStatus.OPEN: "govuk-tag--blue",
    CallStatus.CLOSED: "govuk-tag--yellow",
    CallStatus.EVALUATION: "govuk-tag--purple",
    CallStatus.STANDSTILL: "govuk-tag--orange",
    CallStatus.AWARDED: "govuk-tag--green",
    CallStatus.CANCELLED: "govuk-tag--red",
    CallStatus.NO_COMPLIANT: "govuk-tag--red",
}


# --- shared pieces ----------------------------------------------------------------------------


def status_tag(status: str) -> dict[str, str]:
    value = CallStatus(status)
    return {"text": str(value.label), "classes": STATUS_TAG_CLASSES[value]}


def ms_text(moment: datetime | None) -> str:
    """A London time to the millisecond, as a receipt records it."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return "%s.%03d %s" % (  # noqa: UP031 - three parts, one of them a padded number
        formats.date_format(local, "j F Y, H:i:s"),
        local.microsecond // 1000,
        local.tzname(),
    )


def time_left(deadline: datetime, now: datetime | None = None) -> str:
    now = now or clock.now()
    if now >= deadline:
        return _("Closed")
    seconds = int((deadline - now).total_seconds())
    days, seconds = divmod(seconds, 86_400)
    hours, seconds = divmod(seconds, 3_600)
    minutes = seconds // 60
    parts = []
    if days:
        parts.append(ngettext("%(count)d day", "%(count)d days", days) % {"count": days})
    if hours or days:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if not days:
        parts.append(
            ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
        )
    return _("%(time)s left") % {"time": ", ".join(parts)}


def criteria_rows(call: Call) -> list[dict[str, Any]]:
    return [
        {
            "name": criterion["name"],
            "kind": str(KIND_LABELS[CriterionKind(criterion["kind"])]),
            "weight": Decimal(str(criterion["weight"])).normalize(),
            "guidance": criterion.get("guidance", ""),
        }
        for criterion in call.criteria
    ]


def _posted(request: HttpRequest) -> Any:
    """The POST data of a POST (even an empty one), else None: the form is unbound."""
    return request.POST if request.method == "POST" else None


def _regime(call: Call) -> Any:
    return get_regime(call.market.regime, call.market.validity_starts_at)


def _is_authority(request: HttpRequest, call: Call) -> bool:
    return permissions.has_role(request.user, call.buyer_id, AUTHORITY_ROLES)


def _authority_call(
    request: HttpRequest, call_id: int, roles: frozenset[str] | None = None, refusal: Any = None
) -> Call:
    """A call of the person's own authority. Outside it, "not found" (an invited supplier
    cannot tell a buyer's page from a missing one); inside it without one of ``roles``,
    "not permitted"."""
    call = selectors.call_get(request.user, call_id=call_id)
    if not _is_authority(request, call):
        raise NotFound(selectors.CALL_NOT_FOUND)
    if roles is not None and not permissions.has_role(request.user, call.buyer_id, roles):
        raise NotPermitted(refusal or NOT_A_BUYER)
    return call


def _supplier(request: HttpRequest) -> Organisation:
    organisation = current_organisation(request)
    if organisation is None or not organisation.is_supplier:
        raise NotPermitted(NOT_A_SUPPLIER_PAGE)
    return organisation


def _supplier_call(request: HttpRequest, call_id: int) -> tuple[Call, Organisation]:
    call = selectors.call_get(request.user, call_id=call_id)
    return call, _supplier(request)


def _award(call: Call) -> Award | None:
    try:
        return call.award
    except Award.DoesNotExist:
        return None


def _contract(call: Call) -> Any:
    from opendps.contracts.models import Contract

    try:
        return call.contract  # type: ignore[attr-defined]
    except Contract.DoesNotExist:
        return None


def _moderation(call: Call) -> Moderation | None:
    try:
        return call.moderation
    except Moderation.DoesNotExist:
        return None


# Reads with no selector yet, always on a call fetched through ``selectors.call_get``.


def _tenders_received(call: Call) -> int:
    """How many live tenders the sealed box holds: a count, never their content."""
    return TenderSubmission.objects.filter(call=call, withdrawn_at=None, superseded_at=None).count()


def _clarifications(call: Call) -> list[Clarification]:
    return list(call.clarifications.order_by("asked_at"))


def _own_declaration(request: HttpRequest, call: Call) -> ConflictDeclaration | None:
    return ConflictDeclaration.objects.filter(call=call, evaluator_id=request.user.pk).first()


def _live_receipt(request: HttpRequest, call: Call) -> TenderSubmission | None:
    return (
        selectors.receipts_for_supplier(request.user, call_id=call.pk)
        .filter(withdrawn_at=None, superseded_at=None)
        .first()
    )


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
    award = _award(call)
    if award is None:
        return {"award": None}
    now = clock.now()
    contract = _contract(call)
    return {
        "award": award,
        "ranking": _ranking(call, award),
        "contract": contract,
        "in_standstill": award.standstill_ends_at is not None and now <= award.standstill_ends_at,
        "can_contract": contract is None
        and (award.standstill_ends_at is None or now > award.standstill_ends_at)
        and permissions.has_role(request.user, call.buyer_id, BUY_ROLES),
    }


# --- buyer: calls list, planned calls, creating a call -----------------------------------------


def _buy_authorities(request: HttpRequest) -> list[int]:
    authorities = permissions.organisation_ids_with_role(request.user, BUY_ROLES)
    if not authorities:
        raise NotPermitted(NOT_A_BUYER)
    return authorities


def _callable_categories(request: HttpRequest) -> list[Category]:
    """Categories of the open markets of the authorities the person buys for."""
    authorities = _buy_authorities(request)
    markets = (
        market_selectors.market_list_for_authority(request.user)
        .filter(authority_id__in=authorities, status=MarketStatus.OPEN)  # type: ignore[misc]
        .prefetch_related("categories")
        .order_by("title")
    )
    return [category for market in markets for category in market.categories.all()]


def _category_choices(categories: list[Category]) -> list[tuple[int, str]]:
    return [(category.pk, f"{category.title} ({category.market.title})") for category in categories]


def _status_listing(request: HttpRequest, calls: QuerySet[Call]) -> Listing:
    """A page of ``calls`` (annotated by ``with_status``), filtered by ``?status=``, with
    a count per status from one GROUP BY."""
    chosen = chosen_status(request, CallStatus.choices)
    counts = counts_by(calls, "status")
    if chosen is not None:
        calls = calls.filter(status_q(CallStatus(chosen)))
    listing = paginate(request, calls)
    listing.filters = status_filters(request, counts, CallStatus.choices, chosen)
    return listing


def _buyer_calls_page(
    request: HttpRequest, categories: list[Category], planned_form: PlannedCallForm
) -> HttpResponse:
    authorities = _buy_authorities(request)
    calls = selectors.call_list(request.user).filter(buyer_id__in=authorities)
    listing = _status_listing(request, calls)
    # No selector lists planned calls yet: an authority's own, not withdrawn.
    planned = (
        PlannedCall.objects.filter(buyer_id__in=authorities, withdrawn_at=None)
        .select_related("category", "category__market")
        .order_by("expected_month")
    )
    return render(
        request,
        "competitions/buyer_calls.html",
        {
            "title": _("Calls for competition"),
            "rows": [
                {"call": call, "status": status_tag(call.status)}  # type: ignore[attr-defined]
                for call in listing.rows
            ],
            "listing": listing,
            "planned": planned,
            "planned_form": planned_form,
            "form": planned_form if planned_form.is_bound else None,
            "can_create": bool(categories),
        },
    )


@login_required
@require_GET
def buyer_calls(request: AuthedRequest) -> HttpResponse:
    categories = _callable_categories(request)
    return _buyer_calls_page(
        request, categories, PlannedCallForm(categories=_category_choices(categories))
    )


@login_required
@require_POST
def planned_call_announce(request: AuthedRequest) -> HttpResponse:
    categories = _callable_categories(request)
    form = PlannedCallForm(request.POST, categories=_category_choices(categories))
    if form.is_valid():
        data = form.cleaned_data
        category = next(c for c in categories if c.pk == data["category"])
        planned = call_service(
            form,
            lambda: services.planned_call_announce(
                actor=request.user,
                category=category,
                title=data["planned_title"],
                expected_month=data["expected_month"],
                estimated_value=data["planned_value"],
                region=data["planned_region"],
            ),
        )
        if planned is not None:
            messages.success(
                request,
                _("The planned call is announced. Members of %(category)s can see it.")
                % {"category": category.title},
            )
            return redirect("competitions:buyer-calls")
    return _buyer_calls_page(request, categories, form)


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request: AuthedRequest) -> HttpResponse:
    categories = _callable_categories(request)
    chosen = request.GET.get("category")
    if chosen is None or not chosen.isdigit():
        return render(
            request,
            "competitions/create_choose.html",
            {
                "title": _("Make a call for competition"),
                "choices": _category_choices(categories),
                "error": CHOOSE_CATEGORY if chosen is not None else None,
            },
        )
    category = next((c for c in categories if c.pk == int(chosen)), None)
    if category is None:
        market_selectors.category_get(request.user, category_id=int(chosen))  # 404 if hidden
        raise NotPermitted(NOT_CALLABLE)
    market = category.market
    rapid_defaults = market.light_touch and request.GET.get("rapid") == "1"
    initial = CallForm.initial_criteria(default_criteria(rapid=rapid_defaults))
    form = CallForm(_posted(request), initial=initial | {"rapid": rapid_defaults})
    if request.method == "POST" and form.is_valid():
        call = call_service(
            form,
            lambda: services.call_create(
                actor=request.user, category=category, **form.call_fields()
            ),
            call_error_field,
        )
        if call is not None:
            messages.success(request, _("Draft call created. Check it, then publish it."))
            return redirect("competitions:call-detail", call.pk)
    regime = get_regime(market.regime, market.validity_starts_at)
    sub_central = not market.authority.is_central_government
    offers = selectors.standing_offers_in_category(request.user, category_id=category.pk)
    return render(
        request,
        "competitions/create.html",
        {
            "title": _("Make a call for competition"),
            "form": form,
            "category": category,
            "market": market,
            "offers": offers,
            "light_touch": market.light_touch,
            "rapid_defaults": rapid_defaults,
            "offers_agreed_period": regime.sub_central_agreed_period_allowed and sub_central,
            "earliest_deadline": regime.tender_deadline_min(
                clock.now(), authority_is_sub_central=sub_central
            ),
            "past_performance_url": reverse("insights:past-performance", args=[category.pk]),
            "price_formula": PRICE_FORMULA,
            "tie_break": TIE_BREAK_RULE,
            "score_labels": list(SCORE_LABELS.values()),
        },
    )


# --- a call's page: the buyer's view and the supplier's view ----------------------------------


def _buyer_detail(
    request: HttpRequest,
    call: Call,
    *,
    form: Any = None,
    failed_answer: tuple[int, AnswerForm] | None = None,
) -> HttpResponse:
    status = CallStatus(call.status)  # type: ignore[attr-defined]
    clarifications = _clarifications(call)
    can_buy = permissions.has_role(request.user, call.buyer_id, BUY_ROLES)
    answer_forms = {}
    if can_buy and status == CallStatus.OPEN:
        for clarification in clarifications:
            if clarification.answered_at is None:
                answer_forms[clarification.pk] = (
                    failed_answer[1]
                    if failed_answer is not None and failed_answer[0] == clarification.pk
                    else AnswerForm(prefix=f"q{clarification.pk}")
                )
    pending_opening = call.opening_requested_by_id is not None and call.opened_at is None
    declaration = _own_declaration(request, call)
    return render(
        request,
        "competitions/detail_buyer.html",
        {
            "title": call.title,
            "call": call,
            "status": status_tag(status),
            "state": status.value,
            "criteria": criteria_rows(call),
            "invited": call.invitations.count(),
            "tenders_received": _tenders_received(call),
            "clarifications": clarifications,
            "answer_forms": answer_forms,
            "can_buy": can_buy,
            "can_open": permissions.has_role(request.user, call.buyer_id, OPEN_ROLES),
            "can_evaluate": permissions.has_role(request.user, call.buyer_id, EVALUATE_ROLES),
            "can_moderate": permissions.has_role(request.user, call.buyer_id, MODERATE_ROLES),
            "pending_opening": pending_opening,
            "first_officer": call.opening_requested_by if pending_opening else None,
            "you_approved": pending_opening and call.opening_requested_by_id == request.user.pk,
            "time_left": time_left(call.deadline),
            "conflicted": declaration is not None and declaration.has_conflict,
            "form": form,
            **_award_context(request, call),
        },
    )


def _supplier_detail(
    request: HttpRequest, call: Call, *, question_form: QuestionForm | None = None
) -> HttpResponse:
    status = CallStatus(call.status)  # type: ignore[attr-defined]
    supplier = current_organisation(request)
    clarifications = _clarifications(call)
    now = clock.now()
    can_ask = status == CallStatus.OPEN and now < call.clarification_deadline
    feedback = None
    if status in {CallStatus.STANDSTILL, CallStatus.AWARDED}:
        try:
            feedback = selectors.feedback_for_supplier(
                request.user,
                call_id=call.pk,
                supplier_id=supplier.pk if supplier is not None else None,
            )
        except NotFound:
            feedback = None
    return render(
        request,
        "competitions/detail_supplier.html",
        {
            "title": call.title,
            "call": call,
            "status": status_tag(status),
            "is_open": status == CallStatus.OPEN,
            "criteria": criteria_rows(call),
            "time_left": time_left(call.deadline, now),
            # Answered questions are shared with every invitee, never saying who asked.
            "answered": [c for c in clarifications if c.answered_at is not None],
            "own_waiting": [
                c
                for c in clarifications
                if c.answered_at is None and supplier is not None and c.asked_by_id == supplier.pk
            ],
            "can_ask": can_ask,
            "question_form": question_form or QuestionForm(),
            "form": question_form,
            "live": _live_receipt(request, call),
            "feedback": feedback,
            "past_questions_deadline": now >= call.clarification_deadline,
        },
    )


def _detail(request: HttpRequest, call: Call, **kwargs: Any) -> HttpResponse:
    if _is_authority(request, call):
        return _buyer_detail(request, call, **kwargs)
    return _supplier_detail(request, call, **kwargs)


@login_required
@require_GET
def call_detail(request: AuthedRequest, call_id: int) -> HttpResponse:
    return _detail(request, selectors.call_get(request.user, call_id=call_id))


@login_required
@require_http_methods(["GET", "POST"])
def call_publish(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = _authority_call(request, call_id, BUY_ROLES)
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        published = call_service(form, lambda: services.call_publish(actor=request.user, call=call))
        if published is not None:
            invited = published.invitations.count()
            messages.success(
                request,
                ngettext(
                    "The call is published: %(count)d supplier is invited.",
                    "The call is published: %(count)d suppliers are invited.",
                    invited,
                )
                % {"count": invited},
            )
            return redirect("competitions:call-detail", call.pk)
    return render(
        request,
        "competitions/publish.html",
        {
            "title": _("Publish %(title)s") % {"title": call.title},
            "call": call,
            "form": form,
            "is_draft": call.status == CallStatus.DRAFT,  # type: ignore[attr-defined]
            "members": membership_selectors.active_members_of_category(call.category_id).count(),
            "earliest_deadline": _regime(call).tender_deadline_min(
                clock.now(),
                light_touch=call.rapid,
                sub_central_agreed_period=timedelta(hours=call.agreed_period_hours)
                if call.agreed_period_hours
                else None,
                authority_is_sub_central=not call.market.authority.is_central_government,
            )
            if call.status == CallStatus.DRAFT  # type: ignore[attr-defined]
            else None,
        },
    )


def _reason_page(
    request: HttpRequest,
    call: Call,
    *,
    form: ReasonForm,
    title: str,
    intro: str,
    button: str,
    template: str = "competitions/reason.html",
) -> HttpResponse:
    return render(
        request,
        template,
        {"title": title, "call": call, "form": form, "intro": intro, "button": button},
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_cancel(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = _authority_call(request, call_id, BUY_ROLES)
    form = ReasonForm(
        _posted(request),
        label=_("Why are you cancelling the call?"),
        hint=_("Every invited supplier is sent this reason."),
    )
    if request.method == "POST" and form.is_valid():
        cancelled = call_service(
            form,
            lambda: services.call_cancel(
                actor=request.user, call=call, reason=form.cleaned_data["reason"]
            ),
        )
        if cancelled is not None:
            messages.success(request, _("The call is cancelled and the suppliers have been told."))
            return redirect("competitions:call-detail", call.pk)
    return _reason_page(
        request,
        call,
        form=form,
        title=_("Cancel %(title)s") % {"title": call.title},
        intro=_("Cancelling ends the call without an award. Any tenders stay sealed."),
        button=_("Cancel the call"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_close(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = _authority_call(request, call_id, BUY_ROLES)
    form = ReasonForm(
        _posted(request),
        label=_("Why is no tender compliant?"),
        hint=_("Every bidder is sent this reason."),
    )
    if request.method == "POST" and form.is_valid():
        closed = call_service(
            form,
            lambda: services.call_close_no_compliant(
                actor=request.user, call=call, reason=form.cleaned_data["reason"]
            ),
        )
        if closed is not None:
            messages.success(
                request, _("The call is closed without an award and the bidders have been told.")
            )
            return redirect("competitions:call-detail", call.pk)
    return _reason_page(
        request,
        call,
        form=form,
        title=_("Close %(title)s with no compliant tender") % {"title": call.title},
        intro=_("Do this when every tender has been excluded as non-compliant."),
        button=_("Close the call"),
    )


# --- clarifications -----------------------------------------------------------------------------


@login_required
@require_POST
def question_ask(request: AuthedRequest, call_id: int) -> HttpResponse:
    call, supplier = _supplier_call(request, call_id)
    form = QuestionForm(request.POST)
    if form.is_valid():
        asked = call_service(
            form,
            lambda: services.clarification_ask(
                actor=request.user,
                call=call,
                supplier=supplier,
                question=form.cleaned_data["question"],
            ),
        )
        if asked is not None:
            messages.success(
                request,
                _("Your question is sent. The answer will go to every invited supplier."),
            )
            return redirect("competitions:call-detail", call.pk)
    return _supplier_detail(request, call, question_form=form)


@login_required
@require_POST
def question_answer(request: AuthedRequest, call_id: int, question_id: int) -> HttpResponse:
    call = _authority_call(request, call_id, BUY_ROLES)
    clarification = next((c for c in _clarifications(call) if c.pk == question_id), None)
    if clarification is None:
        raise NotFound(QUESTION_NOT_FOUND)
    form = AnswerForm(request.POST, prefix=f"q{clarification.pk}")
    if form.is_valid():
        answered = call_service(
            form,
            lambda: services.clarification_answer(
                actor=request.user, clarification=clarification, answer=form.cleaned_data["answer"]
            ),
        )
        if answered is not None:
            messages.success(request, _("The answer is sent to every invited supplier."))
            return redirect("competitions:call-detail", call.pk)
    return _buyer_detail(request, call, form=form, failed_answer=(clarification.pk, form))


# --- opening the box and reading the opened tenders ---------------------------------------------


@login_required
@require_POST
def call_open(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = _authority_call(request, call_id, OPEN_ROLES)
    form = ConfirmForm(request.POST)
    form.is_valid()
    result = call_service(form, lambda: services.call_open(actor=request.user, call=call))
    if result is None:
        return _buyer_detail(request, call, form=form)
    if result.opened_at is None:
        messages.success(
            request,
            _("Your approval is recorded. A second, different officer must now open the tenders."),
        )
        return redirect("competitions:call-detail", call.pk)
    messages.success(request, _("The tenders are open. The opening is recorded."))
    return redirect("competitions:tenders", call.pk)


def _tenders_page(
    request: HttpRequest,
    call: Call,
    tenders: list[OpenedTender],
    failed: tuple[int, ReasonForm] | None = None,
) -> HttpResponse:
    opened = call.opened_at is not None
    award = _award(call)
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
    return render(
        request,
        "competitions/tenders.html",
        {
            "title": _("Tenders for %(title)s") % {"title": call.title},
            "call": call,
            "opened": opened,
            "received_count": len(tenders) if opened else _tenders_received(call),
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
def tenders(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = _authority_call(request, call_id)
    opened = selectors.tender_list_opened(request.user, call_id=call.pk) if call.opened_at else []
    return _tenders_page(request, call, opened)


def _opened_tender(request: HttpRequest, call: Call, submission_id: int) -> tuple[Any, list[Any]]:
    opened = selectors.tender_list_opened(request.user, call_id=call.pk)
    for tender in opened:
        if tender.submission.pk == submission_id:
            return tender, opened
    raise NotFound(TENDER_NOT_FOUND)


@login_required
@require_POST
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


@login_required
@require_GET
def tender_document(
    request: AuthedRequest, call_id: int, submission_id: int, index: int
) -> HttpResponse:
    """An opened tender's document, decrypted for this response only."""
    call = _authority_call(request, call_id)
    tender, _opened = _opened_tender(request, call, submission_id)
    documents = list(tender.submission.documents.order_by("pk"))
    if not 0 <= index < len(documents) or index >= len(tender.documents):
        raise NotFound(DOCUMENT_NOT_FOUND)
    meta = tender.documents[index]
    response = HttpResponse(
        unseal_document(call, documents[index], index), content_type=meta["content_type"]
    )
    response["Content-Disposition"] = f'attachment; filename="{meta["name"]}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- evaluation, moderation, award, contract -----------------------------------------------------


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
def evaluation(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = _authority_call(request, call_id, EVALUATE_ROLES, NOT_AN_EVALUATOR)
    opened = call.opened_at is not None
    declaration = _own_declaration(request, call)
    # Tenders are unsealed for this page only once the evaluator has declared no conflict
    # (the selector refuses a conflicted reader).
    readable = opened and declaration is not None and not declaration.has_conflict
    tenders = selectors.tender_list_opened(request.user, call_id=call.pk) if readable else []
    compliant = [t for t in tenders if t.submission.excluded_at is None]
    sheets = list(selectors.scoresheets_visible(request.user, call_id=call.pk)) if opened else []
    own = next((s for s in sheets if s.evaluator_id == request.user.pk), None)
    others = [s for s in sheets if s.evaluator_id != request.user.pk and s.submitted_at]
    action = request.POST.get("action") if request.method == "POST" else None
    awarded = _award(call) is not None
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
        },
    )


def _averages(call: Call, sheets: list[Scoresheet]) -> dict[str, dict[str, dict[str, Any]]]:
    """The submitted sheets' average score (rounded half up) and their reasons together."""
    collected: dict[str, dict[str, dict[str, list[Any]]]] = {}
    for sheet in sheets:
        for submission_id, by_criterion in sheet.scores.items():
            for key, item in by_criterion.items():
                cell = collected.setdefault(submission_id, {}).setdefault(
                    key, {"scores": [], "reasons": []}
                )
                cell["scores"].append(Decimal(item["score"]))
                if item.get("reason"):
                    cell["reasons"].append(item["reason"])
    return {
        submission_id: {
            key: {
                "score": int(
                    (sum(cell["scores"]) / len(cell["scores"])).quantize(
                        Decimal(1), rounding=ROUND_HALF_UP
                    )
                ),
                "reason": "\n".join(cell["reasons"]),
            }
            for key, cell in by_criterion.items()
        }
        for submission_id, by_criterion in collected.items()
    }


@login_required
@require_http_methods(["GET", "POST"])
def moderation(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = _authority_call(request, call_id, MODERATE_ROLES, NOT_A_MODERATOR)
    opened = call.opened_at is not None
    tenders = selectors.tender_list_opened(request.user, call_id=call.pk) if opened else []
    compliant = [t for t in tenders if t.submission.excluded_at is None]
    # The selector's rule: other people's sheets only once one's own is submitted.
    visible = list(selectors.scoresheets_visible(request.user, call_id=call.pk)) if opened else []
    sheets = [s for s in visible if s.submitted_at]
    recorded = _moderation(call)
    awarded = _award(call) is not None
    form = None
    if opened and not awarded:
        initial = _averages(call, sheets) if recorded is None else recorded.scores
        form = ScoresForm(
            _posted(request),
            tenders=compliant,
            criteria=call.criteria,
            complete=True,
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
            "no_sheets": not sheets,
        },
    )


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
    recorded = _moderation(call)
    consensus = []
    if context["award"] is None and recorded is not None:
        names = _names(selectors.tender_list_opened(request.user, call_id=call.pk))
        consensus = _sheet_rows(call, recorded.scores, names)
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


# --- supplier: tendering, receipts, feedback ----------------------------------------------------


def _standing_offer(request: HttpRequest, call: Call, supplier: Organisation) -> Any:
    try:
        offers = selectors.standing_offers_in_category(request.user, category_id=call.category_id)
    except NotFound:
        return None
    return offers.filter(supplier=supplier).first()


def _tender_initial(call: Call, offer: StandingOffer | None) -> dict[str, Any]:
    if offer is None:
        return {}
    prices = (
        [offer.price_per_hour, offer.price_per_service_user]
        if call.rapid
        else [offer.price_per_service_user, offer.price_per_hour]
    )
    price = next((p for p in prices if p is not None), None)
    initial: dict[str, Any] = {"price": f"{price:.2f}" if price is not None else ""}
    quality = next((c for c in call.criteria if c["kind"] == CriterionKind.QUALITY), None)
    if quality is not None and offer.description:
        initial[TenderForm.answer_name(quality["key"])] = offer.description
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def tender_submit(request: AuthedRequest, call_id: int) -> HttpResponse:
    call, supplier = _supplier_call(request, call_id)
    offer = _standing_offer(request, call, supplier)
    form = TenderForm(
        _posted(request),
        request.FILES if request.method == "POST" else None,
        criteria=call.criteria,
        initial=_tender_initial(call, offer),
    )
    if request.method == "POST" and form.is_valid():
        submission = call_service(
            form,
            lambda: services.tender_submit(
                actor=request.user,
                call=call,
                supplier=supplier,
                price=form.cleaned_data["price"],
                answers=form.answers(),
                notes=form.cleaned_data["notes"],
                files=form.cleaned_data["documents"],
            ),
            form.field_for,
        )
        if submission is not None:
            messages.success(request, _("Your tender is received, sealed and signed for."))
            return redirect("competitions:receipt", call.pk, submission.pk)
    price_criterion = next((c for c in call.criteria if c["kind"] == CriterionKind.PRICE), None)
    return render(
        request,
        "competitions/tender.html",
        {
            "title": _("Tender for %(title)s") % {"title": call.title},
            "call": call,
            "supplier": supplier,
            "form": form,
            "is_open": call.status == CallStatus.OPEN,  # type: ignore[attr-defined]
            "offer": offer,
            "price_criterion": price_criterion,
            "live": _live_receipt(request, call),
            "time_left": time_left(call.deadline),
        },
    )


def _receipt_state(submission: TenderSubmission) -> dict[str, str]:
    if submission.withdrawn_at is not None:
        return {"text": _("Withdrawn"), "classes": "govuk-tag--grey"}
    if submission.superseded_at is not None:
        return {"text": _("Replaced by a later tender"), "classes": "govuk-tag--grey"}
    return {"text": _("Your tender"), "classes": "govuk-tag--green"}


def _receipts_page(
    request: HttpRequest, call: Call, supplier: Organisation, form: Any = None
) -> HttpResponse:
    receipts = list(selectors.receipts_for_supplier(request.user, call_id=call.pk))
    live = next((r for r in receipts if r.withdrawn_at is None and r.superseded_at is None), None)
    return render(
        request,
        "competitions/receipts.html",
        {
            "title": _("Your receipts for %(title)s") % {"title": call.title},
            "call": call,
            "supplier": supplier,
            "rows": [
                {"submission": r, "received": ms_text(r.received_at), "state": _receipt_state(r)}
                for r in receipts
            ],
            "can_withdraw": live is not None and clock.now() < call.deadline,
            "form": form,
        },
    )


@login_required
@require_GET
def receipts(request: AuthedRequest, call_id: int) -> HttpResponse:
    call, supplier = _supplier_call(request, call_id)
    return _receipts_page(request, call, supplier)


@login_required
@require_POST
def tender_withdraw(request: AuthedRequest, call_id: int) -> HttpResponse:
    call, supplier = _supplier_call(request, call_id)
    form = ConfirmForm(request.POST)
    form.is_valid()
    withdrawn = call_service(
        form,
        lambda: services.tender_withdraw(actor=request.user, call=call, supplier=supplier),
    )
    if withdrawn is None:
        return _receipts_page(request, call, supplier, form)
    messages.success(
        request, _("Your tender is withdrawn. You can tender again until the deadline.")
    )
    return redirect("competitions:receipts", call.pk)


def _own_receipt(request: HttpRequest, call_id: int, submission_id: int) -> tuple[Call, Any]:
    call, _supplier_org = _supplier_call(request, call_id)
    submission = (
        selectors.receipts_for_supplier(request.user, call_id=call.pk)
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise NotFound(RECEIPT_NOT_FOUND)
    return call, submission


@login_required
@require_GET
def receipt(request: AuthedRequest, call_id: int, submission_id: int) -> HttpResponse:
    call, submission = _own_receipt(request, call_id, submission_id)
    return render(
        request,
        "competitions/receipt.html",
        {
            "title": _("Receipt for your tender"),
            "call": call,
            "submission": submission,
            "received": ms_text(submission.received_at),
            "state": _receipt_state(submission),
        },
    )


@login_required
@require_GET
def receipt_download(request: AuthedRequest, call_id: int, submission_id: int) -> HttpResponse:
    """The signed receipt as JSON, for ``opendps receipt verify`` or the API."""
    _call, submission = _own_receipt(request, call_id, submission_id)
    body = json.dumps(
        {"receipt": submission.receipt, "signature": submission.receipt_signature}, indent=2
    )
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="receipt-call-{call_id}-tender-{submission.pk}.json"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


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
    advantages = []
    for criterion in content["criteria"]:
        score = criterion.get("your_score")
        rows.append(
            criterion
            | {
                "kind_text": str(KIND_LABELS[CriterionKind(criterion["kind"])]),
                "score_text": str(SCORE_LABELS[score]) if score is not None else "",
            }
        )
        mine, theirs = criterion.get("your_points"), criterion.get("winner_points")
        if not content["won"] and mine is not None and Decimal(theirs) > Decimal(mine):
            advantages.append({"name": criterion["name"], "winner": theirs, "yours": mine})
    standstill = content.get("standstill_ends_at")
    return render(
        request,
        "competitions/feedback.html",
        {
            "title": _("Feedback on %(title)s") % {"title": record.call.title},
            "call": record.call,
            "feedback": content,
            "rows": rows,
            "advantages": advantages,
            "standstill_ends_at": datetime.fromisoformat(standstill) if standstill else None,
        },
    )


# --- supplier lists: invitations and standing offers --------------------------------------------


@login_required
@require_GET
def invitations(request: AuthedRequest) -> HttpResponse:
    supplier = _supplier(request)
    calls = selectors.invited_calls(request.user, supplier_id=supplier.pk)
    listing = _status_listing(request, calls)
    now = clock.now()
    rows = []
    for call in listing.rows:
        status = CallStatus(call.status)
        rows.append(
            {
                "call": call,
                "status": status_tag(status),
                "time_left": time_left(call.deadline, now) if status == CallStatus.OPEN else "",
                "tendered": status == CallStatus.OPEN and call.tendered,
                "is_open": status == CallStatus.OPEN,
                "has_feedback": call.has_feedback,
            }
        )
    return render(
        request,
        "competitions/invitations.html",
        {
            "title": _("Invitations to tender"),
            "supplier": supplier,
            "rows": rows,
            "listing": listing,
        },
    )


def _offer_of(member: CategoryMember) -> StandingOffer | None:
    try:
        return member.standing_offer  # type: ignore[attr-defined]
    except StandingOffer.DoesNotExist:
        return None


@login_required
@require_GET
def standing_offers(request: AuthedRequest) -> HttpResponse:
    supplier = _supplier(request)
    members = membership_selectors.memberships_for_supplier(
        request.user, supplier_id=supplier.pk
    ).filter(removed_at__isnull=True)
    return render(
        request,
        "competitions/standing_offers.html",
        {
            "title": _("Standing offers"),
            "supplier": supplier,
            "rows": [{"member": member, "offer": _offer_of(member)} for member in members],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def standing_offer_edit(request: AuthedRequest, member_id: int) -> HttpResponse:
    supplier = _supplier(request)
    member = (
        membership_selectors.memberships_for_supplier(request.user, supplier_id=supplier.pk)
        .filter(pk=member_id, removed_at__isnull=True)
        .first()
    )
    if member is None:
        raise NotFound(membership_selectors.MEMBER_NOT_FOUND)
    offer = _offer_of(member)
    initial = (
        {
            "description": offer.description,
            "delivery_areas": ", ".join(offer.delivery_areas),
            "capacity": offer.capacity,
            "price_per_service_user": offer.price_per_service_user,
            "price_per_hour": offer.price_per_hour,
        }
        if offer is not None
        else {}
    )
    form = StandingOfferForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.standing_offer_save(
                actor=request.user, member=member, **form.offer_fields()
            ),
            lambda error: "price_per_hour" if error.code == "no_price" else None,
        )
        if saved is not None:
            messages.success(
                request,
                _("Your standing offer in %(category)s is saved.")
                % {"category": member.category.title},
            )
            return redirect("competitions:standing-offers")
    return render(
        request,
        "competitions/standing_offer_form.html",
        {
            "title": _("Standing offer: %(category)s") % {"category": member.category.title},
            "member": member,
            "form": form,
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
