"""Reads a competition page makes about a call it already holds: each selector gives the
person only what they may see of that call, and planned calls only their own authority's
live ones."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from opendps.competitions import selectors, services
from opendps.competitions.models import PlannedCall
from opendps.competitions.tests.test_views import live, score_and_award
from opendps.core import clock
from opendps.core.errors import NotFound
from opendps.testing.factories import make_call, market_with_both_suppliers, tender

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_day")]


@pytest.fixture
def market(people):
    return market_with_both_suppliers(people)


@pytest.fixture
def call(people, market):
    return make_call(people, market)


@pytest.fixture
def tendered(people, call):
    """Both suppliers have tendered; the deadline has not passed."""
    tender(people, call)
    tender(people, call, supplier=people.supplier_b, price="5000")
    return call


@pytest.fixture
def opened(people, tendered):
    with time_machine.travel(tendered.deadline + timedelta(minutes=1), tick=True):
        yield services.call_open(actor=people.buyer, call=tendered)


def seen_by(person, call):
    """The call as ``person`` fetches it: what every selector here is handed."""
    return selectors.call_get(person, call_id=call.pk)


def announce(people, market, title):
    return services.planned_call_announce(
        actor=people.buyer,
        category=market.categories.get(),
        title=title,
        expected_month=date(2027, 6, 1),
        estimated_value=Decimal("20000"),
    )


def test_planned_calls_are_the_own_authoritys_and_never_withdrawn(people, market):
    kept = announce(people, market, "Kept")
    dropped = announce(people, market, "Dropped")
    PlannedCall.objects.filter(pk=dropped.pk).update(withdrawn_at=clock.now())
    theirs = PlannedCall.objects.create(
        category=market.categories.get(),
        buyer=people.other_authority,
        title="Theirs",
        expected_month=date(2027, 5, 1),
        estimated_value=Decimal("1000"),
        created_by=people.other_buyer,
        created_at=clock.now(),
    )
    both = [people.authority.pk, people.other_authority.pk]
    # Asking for another authority's ids widens nothing.
    assert list(selectors.planned_call_list(people.buyer, authority_ids=both)) == [kept]
    assert list(selectors.planned_call_list(people.other_buyer, authority_ids=both)) == [theirs]
    assert not selectors.planned_call_list(people.supplier_a_admin, authority_ids=both).exists()


def test_the_count_of_sealed_tenders_is_for_the_authority_only_after_the_deadline(people, tendered):
    """Before the deadline nobody but each supplier learns whether or how many tendered:
    the count is ``None``; after it, the authority's people get it."""
    assert selectors.tender_count_live(people.buyer, call=seen_by(people.buyer, tendered)) is None
    assert selectors.tender_count_live(people.evaluator, call=tendered) is None
    services.tender_withdraw(
        actor=people.supplier_b_admin, call=tendered, supplier=people.supplier_b
    )
    with time_machine.travel(tendered.deadline, tick=False):
        assert selectors.tender_count_live(people.buyer, call=tendered) == 1
        assert selectors.tender_count_live(people.evaluator, call=tendered) == 1
        with pytest.raises(NotFound):
            selectors.tender_count_live(
                people.supplier_a_admin, call=seen_by(people.supplier_a_admin, tendered)
            )


def test_a_supplier_sees_answered_questions_and_its_own_not_others_unanswered(people, call):
    asked_by_a = services.clarification_ask(
        actor=people.supplier_a_admin, call=call, supplier=people.supplier_a, question="From A?"
    )
    asked_by_b = services.clarification_ask(
        actor=people.supplier_b_admin, call=call, supplier=people.supplier_b, question="From B?"
    )
    services.clarification_answer(actor=people.buyer, clarification=asked_by_b, answer="Yes.")

    def questions(person):
        return list(selectors.clarification_list(person, call=seen_by(person, call)))

    assert questions(people.buyer) == [asked_by_a, asked_by_b]
    assert questions(people.supplier_a_admin) == [asked_by_a, asked_by_b]
    assert questions(people.supplier_b_admin) == [asked_by_b]


def test_a_conflict_declaration_is_read_only_by_its_maker(people, opened):
    assert selectors.conflict_declaration_for_evaluator(people.evaluator, call=opened) is None
    services.conflict_declare(actor=people.evaluator, call=opened, has_conflict=False)
    own = selectors.conflict_declaration_for_evaluator(people.evaluator, call=opened)
    assert own is not None and own.evaluator == people.evaluator
    assert selectors.conflict_declaration_for_evaluator(people.buyer, call=opened) is None


def test_the_live_receipt_is_the_suppliers_own_in_one_query(
    people, tendered, django_assert_num_queries
):
    alpha = people.supplier_a_admin
    seen, own = seen_by(alpha, tendered), live(tendered, people.supplier_a)
    with django_assert_num_queries(1):
        assert selectors.receipt_live_for_supplier(alpha, call=seen) == own
    assert selectors.receipt_live_for_supplier(people.supplier_b_admin, call=tendered) == live(
        tendered, people.supplier_b
    )
    assert selectors.receipt_live_for_supplier(people.buyer, call=tendered) is None
    services.tender_withdraw(actor=alpha, call=tendered, supplier=people.supplier_a)
    assert selectors.receipt_live_for_supplier(alpha, call=tendered) is None


def test_award_moderation_and_contract_are_the_authoritys_records(people, opened):
    award = score_and_award(people, opened)

    def records(person):
        seen = seen_by(person, opened)
        return (
            selectors.award_for_call(person, call=seen),
            selectors.moderation_for_call(person, call=seen),
            selectors.contract_for_call(person, call=seen),
        )

    awarded, moderated, contracted = records(people.buyer)
    assert awarded == award and moderated is not None and contracted is None
    # An invited bidder sees the call, but the records only through its own feedback.
    assert records(people.supplier_b_admin) == (None, None, None)
    with time_machine.travel(award.standstill_ends_at + timedelta(hours=1), tick=True):
        contract = services.contract_conclude(actor=people.buyer, call=opened)
        assert records(people.buyer)[2] == contract
        assert records(people.supplier_b_admin) == (None, None, None)


def test_asking_for_the_award_twice_costs_one_query(people, opened, django_assert_num_queries):
    score_and_award(people, opened)
    seen = seen_by(people.buyer, opened)
    with django_assert_num_queries(1):
        first = selectors.award_for_call(people.buyer, call=seen)
        assert selectors.award_for_call(people.buyer, call=seen) is first
