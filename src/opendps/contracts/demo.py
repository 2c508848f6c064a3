"""Demo contract history: performance records, ratings with answers, changes, planned calls.

Run through the real services at past moments (``clock.at``) after the calls loader has
made the contracts: each party records deliveries, KPIs, outcomes and social value, the
other confirms most of them and disputes a few; buyers rate suppliers and some suppliers
answer; one contract is varied and one terminated; buyers announce planned calls in every
category so suppliers see coming demand. Loading twice changes nothing.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from opendps.accounts.models import Role
from opendps.competitions import services as competition_services
from opendps.competitions.models import PlannedCall
from opendps.contracts import services
from opendps.contracts.models import Contract, PerformanceRecord
from opendps.core import clock
from opendps.core.calendar import LONDON, london_date
from opendps.markets.models import Category
from opendps.web.demo import DemoContext, register

SEED = 4040
COMMENTS = {
    5: "Excellent: every session delivered on time, and claimants spoke highly of the coach.",
    4: "Good, reliable service; reports arrived a few days late once.",
    3: "Satisfactory overall, but two visits started late and we had to chase the rota.",
    2: "Below what was promised: several sessions were rearranged at short notice.",
}
REPLIES = [
    "Thank you. We have shared this with the team delivering the contract.",
    "We have added a second coordinator so that rota changes no longer happen at short notice.",
    "Thank you for the feedback; the late reports were caused by a system change now fixed.",
]
DISPUTES = [
    "Our timesheets show more hours than this: we will send the signed sheets.",
    "Two of these starts were with another provider; the right figure is lower.",
]


def _moment(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def _supplier_actor(contract: Contract) -> Any:
    membership = (
        contract.supplier.memberships.filter(role__in=[Role.SUPPLIER_ADMIN, Role.BID_WRITER])
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _measures(contract: Contract, rng: random.Random) -> list[tuple[str, str, Decimal, Decimal]]:
    """(kind, measure, quantity, target) for one period of this contract."""
    if contract.call.rapid:  # a home care package
        target = Decimal(rng.choice([28, 42, 56]))
        delivered = target - Decimal(rng.choice([0, 0, 1, 2, 4]))
        return [
            ("delivery", "hours of care delivered", delivered, target),
            (
                "kpi",
                "visits started within 15 minutes of the planned time (%)",
                Decimal(rng.choice([88, 92, 95, 98])),
                Decimal(90),
            ),
        ]
    claimants = Decimal(rng.choice([5, 10, 15, 20]))
    measures = [
        (
            "delivery",
            "1-2-1 sessions delivered",
            claimants * 2 - rng.choice([0, 1, 2]),
            claimants * 2,
        ),
        (
            "outcome",
            "job starts",
            Decimal(rng.randint(1, int(claimants) // 2)),
            (claimants / 4).quantize(Decimal(1)),
        ),
    ]
    if (contract.commitments or {}).get("social_value"):
        measures.append(
            (
                "social_value",
                "apprenticeships or placements for local people",
                Decimal(rng.choice([0, 1, 1, 2])),
                Decimal(1),
            )
        )
    return measures


def _record_performance(
    contract: Contract, buyer: Any, supplier: Any, rng: random.Random, today: date
) -> None:
    start = contract.starts_on or london_date(contract.entered_at)
    end = min(start + timedelta(days=27), today - timedelta(days=3))
    if end < start:
        return
    for kind, measure, quantity, target in _measures(contract, rng):
        by_supplier = rng.random() < 0.75
        recorder, other = (supplier, buyer) if by_supplier else (buyer, supplier)
        recorded_on = min(end + timedelta(days=1), today - timedelta(days=2))
        with clock.at(_moment(recorded_on, 10)):
            record = services.performance_record(
                actor=recorder,
                contract=contract,
                kind=kind,
                metric=measure,
                quantity=quantity,
                target=target,
                period_start=start,
                period_end=end,
                note="Figures from our case management system." if by_supplier else "",
            )
        fate = rng.random()
        if fate < 0.12:
            with clock.at(_moment(recorded_on + timedelta(days=1), 15)):
                services.performance_dispute(
                    actor=other, record=record, reason=rng.choice(DISPUTES)
                )
        elif fate < 0.9:
            with clock.at(_moment(recorded_on + timedelta(days=1), 11)):
                services.performance_confirm(actor=other, record=record)
        # else: still awaiting the other party's confirmation


def _rate(contract: Contract, buyer: Any, supplier: Any, rng: random.Random, today: date) -> None:
    start = contract.starts_on or london_date(contract.entered_at)
    rated_on = min(start + timedelta(days=21), today - timedelta(days=1))
    if rated_on <= start:
        return
    score = rng.choices([5, 4, 3, 2], weights=[35, 40, 18, 7])[0]
    with clock.at(_moment(rated_on, 16)):
        rating = services.rating_give(
            actor=buyer, contract=contract, score=score, comment=COMMENTS[score]
        )
    if rng.random() < 0.5 and rated_on < today:
        with clock.at(_moment(rated_on, 18)):
            services.rating_reply(actor=supplier, rating=rating, reply=rng.choice(REPLIES))


def _plan_calls(context: DemoContext, rng: random.Random, now: datetime) -> None:
    this_month = london_date(now).replace(day=1)
    buyers = {
        "Employment Support DPS": ["workcoach.leeds@dwp.demo", "workcoach.cardiff@dwp.demo"],
        "Home Support Dynamic Market": ["broker@northshire.demo"],
    }
    with clock.at(now - timedelta(days=2)):
        for category in Category.objects.select_related("market").order_by("market_id", "pk"):
            emails = buyers.get(category.market.title)
            if not emails:
                continue
            for ahead in rng.sample([1, 2, 3, 4], k=rng.choice([1, 2])):
                month = this_month
                for _step in range(ahead):
                    month = (month + timedelta(days=32)).replace(day=1)
                county = "Home" in category.market.title
                competition_services.planned_call_announce(
                    actor=context.users[rng.choice(emails)],
                    category=category,
                    title=(
                        f"Care packages in {category.title}, {month:%B %Y}"
                        if county
                        else f"{category.title} for a new cohort of claimants"
                    ),
                    expected_month=month,
                    estimated_value=Decimal(rng.randrange(10_000, 60_000, 2_500)),
                    region="" if county else rng.choice(["Leeds", "Cardiff", "Bradford"]),
                )


@register(order=40)
def load_contracts(context: DemoContext) -> None:
    if PerformanceRecord.objects.exists() or PlannedCall.objects.exists():
        return
    rng = random.Random(SEED)
    now = clock.now()
    today = london_date(now)
    contracts = list(
        Contract.objects.select_related("call", "call__created_by", "buyer", "supplier").order_by(
            "entered_at", "pk"
        )
    )
    for contract in contracts:
        buyer, supplier = contract.call.created_by, _supplier_actor(contract)
        if supplier is None:
            continue
        _record_performance(contract, buyer, supplier, rng, today)
        if rng.random() < 0.65:
            _rate(contract, buyer, supplier, rng, today)
    # A variation and a termination of contracts one to four months old (still running).
    older = [
        c for c in contracts if now - timedelta(days=120) < c.entered_at < now - timedelta(days=30)
    ]
    if len(older) >= 2:
        varied, ended = older[0], older[1]
        with clock.at(now - timedelta(days=5)):
            services.contract_change(
                actor=varied.call.created_by,
                contract=varied,
                kind="variation",
                reason="Two more claimants referred to the same provider.",
                value=(varied.value * Decimal("1.2")).quantize(Decimal("0.01")),
            )
            services.contract_change(
                actor=ended.call.created_by,
                contract=ended,
                kind="termination",
                reason="The service user moved out of the county.",
            )
    _plan_calls(context, rng, now)
