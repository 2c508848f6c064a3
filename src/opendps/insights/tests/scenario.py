"""A hand-made market history with known figures, built through the real services.

One PCR 2015 DPS of Test Borough Council with one category, set up on 4 January 2027:

- members: Alpha (SME, VCSE) admitted 6 Jan after 2 days, Beta (SME) 8 Jan after 4 days,
  Gamma (neither) applied 15 Feb and admitted late on 5 Mar after 18 days, removed 20 Apr;
  Delta applied 1 Apr and is still waiting (overdue by 10 May).
- calls (criteria: quality 60, social value 10, price 30; scores 0–4 for both quality and
  social value; price points = 30 × lowest price ÷ price):

  ====  ==========  ========  ======  ===========================================  ======
  call  published   region    est. £  tenders (score, price) → points              winner
  ====  ==========  ========  ======  ===========================================  ======
  1     10 Feb      Leeds     5,000   A (2, 4,000) → 30+5+30=65.00;                B
                                      B (4, 5,000) → 60+10+24=94.00
  2     8 Mar       Leeds     8,000   A (4, 6,000) → 60+10+20.50=90.50;            A
                                      B (3, 4,100) → 45+7.50+30=82.50;
                                      C (1, 7,000) → 15+2.50+17.57=35.07
  3     15 Mar      Bradford  3,000   A (1, 3,000) → 15+2.50+25=42.50;             B
                                      B (4, 2,500) → 60+10+30=100.00
  4     5 Apr       Leeds     4,000   A only; closed 16 Apr, not yet opened        –
  ====  ==========  ========  ======  ===========================================  ======

- contracts: call 1 → Beta £5,000 (rated 2), call 2 → Alpha £6,000 (rated 4),
  call 3 → Beta £2,500 (rated 5, later terminated).
- performance: Alpha's contract: 7 job starts against 10 (confirmed), 1 apprenticeship
  against 1 (social value, confirmed); Beta's first: 0 placements against 1 (social value,
  disputed); Beta's second: 20 sessions against 20 (recorded by the buyer, awaiting).
- a planned call for July 2027 in the category, and one in another authority's market.

``VIEW_AT`` (10 May 2027) is when the tests look.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import time_machine

from opendps.accounts.models import Organisation, OrganisationKind, Role
from opendps.competitions import services as competition_services
from opendps.contracts import services as contract_services
from opendps.contracts.models import Contract
from opendps.core.calendar import LONDON
from opendps.membership import services as membership_services
from opendps.membership.models import CategoryMember
from opendps.testing.factories import apply, make_call, make_market, tender
from opendps.testing.fixtures import make_person

VIEW_AT = datetime(2027, 5, 10, 12, 0, tzinfo=LONDON)


def at(year: int, month: int, day: int, hour: int = 9) -> Any:
    return time_machine.travel(datetime(year, month, day, hour, tzinfo=LONDON), tick=False)


def viewing() -> Any:
    return time_machine.travel(VIEW_AT, tick=False)


@dataclass
class Scenario:
    market: Any
    category: Any
    calls: list[Any]
    supplier_c: Any
    supplier_c_admin: Any
    contracts: dict[str, Any]


def award(people: Any, call: Any, quality: dict[Any, int]) -> Any:
    from opendps.competitions.tests.test_services import evaluate_and_award

    return evaluate_and_award(people, call, quality)


def _admit(people: Any, market: Any, supplier: Any, actor: Any, applied: tuple, decided: tuple):
    with at(*applied):
        (application,) = apply(people, market, actor=actor, supplier=supplier)
    with at(*decided):
        membership_services.application_decide(
            actor=people.evaluator, application=application, outcome="admitted"
        )


def build(people: Any) -> Scenario:
    with at(2027, 1, 4):
        market = make_market(people)
    category = market.categories.get()
    supplier_c = Organisation.objects.create(
        kind=OrganisationKind.SUPPLIER, name="Gamma Skills Ltd"
    )
    supplier_c_admin = make_person("admin@gamma.test", supplier_c, Role.SUPPLIER_ADMIN)
    supplier_d = Organisation.objects.create(
        kind=OrganisationKind.SUPPLIER, name="Delta Training CIC", is_sme=True
    )
    supplier_d_admin = make_person("admin@delta.test", supplier_d, Role.SUPPLIER_ADMIN)
    _admit(people, market, people.supplier_a, people.supplier_a_admin, (2027, 1, 4), (2027, 1, 6))
    _admit(people, market, people.supplier_b, people.supplier_b_admin, (2027, 1, 4), (2027, 1, 8))
    _admit(people, market, supplier_c, supplier_c_admin, (2027, 2, 15), (2027, 3, 5))

    a, b = people.supplier_a, people.supplier_b
    with at(2027, 2, 10):
        call1 = make_call(
            people, market, title="Call one", region="Leeds", estimated_value=Decimal("5000")
        )
        tender(people, call1, price="4000")
        tender(people, call1, supplier=b, price="5000")
    award(people, call1, {a: 2, b: 4})

    with at(2027, 3, 8):
        call2 = make_call(
            people, market, title="Call two", region="Leeds", estimated_value=Decimal("8000")
        )
        tender(people, call2, price="6000")
        tender(people, call2, supplier=b, price="4100")
        tender(people, call2, supplier=supplier_c, actor=supplier_c_admin, price="7000")
    award(people, call2, {a: 4, b: 3, supplier_c: 1})

    with at(2027, 3, 15):
        call3 = make_call(
            people, market, title="Call three", region="Bradford", estimated_value=Decimal("3000")
        )
        tender(people, call3, price="3000")
        tender(people, call3, supplier=b, price="2500")
    award(people, call3, {a: 1, b: 4})

    with at(2027, 4, 1):
        apply(people, market, actor=supplier_d_admin, supplier=supplier_d)
    with at(2027, 4, 5):
        call4 = make_call(
            people, market, title="Call four", region="Leeds", estimated_value=Decimal("4000")
        )
        tender(people, call4, price="3900")

    with at(2027, 4, 20):
        member_c = CategoryMember.objects.get(supplier=supplier_c)
        membership_services.member_remove(
            actor=people.commissioner, member=member_c, reason="Asked to leave the market."
        )

    contracts = {
        "beta_1": Contract.objects.get(call=call1),
        "alpha": Contract.objects.get(call=call2),
        "beta_3": Contract.objects.get(call=call3),
    }
    with at(2027, 4, 25):
        record = contract_services.performance_record(
            actor=people.supplier_a_writer,
            contract=contracts["alpha"],
            kind="outcome",
            metric="job starts",
            quantity=Decimal(7),
            target=Decimal(10),
            period_start=date(2027, 3, 29),
            period_end=date(2027, 4, 23),
        )
        contract_services.performance_confirm(actor=people.buyer, record=record)
        record = contract_services.performance_record(
            actor=people.supplier_a_writer,
            contract=contracts["alpha"],
            kind="social_value",
            metric="apprenticeships",
            quantity=Decimal(1),
            target=Decimal(1),
            period_start=date(2027, 3, 29),
            period_end=date(2027, 4, 23),
        )
        contract_services.performance_confirm(actor=people.buyer, record=record)
        record = contract_services.performance_record(
            actor=people.supplier_b_admin,
            contract=contracts["beta_1"],
            kind="social_value",
            metric="placements",
            quantity=Decimal(0),
            target=Decimal(1),
            period_start=date(2027, 2, 22),
            period_end=date(2027, 3, 22),
        )
        contract_services.performance_dispute(
            actor=people.buyer, record=record, reason="One placement was made."
        )
        contract_services.performance_record(
            actor=people.buyer,
            contract=contracts["beta_3"],
            kind="delivery",
            metric="sessions",
            quantity=Decimal(20),
            target=Decimal(20),
            period_start=date(2027, 3, 29),
            period_end=date(2027, 4, 23),
        )
        contract_services.rating_give(
            actor=people.buyer, contract=contracts["alpha"], score=4, comment="Good."
        )
        contract_services.rating_give(
            actor=people.buyer, contract=contracts["beta_1"], score=2, comment="Late."
        )
        contract_services.rating_give(
            actor=people.buyer, contract=contracts["beta_3"], score=5, comment="Excellent."
        )
    with at(2027, 4, 28):
        contract_services.contract_change(
            actor=people.buyer,
            contract=contracts["beta_3"],
            kind="termination",
            reason="The claimants found work.",
        )
    with viewing():
        competition_services.planned_call_announce(
            actor=people.buyer,
            category=category,
            title="Summer cohort",
            expected_month=date(2027, 7, 1),
            estimated_value=Decimal("12000"),
            region="Leeds",
        )
        other_market = _other_market(people)
        competition_services.planned_call_announce(
            actor=people.other_buyer,
            category=other_market.categories.get(),
            title="Not for Alpha",
            expected_month=date(2027, 6, 1),
            estimated_value=Decimal("99000"),
        )
    return Scenario(
        market=market,
        category=category,
        calls=[call1, call2, call3, call4],
        supplier_c=supplier_c,
        supplier_c_admin=supplier_c_admin,
        contracts=contracts,
    )


def _other_market(people: Any) -> Any:
    from opendps.markets import services as market_services

    commissioner = make_person("commissioner@other.test", people.other_authority, Role.COMMISSIONER)
    now = VIEW_AT
    market = market_services.market_create(
        actor=commissioner,
        authority=people.other_authority,
        regime="pcr2015_dps",
        title="Other DPS",
        description="Other.",
        cpv_codes=["79600000-0"],
        estimated_value=Decimal("100000"),
        estimated_purchases=10,
        validity_starts_at=now,
        validity_ends_at=now.replace(year=2028),
    )
    market_services.category_add(actor=commissioner, market=market, title="Other category")
    return market_services.market_publish(actor=commissioner, market=market)
