"""The evaluator's queue: filters by status, category and failed automatic checks; one
supplier's applications to several categories assessed together; time limits in words."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from opendps.core.calendar import LONDON
from opendps.core.errors import NotPermitted, RuleViolation
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.membership import selectors, services
from opendps.membership.models import Application, CategoryMember
from opendps.testing.factories import apply, make_market
from opendps.testing.fixtures import client_for
from opendps.web.due import due_in_working_days

pytestmark = pytest.mark.django_db

CATEGORIES = ("CV and job search support", "Confidence and motivation")


@pytest.fixture
def market(people):
    return make_market(people, categories=CATEGORIES)


@pytest.fixture
def waiting(people, market):
    """Supplier A applies to both categories (all checks pass); supplier B to the first,
    failing two discretionary grounds."""
    a = apply(people, market)
    first = market.categories.get(title=CATEGORIES[0])
    (b,) = apply(
        people,
        market,
        actor=people.supplier_b_admin,
        supplier=people.supplier_b,
        categories=[first],
        overrides={"p2.insolvency": "yes", "p2.misconduct": "yes"},
    )
    return a, b


def test_failed_checks_are_counted_when_an_application_is_sent(waiting):
    (a1, a2), b = waiting
    assert (a1.failed_checks, a2.failed_checks) == (0, 0)
    assert b.failed_checks == 2


def test_the_queue_filters_by_status_category_and_failed_checks(people, market, waiting):
    (a1, a2), b = waiting
    evaluator = people.evaluator

    def ids(**filters):
        return {a.pk for a in selectors.application_queue_for_evaluator(evaluator, **filters)}

    assert ids() == {a1.pk, a2.pk, b.pk}
    same = {x.pk for x in (a1, a2, b) if x.category_id == b.category_id}
    assert ids(category_id=b.category_id) == same and len(same) == 2
    assert ids(failed_checks=0) == {a1.pk, a2.pk}
    assert ids(failed_checks=1) == {b.pk}
    assert ids(failed_checks=3) == set()
    assert ids(overdue=True) == set()
    with time_machine.travel(b.assessment_due_at + timedelta(seconds=1), tick=False):
        assert ids(overdue=True) == {a1.pk, a2.pk, b.pk}
        assert ids(overdue=False) == set()
    # Another authority's evaluator sees none of them, whatever the filter.
    assert not selectors.application_queue_for_evaluator(people.other_buyer, failed_checks=0)


def test_the_queue_page_filters_and_offers_to_assess_a_suppliers_applications_together(
    people, market, waiting
):
    (_a1, a2), _b = waiting
    client = client_for(people.evaluator)
    page = client.get("/assessment").content.decode()
    assert "Assess with 1 other application" in page
    assert f"/assessment/suppliers/{people.supplier_a.pk}" in page
    filtered = client.get("/assessment", {"failed": "1"}).content.decode()
    assert people.supplier_b.name in filtered and people.supplier_a.name not in filtered
    by_category = client.get("/assessment", {"category": str(a2.category_id)}).content.decode()
    assert people.supplier_b.name not in by_category
    bad = client.get("/assessment", {"failed": "lots"})
    assert bad.status_code == 200  # an unknown filter value lists everything, not a 500


def test_one_decision_admits_a_supplier_to_several_categories(people, market, waiting, mailbox):
    (a1, a2), _b = waiting
    client = client_for(people.evaluator)
    path = f"/assessment/suppliers/{people.supplier_a.pk}"
    page = client.get(path).content.decode()
    assert CATEGORIES[0] in page and CATEGORIES[1] in page
    none_chosen = client.post(path, {"outcome": "admitted"}).content.decode()
    assert "Select the applications to decide" in none_chosen
    response = client.post(path, {"applications": [a1.pk, a2.pk], "outcome": "admitted"})
    assert response.status_code == 302
    assert CategoryMember.objects.filter(supplier=people.supplier_a).count() == 2
    assert AuditEvent.objects.filter(event_type=AuditEventType.APPLICATION_ADMITTED).count() == 2


def test_a_grouped_decision_is_all_or_nothing_and_names_the_category(people, market):
    first, second = market.categories.all()
    (good,) = apply(people, market, categories=[first])
    (bad,) = apply(people, market, categories=[second], overrides={"p2.corruption": "yes"})
    with pytest.raises(RuleViolation) as refused:
        services.application_decide_group(
            actor=people.evaluator,
            applications=[good, bad],
            outcome="admitted",
            reason="Checked with the supplier",
        )
    assert str(refused.value).startswith(f"{second.title}: ")
    assert not Application.objects.filter(decided_at__isnull=False).exists()
    assert not CategoryMember.objects.exists()


def test_a_grouped_decision_needs_the_authoritys_assessor(people, market, waiting):
    (a1, a2), _b = waiting
    with pytest.raises(NotPermitted):
        services.application_decide_group(
            actor=people.other_buyer, applications=[a1, a2], outcome="admitted"
        )
    response = client_for(people.supplier_a_admin).get(
        f"/assessment/suppliers/{people.supplier_a.pk}"
    )
    assert response.status_code in {403, 404}
    assert not Application.objects.filter(decided_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("now", "due", "text", "overdue"),
    [
        # Friday 5 March 2027 noon; due the next Wednesday: Mon, Tue, Wed.
        ((2027, 3, 5, 12), (2027, 3, 10, 23), "3 working days left", False),
        ((2027, 3, 5, 12), (2027, 3, 8, 23), "1 working day left", False),
        ((2027, 3, 5, 12), (2027, 3, 5, 23), "Due today", False),
        ((2027, 3, 5, 12), (2027, 3, 5, 9), "Overdue: it was due earlier today", True),
        # Due Thursday 4 March; on Monday 8 March it is late by Fri and Mon.
        ((2027, 3, 8, 12), (2027, 3, 4, 23), "Overdue by 2 working days", True),
        ((2027, 3, 5, 12), (2027, 3, 4, 23), "Overdue by 1 working day", True),
        # Easter 2027: Good Friday 26 March and Easter Monday 29 March are not counted.
        ((2027, 3, 30, 12), (2027, 3, 25, 23), "Overdue by 1 working day", True),
    ],
)
def test_time_limits_say_how_long_is_left_or_how_late_in_working_days(now, due, text, overdue):
    def at(parts):
        return datetime(*parts, tzinfo=LONDON)

    result = due_in_working_days(at(now), at(due), "england_wales")
    assert (result.text, result.overdue) == (text, overdue)
