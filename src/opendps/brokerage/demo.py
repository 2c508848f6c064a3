"""Demo: the Northshire broker's morning of rapid calls.

Members of the home support market keep their capacity and a standing offer with a rate
card; this morning the broker placed three packages: each member answered from its
standing offer in one step (one improved its price), the first winner declined and the
placement fell to the next-ranked provider, the second winner accepted at once, and a
third call is still open.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from opendps.brokerage import services
from opendps.brokerage.models import Capacity, Placement
from opendps.competitions import services as competition_services
from opendps.competitions.models import StandingOffer, TenderSubmission
from opendps.competitions.pricing import PriceBasis, PriceUnit
from opendps.core import clock
from opendps.markets.models import Market
from opendps.membership.models import CategoryMember
from opendps.membership.status import active_members_q
from opendps.web.demo import DemoContext, register

RATES = [Decimal("23.80"), Decimal("24.40"), Decimal("25.10"), Decimal("22.90"), Decimal("24.90")]
MORNING = [
    # (minutes before now it was published, district, needs, fate)
    (
        240,
        "NT4",
        "Woman in her 80s in NT4, early dementia, needs two visits a day and help with meals.",
        "declined",
    ),
    (
        180,
        "NT2",
        "Man in his 70s in NT2, lives alone, needs help with washing and dressing each morning.",
        "accepted",
    ),
    (
        30,
        "NT7",
        "Adult in NT7 after a hospital stay, needs short-term reablement for six weeks.",
        "open",
    ),
]


def _actor(member: CategoryMember) -> Any:
    return member.supplier.memberships.order_by("pk").first().user  # type: ignore[union-attr]


def _keep_offers_and_capacity(members: list[CategoryMember], now: Any) -> None:
    """Each member's rate card and capacity, brought up to date early this morning."""
    with clock.at(now - timedelta(hours=5)):
        for index, member in enumerate(members):
            actor = _actor(member)
            if not StandingOffer.objects.filter(member=member).exists():
                competition_services.standing_offer_save(
                    actor=actor,
                    member=member,
                    description=(
                        f"{member.supplier.name}: trained, DBS-checked carers on fixed rounds, "
                        "the same carer for each service user wherever we can."
                    ),
                    delivery_areas=[member.category.title],
                    price_per_hour=RATES[index % len(RATES)],
                    social_value="Carers paid the Real Living Wage and recruited locally.",
                )
            services.capacity_record(
                actor=actor,
                member=member,
                zone=member.category.title,
                kind="care_hours",
                amount=Decimal([35, 14, 0, 60, 21][index % 5]),
                available_from=date.fromordinal(now.date().toordinal() + index % 3),
            )


def _rapid_call(broker: Any, category: Any, published: Any, district: str, needs: str) -> Any:
    with clock.at(published):
        call = competition_services.call_create(
            actor=broker,
            category=category,
            title=f"Home care package, {category.title} ({district}), this morning",
            requirement="Care and support as set out in the service user's needs.",
            estimated_value=Decimal("8500"),
            deadline=published + timedelta(minutes=90),
            rapid=True,
            service_user_needs=needs,
            region=district,
            price_basis=PriceBasis.UNIT_RATE,
            price_unit=PriceUnit.HOUR,
            expected_quantity=Decimal(14 * 26),
            acceptance_hours=2,
        )
        return competition_services.call_publish(actor=broker, call=call)


def _award(context: DemoContext, call: Any) -> Any:
    broker = context.users["broker@northshire.demo"]
    evaluator = context.users["evaluator@northshire.demo"]
    moderator = context.users["commissioner@northshire.demo"]
    with clock.at(call.deadline + timedelta(minutes=5)):
        call = competition_services.call_open(actor=broker, call=call)
        live = TenderSubmission.objects.filter(call=call, withdrawn_at=None, superseded_at=None)
        scores = {
            str(s.pk): {"quality": {"score": 3 + (i == 0), "reason": "A well evidenced plan."}}
            for i, s in enumerate(live.order_by("supplier__name"))
        }
        competition_services.conflict_declare(actor=evaluator, call=call, has_conflict=False)
        competition_services.scoresheet_save(actor=evaluator, call=call, scores=scores, submit=True)
        competition_services.moderation_record(actor=moderator, call=call, scores=scores)
        competition_services.award_decide(actor=broker, call=call)
    return call


@register(order=35)
def load_brokerage(context: DemoContext) -> None:
    """Brokerage: a morning of rapid calls."""
    if Placement.objects.exists() or Capacity.objects.exists():
        return
    now = clock.now()
    market = Market.objects.get(title="Home Support Dynamic Market")
    broker = context.users["broker@northshire.demo"]
    members = list(
        CategoryMember.objects.filter(active_members_q(now), market=market).select_related(
            "supplier", "category"
        )
    )
    if not members:
        return
    _keep_offers_and_capacity(members, now)
    by_category: dict[int, list[CategoryMember]] = {}
    for member in members:
        by_category.setdefault(member.category_id, []).append(member)
    category_id = max(by_category, key=lambda key: len(by_category[key]))
    bidders = by_category[category_id]
    category = bidders[0].category
    if len(bidders) < 2:
        return
    for minutes, district, needs, fate in MORNING:
        published = now - timedelta(minutes=minutes)
        call = _rapid_call(broker, category, published, district, needs)
        # Five providers answer, within the hour and a half each call is open.
        for index, member in enumerate(bidders[:5]):
            moment = published + timedelta(minutes=10 + 5 * index)
            if moment >= now:
                continue
            with clock.at(moment):
                offer = StandingOffer.objects.get(member=member)
                # One provider sharpens its rate card price for this package.
                improved = (offer.price_per_hour or Decimal(0)) - Decimal("0.60")
                competition_services.tender_from_standing_offer(
                    actor=_actor(member),
                    call=call,
                    supplier=member.supplier,
                    price=improved if index == 1 else None,
                )
        if fate == "open":
            continue
        call = _award(context, call)
        placement = Placement.objects.get(call=call, rank=1)
        with clock.at(call.deadline + timedelta(minutes=25)):
            winner = CategoryMember.objects.get(
                category_id=category_id, supplier_id=placement.supplier_id, removed_at=None
            )
            if fate == "declined":
                services.placement_decline(
                    actor=_actor(winner),
                    placement=placement,
                    reason=f"No carer free for mornings in {district} until next month.",
                )
                placement = Placement.objects.get(call=call, rank=2)
                winner = CategoryMember.objects.get(
                    category_id=category_id, supplier_id=placement.supplier_id, removed_at=None
                )
        with clock.at(call.deadline + timedelta(minutes=40)):
            services.placement_accept(actor=_actor(winner), placement=placement)
