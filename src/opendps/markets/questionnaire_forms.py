"""The questionnaire builder's form: one question in GOV.UK form fields, not JSON.

The form checks that the parts fit together (options for a choice question, a number for an
'at least' check, passing answers that are the question's own) and says so naming the
question in words; the service validates the whole questionnaire again and decides.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opendps.markets.questionnaire import FailureMeaning, QuestionKind, RuleKind
from opendps.markets.questionnaire_text import KIND_LABELS, failure_text
from opendps.web.form_errors import GovukForm

NO_RULE = "none"

OPTIONS_NEEDED = _("Enter the options for “%(question)s”, one on each line")
NUMBER_NEEDED = _("Enter the number the answer to “%(question)s” is checked against")
PASSING_NEEDED = _("Enter the answers that pass for “%(question)s”, one on each line")
PASSING_NOT_AN_OPTION = _(
    "“%(answer)s” is not one of the options of “%(question)s”: "
    "the answers that pass must be some of its options"
)
RULE_DOES_NOT_FIT = _(
    "The automatic check for “%(question)s” does not fit its answer type: %(fits)s"
)
FITS = {
    RuleKind.IN_SET: _("a list of passing answers needs a yes or no question or options"),
    RuleKind.MIN: _("an 'at least' check needs a number question"),
    RuleKind.MAX: _("an 'at most' check needs a number question"),
    RuleKind.FILE_PRESENT: _("a file check needs a file question"),
}
FITTING_KINDS = {
    RuleKind.IN_SET: {QuestionKind.YES_NO, QuestionKind.CHOICE},
    RuleKind.MIN: {QuestionKind.NUMBER},
    RuleKind.MAX: {QuestionKind.NUMBER},
    RuleKind.FILE_PRESENT: {QuestionKind.FILE},
}
RULE_CHOICES = [
    (NO_RULE, _("No automatic check: an evaluator assesses the answer")),
    (RuleKind.IN_SET.value, _("Passes if the answer is one of the answers listed below")),
    (RuleKind.MIN.value, _("Passes if the number is at least the number below")),
    (RuleKind.MAX.value, _("Passes if the number is at most the number below")),
    (RuleKind.FILE_PRESENT.value, _("Passes if a file is uploaded")),
]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]


class QuestionBuilderForm(GovukForm):
    """One question of a selection questionnaire."""

    section = forms.CharField(
        label=_("Section (optional)"),
        max_length=200,
        required=False,
        help_text=_("Questions are grouped under their section, for example Exclusion grounds."),
    )
    text = forms.CharField(
        label=_("Question"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Enter the question")},
    )
    hint = forms.CharField(
        label=_("Hint (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("Help shown under the question, for example what evidence to give."),
    )
    text_cy = forms.CharField(
        label=_("Question in Welsh (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("Welsh pages show the English where this is empty."),
    )
    hint_cy = forms.CharField(
        label=_("Hint in Welsh (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Type of answer"),
        choices=[(kind.value, label) for kind, label in KIND_LABELS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the type of answer")},
    )
    choices = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
        help_text=_("Only for 'One of the options': one option on each line."),
    )
    required = forms.ChoiceField(
        label=_("Must suppliers answer it?"),
        choices=[("yes", _("Yes")), ("no", _("No, it is optional"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether suppliers must answer the question")},
    )
    rule = forms.ChoiceField(
        label=_("Automatic check"),
        choices=RULE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the automatic check, or no automatic check")},
    )
    passing = forms.CharField(
        label=_("Answers that pass"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
        help_text=_(
            "Only for a list of passing answers: one on each line, written as the options "
            "are; for a yes or no question, yes or no."
        ),
    )
    number = forms.DecimalField(
        label=_("Number to check against"),
        help_text=_("Only for 'at least' or 'at most'."),
        required=False,
        max_digits=16,
        decimal_places=2,
    )
    failure = forms.ChoiceField(
        label=_("If the answer fails the check"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select what a failed answer means")},
    )

    def __init__(self, *args: Any, regime_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        failure: forms.ChoiceField = self.fields["failure"]  # type: ignore[assignment]
        failure.choices = [
            (meaning.value, failure_text(meaning.value, regime_code)) for meaning in FailureMeaning
        ]

    @staticmethod
    def initial_for(question: dict[str, Any]) -> dict[str, Any]:
        rule = question.get("rule") or {}
        number = rule.get("number")
        return {
            "section": question.get("section", ""),
            "text": question.get("text", ""),
            "hint": question.get("hint", ""),
            "text_cy": question.get("text_cy", ""),
            "hint_cy": question.get("hint_cy", ""),
            "kind": question.get("kind"),
            "choices": "\n".join(question.get("choices") or []),
            "required": "yes" if question.get("required", True) else "no",
            "rule": rule.get("kind", NO_RULE),
            "passing": "\n".join(rule.get("values") or []),
            "number": Decimal(str(number)) if number is not None else None,
            "failure": question.get("failure", FailureMeaning.CONDITION.value),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = str(data.get("text") or "").strip()
        kind, rule = data.get("kind"), data.get("rule")
        if not text or not kind or not rule:
            return data
        named = {"question": text[:80]}
        options = _lines(data.get("choices") or "")
        if kind == QuestionKind.CHOICE and not options:
            self.add_error("choices", str(OPTIONS_NEEDED) % named)
        if rule == NO_RULE:
            return data
        rule_kind = RuleKind(rule)
        if kind not in FITTING_KINDS[rule_kind]:
            self.add_error("rule", str(RULE_DOES_NOT_FIT) % (named | {"fits": FITS[rule_kind]}))
            return data
        needs_number = rule_kind in {RuleKind.MIN, RuleKind.MAX}
        if needs_number and data.get("number") is None and "number" not in self.errors:
            self.add_error("number", str(NUMBER_NEEDED) % named)
        if rule_kind == RuleKind.IN_SET:
            self._check_passing(data, kind, options, named)
        return data

    def _check_passing(
        self, data: dict[str, Any], kind: str, options: list[str], named: dict[str, str]
    ) -> None:
        passing = _lines(data.get("passing") or "")
        allowed = ["yes", "no"] if kind == QuestionKind.YES_NO else options
        by_lower = {option.lower(): option for option in allowed}
        if not passing:
            self.add_error("passing", str(PASSING_NEEDED) % named)
            return
        for answer in passing:
            if answer.lower() not in by_lower:
                self.add_error("passing", str(PASSING_NOT_AN_OPTION) % (named | {"answer": answer}))
                return
        data["passing_values"] = [by_lower[answer.lower()] for answer in passing]

    def question(self) -> dict[str, Any]:
        """The question as questionnaire data (its id is the service's business)."""
        data = self.cleaned_data
        kind = data["kind"]
        question: dict[str, Any] = {
            "section": data["section"].strip(),
            "text": data["text"].strip(),
            "hint": data["hint"].strip(),
            "text_cy": data.get("text_cy", "").strip(),
            "hint_cy": data.get("hint_cy", "").strip(),
            "kind": kind,
            "choices": _lines(data["choices"]) if kind == QuestionKind.CHOICE else [],
            "required": data["required"] == "yes",
            "rule": None,
            "failure": data["failure"],
        }
        rule = data["rule"]
        if rule == RuleKind.IN_SET:
            question["rule"] = {"kind": rule, "values": data["passing_values"]}
        elif rule in {RuleKind.MIN, RuleKind.MAX}:
            question["rule"] = {"kind": rule, "number": str(data["number"])}
        elif rule == RuleKind.FILE_PRESENT:
            question["rule"] = {"kind": rule}
        return question


class MoveForm(GovukForm):
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[("up", _("Move up")), ("down", _("Move down"))],
    )
