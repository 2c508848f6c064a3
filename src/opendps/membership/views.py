"""Membership pages: applying, assessing, members, declarations and the debarment list.

Each view parses input, calls one service or selector, and renders. Scoping is the
selectors' job: an application a person may not see is 'not found', whoever guesses its
id. A service refusal (a closed market, a bad file, a missing reason) is shown in the
GOV.UK error summary, next to the question it is about where there is one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opendps.accounts import permissions
from opendps.accounts import selectors as account_selectors
from opendps.accounts.models import Organisation
from opendps.core import clock
from opendps.core.calendar import end_of_london_day, working_days_between
from opendps.core.errors import DomainError, NotFound, NotPermitted
from opendps.markets import selectors as market_selectors
from opendps.markets.models import Market, MarketStatus
from opendps.markets.questionnaire import Outcome as QuestionOutcome
from opendps.markets.views import failure_text, sections_of
from opendps.membership import selectors, services
from opendps.membership.forms import (
    CategoriesForm,
    DebarmentForm,
    DecisionForm,
    DeclarationRequestForm,
    ExtendForm,
    LiftForm,
    QuestionsForm,
    ReinstateForm,
    RemoveForm,
    SuspendForm,
)
from opendps.membership.models import Application, CategoryMember, Debarment
from opendps.membership.status import (
    ApplicationStatus,
    MemberStatus,
    application_status,
    member_status,
)
from opendps.regimes import get_regime
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest, current_organisation
from opendps.web.pagination import paginate

NOT_A_SUPPLIER_PAGE = gettext_lazy("This page is for suppliers.")
CANNOT_APPLY = gettext_lazy("You need to be an administrator or bid writer of a supplier to apply.")
NOT_AN_ASSESSOR = gettext_lazy(
    "Only an authority's evaluators and commissioners assess applications."
)
NOT_PLATFORM_STAFF = gettext_lazy("Only platform staff can see the debarment list.")
DEBARMENT_NOT_FOUND = gettext_lazy("That debarment is not on the list.")

APPLICATION_TAG_CLASSES = {
    ApplicationStatus.AWAITING: "govuk-tag--blue",
    ApplicationStatus.OVERDUE: "govuk-tag--red",
    ApplicationStatus.ADMITTED: "govuk-tag--green",
    ApplicationStatus.REJECTED: "govuk-tag--red",
    ApplicationStatus.WITHDRAWN: "govuk-tag--grey",
}
MEMBER_TAG_CLASSES = {
    MemberStatus.ACTIVE: "govuk-tag--green",
    MemberStatus.SUSPENDED: "govuk-tag--orange",
    MemberStatus.DECLARATION_OVERDUE: "govuk-tag--orange",
    MemberStatus.REMOVED: "govuk-tag--red",
}
OUTCOME_TAGS = {
    QuestionOutcome.PASS: ("govuk-tag--green", gettext_lazy("Passed")),
    QuestionOutcome.FAIL: ("govuk-tag--red", gettext_lazy("Failed")),
    QuestionOutcome.MANUAL: ("govuk-tag--grey", gettext_lazy("Check by hand")),
}


def application_tag(application: Application) -> dict[str, str]:
    status = application_status(application)
    return {"text": str(status.label), "classes": APPLICATION_TAG_CLASSES[status]}


def member_tag(member: CategoryMember) -> dict[str, str]:
    status = member_status(member, declaration_overdue=getattr(member, "declaration_overdue", None))
    return {"text": str(status.label), "classes": MEMBER_TAG_CLASSES[status]}


def _outcome_tag(outcome: str | None) -> dict[str, str] | None:
    if outcome is None:
        return None
    classes, text = OUTCOME_TAGS[QuestionOutcome(outcome)]
    return {"text": str(text), "classes": classes}


def _supplier(request: HttpRequest) -> Organisation:
    organisation = current_organisation(request)
    if organisation is None or not organisation.is_supplier:
        raise NotPermitted(NOT_A_SUPPLIER_PAGE)
    return organisation


def _assessable(request: AuthedRequest, application_id: int) -> Application:
    """An application this person may assess: any other is 'not found' or refused."""
    application = selectors.application_get(request.user, application_id=application_id)
    if not permissions.has_role(
        request.user, application.market.authority_id, services.ASSESS_ROLES
    ):
        raise NotPermitted(NOT_AN_ASSESSOR)
    return application


def _answer_text(question: dict[str, Any], answer: Any) -> str:
    if answer is None or answer == "":
        return "—"
    if question["kind"] == "yes_no":
        return _("Yes") if answer == "yes" else _("No")
    return str(answer)


def _answered_sections(
    application: Application, *, regime_code: str, decision: DecisionForm | None = None
) -> list[tuple[str, list[dict[str, Any]]]]:
    """The questions as asked, each with its answer, files, automatic outcome and reason."""
    documents: dict[str, list[Any]] = {}
    for document in application.documents.all():
        documents.setdefault(document.question_id, []).append(document)
    rows = []
    for question in application.questionnaire.questions:
        qid = question["id"]
        auto = application.auto_assessment.get(qid, {})
        rows.append(
            question
            | {
                "answer": _answer_text(question, application.answers.get(qid)),
                "documents": documents.get(qid, []),
                "outcome": _outcome_tag(auto.get("outcome")),
                "failed": auto.get("outcome") == QuestionOutcome.FAIL,
                "failure_text": failure_text(question.get("failure", "condition"), regime_code),
                "reason": application.reasons.get(qid, ""),
                "reason_field": decision[DecisionForm.reason_name(qid)] if decision else None,
            }
        )
    return sections_of(rows)


def _posted(request: HttpRequest) -> Any:
    """The POST data of a POST (even an empty one), else None: the form is unbound."""
    return request.POST if request.method == "POST" else None


# --- supplier: applying -------------------------------------------------------------------


def _question_union(categories: list[Any]) -> list[dict[str, Any]]:
    """Every chosen category's current questions, each asked once, in the order first met."""
    seen: dict[str, dict[str, Any]] = {}
    for category in categories:
        for question in market_selectors.questionnaire_current(category).questions:
            seen.setdefault(question["id"], question)
    return list(seen.values())


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
    source = request.POST if request.method == "POST" else request.GET
    if "change" in source:
        chooser = CategoriesForm(
            initial={"category": source.getlist("category")}, categories=categories
        )
    elif "category" in source or "chosen" in source:
        chooser = CategoriesForm(source, categories=categories)
    elif len(categories) == 1:
        chooser = CategoriesForm({"category": [categories[0].pk]}, categories=categories)
    else:
        chooser = CategoriesForm(categories=categories)
    if not chooser.is_bound or not chooser.is_valid():
        return render(request, "membership/apply_categories.html", context | {"form": chooser})
    chosen_ids = chooser.cleaned_data["category"]
    chosen = [category for category in categories if category.pk in chosen_ids]
    questions = _question_union(chosen)
    answerable = {q["id"] for q in questions if q["kind"] != "file"}
    previous = selectors.previous_answers(supplier.pk)
    prefill = {qid: answer for qid, answer in previous.items() if qid in answerable}
    form = QuestionsForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        questions=questions,
        initial=prefill,
    )
    if request.method == "POST" and form.is_valid():
        try:
            applications = services.application_submit(
                actor=request.user,
                supplier=supplier,
                market=market,
                category_ids=chosen_ids,
                answers=form.answers(),
                files=form.uploads(),
            )
        except DomainError as error:
            form.add_error(form.field_for(error.data, request.FILES.items()), str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "Your application is sent. You will be told the decision by email.",
                    "Your %(count)d applications are sent. You will be told each decision "
                    "by email.",
                    len(applications),
                )
                % {"count": len(applications)},
            )
            return redirect("membership:supplier-applications")
    return render(
        request,
        "membership/apply.html",
        context
        | {
            "form": form,
            "chosen": chosen,
            "prefilled": bool(prefill),
            "asks_for_files": any(question["kind"] == "file" for question in questions),
            "sections": sections_of(
                [question | {"bound": form[question["id"]]} for question in questions]
            ),
        },
    )


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
            "sections": _answered_sections(application, regime_code=application.market.regime),
        },
    )


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
                {"declaration": declaration, "overdue": declaration.due_at < clock.now()}
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


# --- evaluator ----------------------------------------------------------------------------


@login_required
@require_GET
def evaluator_queue(request: AuthedRequest) -> HttpResponse:
    if not permissions.organisation_ids_with_role(request.user, services.ASSESS_ROLES):
        raise NotPermitted(NOT_AN_ASSESSOR)
    now = clock.now()
    queue = selectors.application_queue_for_evaluator(request.user)
    listing = paginate(request, queue)
    rows = []
    for application in listing.rows:
        market = application.market
        regime = get_regime(market.regime, market.validity_starts_at)
        overdue = application.assessment_due_at < now
        rows.append(
            {
                "application": application,
                "overdue": overdue,
                "days_left": 0
                if overdue
                else working_days_between(
                    now,
                    application.assessment_due_at,
                    market.nation,
                    uk_wide=regime.working_days_uk_wide,
                ),
            }
        )
    return render(
        request,
        "membership/evaluator_queue.html",
        {
            "title": _("Applications to assess"),
            "rows": rows,
            "listing": listing,
            "waiting_count": listing.page.paginator.count,
            "overdue_count": queue.filter(assessment_due_at__lt=now).count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assess_application(request: AuthedRequest, application_id: int) -> HttpResponse:
    application = _assessable(request, application_id)
    market: Market = application.market
    regime = get_regime(market.regime, market.validity_starts_at)
    decided = application.decided_at is not None or application.withdrawn_at is not None
    auto_failed = [
        qid
        for qid, item in application.auto_assessment.items()
        if item.get("outcome") == QuestionOutcome.FAIL
    ]
    form = None
    if not decided:
        form = DecisionForm(
            request.POST if request.method == "POST" else None,
            questions=application.questionnaire.questions,
            auto_failed=auto_failed,
        )
    elif request.method == "POST":
        form = DecisionForm({}, questions=[], auto_failed=[])
        form.is_valid()
        form.add_error(None, str(services.ALREADY_DECIDED))
    if form is not None and not decided and request.method == "POST" and form.is_valid():
        decision = call_service(
            form,
            lambda: services.application_decide(
                actor=request.user,
                application=application,
                outcome=form.cleaned_data["outcome"],
                reasons=form.reasons(),
                note=form.cleaned_data["note"],
            ),
        )
        if decision is not None:
            admitted = decision.outcome == "admitted"
            messages.success(
                request,
                (
                    _("%(supplier)s is admitted to %(category)s. They have been told.")
                    if admitted
                    else _("%(supplier)s's application is rejected. They have been told.")
                )
                % {"supplier": application.supplier.name, "category": application.category.title},
            )
            return redirect("membership:evaluator-queue")
    return render(
        request,
        "membership/assess.html",
        {
            "title": _("Assess %(supplier)s") % {"supplier": application.supplier.name},
            "application": application,
            "status": application_tag(application),
            "decided": decided,
            "form": form,
            "auto_failed": auto_failed,
            "can_extend": not decided
            and regime.ASSESSMENT_EXTENDED_WORKING_DAYS is not None
            and application.extended_at is None,
            "sections": _answered_sections(
                application,
                regime_code=market.regime,
                decision=form if form is not None and not decided else None,
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def extend_assessment(request: AuthedRequest, application_id: int) -> HttpResponse:
    application = _assessable(request, application_id)
    form = ExtendForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        extended = call_service(
            form,
            lambda: services.application_extend_assessment(
                actor=request.user,
                application=application,
                reason=form.cleaned_data["extension_reason"],
            ),
        )
        if extended is not None:
            messages.success(
                request,
                _("The decision is now due by %(due)s.")
                % {"due": formats.date_format(timezone.localtime(extended.assessment_due_at))},
            )
            return redirect("membership:assess-application", application.pk)
    regime = get_regime(application.market.regime, application.market.validity_starts_at)
    return render(
        request,
        "membership/extend.html",
        {
            "title": _("Extend the assessment period"),
            "application": application,
            "regime": regime,
            "form": form,
        },
    )


@login_required
@require_GET
def application_document(request: AuthedRequest, application_id: int, document_id: int) -> Any:
    """Stream an evidence file, only to the supplier that sent it or the market's authority."""
    application = selectors.application_get(request.user, application_id=application_id)
    document = next((d for d in application.documents.all() if d.pk == document_id), None)
    if document is None:
        raise NotFound(selectors.APPLICATION_NOT_FOUND)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- authority: members -------------------------------------------------------------------

MEMBER_ACTIONS = {
    "suspend": SuspendForm,
    "reinstate": ReinstateForm,
    "remove": RemoveForm,
    "declaration": DeclarationRequestForm,
}


def _member_page(
    request: AuthedRequest,
    member: CategoryMember,
    failed: tuple[str, Any] | None = None,
) -> HttpResponse:
    market = member.market
    regime = get_regime(market.regime, market.validity_starts_at)
    status = member_status(member, declaration_overdue=getattr(member, "declaration_overdue", None))
    action_forms = {name: form_class() for name, form_class in MEMBER_ACTIONS.items()}
    if failed is not None:
        action_forms[failed[0]] = failed[1]
    can_manage = permissions.has_role(request.user, market.authority_id, services.MANAGE_ROLES)
    return render(
        request,
        "membership/member.html",
        {
            "title": _("%(supplier)s in %(category)s")
            % {"supplier": member.supplier.name, "category": member.category.title},
            "member": member,
            "market": market,
            "status": member_tag(member),
            "removed": status == MemberStatus.REMOVED,
            "suspended": member.suspended_at is not None,
            "can_manage": can_manage,
            "can_request_declaration": regime.supports_self_declaration,
            "forms": action_forms,
            "form": failed[1] if failed is not None else None,
        },
    )


@login_required
@require_GET
def member_detail(request: AuthedRequest, member_id: int) -> HttpResponse:
    member = selectors.member_get_for_authority(request.user, member_id=member_id)
    return _member_page(request, member)


@login_required
@require_POST
def member_action(request: AuthedRequest, member_id: int, action: str) -> HttpResponse:
    if action not in MEMBER_ACTIONS:
        raise Http404
    member = selectors.member_get_for_authority(request.user, member_id=member_id)
    form = MEMBER_ACTIONS[action](request.POST)
    if form.is_valid():
        data = form.cleaned_data
        calls = {
            "suspend": lambda: services.member_suspend(
                actor=request.user, member=member, reason=data["suspend_reason"]
            ),
            "reinstate": lambda: services.member_reinstate(
                actor=request.user, member=member, reason=data["reinstate_reason"]
            ),
            "remove": lambda: services.member_remove(
                actor=request.user,
                member=member,
                reason=data["remove_reason"],
                exclusion=data["exclusion"],
            ),
            "declaration": lambda: services.declaration_request(actor=request.user, member=member),
        }
        done = call_service(form, calls[action])
        if done is not None:
            confirmations = {
                "suspend": _("The membership is suspended and the supplier has been told."),
                "reinstate": _("The membership is active again."),
                "remove": _("The supplier is removed from the category and has been told."),
                "declaration": _("The supplier has been asked for a renewed self-declaration."),
            }
            messages.success(request, confirmations[action])
            return redirect("membership:member-detail", member.pk)
    return _member_page(request, member, failed=(action, form))


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
