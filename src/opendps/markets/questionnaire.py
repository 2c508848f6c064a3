"""Selection questionnaires as versioned data, and their automatic assessment.

A questionnaire is a list of questions. Each may carry a rule that decides pass or fail
without a person (answer in a set, number at least / at most, file present) and says what a
failure means: a mandatory exclusion ground, a discretionary one (the evaluator decides),
or a failed selection criterion / condition of membership. Pure code: no database.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field, ValidationError, model_validator

from opendps.core.errors import RuleViolation

CHOICES_NEEDED = _("a question answered by choosing needs its options")
RULE_DOES_NOT_FIT = _(
    "its automatic check does not fit its answer type (a list of passing answers needs a "
    "yes or no or options question, at least or at most a number, a file check a file)"
)
RULE_NEEDS_NUMBER = _("an 'at least' or 'at most' check needs a number")
RULE_NEEDS_ANSWERS = _("the passing answers must be some of the question's own options")
IDS_NOT_UNIQUE = _("two questions have the same id")
QUESTION_INVALID = _("Question %(number)d (“%(question)s”): %(error)s")
QUESTION_FIELD_INVALID = _("Question %(number)d (“%(question)s”), %(field)s: %(error)s")


class QuestionKind(StrEnum):
    YES_NO = "yes_no"
    CHOICE = "choice"
    TEXT = "text"
    NUMBER = "number"
    FILE = "file"


class FailureMeaning(StrEnum):
    MANDATORY_EXCLUSION = "mandatory_exclusion"
    DISCRETIONARY_EXCLUSION = "discretionary_exclusion"
    CONDITION = "condition"  # a selection criterion (PCR) or condition of membership (PA)


class RuleKind(StrEnum):
    IN_SET = "in"
    MIN = "min"
    MAX = "max"
    FILE_PRESENT = "file_present"


class Rule(BaseModel):
    kind: RuleKind
    values: list[str] = Field(default_factory=list)  # IN_SET: the passing answers
    number: Decimal | None = None  # MIN / MAX


class Question(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9_.-]{1,40}$")
    section: str = ""
    text: str = Field(min_length=1, max_length=2000)
    hint: str = ""
    # Welsh versions (optional): Welsh pages fall back to the English, marked lang="en".
    text_cy: str = Field(default="", max_length=2000)
    hint_cy: str = ""
    kind: QuestionKind
    choices: list[str] = Field(default_factory=list)
    required: bool = True
    rule: Rule | None = None
    failure: FailureMeaning = FailureMeaning.CONDITION

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        if self.kind == QuestionKind.CHOICE and not self.choices:
            raise ValueError(str(CHOICES_NEEDED))
        if self.rule is not None:
            allowed = {
                RuleKind.IN_SET: {QuestionKind.YES_NO, QuestionKind.CHOICE},
                RuleKind.MIN: {QuestionKind.NUMBER},
                RuleKind.MAX: {QuestionKind.NUMBER},
                RuleKind.FILE_PRESENT: {QuestionKind.FILE},
            }[self.rule.kind]
            if self.kind not in allowed:
                raise ValueError(str(RULE_DOES_NOT_FIT))
            if self.rule.kind in {RuleKind.MIN, RuleKind.MAX} and self.rule.number is None:
                raise ValueError(str(RULE_NEEDS_NUMBER))
            if self.rule.kind == RuleKind.IN_SET:
                unknown = set(self.rule.values) - set(self.options())
                if unknown or not self.rule.values:
                    raise ValueError(str(RULE_NEEDS_ANSWERS))
        return self

    def options(self) -> list[str]:
        return ["yes", "no"] if self.kind == QuestionKind.YES_NO else self.choices


class Questionnaire(BaseModel):
    questions: list[Question]

    @model_validator(mode="after")
    def _unique_ids(self) -> Questionnaire:
        ids = [q.id for q in self.questions]
        if len(ids) != len(set(ids)):
            raise ValueError(str(IDS_NOT_UNIQUE))
        return self

    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}


QUESTIONNAIRE_INVALID = _("The questionnaire is not valid: %(errors)s")
ANSWER_REQUIRED = _("Answer the question: %(question)s")
ANSWER_NOT_A_CHOICE = _("Choose one of the options for: %(question)s")
ANSWER_NOT_A_NUMBER = _("Enter a number for: %(question)s")
ANSWER_TOO_LONG = _("The answer is too long (10,000 characters at most) for: %(question)s")
ANSWER_UNKNOWN_QUESTION = _("There is no question '%(question)s' in this questionnaire.")
FILE_REQUIRED = _("Upload a file for: %(question)s")

MAX_TEXT_ANSWER = 10_000
# 1,500 or 5,000,000.50: commas only where they group thousands.
THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def questionnaire_parse(data: Any) -> Questionnaire:
    """Validate questionnaire data (from a template, a form or the API): a list of
    questions, or a mapping with a ``questions`` list."""
    if isinstance(data, list):
        data = {"questions": data}
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as error:
        questions = data.get("questions") if isinstance(data, dict) else None
        errors = "; ".join(_error_text(e, questions) for e in error.errors())
        raise RuleViolation(
            QUESTIONNAIRE_INVALID, code="questionnaire_invalid", errors=errors
        ) from None


def _error_text(error: Any, questions: Any) -> str:
    """One validation error in words, naming the question by its number and text."""
    loc = list(error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        number = loc[1]
        text = ""
        if isinstance(questions, list) and number < len(questions):
            item = questions[number]
            text = str(item.get("text") or item.get("id") or "") if isinstance(item, dict) else ""
        params = {"number": number + 1, "question": text[:80], "error": message}
        if len(loc) > 2:
            field = ".".join(str(part) for part in loc[2:])
            return str(QUESTION_FIELD_INVALID) % (params | {"field": field})
        return str(QUESTION_INVALID) % params
    return message


def answers_clean(
    questionnaire: Questionnaire, answers: dict[str, Any], files: set[str]
) -> dict[str, Any]:
    """Check each answer has the question's type; return them normalised.

    ``files`` are the ids of file questions that have an uploaded file. Raises
    ``RuleViolation`` naming the first question whose answer is wrong.
    """
    questions = questionnaire.by_id()
    for question_id in answers:
        if question_id not in questions:
            raise RuleViolation(ANSWER_UNKNOWN_QUESTION, question=question_id)
    clean: dict[str, Any] = {}
    for question in questionnaire.questions:
        raw = answers.get(question.id)
        blank = raw is None or (isinstance(raw, str) and not raw.strip())
        if question.kind == QuestionKind.FILE:
            if question.required and question.id not in files:
                raise RuleViolation(FILE_REQUIRED, question=question.text)
            continue
        if blank:
            if question.required:
                raise RuleViolation(ANSWER_REQUIRED, question=question.text)
            continue
        clean[question.id] = _clean_one(question, raw)
    return clean


def _clean_one(question: Question, raw: Any) -> Any:
    if question.kind in {QuestionKind.YES_NO, QuestionKind.CHOICE}:
        value = str(raw).strip()
        if question.kind == QuestionKind.YES_NO:
            value = value.lower()
        if value not in question.options():
            raise RuleViolation(ANSWER_NOT_A_CHOICE, question=question.text)
        return value
    if question.kind == QuestionKind.NUMBER:
        if isinstance(raw, bool):
            raise RuleViolation(ANSWER_NOT_A_NUMBER, question=question.text)
        text = str(raw).strip().lstrip("£").strip()
        if THOUSANDS.match(text):
            text = text.replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise RuleViolation(ANSWER_NOT_A_NUMBER, question=question.text) from None
        if not number.is_finite() or "E" in str(number).upper():
            raise RuleViolation(ANSWER_NOT_A_NUMBER, question=question.text)
        return str(number)
    text = str(raw).strip()
    if len(text) > MAX_TEXT_ANSWER:
        raise RuleViolation(ANSWER_TOO_LONG, question=question.text)
    return text


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    MANUAL = "manual"  # no rule: a person assesses it


def assess(
    questionnaire: Questionnaire, answers: dict[str, Any], files: set[str]
) -> dict[str, dict[str, str]]:
    """The automatic assessment: question id → {"outcome", "failure"} for every question.

    ``answers`` must be the output of ``answers_clean`` (normalised values)."""
    result: dict[str, dict[str, str]] = {}
    for question in questionnaire.questions:
        outcome = _assess_one(question, answers.get(question.id), question.id in files)
        result[question.id] = {"outcome": outcome, "failure": question.failure}
    return result


def _assess_one(question: Question, answer: Any, has_file: bool) -> Outcome:
    rule = question.rule
    if rule is None:
        return Outcome.MANUAL
    if rule.kind == RuleKind.FILE_PRESENT:
        passed = has_file
    elif answer is None:
        passed = False
    elif rule.kind == RuleKind.IN_SET:
        passed = answer in rule.values
    else:
        assert rule.number is not None
        number = Decimal(answer)
        passed = number >= rule.number if rule.kind == RuleKind.MIN else number <= rule.number
    return Outcome.PASS if passed else Outcome.FAIL


def mandatory_exclusion_failed(assessment: dict[str, dict[str, str]]) -> bool:
    return any(
        item["outcome"] == Outcome.FAIL and item["failure"] == FailureMeaning.MANDATORY_EXCLUSION
        for item in assessment.values()
    )


def failed_questions(assessment: dict[str, dict[str, str]]) -> list[str]:
    return [qid for qid, item in assessment.items() if item["outcome"] == Outcome.FAIL]
