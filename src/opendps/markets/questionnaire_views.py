"""Questionnaire pages: a category's questions for anyone who may see the market, and the
builder for its commissioners (add, change, move, remove, preview as suppliers see it).

Each builder change is one call to a markets service, which saves a new version and audits
it; the views parse, call and render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opendps.core.errors import NotFound
from opendps.markets import selectors, services
from opendps.markets.forms import ConfirmForm
from opendps.markets.models import Category, Market
from opendps.markets.questionnaire_forms import MoveForm, QuestionBuilderForm
from opendps.markets.questionnaire_text import described, sections_of
from opendps.markets.views import _category, _managed_market, _market, _posted
from opendps.membership.forms import QuestionsForm
from opendps.regimes import get_regime
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest


def _can_build(market: Market) -> bool:
    """PA 2023 s 36: conditions of membership are fixed once the market is established."""
    if market.published_at is None:
        return True
    regime = get_regime(market.regime, market.validity_starts_at)
    return bool(regime.conditions_changeable_during_term)


def _builder_url(market: Market, category: Category) -> Any:
    return redirect("markets:questionnaire-builder", market.pk, category.pk)


@require_GET
def questionnaire(request: HttpRequest, market_id: int, category_id: int) -> HttpResponse:
    market = _market(request, market_id)
    category = _category(request, market, category_id)
    can_manage = selectors.can_manage_market(request.user, market)
    current = selectors.questionnaire_current(category)
    return render(
        request,
        "markets/questionnaire.html",
        {
            "title": _("Questionnaire: %(category)s") % {"category": category.title},
            "market": market,
            "category": category,
            "current": current,
            "sections": sections_of(described(current.questions, market.regime)),
            "versions": category.questionnaire_versions.select_related("created_by").order_by(
                "-version"
            ),
            "can_build": can_manage and _can_build(market),
        },
    )


def _managed(request: AuthedRequest, market_id: int, category_id: int) -> tuple[Market, Category]:
    market = _managed_market(request, market_id)
    return market, _category(request, market, category_id)


@login_required
@require_GET
def builder(request: AuthedRequest, market_id: int, category_id: int) -> HttpResponse:
    market, category = _managed(request, market_id, category_id)
    current = selectors.questionnaire_current(category)
    questions = described(current.questions, market.regime)
    for number, question in enumerate(questions, start=1):
        question["number"] = number
    return render(
        request,
        "markets/questionnaire_builder.html",
        {
            "title": _("Change the questions: %(category)s") % {"category": category.title},
            "market": market,
            "category": category,
            "current": current,
            "questions": questions,
            "count": len(questions),
            "can_build": _can_build(market),
        },
    )


def _question_page(
    request: AuthedRequest,
    market: Market,
    category: Category,
    *,
    question_id: str | None,
    initial: dict[str, Any] | None,
) -> HttpResponse:
    form = QuestionBuilderForm(_posted(request), regime_code=market.regime, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = call_service(
            form,
            lambda: services.questionnaire_question_save(
                actor=request.user,
                category=category,
                question=form.question(),
                question_id=question_id,
            ),
        )
        if version is not None:
            messages.success(
                request,
                _("Question saved. Version %(version)d of the questionnaire is now in use.")
                % {"version": version.version},
            )
            return _builder_url(market, category)
    return render(
        request,
        "markets/question_form.html",
        {
            "title": _("Add a question") if question_id is None else _("Change the question"),
            "form": form,
            "market": market,
            "category": category,
        },
    )


def _question(category: Category, question_id: str) -> dict[str, Any]:
    for question in selectors.questionnaire_current(category).questions:
        if question["id"] == question_id:
            return dict(question)
    raise NotFound(services.QUESTION_NOT_FOUND, question=question_id)


@login_required
@require_http_methods(["GET", "POST"])
def question_add(request: AuthedRequest, market_id: int, category_id: int) -> HttpResponse:
    market, category = _managed(request, market_id, category_id)
    initial = {"required": "yes", "rule": "none", "failure": "condition"}
    return _question_page(request, market, category, question_id=None, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(
    request: AuthedRequest, market_id: int, category_id: int, question_id: str
) -> HttpResponse:
    market, category = _managed(request, market_id, category_id)
    initial = QuestionBuilderForm.initial_for(_question(category, question_id))
    return _question_page(request, market, category, question_id=question_id, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def question_remove(
    request: AuthedRequest, market_id: int, category_id: int, question_id: str
) -> HttpResponse:
    market, category = _managed(request, market_id, category_id)
    question = _question(category, question_id)
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        version = call_service(
            form,
            lambda: services.questionnaire_question_remove(
                actor=request.user, category=category, question_id=question_id
            ),
        )
        if version is not None:
            messages.success(
                request,
                _("Question removed. Version %(version)d of the questionnaire is now in use.")
                % {"version": version.version},
            )
            return _builder_url(market, category)
    return render(
        request,
        "markets/question_remove.html",
        {
            "title": _("Remove this question?"),
            "form": form,
            "market": market,
            "category": category,
            "question": question,
        },
    )


@login_required
@require_POST
def question_move(
    request: AuthedRequest, market_id: int, category_id: int, question_id: str
) -> HttpResponse:
    market, category = _managed(request, market_id, category_id)
    _question(category, question_id)
    form = MoveForm(request.POST)
    if form.is_valid():
        offset = -1 if form.cleaned_data["direction"] == "up" else 1
        version = call_service(
            form,
            lambda: services.questionnaire_question_move(
                actor=request.user, category=category, question_id=question_id, offset=offset
            ),
        )
        if version is not None:
            messages.success(request, _("Question moved."))
            return _builder_url(market, category)
    for error in form.errors.values():
        messages.error(request, " ".join(str(message) for message in error))
    return _builder_url(market, category)


@login_required
@require_GET
def preview(request: AuthedRequest, market_id: int, category_id: int) -> HttpResponse:
    """The questions exactly as the application form asks them, with nothing to send."""
    market, category = _managed(request, market_id, category_id)
    questions = selectors.questionnaire_current(category).questions
    form = QuestionsForm(None, questions=questions)
    return render(
        request,
        "markets/questionnaire_preview.html",
        {
            "title": _("Preview: %(category)s") % {"category": category.title},
            "market": market,
            "category": category,
            "sections": sections_of([q | {"bound": form[q["id"]]} for q in questions]),
            "preview_form": form,
        },
    )
