"""The supplier's application page starts with the decision: on a rejection, the reasons
(each with its question) and what to do next come before the answers."""

from __future__ import annotations

import pytest

from opendps.membership import services
from opendps.testing.factories import apply, make_market
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db

REASON = "Your turnover is below the minimum for this category."


def test_a_rejection_shows_the_reasons_and_next_steps_first(people):
    market = make_market(people)
    (application,) = apply(people, market)
    services.application_decide(
        actor=people.evaluator,
        application=application,
        outcome="rejected",
        reasons={"p3.turnover": REASON},
        note="Do apply again next year.",
    )
    page = client_for(people.supplier_a_admin).get(f"/applications/{application.pk}")
    text = page.content.decode()
    banner = text.index("Your application was not successful")
    assert banner < text.index(REASON) < text.index("What you can do next")
    # The reasons and next steps sit above the summary and the answers, not below them.
    assert text.index("What you can do next") < text.index("Questionnaire version")
    question = application.questionnaire.questions
    turnover = next(q["text"] for q in question if q["id"] == "p3.turnover")
    assert banner < text.index(turnover.replace("'", "&#39;")) < text.index("Questionnaire version")
    assert f'href="/markets/{market.pk}/apply"' in text
    assert "Do apply again next year." in text


def test_an_admission_says_so_first(people):
    market = make_market(people)
    (application,) = apply(people, market)
    services.application_decide(actor=people.evaluator, application=application, outcome="admitted")
    text = client_for(people.supplier_a_admin).get(f"/applications/{application.pk}").content
    page = text.decode()
    assert page.index("You are admitted") < page.index("Questionnaire version")
    assert "not successful" not in page
