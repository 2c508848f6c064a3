"""Builders for markets, categories and applications, going through the real services."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from opendps.core import clock
from opendps.markets import services as market_services
from opendps.markets.models import Category, Market
from opendps.markets.questionnaire import QuestionKind, Questionnaire, RuleKind, questionnaire_parse
from opendps.membership import services as membership_services
from opendps.membership.models import Application

TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def good_answers(questionnaire: Questionnaire) -> tuple[dict[str, Any], set[str]]:
    """Answers that pass every rule: the first passing value, the minimum, a file."""
    answers: dict[str, Any] = {}
    files: set[str] = set()
    for question in questionnaire.questions:
        rule = question.rule
        if question.kind == QuestionKind.FILE:
            files.add(question.id)
        elif rule is not None and rule.kind == RuleKind.IN_SET:
            answers[question.id] = rule.values[0]
        elif rule is not None and rule.kind in {RuleKind.MIN, RuleKind.MAX}:
            answers[question.id] = str(rule.number)
        elif question.kind in {QuestionKind.YES_NO, QuestionKind.CHOICE}:
            answers[question.id] = question.options()[0]
        elif question.kind == QuestionKind.NUMBER:
            answers[question.id] = "250000"
        else:
            answers[question.id] = "x"
    return answers, files


def make_market(
    people: Any,
    *,
    regime: str = "pcr2015_dps",
    publish: bool = True,
    categories: tuple[str, ...] = ("CV and job search support",),
    vulnerable_people: bool = False,
    first_period_ends_at: datetime | None = None,
    **fields: Any,
) -> Market:
    now = clock.now()
    values: dict[str, Any] = {
        "title": "Employment Support DPS",
        "description": "Support for people looking for work.",
        "cpv_codes": ["79600000-0"],
        "estimated_value": Decimal("1000000"),
        "estimated_purchases": 500,
        "validity_starts_at": now,
        "validity_ends_at": now + timedelta(days=365),
        "vulnerable_people": vulnerable_people,
        "first_period_ends_at": first_period_ends_at,
    } | fields
    market = market_services.market_create(
        actor=people.commissioner, authority=people.authority, regime=regime, **values
    )
    for title in categories:
        market_services.category_add(actor=people.commissioner, market=market, title=title)
    if publish:
        market = market_services.market_publish(actor=people.commissioner, market=market)
    return market


def questionnaire_of(category: Category) -> Questionnaire:
    version = category.questionnaire_versions.order_by("-version").first()
    assert version is not None
    return questionnaire_parse({"questions": version.questions})


def evidence_files(file_ids: set[str]) -> dict[str, SimpleUploadedFile]:
    return {
        qid: SimpleUploadedFile(f"{qid.replace('.', '-')}.pdf", TINY_PDF, "application/pdf")
        for qid in file_ids
    }


def apply(
    people: Any,
    market: Market,
    *,
    actor: Any = None,
    supplier: Any = None,
    categories: list[Category] | None = None,
    overrides: dict[str, Any] | None = None,
) -> list[Application]:
    """Apply with answers that pass every automatic rule, unless ``overrides`` say otherwise."""
    categories = categories or list(market.categories.all())
    answers: dict[str, Any] = {}
    files: set[str] = set()
    for category in categories:
        more_answers, more_files = good_answers(questionnaire_of(category))
        answers |= more_answers
        files |= more_files
    answers |= overrides or {}
    return membership_services.application_submit(
        actor=actor or people.supplier_a_admin,
        supplier=supplier or people.supplier_a,
        market=market,
        category_ids=[c.pk for c in categories],
        answers=answers,
        files=evidence_files(files),
    )


def admit(people: Any, application: Application) -> Application:
    return membership_services.application_decide(
        actor=people.evaluator, application=application, outcome="admitted"
    )


def member_suppliers(people: Any, market: Market, *suppliers: tuple[Any, Any]) -> None:
    """Admit each (supplier, actor) pair to every category of the market."""
    for supplier, actor in suppliers:
        for application in apply(people, market, actor=actor, supplier=supplier):
            admit(people, application)


def market_with_both_suppliers(people: Any, **fields: Any) -> Market:
    """A market (PA 2023 light-touch unless ``fields`` say otherwise) with both test
    suppliers admitted to every category."""
    defaults: dict[str, Any] = {"regime": "pa2023_dynamic_market", "light_touch": True}
    market = make_market(people, **(defaults | fields))
    member_suppliers(
        people,
        market,
        (people.supplier_a, people.supplier_a_admin),
        (people.supplier_b, people.supplier_b_admin),
    )
    return market


def make_call(
    people: Any, market: Market, *, days: int = 11, publish: bool = True, **fields: Any
) -> Any:
    from opendps.competitions import services as competition_services

    category = market.categories.order_by("pk").first()
    assert category is not None
    call = competition_services.call_create(
        actor=people.buyer,
        category=category,
        title=fields.pop("title", "CV support for 20 claimants"),
        requirement=fields.pop("requirement", "Two 1-2-1 sessions per claimant."),
        estimated_value=fields.pop("estimated_value", Decimal("5000")),
        deadline=fields.pop("deadline", clock.now() + timedelta(days=days, hours=1)),
        **fields,
    )
    if publish:
        call = competition_services.call_publish(actor=people.buyer, call=call)
    return call


def tender(
    people: Any,
    call: Any,
    *,
    supplier: Any = None,
    actor: Any = None,
    price: str = "4000",
    **kw: Any,
) -> Any:
    from opendps.competitions import services as competition_services

    supplier = supplier or people.supplier_a
    answers = kw.pop(
        "answers",
        {c["key"]: f"Our approach to {c['name']}." for c in call.criteria if c["kind"] != "price"},
    )
    return competition_services.tender_submit(
        actor=actor
        or (people.supplier_a_admin if supplier == people.supplier_a else people.supplier_b_admin),
        call=call,
        supplier=supplier,
        price=price,
        answers=answers,
        **kw,
    )
