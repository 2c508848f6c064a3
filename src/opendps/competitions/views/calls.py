"""The buyer's calls: the list, planned calls, a new call, a call's page (the buyer's and
the supplier's view), publishing, cancelling, closing, questions and opening the box."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opendps.accounts import permissions
from opendps.competitions import selectors, services
from opendps.competitions.criteria import PRICE_FORMULA, TIE_BREAK_RULE
from opendps.competitions.forms import (
    SCORE_LABELS,
    AnswerForm,
    CallForm,
    ConfirmForm,
    PlannedCallForm,
    QuestionForm,
    ReasonForm,
    call_error_field,
)
from opendps.competitions.models import Call, PlannedCall
from opendps.competitions.pricing import PriceBasis, PriceUnit
from opendps.competitions.services.calls import default_criteria, social_value_minimum
from opendps.competitions.services.common import (
    BUY_ROLES,
    EVALUATE_ROLES,
    MODERATE_ROLES,
    OPEN_ROLES,
)
from opendps.competitions.services.drafts import NOT_A_DRAFT
from opendps.competitions.services.refusals import TenderAttempt, refusals_audited
from opendps.competitions.status import CallStatus
from opendps.competitions.views.awards import _award_context
from opendps.competitions.views.common import (
    NOT_A_BUYER,
    _authority_call,
    _is_authority,
    _posted,
    _regime,
    _status_listing,
    _supplier_call,
    criteria_rows,
    status_tag,
    time_left,
)
from opendps.core import clock
from opendps.core.errors import Conflict, NotFound, NotPermitted
from opendps.markets import selectors as market_selectors
from opendps.markets.models import Category, MarketStatus
from opendps.membership import selectors as membership_selectors
from opendps.regimes import get_regime
from opendps.web.forms import call_service
from opendps.web.jinja import localised_text
from opendps.web.organisation import AuthedRequest, current_organisation

NOT_CALLABLE = gettext_lazy(
    "You can only make a call in a category of an open market run by your authority."
)
CHOOSE_CATEGORY = gettext_lazy("Choose the category to call in")
QUESTION_NOT_FOUND = gettext_lazy("Question not found.")


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


def _buyer_calls_page(
    request: HttpRequest, categories: list[Category], planned_form: PlannedCallForm
) -> HttpResponse:
    authorities = _buy_authorities(request)
    calls = selectors.call_list(request.user).filter(buyer_id__in=authorities)
    listing = _status_listing(request, calls)
    planned = selectors.planned_call_list(request.user, authority_ids=authorities)
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
def planned_call_withdraw(request: AuthedRequest, planned_id: int) -> HttpResponse:
    planned = selectors.planned_call_get(request.user, planned_id=planned_id)
    calls_page = reverse("competitions:buyer-calls")
    page = ReasonPage(
        title=_("Withdraw the planned call"),
        intro=_("Members of %(category)s will no longer see it in their planned calls.")
        % {"category": planned.category.title},
        button=_("Withdraw the planned call"),
        label=_("Why is the call no longer planned?"),
        hint=_("Kept with the announcement's record; members stop seeing the planned call."),
        done=_("%(title)s is no longer planned.") % {"title": planned.title},
        done_url=calls_page,
        back=(calls_page, _("Back to your calls")),
    )
    return _reasoned_action(
        request,
        planned,
        page,
        lambda reason: services.planned_call_withdraw(
            actor=request.user, planned=planned, reason=reason
        ),
    )


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
    initial = CallForm.initial_criteria(
        default_criteria(rapid=rapid_defaults, social_value_minimum=social_value_minimum(market))
    )
    if rapid_defaults:  # a care package for one person is priced per hour
        initial |= {"price_basis": PriceBasis.UNIT_RATE, "price_unit": PriceUnit.HOUR}
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
    return _call_form_page(request, category, form, rapid_defaults=rapid_defaults)


def _call_form_page(
    request: HttpRequest,
    category: Category,
    form: CallForm,
    *,
    rapid_defaults: bool = False,
    editing: Call | None = None,
) -> HttpResponse:
    """The call form, for a new draft or for changing one (``editing``)."""
    market = category.market
    regime = get_regime(market.regime, market.validity_starts_at)
    sub_central = not market.authority.is_central_government
    offers = selectors.standing_offers_in_category(request.user, category_id=category.pk)
    now = clock.now()
    return render(
        request,
        "competitions/create.html",
        {
            "title": _("Change the draft call") if editing else _("Make a call for competition"),
            "editing": editing,
            "form": form,
            "category": category,
            "market": market,
            "offers": offers,
            "light_touch": market.light_touch,
            "rapid_defaults": rapid_defaults,
            "offers_agreed_period": regime.sub_central_agreed_period_allowed and sub_central,
            "earliest_deadline": regime.tender_deadline_min(
                now, authority_is_sub_central=sub_central
            ),
            # The real minimum for a rapid call, named in the hint (issue 15).
            "earliest_rapid_deadline": regime.tender_deadline_min(now, light_touch=True)
            if market.light_touch
            else None,
            "past_performance_url": reverse("insights:past-performance", args=[category.pk]),
            "price_formula": PRICE_FORMULA,
            "tie_break": TIE_BREAK_RULE,
            "score_labels": list(SCORE_LABELS.values()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request: AuthedRequest, call_id: int) -> HttpResponse:
    """Change a draft call: the same form and checks as drafting it."""
    call = _authority_call(request, call_id, BUY_ROLES)
    if call.status != CallStatus.DRAFT:  # type: ignore[attr-defined]
        raise Conflict(NOT_A_DRAFT)
    form = CallForm(_posted(request), initial=CallForm.initial_from_call(call))
    if request.method == "POST" and form.is_valid():
        changed = call_service(
            form,
            lambda: services.call_update(actor=request.user, call=call, **form.call_fields()),
            call_error_field,
        )
        if changed is not None:
            messages.success(request, _("The draft call is saved. Check it, then publish it."))
            return redirect("competitions:call-detail", call.pk)
    return _call_form_page(request, call.category, form, editing=call)


# --- a call's page: the buyer's view and the supplier's view ----------------------------------


def _buyer_detail(
    request: HttpRequest,
    call: Call,
    *,
    form: Any = None,
    failed_answer: tuple[int, AnswerForm] | None = None,
) -> HttpResponse:
    status = CallStatus(call.status)  # type: ignore[attr-defined]
    clarifications = list(selectors.clarification_list(request.user, call=call))
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
    declaration = selectors.conflict_declaration_for_evaluator(request.user, call=call)
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
            "tenders_received": selectors.tender_count_live(request.user, call=call),
            "clarifications": clarifications,
            "amendments": list(selectors.amendment_list(request.user, call=call)),
            "documents": selectors.call_document_list(request.user, call=call),
            "can_add_documents": can_buy and status in {CallStatus.DRAFT, CallStatus.OPEN},
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
            **_brokerage_context(call),
        },
    )


def _brokerage_context(call: Call) -> dict[str, Any]:
    """Members' capacity (informs the buyer; never who is invited) and placements."""
    from opendps.brokerage import selectors as brokerage_selectors

    return {
        "capacity_rows": brokerage_selectors.call_capacity(call),
        "placements": brokerage_selectors.placements_for_call(call),
    }


def _supplier_detail(
    request: HttpRequest, call: Call, *, question_form: QuestionForm | None = None
) -> HttpResponse:
    status = CallStatus(call.status)  # type: ignore[attr-defined]
    supplier = current_organisation(request)
    clarifications = list(selectors.clarification_list(request.user, call=call))
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
            "title": localised_text(call, "title"),
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
            "amendments": list(selectors.amendment_list(request.user, call=call)),
            "documents": selectors.call_document_list(request.user, call=call),
            "question_form": question_form or QuestionForm(),
            "form": question_form,
            "live": selectors.receipt_live_for_supplier(request.user, call=call),
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


@dataclass(frozen=True)
class ReasonPage:
    """The words of a page that asks why before an action that ends something."""

    title: str
    intro: str
    button: str
    label: str
    hint: str
    done: str  # the confirmation shown afterwards
    done_url: str
    back: tuple[str, str] | None = None  # (address, text); the call's page by default


def _reasoned_action(
    request: HttpRequest, subject: Call | PlannedCall, page: ReasonPage, act: Callable[[str], Any]
) -> HttpResponse:
    """Ask for the reason; on a valid POST run ``act(reason)`` (a service) and confirm, or
    show the refusal on the same page, having changed nothing."""
    form = ReasonForm(_posted(request), label=page.label, hint=page.hint)
    posted = request.method == "POST" and form.is_valid()
    if posted and call_service(form, lambda: act(form.cleaned_data["reason"])) is not None:
        messages.success(request, page.done)
        return redirect(page.done_url)
    back_url, back_text = page.back or (reverse("competitions:call-detail", args=[subject.pk]), "")
    return render(
        request,
        "competitions/reason.html",
        {
            "title": page.title,
            "call": subject,
            "form": form,
            "intro": page.intro,
            "button": page.button,
            "back_url": back_url,
            "back_text": back_text,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_cancel(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = _authority_call(request, call_id, BUY_ROLES)
    # A draft invited nobody: nobody is told, and the page says so (issue 15).
    draft = call.published_at is None
    page = ReasonPage(
        title=_("Cancel %(title)s") % {"title": call.title},
        intro=_("Cancelling ends the draft. It was never published, so no supplier was invited.")
        if draft
        else _("Cancelling ends the call without an award. Any tenders stay sealed."),
        button=_("Cancel the call"),
        label=_("Why are you cancelling the call?"),
        hint=_("Kept with the call's record.")
        if draft
        else _("Every invited supplier is sent this reason."),
        done=_("The draft call is cancelled. No supplier was invited, so nobody was told.")
        if draft
        else _("The call is cancelled and the suppliers have been told."),
        done_url=reverse("competitions:call-detail", args=[call.pk]),
    )
    return _reasoned_action(
        request,
        call,
        page,
        lambda reason: services.call_cancel(actor=request.user, call=call, reason=reason),
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_close(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = _authority_call(request, call_id, BUY_ROLES)
    page = ReasonPage(
        title=_("Close %(title)s with no compliant tender") % {"title": call.title},
        intro=_("Do this when every tender has been excluded as non-compliant."),
        button=_("Close the call"),
        label=_("Why is no tender compliant?"),
        hint=_("Every bidder is sent this reason."),
        done=_("The call is closed without an award and the bidders have been told."),
        done_url=reverse("competitions:call-detail", args=[call.pk]),
    )
    return _reasoned_action(
        request,
        call,
        page,
        lambda reason: services.call_close_no_compliant(
            actor=request.user, call=call, reason=reason
        ),
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
    clarification = (
        selectors.clarification_list(request.user, call=call).filter(pk=question_id).first()
    )
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


# --- opening the box ------------------------------------------------------------------------------


@login_required
@require_POST
@refusals_audited(TenderAttempt.OPEN)
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
