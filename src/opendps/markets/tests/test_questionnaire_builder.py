"""The questionnaire builder: questions added, changed, moved and removed through GOV.UK
forms, each change a new audited version; errors name the question in words; only the
market's managers may build; PA 2023 conditions of membership stay fixed once established."""

from __future__ import annotations

import pytest

from opendps.core.errors import NotPermitted, RuleViolation
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.markets import services
from opendps.markets.models import QuestionnaireVersion
from opendps.markets.questionnaire import questionnaire_parse
from opendps.testing.factories import make_market
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(people):
    return make_market(people, publish=False)


def base(market, category):
    return f"/markets/{market.pk}/categories/{category.pk}"


def current(category):
    return category.questionnaire_versions.order_by("-version").first()


QUESTION = {
    "section": "Insurance",
    "text": "What is your public liability cover, in pounds?",
    "hint": "",
    "kind": "number",
    "choices": "",
    "required": "yes",
    "rule": "min",
    "passing": "",
    "number": "5000000",
    "failure": "condition",
}


def test_add_change_move_and_remove_a_question_each_a_new_audited_version(people, draft):
    category = draft.categories.get()
    client = client_for(people.commissioner)
    before = len(current(category).questions)

    assert client.get(f"{base(draft, category)}/questionnaire/builder").status_code == 200
    assert client.get(f"{base(draft, category)}/questions/new").status_code == 200
    response = client.post(f"{base(draft, category)}/questions/new", QUESTION)
    assert response.status_code == 302
    version = current(category)
    added = version.questions[-1]
    assert version.version == 2 and len(version.questions) == before + 1
    assert added["id"] == "what-is-your-public-liability-cover"
    assert added["rule"] == {"kind": "min", "values": [], "number": "5000000"}

    changed = QUESTION | {"rule": "max", "number": "10", "text": "How many staff?"}
    path = f"{base(draft, category)}/questions/{added['id']}"
    assert client.get(path).status_code == 200
    assert client.post(path, changed).status_code == 302
    version = current(category)
    assert version.questions[-1]["text"] == "How many staff?"
    assert version.questions[-1]["id"] == added["id"]  # its answers stay comparable

    move = f"{path}/move"
    assert client.post(move, {"direction": "up"}).status_code == 302
    assert current(category).questions[-2]["id"] == added["id"]

    assert client.get(f"{path}/remove").status_code == 200
    assert client.post(f"{path}/remove").status_code == 302
    version = current(category)
    assert added["id"] not in [q["id"] for q in version.questions]
    assert version.version == 5
    changes = [
        event.data["change"]
        for event in AuditEvent.objects.filter(
            event_type=AuditEventType.QUESTIONNAIRE_REVISED
        ).order_by("sequence")
    ]
    assert changes == ["question_added", "question_changed", "question_moved", "question_removed"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"text": ""}, "text", "Enter the question"),
        (
            {"kind": "choice", "rule": "none"},
            "choices",
            "Enter the options for “What is your public liability cover, in pounds?”, "
            "one on each line",
        ),
        (
            {"number": ""},
            "number",
            "Enter the number the answer to “What is your public liability cover, in pounds?” "
            "is checked against",
        ),
        (
            {"kind": "yes_no", "rule": "in", "passing": "maybe"},
            "passing",
            "“maybe” is not one of the options of “What is your public liability cover, in "
            "pounds?”: the answers that pass must be some of its options",
        ),
        (
            {"kind": "text"},
            "rule",
            "The automatic check for “What is your public liability cover, in pounds?” does not "
            "fit its answer type: an 'at least' check needs a number question",
        ),
        ({"kind": ""}, "kind", "Select the type of answer"),
        ({"number": "lots"}, "number", "Number to check against must be a number"),
    ],
)
def test_bad_questions_are_refused_naming_the_question_and_nothing_is_saved(
    people, draft, change, field, message
):
    category = draft.categories.get()
    response = client_for(people.commissioner).post(
        f"{base(draft, category)}/questions/new", QUESTION | change
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    assert message in text.replace("&#34;", '"').replace("&#39;", "'")
    assert f'href="#id_{field}"' in text  # the summary links to the box
    assert QuestionnaireVersion.objects.filter(category=category).count() == 1


def test_a_yes_no_pass_list_is_matched_whatever_the_case(people, draft):
    category = draft.categories.get()
    question = QUESTION | {
        "text": "Do you hold employer's liability insurance?",
        "kind": "yes_no",
        "rule": "in",
        "passing": "Yes",
        "number": "",
        "failure": "mandatory_exclusion",
    }
    client = client_for(people.commissioner)
    assert client.post(f"{base(draft, category)}/questions/new", question).status_code == 302
    saved = current(category).questions[-1]
    assert saved["rule"]["values"] == ["yes"]
    assert saved["failure"] == "mandatory_exclusion"


def test_preview_shows_the_questions_as_suppliers_see_them(people, draft):
    category = draft.categories.get()
    page = client_for(people.commissioner).get(f"{base(draft, category)}/questionnaire/preview")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Nothing can be sent from this page" in text
    first = current(category).questions[0]
    assert first["text"].split("'")[0][:30] in text.replace("&#39;", "'")
    assert f'name="{first["id"]}"' in text


@pytest.mark.parametrize("role", ["buyer", "evaluator", "supplier_a_admin", "other_buyer"])
def test_only_the_markets_managers_may_build(people, draft, role):
    category = draft.categories.get()
    client = client_for(people.by_name(role))
    for path in (
        f"{base(draft, category)}/questionnaire/builder",
        f"{base(draft, category)}/questionnaire/preview",
        f"{base(draft, category)}/questions/new",
    ):
        assert client.get(path).status_code in {403, 404}
    assert client.post(f"{base(draft, category)}/questions/new", QUESTION).status_code in {
        403,
        404,
    }
    with pytest.raises(NotPermitted):
        services.questionnaire_question_save(
            actor=people.by_name(role),
            category=category,
            question={"text": "x", "kind": "text"},
        )
    assert QuestionnaireVersion.objects.filter(category=category).count() == 1


def test_pa_conditions_of_membership_cannot_be_built_once_established(people):
    market = make_market(people, regime="pa2023_dynamic_market")
    category = market.categories.get()
    client = client_for(people.commissioner)
    page = client.get(f"{base(market, category)}/questionnaire").content.decode()
    assert "Change the questions" not in page
    response = client.post(f"{base(market, category)}/questions/new", QUESTION)
    assert "cannot be changed once the market has been established" in response.content.decode()
    with pytest.raises(RuleViolation):
        services.questionnaire_question_remove(
            actor=people.commissioner,
            category=category,
            question_id=current(category).questions[0]["id"],
        )
    assert QuestionnaireVersion.objects.filter(category=category).count() == 1


def test_the_last_question_cannot_be_removed(people):
    market = make_market(people, publish=False)
    category = market.categories.get()
    services.questionnaire_revise(
        actor=people.commissioner,
        category=category,
        questions=[{"id": "only", "text": "Only question", "kind": "text"}],
    )
    with pytest.raises(RuleViolation, match="at least one question"):
        services.questionnaire_question_remove(
            actor=people.commissioner, category=category, question_id="only"
        )


def test_questionnaire_data_errors_name_the_question_in_words():
    with pytest.raises(RuleViolation) as caught:
        questionnaire_parse(
            [
                {"id": "a", "text": "Fine", "kind": "text"},
                {"id": "b", "text": "Pick one", "kind": "choice"},
            ]
        )
    assert "Question 2 (“Pick one”): a question answered by choosing needs its options" in str(
        caught.value
    )
