"""Contract services: two-party performance records, ratings and answers, changes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from opendps.contracts import services
from opendps.contracts.models import Contract, PerformanceRecord
from opendps.core.errors import Conflict, NotPermitted, RuleViolation
from opendps.testing.factories import make_call, make_market, member_suppliers, tender

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def contract(people):
    from opendps.competitions.tests.test_services import evaluate_and_award

    market = make_market(people)
    with time_machine.travel(market.first_period_ends_at + timedelta(hours=1), tick=False):
        member_suppliers(people, market, (people.supplier_a, people.supplier_a_admin))
        call = make_call(people, market)
        tender(
            people,
            call,
            price="6000",
            answers={
                "quality": "Weekly coaching",
                "social_value": "Two apprenticeships for care leavers",
            },
        )
    evaluate_and_award(people, call, {people.supplier_a: 3})
    return Contract.objects.get()


def test_the_winning_tenders_social_value_becomes_a_commitment(contract):
    assert contract.commitments == {
        "social_value": {"social_value": "Two apprenticeships for care leavers"}
    }
    assert contract.value == Decimal("6000") and contract.starts_on is not None


def test_supplier_records_an_outcome_and_only_the_buyer_confirms_it(people, contract, mailbox):
    record = services.performance_record(
        actor=people.supplier_a_writer,
        contract=contract,
        kind="outcome",
        metric="job starts",
        quantity=Decimal(7),
        target=Decimal(10),
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
    )
    assert any(
        "Please confirm: job starts" in m["Subject"] for m in mailbox.to("buyer@authority.test")
    )
    with pytest.raises(NotPermitted, match="other party"):
        services.performance_confirm(actor=people.supplier_a_admin, record=record)
    with pytest.raises(NotPermitted, match="Only the buyer or the supplier"):
        services.performance_confirm(actor=people.other_buyer, record=record)
    services.performance_confirm(actor=people.buyer, record=record)
    assert PerformanceRecord.objects.get().confirmed_by == people.buyer
    with pytest.raises(Conflict):
        services.performance_dispute(actor=people.buyer, record=record, reason="x")


def test_a_record_can_be_disputed_with_a_reason(people, contract):
    record = services.performance_record(
        actor=people.buyer,
        contract=contract,
        kind="delivery",
        metric="hours delivered",
        quantity=Decimal("37.5"),
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 7),
    )
    with pytest.raises(RuleViolation):
        services.performance_dispute(actor=people.supplier_a_admin, record=record, reason=" ")
    services.performance_dispute(
        actor=people.supplier_a_admin, record=record, reason="We delivered 40"
    )
    assert PerformanceRecord.objects.get().dispute_reason == "We delivered 40"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"period_start": date(2026, 11, 7)}, "period"),
        ({"quantity": Decimal(-1)}, "quantity cannot be negative"),
        ({"target": Decimal(-5)}, "target cannot be negative"),
    ],
)
def test_bad_records_are_refused(people, contract, bad, message):
    record = {
        "kind": "kpi",
        "metric": "x",
        "quantity": Decimal(1),
        "period_start": date(2026, 11, 1),
        "period_end": date(2026, 11, 1),
    }
    with pytest.raises(RuleViolation, match=message):
        services.performance_record(actor=people.buyer, contract=contract, **(record | bad))
    assert not PerformanceRecord.objects.exists()


def test_a_blank_answer_to_a_rating_is_refused_with_what_to_write(people, contract):
    rating = services.rating_give(actor=people.buyer, contract=contract, score=2, comment="Late")
    with pytest.raises(RuleViolation, match="Write your answer"):
        services.rating_reply(actor=people.supplier_a_admin, rating=rating, reply="   ")
    rating.refresh_from_db()
    assert rating.replied_at is None and rating.supplier_reply == ""


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({}, "changes the value or the end date"),
        ({"value": "same"}, "changes the value or the end date"),
        ({"value": Decimal("-1")}, "cannot be negative"),
        ({"ends_on": date(2000, 1, 1)}, "cannot end before it starts"),
    ],
)
def test_a_variation_that_changes_nothing_or_breaks_the_terms_is_refused(
    people, contract, terms, message
):
    if terms.get("value") == "same":
        terms = {"value": contract.value}
    if "ends_on" in terms and contract.starts_on is None:
        contract.starts_on = date(2026, 1, 1)
        contract.save(update_fields=["starts_on"])
    before = (contract.value, contract.ends_on)
    with pytest.raises(RuleViolation, match=message):
        services.contract_change(
            actor=people.buyer, contract=contract, kind="variation", reason="Because", **terms
        )
    contract.refresh_from_db()
    assert (contract.value, contract.ends_on) == before
    assert not contract.changes.exists()


def test_the_supplier_reads_its_rating_and_answers_once(people, contract, mailbox):
    with pytest.raises(RuleViolation, match="1"):
        services.rating_give(actor=people.buyer, contract=contract, score=6, comment="x")
    with pytest.raises(NotPermitted):
        services.rating_give(actor=people.supplier_a_admin, contract=contract, score=5, comment="x")
    rating = services.rating_give(
        actor=people.buyer, contract=contract, score=4, comment="Reliable and kind"
    )
    assert "rated" in mailbox.to("admin@alpha.test")[-1]["Subject"]
    services.rating_reply(actor=people.supplier_a_admin, rating=rating, reply="Thank you")
    with pytest.raises(Conflict):
        services.rating_reply(actor=people.supplier_a_admin, rating=rating, reply="again")


def test_variation_and_termination_keep_their_reasons(people, contract):
    services.contract_change(
        actor=people.buyer,
        contract=contract,
        kind="variation",
        reason="Two more claimants",
        value=Decimal("7200"),
    )
    contract.refresh_from_db()
    assert contract.value == Decimal("7200")
    services.contract_change(
        actor=people.buyer, contract=contract, kind="termination", reason="Claimant moved away"
    )
    contract.refresh_from_db()
    assert contract.terminated_at is not None
    assert [c.reason for c in contract.changes.all()] == [
        "Two more claimants",
        "Claimant moved away",
    ]
    with pytest.raises(Conflict):
        services.performance_record(
            actor=people.buyer,
            contract=contract,
            kind="kpi",
            metric="x",
            quantity=Decimal(1),
            period_start=date(2026, 11, 1),
            period_end=date(2026, 11, 1),
        )
