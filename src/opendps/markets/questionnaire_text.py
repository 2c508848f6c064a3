"""Questionnaire data in words, for pages: answer types, automatic checks, what a failure
means under the market's regime, and questions grouped by section."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opendps.markets.questionnaire import FailureMeaning, QuestionKind, RuleKind
from opendps.regimes import RegimeCode

KIND_LABELS = {
    QuestionKind.YES_NO: gettext_lazy("Yes or no"),
    QuestionKind.CHOICE: gettext_lazy("One of the options"),
    QuestionKind.TEXT: gettext_lazy("Text"),
    QuestionKind.NUMBER: gettext_lazy("A number"),
    QuestionKind.FILE: gettext_lazy("A file"),
}


def rule_text(question: dict[str, Any]) -> str:
    rule = question.get("rule")
    if not rule:
        return _("No automatic check: an evaluator assesses the answer.")
    kind = RuleKind(rule["kind"])
    if kind == RuleKind.IN_SET:
        return _("Passes if the answer is: %(values)s") % {"values": ", ".join(rule["values"])}
    if kind == RuleKind.MIN:
        return _("Passes if the answer is at least %(number)s") % {"number": rule["number"]}
    if kind == RuleKind.MAX:
        return _("Passes if the answer is at most %(number)s") % {"number": rule["number"]}
    return _("Passes if a file is uploaded")


def failure_text(failure: str, regime_code: str) -> str:
    """What failing a question means, in the market's own legal words."""
    meaning = FailureMeaning(failure)
    if meaning == FailureMeaning.MANDATORY_EXCLUSION:
        return _("A mandatory exclusion ground: the supplier cannot be admitted")
    if meaning == FailureMeaning.DISCRETIONARY_EXCLUSION:
        return _("A discretionary exclusion ground: the evaluator decides, giving reasons")
    if regime_code == RegimeCode.PA2023_DYNAMIC_MARKET:
        return _("A condition of membership: the supplier cannot be admitted")
    return _("A selection criterion: the supplier cannot be admitted")


def sections_of(questions: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Questions grouped by section, in the order they are asked."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for question in questions:
        grouped.setdefault(question.get("section") or "", []).append(question)
    return list(grouped.items())


def described(questions: list[dict[str, Any]], regime_code: str) -> list[dict[str, Any]]:
    """Each question with its answer type, check and failure meaning in words."""
    return [
        question
        | {
            "kind_text": str(KIND_LABELS[QuestionKind(question["kind"])]),
            "rule_text": rule_text(question),
            "failure_text": failure_text(question.get("failure", "condition"), regime_code),
        }
        for question in questions
    ]
