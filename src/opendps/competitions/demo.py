"""Demo calls for competition in every state, in both demo markets.

Run through the real services at past moments (``clock.at``): invitations, sealed tenders
with receipts, opening, independent scores, moderation, award, feedback and contracts.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from opendps.competitions import services
from opendps.competitions.models import Call, TenderSubmission
from opendps.core import clock
from opendps.markets.models import Market
from opendps.membership.models import CategoryMember
from opendps.membership.status import active_members_q
from opendps.web.demo import DemoContext, register

SEED = 77
EMPLOYMENT_CALLS = 36
HOME_CALLS = 36
NEEDS = [
    "Man in his 70s in {district}, lives alone, needs help with washing and dressing each morning.",
    "Woman in her 80s in {district}, early dementia, needs two visits a day and help with meals.",
    "Adult in {district} after a hospital stay, needs short-term reablement for six weeks.",
    "Person in their 60s in {district}, uses a wheelchair, needs an evening visit and medication prompts.",
]
DISTRICTS = ["NT1", "NT2", "NT4", "NT7", "NT9"]
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


def _actor_of(member: CategoryMember) -> Any:
    return member.supplier.memberships.first().user  # type: ignore[union-attr]


def _run_call(
    context: DemoContext, market: Market, rng: random.Random, published: Any, fate: str, now: Any
) -> None:
    county = market.regime == "pa2023_dynamic_market"
    buyer = context.users[
        "broker@northshire.demo"
        if county
        else rng.choice(["workcoach.leeds@dwp.demo", "workcoach.cardiff@dwp.demo"])
    ]
    evaluator = context.users["evaluator@northshire.demo" if county else "evaluator@dwp.demo"]
    moderator = context.users["commissioner@northshire.demo" if county else "commissioner@dwp.demo"]
    category = rng.choice(list(market.categories.all()))
    with clock.at(published):
        if county:
            district = rng.choice(DISTRICTS)
            call = services.call_create(
                actor=buyer,
                category=category,
                title=f"Home care package, {category.title} ({district})",
                requirement="Care and support as set out in the service user's needs.",
                estimated_value=Decimal(rng.randrange(8_000, 40_000, 500)),
                deadline=published + timedelta(hours=24),
                rapid=True,
                service_user_needs=rng.choice(NEEDS).format(district=district),
                region=district,
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
                deadline=published + timedelta(days=14),
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
            base = call.estimated_value * Decimal(rng.uniform(0.7, 1.1))
            services.tender_submit(
                actor=_actor_of(member),
                call=call,
                supplier=member.supplier,
                price=base.quantize(Decimal("1.00")),
                answers=_tender_answers(call, rng),
            )
            if rng.random() < 0.15:  # some resubmit with a sharper price
                services.tender_submit(
                    actor=_actor_of(member),
                    call=call,
                    supplier=member.supplier,
                    price=(base * Decimal("0.95")).quantize(Decimal("1.00")),
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
        scores = {
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
        services.moderation_record(actor=moderator, call=call, scores=scores)
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
    for title, count, spacing in [
        ("Employment Support DPS", EMPLOYMENT_CALLS, 2),
        ("Home Support Dynamic Market", HOME_CALLS, 2),
    ]:
        market = Market.objects.get(title=title)
        for index in range(count):
            published = now - timedelta(days=(count - index) * spacing, hours=rng.randrange(0, 6))
            fate = rng.choices(
                ["award", "cancelled", "no_compliant", "evaluation", "closed"],
                weights=[80, 5, 4, 6, 5],
            )[0]
            if index in (0, 1):
                fate = ("cancelled", "no_compliant")[index]
            elif index == count - 9:
                fate = "standstill"
            if index == count - 1:
                fate, published = "draft", now - timedelta(hours=3)
            elif index >= count - 4:
                fate, published = "open", now - timedelta(hours=4 + index % 3)
            _run_call(context, market, rng, published, fate, now)
