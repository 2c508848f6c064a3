"""Evaluator pages: the assessment queue, assessing, extending, evidence files."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from opendps.accounts import permissions
from opendps.core import clock
from opendps.core.errors import NotFound, NotPermitted
from opendps.markets.models import Market
from opendps.markets.questionnaire import Outcome as QuestionOutcome
from opendps.membership import selectors, services
from opendps.membership.assessment_forms import QueueFilterForm
from opendps.membership.forms import (
    DecisionForm,
    ExtendForm,
)
from opendps.membership.views.common import (
    NOT_AN_ASSESSOR,
    _answered_sections,
    _assessable,
    _posted,
    application_tag,
)
from opendps.regimes import get_regime
from opendps.web.due import due_in_working_days
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest
from opendps.web.pagination import paginate

# --- evaluator ----------------------------------------------------------------------------


@login_required
@require_GET
def evaluator_queue(request: AuthedRequest) -> HttpResponse:
    if not permissions.organisation_ids_with_role(request.user, services.ASSESS_ROLES):
        raise NotPermitted(NOT_AN_ASSESSOR)
    now = clock.now()
    filter_form = QueueFilterForm(
        request.GET or None, categories=selectors.queue_categories(request.user)
    )
    queue = selectors.application_queue_for_evaluator(request.user, **filter_form.filters())
    listing = paginate(request, queue)
    waiting_by_supplier = selectors.queue_counts_by_supplier(
        request.user, supplier_ids=[application.supplier_id for application in listing.rows]
    )
    rows = []
    for application in listing.rows:
        market = application.market
        regime = get_regime(market.regime, market.validity_starts_at)
        rows.append(
            {
                "application": application,
                "others": waiting_by_supplier.get(application.supplier_id, 1) - 1,
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
        "membership/evaluator_queue.html",
        {
            "title": _("Applications to assess"),
            "filter_form": filter_form,
            "filtered": any(value is not None for value in filter_form.filters().values()),
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
            "due": None
            if decided
            else due_in_working_days(
                clock.now(),
                application.assessment_due_at,
                market.nation,
                uk_wide=regime.working_days_uk_wide,
            ),
            "can_extend": not decided
            and regime.ASSESSMENT_EXTENDED_WORKING_DAYS is not None
            and application.extended_at is None,
            "lapsed": selectors.evidence_lapsed(application.supplier_id),
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
