"""Demo calls for competition in every state, in both demo markets.

Run through the real services at past moments (``clock.at``): invitations, sealed tenders
with receipts, opening, independent scores, moderation, award, feedback and contracts.
Calls run about every ``DAYS_BETWEEN_CALLS`` days from each market's first weeks (quieter in
August and at Christmas), so that members' categories have the months of demand the
supplier insight forecast needs; the calls still open, closed or in evaluation are recent.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from opendps.competitions import services
from opendps.competitions.models import Call, TenderSubmission
from opendps.competitions.pricing import PriceBasis, PriceUnit
from opendps.core import clock
from opendps.core.calendar import LONDON, london_date
from opendps.markets.models import Category, Market
from opendps.membership.models import CategoryMember
from opendps.membership.status import active_members_q
from opendps.web.demo import DemoContext, register

SEED = 77
# One call in each market about this often, over the whole of its history.
DAYS_BETWEEN_CALLS = 9
# The first call waits for the first applications to be decided (and, in the PCR DPS, for
# the first period for requests to participate to end).
FIRST_CALL_AFTER = timedelta(days=45)
# Fewer calls in these months (summer holidays, Christmas): some seasonality to forecast.
QUIET_MONTHS = {8, 12}
# The latest calls of each market, in the states only a recent call is in: (fate, how long
# before now it was published, counted past the end of its tender period where it has
# ended). The standstill call's award was made known two days ago, so its standstill runs.
RECENT = [
    ("evaluation", timedelta(days=4)),
    ("evaluation", timedelta(days=3)),
    ("standstill", timedelta(days=2)),
    ("closed", timedelta(hours=6)),
]
STILL_OPEN = [
    ("open", timedelta(hours=6)),
    ("open", timedelta(hours=5)),
    ("open", timedelta(hours=4)),
]
DRAFT_AGE = timedelta(hours=3)
NEEDS = [
    "Man in his 70s in {district}, lives alone, needs help with washing and dressing each morning.",
    "Woman in her 80s in {district}, early dementia, needs two visits a day and help with meals.",
    "Adult in {district} after a hospital stay, needs short-term reablement for six weeks.",
    "Person in their 60s in {district}, uses a wheelchair, needs an evening visit and medication prompts.",
]
DISTRICTS = ["NT1", "NT2", "NT4", "NT7", "NT9"]
HOURLY_RATE_GUIDE = Decimal("24.50")  # what a home care hour costs, roughly
# The moderator's consensus reasons, by score: what each bidder reads in its feedback.
CONSENSUS_REASONS = {
    2: "Meets the requirement, though some of the approach is not evidenced.",
    3: "A good approach, evidenced with relevant examples.",
    4: "An excellent approach, fully evidenced, with clear added value.",
}
JOBS = [
    (
        "CV and interview coaching for {n} claimants",
        "Two 1-2-1 sessions each, CV and mock interview.",
    ),
    ("Confidence course for {n} claimants", "A four-week group course with 1-2-1 follow-up."),
    ("Digital skills for {n} claimants", "Basic digital skills to apply for jobs online."),
    ("Wellbeing support for {n} claimants", "Six weekly sessions for people with mild anxiety."),
]


def _tender_answers(call: Call, rng: random.Random) -> dict[str, str]:
    return {
        c["key"]: rng.choice(
            [
                "Experienced local staff, weekly reviews and a named coordinator.",
                "We use a proven model with strong results in this area.",
                "Local volunteers, apprenticeships for care leavers and zero-emission travel.",
            ]
        )
        for c in call.criteria
        if c["kind"] != "price"
    }


def _members(call: Call, now: Any) -> list[CategoryMember]:
    return list(
        CategoryMember.objects.filter(active_members_q(now), category=call.category).select_related(
            "supplier"
        )
    )


def _actor_of(member: CategoryMember, actors: dict[int, Any]) -> Any:
    """The supplier's first person, read once per supplier into ``actors``."""
    if member.supplier_id not in actors:
        actors[member.supplier_id] = member.supplier.memberships.first().user  # type: ignore[union-attr]
    return actors[member.supplier_id]


def _tender_period(market: Market) -> timedelta:
    """How long the demo's calls stay open: 24 hours for a home care package (rapid), two
    weeks for employment support."""
    return timedelta(hours=24) if market.regime == "pa2023_dynamic_market" else timedelta(days=14)


def _schedule(market: Market, rng: random.Random, now: datetime) -> list[tuple[datetime, str]]:
    """When each of the market's calls is published, oldest first, and what becomes of it."""
    period = _tender_period(market)
    recent = [(now - period - ago, fate) for fate, ago in RECENT]
    recent += [(now - ago, fate) for fate, ago in STILL_OPEN]
    recent.append((now - DRAFT_AGE, "draft"))
    day = london_date(market.validity_starts_at + FIRST_CALL_AFTER)
    last = london_date(recent[0][0]) - timedelta(days=DAYS_BETWEEN_CALLS // 2)
    history: list[tuple[datetime, str]] = []
    while day <= last:
        if day.weekday() >= 5:  # buyers publish on weekdays
            day += timedelta(days=7 - day.weekday())
        if day.month not in QUIET_MONTHS or rng.random() < 0.4:
            moment = datetime.combine(day, time(rng.randrange(9, 16)), tzinfo=LONDON)
            fate = rng.choices(["award", "cancelled", "no_compliant"], weights=[90, 5, 5])[0]
            if len(history) < 2:  # the oldest two: one cancelled, one without a compliant tender
                fate = ("cancelled", "no_compliant")[len(history)]
            history.append((moment, fate))
        day += timedelta(days=rng.randrange(DAYS_BETWEEN_CALLS - 3, DAYS_BETWEEN_CALLS + 4))
    return history + recent


def _run_call(
    context: DemoContext,
    market: Market,
    category: Category,
    rng: random.Random,
    published: Any,
    fate: str,
    now: Any,
    actors: dict[int, Any],
) -> None:
    county = market.regime == "pa2023_dynamic_market"
    buyer = context.users[
        "broker@northshire.demo"
        if county
        else rng.choice(["workcoach.leeds@dwp.demo", "workcoach.cardiff@dwp.demo"])
    ]
    evaluator = context.users["evaluator@northshire.demo" if county else "evaluator@dwp.demo"]
    moderator = context.users["commissioner@northshire.demo" if county else "commissioner@dwp.demo"]
    with clock.at(published):
        if county:
            district = rng.choice(DISTRICTS)
            # Home care is priced per hour: hours a week for a number of weeks.
            hours = Decimal(rng.choice([7, 10, 14, 21]) * rng.choice([12, 26, 52]))
            call = services.call_create(
                actor=buyer,
                category=category,
                title=f"Home care package, {category.title} ({district})",
                requirement="Care and support as set out in the service user's needs.",
                estimated_value=(hours * HOURLY_RATE_GUIDE).quantize(Decimal("1")),
                deadline=published + _tender_period(market),
                rapid=True,
                service_user_needs=rng.choice(NEEDS).format(district=district),
                region=district,
                price_basis=PriceBasis.UNIT_RATE,
                price_unit=PriceUnit.HOUR,
                expected_quantity=hours,
            )
        else:
            title, requirement = rng.choice(JOBS)
            n = rng.choice([5, 10, 15, 20])
            call = services.call_create(
                actor=buyer,
                category=category,
                title=title.format(n=n),
                requirement=requirement,
                estimated_value=Decimal(n * rng.choice([250, 300, 400])),
                deadline=published + _tender_period(market),
                region=rng.choice(["Leeds", "Cardiff", "Glasgow", "Bradford"]),
            )
        if fate == "draft":
            return
        call = services.call_publish(actor=buyer, call=call)
    members = _members(call, published)
    bidders = rng.sample(members, k=min(len(members), rng.choice([1, 2, 3, 4, 5, 6])))
    for index, member in enumerate(bidders):
        moment = published + (call.deadline - published) * (index + 1) / (len(bidders) + 2)
        if moment > now:
            continue
        with clock.at(moment):
            guide = HOURLY_RATE_GUIDE if call.expected_quantity else call.estimated_value
            base = guide * Decimal(rng.uniform(0.7, 1.1))
            services.tender_submit(
                actor=_actor_of(member, actors),
                call=call,
                supplier=member.supplier,
                price=base.quantize(Decimal("0.01")),
                answers=_tender_answers(call, rng),
            )
            if rng.random() < 0.15:  # some resubmit with a sharper price
                services.tender_submit(
                    actor=_actor_of(member, actors),
                    call=call,
                    supplier=member.supplier,
                    price=(base * Decimal("0.95")).quantize(Decimal("0.01")),
                    answers=_tender_answers(call, rng),
                )
    if fate == "cancelled":
        with clock.at(min(now, published + timedelta(hours=2))):
            services.call_cancel(actor=buyer, call=call, reason="The claimant found work first.")
        return
    if fate in {"open", "closed"} or call.deadline > now:
        return
    after = call.deadline + timedelta(minutes=rng.randrange(5, 90))
    with clock.at(after):
        call = services.call_open(actor=buyer, call=call)
        live = list(
            TenderSubmission.objects.filter(call=call, withdrawn_at=None, superseded_at=None)
        )
        if not live or fate == "no_compliant":
            for submission in live:
                services.tender_exclude(
                    actor=buyer, submission=submission, reason="No safeguarding evidence."
                )
            services.call_close_no_compliant(
                actor=buyer, call=call, reason="No compliant tender was received."
            )
            return
        if fate == "evaluation":
            return
        services.conflict_declare(actor=evaluator, call=call, has_conflict=False)
        scores: dict[str, dict[str, dict[str, Any]]] = {
            str(s.pk): {
                c["key"]: {
                    "score": rng.choice([2, 3, 3, 4]),
                    "reason": "Clear, evidenced approach.",
                }
                for c in call.criteria
                if c["kind"] != "price"
            }
            for s in live
        }
        services.scoresheet_save(actor=evaluator, call=call, scores=scores, submit=True)
        # The moderator writes the reasons bidders read; the evaluator's notes stay on the
        # scoresheet, as the moderation page has it.
        consensus = {
            submission_id: {
                key: {"score": cell["score"], "reason": CONSENSUS_REASONS[cell["score"]]}
                for key, cell in by_criterion.items()
            }
            for submission_id, by_criterion in scores.items()
        }
        services.moderation_record(actor=moderator, call=call, scores=consensus)
        # A recent award runs a voluntary standstill, so the demo shows one.
        voluntary = fate == "standstill"
        award = services.award_decide(actor=buyer, call=call, voluntary_standstill=voluntary)
    if award.standstill_ends_at is not None and award.standstill_ends_at < now:
        with clock.at(award.standstill_ends_at + timedelta(hours=1)):
            services.contract_conclude(actor=buyer, call=call)


@register(order=30)
def load_calls(context: DemoContext) -> None:
    if Call.objects.exists():
        return
    rng = random.Random(SEED)
    now = clock.now()
    actors: dict[int, Any] = {}
    for title in ["Employment Support DPS", "Home Support Dynamic Market"]:
        market = Market.objects.get(title=title)
        categories = list(market.categories.order_by("position"))
        deck: list[Category] = []
        for published, fate in _schedule(market, rng, now):
            if not deck:  # each category in turn, in a shuffled order, so demand is even
                deck = rng.sample(categories, k=len(categories))
            _run_call(context, market, deck.pop(), rng, published, fate, now, actors)
