"""Market health and past performance: every figure pinned against ``scenario``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from opendps.contracts.selectors import past_performance_in_category
from opendps.core.errors import NotFound
from opendps.insights.selectors import market_health
from opendps.insights.tests.scenario import build, viewing

pytestmark = pytest.mark.django_db

D = Decimal
JAN, FEB, MAR, APR, MAY = (date(2027, m, 1) for m in range(1, 6))


@pytest.fixture
def scenario(people):
    return build(people)


@pytest.fixture
def health(people, scenario):
    with viewing():
        return market_health(people.commissioner, market_id=scenario.market.pk)


def test_members_per_category_over_time_and_new_entrants(health):
    assert [(m.month, m.members, m.admitted, m.removed) for m in health.members] == [
        (JAN, 2, 2, 0),
        (FEB, 2, 0, 0),
        (MAR, 3, 1, 0),
        (APR, 2, 0, 1),
        (MAY, 2, 0, 0),
    ]
    assert [(e.month, e.new_suppliers, e.admissions) for e in health.entrants] == [
        (JAN, 2, 2),
        (FEB, 0, 0),
        (MAR, 1, 1),
        (APR, 0, 0),
        (MAY, 0, 0),
    ]


def test_bids_per_call_and_calls_with_fewer_than_three(health):
    assert [(b.month, b.calls, b.bids, b.average_bids, b.few_bids) for b in health.bids] == [
        (JAN, 0, 0, None, 0),
        (FEB, 1, 2, D("2.0"), 1),
        (MAR, 2, 5, D("2.5"), 1),
        (APR, 1, 1, D("1.0"), 1),
        (MAY, 0, 0, None, 0),
    ]
    assert (health.closed_calls, health.total_bids, health.average_bids) == (4, 8, D("2.0"))
    assert (health.few_bid_calls, health.few_bids_share) == (3, D("75.0"))


def test_sme_and_vcse_share_of_awards_by_count_and_value(health):
    assert [(s.group, s.awards, s.count_share, s.value, s.value_share) for s in health.shares] == [
        ("sme", 3, D("100.0"), D("13500.00"), D("100.0")),
        ("vcse", 1, D("33.3"), D("6000.00"), D("44.4")),
        ("other", 0, D("0.0"), D("0.00"), D("0.0")),
        ("all", 3, D("100.0"), D("13500.00"), D("100.0")),
    ]


def test_time_to_admit_against_the_legal_limit(health):
    """Alpha decided in 2 days, Beta in 4 (on time); Gamma in 18 days, after its
    10-working-day deadline; Delta has waited since 1 April (overdue)."""
    a = health.admission
    assert (a.limit_working_days, a.extended_limit_working_days) == (10, 15)
    assert (a.decided, a.on_time, a.on_time_share, a.median_days) == (3, 2, D("66.7"), D("4.0"))
    assert (a.waiting, a.overdue) == (1, 1)
    assert [(m.month, m.decided, m.on_time, m.late) for m in a.months] == [
        (JAN, 2, 2, 0),
        (FEB, 0, 0, 0),
        (MAR, 1, 0, 1),
        (APR, 0, 0, 0),
        (MAY, 0, 0, 0),
    ]


def test_concentration_top_five_share_and_hhi(health):
    """Beta holds £7,500 of £13,500 (55.6%), Alpha £6,000 (44.4%):
    HHI = 55.56² + 44.44² = 5,062 (highly concentrated)."""
    (c,) = health.concentration
    assert (c.awards, c.suppliers, c.value, c.top_share, c.hhi, c.level) == (
        3,
        2,
        D("13500.00"),
        D("100.0"),
        5062,
        "high",
    )


def test_social_value_committed_against_delivered_and_contract_performance(health):
    (s,) = health.social_value
    assert (s.contracts, s.committed, s.delivered, s.delivered_share) == (3, 3, 1, D("33.3"))
    assert (s.confirmed_records, s.disputed_records) == (1, 1)
    (p,) = health.performance
    assert (p.contracts, p.confirmed, p.disputed, p.awaiting, p.disputed_share) == (
        3,
        2,
        1,
        1,
        D("33.3"),
    )
    assert (p.ratings, p.average_rating) == (3, D("3.7"))


def test_only_the_markets_own_authority_sees_its_health(people, scenario):
    with viewing():
        for person in (people.buyer, people.evaluator, people.authority_admin):
            assert market_health(person, market_id=scenario.market.pk).market == scenario.market
        for person in (people.other_buyer, people.supplier_a_admin, people.staff):
            with pytest.raises(NotFound, match=r"Market not found\."):
                market_health(person, market_id=scenario.market.pk)


def test_past_performance_of_each_current_member_in_the_category(people, scenario):
    """Gamma was removed, so only Alpha and Beta are listed. Alpha met 1 of 2 confirmed
    targets (1 apprenticeship of 1; 7 job starts of 10); Beta's records are disputed or
    awaiting, so it has no confirmed target yet."""
    with viewing():
        past = past_performance_in_category(people.buyer, category_id=scenario.category.pk)
    assert [
        (
            r.supplier_name,
            r.contracts,
            r.active_contracts,
            r.terminated_contracts,
            r.contract_value,
            r.ratings,
            r.average_rating,
            r.confirmed_records,
            r.disputed_records,
            r.targets_set,
            r.targets_met,
            r.targets_met_percent,
        )
        for r in past.rows
    ] == [
        ("Alpha Support CIC", 1, 1, 0, D("6000.00"), 1, D("4.0"), 2, 0, 2, 1, D("50.0")),
        ("Beta Care Ltd", 2, 1, 1, D("7500.00"), 2, D("3.5"), 0, 1, 0, 0, None),
    ]
    for person in (people.other_buyer, people.supplier_a_admin):
        with pytest.raises(NotFound, match=r"Category not found\."):
            past_performance_in_category(person, category_id=scenario.category.pk)
