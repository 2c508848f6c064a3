"""The questionnaire templates, and the questionnaire validation and assessment they rely on.

Pure tests: no database.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from opendps.core.errors import RuleViolation
from opendps.markets.questionnaire import (
    FailureMeaning,
    Outcome,
    QuestionKind,
    Questionnaire,
    RuleKind,
    answers_clean,
    assess,
    failed_questions,
    mandatory_exclusion_failed,
    questionnaire_parse,
)
from opendps.markets.questionnaire_templates import (
    EMPLOYERS_LIABILITY_MINIMUM,
    TEMPLATES,
    pa2023_psq,
    pcr2015_standard_sq,
    template_for,
)

BUILDERS = [pcr2015_standard_sq, pa2023_psq]
SAFEGUARDING_SUFFIXES = ("safeguarding_policy", "enhanced_dbs", "safeguarding_lead")


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


def parsed(builder: Any, *, vulnerable_people: bool = True) -> Questionnaire:
    return questionnaire_parse(builder(vulnerable_people=vulnerable_people))


def tiny(*questions: dict[str, Any]) -> dict[str, Any]:
    return {"questions": list(questions)}


# --- the templates ------------------------------------------------------------------------


@pytest.mark.parametrize("vulnerable_people", [True, False])
@pytest.mark.parametrize("builder", BUILDERS)
def test_template_parses_with_unique_ids(builder: Any, vulnerable_people: bool) -> None:
    data = builder(vulnerable_people=vulnerable_people)
    questionnaire = questionnaire_parse(data)
    ids = [q.id for q in questionnaire.questions]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9_.-]{1,40}", qid) for qid in ids)
    assert all(q.section and q.text for q in questionnaire.questions)


@pytest.mark.parametrize("builder", BUILDERS)
def test_rule_values_are_answers_the_question_allows(builder: Any) -> None:
    for question in parsed(builder).questions:
        if question.rule is not None and question.rule.kind == RuleKind.IN_SET:
            assert question.rule.values
            assert set(question.rule.values) <= set(question.options()), question.id


@pytest.mark.parametrize("builder", BUILDERS)
def test_safeguarding_only_where_services_reach_vulnerable_people(builder: Any) -> None:
    def safeguarding_ids(questionnaire: Questionnaire) -> set[str]:
        return {q.id for q in questionnaire.questions if q.id.endswith(SAFEGUARDING_SUFFIXES)}

    with_safeguarding = parsed(builder, vulnerable_people=True)
    without = parsed(builder, vulnerable_people=False)
    assert len(safeguarding_ids(with_safeguarding)) == 3
    assert safeguarding_ids(without) == set()
    assert not any("safeguard" in q.section.lower() for q in without.questions)
    by_id = with_safeguarding.by_id()
    policy = next(qid for qid in safeguarding_ids(with_safeguarding) if "policy" in qid)
    dbs = next(qid for qid in safeguarding_ids(with_safeguarding) if "dbs" in qid)
    assert by_id[policy].kind == QuestionKind.FILE
    assert by_id[policy].rule is not None
    assert by_id[policy].rule.kind == RuleKind.FILE_PRESENT
    assert by_id[dbs].rule is not None
    assert by_id[dbs].rule.values == ["yes"]


@pytest.mark.parametrize("vulnerable_people", [True, False])
@pytest.mark.parametrize("builder", BUILDERS)
def test_good_answers_pass_everything(builder: Any, vulnerable_people: bool) -> None:
    questionnaire = parsed(builder, vulnerable_people=vulnerable_people)
    answers, files = good_answers(questionnaire)
    clean = answers_clean(questionnaire, answers, files)
    assessment = assess(questionnaire, clean, files)
    assert set(assessment) == {q.id for q in questionnaire.questions}
    assert failed_questions(assessment) == []
    assert not mandatory_exclusion_failed(assessment)
    assert any(item["outcome"] == Outcome.PASS for item in assessment.values())


def test_fresh_copy_each_call() -> None:
    first = pcr2015_standard_sq(vulnerable_people=False)
    first["questions"].clear()
    assert pcr2015_standard_sq(vulnerable_people=False)["questions"]


def test_pcr2015_structure() -> None:
    questionnaire = parsed(pcr2015_standard_sq)
    by_id = questionnaire.by_id()
    assert {q.section for q in questionnaire.questions} >= {
        "Part 1: Supplier information",
        "Part 2: Mandatory exclusion grounds",
        "Part 2: Discretionary exclusion grounds",
    }
    assert by_id["p1.sme_status"].choices == ["micro", "small", "medium", "large"]
    assert by_id["p1.sme_status"].rule is None
    assert by_id["p1.vcse"].rule is None
    assert not by_id["p1.registration_number"].required
    assert not by_id["p1.vat_number"].required
    assert not by_id["p1.subcontractor_names"].required
    assert by_id["p1.legal_name"].required
    for qid in [
        "p2.criminal_organisation",
        "p2.corruption",
        "p2.fraud",
        "p2.terrorism",
        "p2.money_laundering",
        "p2.modern_slavery",
        "p2.tax",
    ]:
        assert by_id[qid].failure == FailureMeaning.MANDATORY_EXCLUSION
        assert by_id[qid].rule is not None
        assert by_id[qid].rule.values == ["no"]
    for qid in [
        "p2.insolvency",
        "p2.misconduct",
        "p2.competition",
        "p2.conflict_of_interest",
        "p2.prior_contract",
        "p2.misrepresentation",
    ]:
        assert by_id[qid].failure == FailureMeaning.DISCRETIONARY_EXCLUSION
        assert by_id[qid].rule is not None
        assert by_id[qid].rule.values == ["no"]
    assert "convicted of corruption" in by_id["p2.corruption"].text
    slavery = by_id["p3.modern_slavery"]
    assert slavery.rule is not None
    assert slavery.rule.values == ["not applicable", "yes, compliant"]
    assert by_id["p3.turnover"].rule is None
    assert by_id["p3.contract_example_1"].rule is None


def test_pa2023_structure() -> None:
    by_id = parsed(pa2023_psq).by_id()
    assert by_id["cdp.share_code"].kind == QuestionKind.TEXT
    assert by_id["cdp.supplier_id"].kind == QuestionKind.TEXT
    assert "subcontractor" in by_id["ex.debarment"].text
    assert by_id["ex.debarment"].failure == FailureMeaning.MANDATORY_EXCLUSION
    assert by_id["ex.mandatory_grounds"].failure == FailureMeaning.MANDATORY_EXCLUSION
    assert by_id["ex.discretionary_grounds"].failure == FailureMeaning.DISCRETIONARY_EXCLUSION
    assert by_id["com.terms"].rule is not None
    assert by_id["com.terms"].rule.values == ["yes"]
    # No part 1 supplier information: that is on the Central Digital Platform.
    assert "p1.legal_name" not in by_id


def test_template_for_each_regime() -> None:
    assert set(TEMPLATES) == {"pcr2015_dps", "pa2023_dynamic_market"}
    assert template_for("pcr2015_dps", vulnerable_people=False) == pcr2015_standard_sq(
        vulnerable_people=False
    )
    assert template_for("pa2023_dynamic_market", vulnerable_people=True) == pa2023_psq(
        vulnerable_people=True
    )
    with pytest.raises(RuleViolation) as raised:
        template_for("ojeu_1999", vulnerable_people=False)
    assert "ojeu_1999" in str(raised.value)


# --- assessing answers to the templates ---------------------------------------------------


def test_corruption_conviction_is_a_mandatory_exclusion() -> None:
    questionnaire = parsed(pcr2015_standard_sq)
    answers, files = good_answers(questionnaire)
    answers["p2.corruption"] = "Yes"
    assessment = assess(questionnaire, answers_clean(questionnaire, answers, files), files)
    assert assessment["p2.corruption"] == {
        "outcome": Outcome.FAIL,
        "failure": FailureMeaning.MANDATORY_EXCLUSION,
    }
    assert mandatory_exclusion_failed(assessment)
    assert failed_questions(assessment) == ["p2.corruption"]


def test_schedule_6_ground_is_a_mandatory_exclusion() -> None:
    questionnaire = parsed(pa2023_psq)
    answers, files = good_answers(questionnaire)
    answers["ex.mandatory_grounds"] = "yes"
    assessment = assess(questionnaire, answers_clean(questionnaire, answers, files), files)
    assert assessment["ex.mandatory_grounds"]["outcome"] == Outcome.FAIL
    assert mandatory_exclusion_failed(assessment)


def test_discretionary_ground_fails_without_being_mandatory() -> None:
    questionnaire = parsed(pcr2015_standard_sq)
    answers, files = good_answers(questionnaire)
    answers["p2.insolvency"] = "yes"
    assessment = assess(questionnaire, answers_clean(questionnaire, answers, files), files)
    assert assessment["p2.insolvency"] == {
        "outcome": Outcome.FAIL,
        "failure": FailureMeaning.DISCRETIONARY_EXCLUSION,
    }
    assert not mandatory_exclusion_failed(assessment)


@pytest.mark.parametrize(
    ("builder", "qid"),
    [(pcr2015_standard_sq, "p3.employers_liability"), (pa2023_psq, "com.employers_liability")],
)
def test_insurance_below_the_minimum_fails_a_condition(builder: Any, qid: str) -> None:
    questionnaire = parsed(builder)
    answers, files = good_answers(questionnaire)
    answers[qid] = f"{EMPLOYERS_LIABILITY_MINIMUM - 1:,}"
    assessment = assess(questionnaire, answers_clean(questionnaire, answers, files), files)
    assert assessment[qid] == {"outcome": Outcome.FAIL, "failure": FailureMeaning.CONDITION}
    assert failed_questions(assessment) == [qid]
    assert not mandatory_exclusion_failed(assessment)

    answers[qid] = f"{EMPLOYERS_LIABILITY_MINIMUM:,}"
    assessment = assess(questionnaire, answers_clean(questionnaire, answers, files), files)
    assert assessment[qid]["outcome"] == Outcome.PASS


def test_missing_insurance_certificate_fails_a_condition_when_optional() -> None:
    data = tiny(
        {
            "id": "cert",
            "text": "Upload it",
            "kind": "file",
            "required": False,
            "rule": {"kind": "file_present"},
        }
    )
    questionnaire = questionnaire_parse(data)
    assert answers_clean(questionnaire, {}, set()) == {}
    assert assess(questionnaire, {}, set())["cert"]["outcome"] == Outcome.FAIL
    assert assess(questionnaire, {}, {"cert"})["cert"]["outcome"] == Outcome.PASS


def test_number_question_rejects_words_naming_the_question() -> None:
    questionnaire = parsed(pcr2015_standard_sq)
    answers, files = good_answers(questionnaire)
    answers["p3.public_liability"] = "plenty"
    with pytest.raises(RuleViolation) as raised:
        answers_clean(questionnaire, answers, files)
    assert questionnaire.by_id()["p3.public_liability"].text in str(raised.value)


def test_choice_question_rejects_a_value_outside_the_choices() -> None:
    questionnaire = parsed(pcr2015_standard_sq)
    answers, files = good_answers(questionnaire)
    answers["p1.sme_status"] = "enormous"
    with pytest.raises(RuleViolation) as raised:
        answers_clean(questionnaire, answers, files)
    assert questionnaire.by_id()["p1.sme_status"].text in str(raised.value)


def test_required_answer_missing_names_the_question() -> None:
    questionnaire = parsed(pa2023_psq)
    answers, files = good_answers(questionnaire)
    answers["cdp.share_code"] = "   "
    with pytest.raises(RuleViolation) as raised:
        answers_clean(questionnaire, answers, files)
    assert questionnaire.by_id()["cdp.share_code"].text in str(raised.value)


def test_optional_blank_answers_are_left_out() -> None:
    questionnaire = parsed(pcr2015_standard_sq)
    answers, files = good_answers(questionnaire)
    answers["p1.vat_number"] = ""
    del answers["p1.registration_number"]
    clean = answers_clean(questionnaire, answers, files)
    assert "p1.vat_number" not in clean
    assert "p1.registration_number" not in clean


# --- questionnaire.py itself ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "rule"),
    [
        ("yes_no", {"kind": "min", "number": "1"}),
        ("number", {"kind": "in", "values": ["1"]}),
        ("text", {"kind": "file_present"}),
        ("file", {"kind": "in", "values": ["yes"]}),
        ("number", {"kind": "max"}),  # a max rule without a number
    ],
)
def test_rule_that_does_not_fit_the_question_is_rejected(kind: str, rule: dict[str, Any]) -> None:
    data = tiny({"id": "q1", "text": "Question?", "kind": kind, "rule": rule})
    with pytest.raises(RuleViolation) as raised:
        questionnaire_parse(data)
    assert raised.value.code == "questionnaire_invalid"


def test_choice_question_without_choices_is_rejected() -> None:
    with pytest.raises(RuleViolation):
        questionnaire_parse(tiny({"id": "q1", "text": "Which?", "kind": "choice"}))


@pytest.mark.parametrize("qid", ["Q1", "has space", "", "x" * 41])
def test_bad_question_id_is_rejected(qid: str) -> None:
    with pytest.raises(RuleViolation):
        questionnaire_parse(tiny({"id": qid, "text": "Question?", "kind": "text"}))


def test_duplicate_question_ids_are_rejected() -> None:
    data = tiny(
        {"id": "q1", "text": "First?", "kind": "text"},
        {"id": "q1", "text": "Second?", "kind": "yes_no"},
    )
    with pytest.raises(RuleViolation) as raised:
        questionnaire_parse(data)
    assert "two questions have the same id" in str(raised.value)


def test_answer_to_an_unknown_question_is_rejected() -> None:
    questionnaire = questionnaire_parse(tiny({"id": "q1", "text": "Name?", "kind": "text"}))
    with pytest.raises(RuleViolation) as raised:
        answers_clean(questionnaire, {"q1": "A", "q9": "B"}, set())
    assert "q9" in str(raised.value)


NUMBER = tiny(
    {
        "id": "n",
        "text": "How much?",
        "kind": "number",
        "rule": {"kind": "max", "number": "2000"},
    }
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,500", "1500"),
        (" 1500 ", "1500"),
        ("1500.50", "1500.50"),
        (1500, "1500"),
        ("-3", "-3"),
        ("£5,000,000", "5000000"),
        ("£5", "5"),
    ],
)
def test_number_answers_are_normalised(raw: Any, expected: str) -> None:
    questionnaire = questionnaire_parse(NUMBER)
    assert answers_clean(questionnaire, {"n": raw}, set()) == {"n": expected}


@pytest.mark.parametrize(
    "raw", ["NaN", "nan", "inf", "-Infinity", "sNaN", "lots", True, "1,5", "1e5", "12,34,567"]
)
def test_number_answers_that_are_not_finite_numbers_are_rejected(raw: Any) -> None:
    questionnaire = questionnaire_parse(NUMBER)
    with pytest.raises(RuleViolation) as raised:
        answers_clean(questionnaire, {"n": raw}, set())
    assert "How much?" in str(raised.value)


def test_an_in_rule_must_use_the_questions_own_answers() -> None:
    """'Yes' can never match a lowercased yes/no answer, so it is refused up front."""
    bad = {
        "questions": [
            {"id": "q", "text": "Q?", "kind": "yes_no", "rule": {"kind": "in", "values": ["Yes"]}}
        ]
    }
    with pytest.raises(RuleViolation) as raised:
        questionnaire_parse(bad)
    assert "Question 1 (“Q?”): the passing answers must be some of the question's own" in str(
        raised.value
    )


def test_max_rule() -> None:
    questionnaire = questionnaire_parse(NUMBER)
    assert assess(questionnaire, {"n": "2000"}, set())["n"]["outcome"] == Outcome.PASS
    assert assess(questionnaire, {"n": "2000.01"}, set())["n"]["outcome"] == Outcome.FAIL
    assert assess(questionnaire, {}, set())["n"]["outcome"] == Outcome.FAIL


def test_required_file_missing_is_rejected() -> None:
    questionnaire = questionnaire_parse(
        tiny({"id": "policy", "text": "Upload your policy", "kind": "file"})
    )
    with pytest.raises(RuleViolation) as raised:
        answers_clean(questionnaire, {}, set())
    assert "Upload your policy" in str(raised.value)
    assert answers_clean(questionnaire, {}, {"policy"}) == {}


def test_yes_no_is_case_insensitive_and_question_without_rule_is_manual() -> None:
    questionnaire = questionnaire_parse(tiny({"id": "q", "text": "VCSE?", "kind": "yes_no"}))
    clean = answers_clean(questionnaire, {"q": " YES "}, set())
    assert clean == {"q": "yes"}
    assert assess(questionnaire, clean, set())["q"]["outcome"] == Outcome.MANUAL
    with pytest.raises(RuleViolation):
        answers_clean(questionnaire, {"q": "maybe"}, set())
