"""Supplier pages: applying, their applications, memberships and renewed declarations."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opendps.accounts import permissions
from opendps.core import clock
from opendps.core.errors import DomainError, NotPermitted
from opendps.markets import selectors as market_selectors
from opendps.markets.models import MarketStatus
from opendps.markets.views import sections_of
from opendps.membership import admission_clock, selectors, services
from opendps.membership.forms import (
    CategoriesForm,
    QuestionsForm,
)
from opendps.membership.models import Application
from opendps.membership.status import (
    ApplicationStatus,
    application_status,
)
from opendps.membership.views.common import (
    CANNOT_APPLY,
    _answer_text,
    _answered_sections,
    _supplier,
    application_tag,
    member_tag,
)
from opendps.regimes import get_regime
from opendps.web.due import due_in_working_days
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest

# --- supplier: applying -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: AuthedRequest, market_id: int) -> HttpResponse:
    market = market_selectors.market_get(request.user, market_id=market_id)
    supplier = _supplier(request)
    if not permissions.has_role(request.user, supplier, services.APPLY_ROLES):
        raise NotPermitted(CANNOT_APPLY)
    categories = list(market.categories.all())
    context: dict[str, Any] = {
        "title": _("Apply to join %(market)s") % {"market": market.title},
        "market": market,
        "supplier": supplier,
        "closed": market.status != MarketStatus.OPEN,  # type: ignore[attr-defined]
        "closed_message": services.MARKET_NOT_OPEN,
        "several_categories": len(categories) > 1,
    }
    live = (
        selectors.drafts_for_supplier(request.user, supplier_id=supplier.pk)
        .filter(market=market)
        .first()
    )
    if request.method == "POST":
        chooser = CategoriesForm(request.POST, categories=categories)
    elif live is not None and "change" not in request.GET:
        return redirect("membership:draft", live.pk)
    else:
        chosen = live.category_ids if live is not None else []
        if not chosen and len(categories) == 1:
            chosen = [categories[0].pk]
        chooser = CategoriesForm(initial={"category": chosen}, categories=categories)
    if not chooser.is_bound or not chooser.is_valid():
        return render(request, "membership/apply_categories.html", context | {"form": chooser})
    previous = selectors.previous_answers(supplier.pk)
    started = call_service(
        chooser,
        lambda: services.draft_start(
            actor=request.user,
            supplier=supplier,
            market=market,
            category_ids=chooser.cleaned_data["category"],
            previous=previous,
        ),
        "category",
    )
    if started is None:
        return render(request, "membership/apply_categories.html", context | {"form": chooser})
    return redirect("membership:draft", started.pk)


@login_required
@require_GET
def supplier_applications(request: AuthedRequest) -> HttpResponse:
    supplier = _supplier(request)
    applications = selectors.application_list_for_supplier(request.user, supplier_id=supplier.pk)
    return render(
        request,
        "membership/supplier_applications.html",
        {
            "title": _("Your applications"),
            "supplier": supplier,
            "drafts": selectors.drafts_for_supplier(request.user, supplier_id=supplier.pk),
            "rows": [
                {"application": application, "status": application_tag(application)}
                for application in applications
            ],
        },
    )


@login_required
@require_GET
def supplier_application(request: AuthedRequest, application_id: int) -> HttpResponse:
    application = selectors.application_get(request.user, application_id=application_id)
    status = application_status(application)
    can_withdraw = status in {
        ApplicationStatus.AWAITING,
        ApplicationStatus.OVERDUE,
    } and permissions.has_role(request.user, application.supplier_id, services.APPLY_ROLES)
    return render(
        request,
        "membership/supplier_application.html",
        {
            "title": _("Application to %(category)s") % {"category": application.category.title},
            "application": application,
            "status": application_tag(application),
            "can_withdraw": can_withdraw,
            "rejected": status == ApplicationStatus.REJECTED,
            "admitted": status == ApplicationStatus.ADMITTED,
            "reasons": _decision_reasons(application),
            "sections": _answered_sections(application, regime_code=application.market.regime),
            "queue_place": admission_clock.queue_place(application),
            "median_to_admit": admission_clock.duration_text(
                admission_clock.admission_median(application.market_id)
            ),
        },
    )


def _decision_reasons(application: Application) -> list[dict[str, str]]:
    """The evaluator's reasons, each with the question it is about, in the order asked."""
    return [
        {"question": question["text"], "reason": application.reasons[question["id"]]}
        for question in application.questionnaire.questions
        if application.reasons.get(question["id"])
    ]


@login_required
@require_POST
def application_withdraw(request: AuthedRequest, application_id: int) -> HttpResponse:
    application = selectors.application_get(request.user, application_id=application_id)
    try:
        services.application_withdraw(actor=request.user, application=application)
        messages.success(request, _("Your application is withdrawn."))
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("membership:supplier-application", application.pk)


@login_required
@require_GET
def supplier_memberships(request: AuthedRequest) -> HttpResponse:
    supplier = _supplier(request)
    members = selectors.memberships_for_supplier(request.user, supplier_id=supplier.pk)
    declarations = selectors.declarations_waiting_for_supplier(
        request.user, supplier_id=supplier.pk
    )
    return render(
        request,
        "membership/supplier_memberships.html",
        {
            "title": _("Your memberships"),
            "supplier": supplier,
            "rows": [{"member": member, "status": member_tag(member)} for member in members],
            "declarations": [
                {
                    "declaration": declaration,
                    "due": due_in_working_days(
                        clock.now(),
                        declaration.due_at,
                        declaration.member.market.nation,
                        uk_wide=get_regime(
                            declaration.member.market.regime,
                            declaration.member.market.validity_starts_at,
                        ).working_days_uk_wide,
                    ),
                }
                for declaration in declarations.order_by("due_at")
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def declaration_answer(request: AuthedRequest, request_id: int) -> HttpResponse:
    declaration = selectors.declaration_get_for_supplier(request.user, request_id=request_id)
    member = declaration.member
    questions = services.declaration_questions(member)
    answered = declaration.answered_at is not None
    form = QuestionsForm(
        request.POST if request.method == "POST" and not answered else None,
        questions=questions,
    )
    if request.method == "POST" and not answered and form.is_valid():
        try:
            services.declaration_answer(
                actor=request.user, request=declaration, answers=form.answers()
            )
        except DomainError as error:
            form.add_error(form.field_for(error.data, []), str(error))
        else:
            messages.success(request, _("Your renewed self-declaration is sent."))
            return redirect("membership:supplier-memberships")
    return render(
        request,
        "membership/declaration.html",
        {
            "title": _("Renew your self-declaration"),
            "declaration": declaration,
            "member": member,
            "answered": answered,
            "form": None if answered else form,
            "sections": sections_of(
                [
                    question
                    | {
                        "bound": None if answered else form[question["id"]],
                        "answer": _answer_text(question, declaration.answers.get(question["id"])),
                    }
                    for question in questions
                ]
            ),
        },
    )
