"""Demo markets of DESIGN §7 with a few hundred suppliers and applications in every state.

History is made by running the real services at past moments (``clock.at``), so every
row, deadline and audit event is what the platform itself would have produced. The markets
open about two years back (the PA 2023 one no earlier than the Act allows), so that the
calls run over enough months for the supplier insight forecast (``insights/forecast.py``).
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from opendps.accounts import services as account_services
from opendps.accounts.models import Organisation, Role
from opendps.core import clock
from opendps.core.calendar import LONDON
from opendps.markets import services as market_services
from opendps.markets.models import Category, Market
from opendps.markets.questionnaire import QuestionKind, RuleKind, questionnaire_parse
from opendps.membership import services
from opendps.membership.models import Application, CategoryMember
from opendps.regimes import REGIMES, RegimeCode
from opendps.web.demo import DemoContext, register

EMPLOYMENT_CATEGORIES = [
    ("CV and job search support", "Employability support", ["England", "Wales", "Scotland"]),
    ("Confidence and motivation", "Employability support", ["England", "Wales", "Scotland"]),
    ("Basic skills: English, maths and digital", "Skills training", ["England", "Wales"]),
    ("Health and wellbeing", "Health-related employment support", ["England", "Wales"]),
    (
        "Specialist 1-2-1 coaching for vulnerable groups",
        "Specialist employment support",
        ["England", "Wales", "Scotland"],
    ),
]
HOME_SUPPORT_ZONES = ["North zone", "South zone", "East zone", "West zone", "Town centre"]

NAME_PARTS = (
    [
        "Bright",
        "Next",
        "Open",
        "Harbour",
        "Kind",
        "Steady",
        "Bridge",
        "Oak",
        "River",
        "Pathway",
        "Compass",
        "Beacon",
        "Heart",
        "Willow",
        "Summit",
        "Anchor",
        "Horizon",
        "Circle",
    ],
    [
        "Futures",
        "Steps",
        "Support",
        "Care",
        "Skills",
        "Works",
        "Coaching",
        "Community",
        "Connect",
        "Living",
        "Learning",
        "Partners",
    ],
    ["CIC", "Ltd", "Trust", "(charity)", "Cooperative", "Ltd", "CIC", "Foundation"],
)
SUPPLIER_COUNT = 240
SEED = 2026
# How long ago the markets opened: a little over two years, so that a member's categories
# have the 24 complete months of calls a seasonal forecast needs (insights/forecast.py).
HISTORY_DAYS = 790
# Most suppliers apply in the first weeks of a market; the rest join over its whole life.
EARLY_SHARE = 0.4
EARLY_DAYS = 60


def _market_start(regime: RegimeCode, wanted: datetime) -> datetime:
    """``wanted``, or the morning the regime came into force if that is later: a PA 2023
    dynamic market cannot start before 24 February 2025."""
    in_force = datetime.combine(REGIMES[regime].effective_from, time(9), tzinfo=LONDON)
    return max(wanted, in_force)


def _latest_questions(categories: list[Category]) -> dict[int, list[dict[str, Any]]]:
    """Each category's current questions, read once for all the applications."""
    latest = {}
    for category in categories:
        version = category.questionnaire_versions.order_by("-version").first()
        assert version is not None
        latest[category.pk] = version.questions
    return latest


def _demo_answers(
    questions: list[dict[str, Any]], rng: random.Random, fail: str | None
) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for question in questionnaire_parse(questions).questions:
        rule = question.rule
        if question.kind == QuestionKind.FILE:
            continue
        if rule is not None and rule.kind == RuleKind.IN_SET:
            answers[question.id] = rule.values[0]
        elif rule is not None and rule.kind == RuleKind.MIN and rule.number is not None:
            answers[question.id] = str(rule.number * rng.choice([1, 2, 5]))
        elif question.kind in {QuestionKind.YES_NO, QuestionKind.CHOICE}:
            answers[question.id] = rng.choice(question.options())
        elif question.kind == QuestionKind.NUMBER:
            answers[question.id] = str(rng.randrange(50_000, 5_000_000, 10_000))
        else:
            answers[question.id] = "See our attached evidence and case studies."
    if fail == "mandatory":
        for qid in ("p2.fraud", "ex.mandatory_grounds"):
            if qid in answers:
                answers[qid] = "yes"
    if fail == "discretionary":
        for qid in ("p2.insolvency", "ex.discretionary_grounds"):
            if qid in answers:
                answers[qid] = "yes"
    return answers


def _demo_files(questions: list[dict[str, Any]]) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        q["id"]: SimpleUploadedFile(
            f"{q['id'].replace('.', '-')}.pdf", b"%PDF-1.4\n% demo evidence\n%%EOF\n"
        )
        for q in questions
        if q["kind"] == "file"
    }


def _market(context: DemoContext, key: str, **fields: Any) -> Market:
    existing = Market.objects.filter(title=fields["title"]).first()
    if existing is not None:
        return existing
    commissioner = context.users[
        "commissioner@dwp.demo" if key == "dwp" else "commissioner@northshire.demo"
    ]
    return market_services.market_create(
        actor=commissioner, authority=context.organisations[key], **fields
    )


def _suppliers(context: DemoContext, rng: random.Random) -> list[Organisation]:
    suppliers = [
        context.organisations[k]
        for k in ("brightpath", "nextstep", "carewell", "hearth", "nationwide")
    ]
    existing = {o.name: o for o in Organisation.objects.filter(kind="supplier")}
    for n in range(SUPPLIER_COUNT):
        a, b, c = (rng.choice(part) for part in NAME_PARTS)
        name = f"{a} {b} {c} {n + 1:03d}"
        vcse = c in {"CIC", "Trust", "(charity)", "Cooperative", "Foundation"}
        if name in existing:
            suppliers.append(existing[name])
            continue
        # Generated suppliers are onboarded by staff without a password (fast to load; a
        # person would set one with "forgotten your password").
        organisation = account_services.organisation_create(
            actor=context.staff,
            kind="supplier",
            name=name,
            is_sme=rng.random() < 0.85,
            is_vcse=vcse,
            nation=rng.choice(["england_wales"] * 8 + ["scotland", "northern_ireland"]),
            postcode=rng.choice(["LS1 4AP", "M1 1AE", "CF10 1EP", "G1 1XQ", "NT1 2BB", "B1 1BB"]),
            registration_number=f"{rng.randrange(10_000_000, 99_999_999)}",
        )
        account_services.member_add(
            actor=context.staff,
            organisation=organisation,
            email=f"supplier{n + 1:03d}@suppliers.demo",
            full_name=f"Bid Manager {n + 1:03d}",
            role=Role.SUPPLIER_ADMIN,
        )
        suppliers.append(organisation)
    return suppliers


@register(order=20)
def load_markets(context: DemoContext) -> None:
    if Market.objects.filter(title="Employment Support DPS").exists():
        return
    rng = random.Random(SEED)
    now = clock.now()
    starts = {
        regime: _market_start(regime, now - timedelta(days=HISTORY_DAYS))
        for regime in (RegimeCode.PCR2015_DPS, RegimeCode.PA2023_DYNAMIC_MARKET)
    }
    start = starts[RegimeCode.PCR2015_DPS]
    with clock.at(start):
        employment = _market(
            context,
            "dwp",
            regime=RegimeCode.PCR2015_DPS,
            title="Employment Support DPS",
            description=(
                "Employability support for people claiming Universal Credit and other "
                "benefits, bought by Jobcentre Plus Work Coaches one claimant or one "
                "small group at a time."
            ),
            # In both languages, as a market run for Wales would be (the others fall back).
            title_cy="System Brynu Ddeinamig Cymorth Cyflogaeth",
            description_cy=(
                "Cymorth cyflogadwyedd i bobl sy’n hawlio Credyd Cynhwysol a budd-daliadau "
                "eraill, a brynir gan Anogwyr Gwaith y Ganolfan Byd Gwaith un hawlydd neu un "
                "grŵp bach ar y tro."
            ),
            cpv_codes=["79600000-0", "80530000-8", "85312320-8"],
            estimated_value=Decimal("60000000"),
            estimated_purchases=23000,
            validity_starts_at=start,
            # A legacy PCR DPS may run to 23 Feb 2029 at the latest.
            validity_ends_at=datetime(2029, 2, 22, 17, tzinfo=LONDON),
            light_touch=True,
            vulnerable_people=True,
        )
        commissioner_dwp = context.users["commissioner@dwp.demo"]
        for position, (title, service_type, areas) in enumerate(EMPLOYMENT_CATEGORIES):
            market_services.category_add(
                actor=commissioner_dwp,
                market=employment,
                title=title,
                service_type=service_type,
                areas=areas,
                max_contract_value=Decimal("25000"),
                position=position,
            )
        market_services.market_publish(actor=commissioner_dwp, market=employment)
    start = starts[RegimeCode.PA2023_DYNAMIC_MARKET]
    with clock.at(start):
        home = _market(
            context,
            "county",
            regime=RegimeCode.PA2023_DYNAMIC_MARKET,
            title="Home Support Dynamic Market",
            description=(
                "Home care packages for adults assessed as eligible for care and support, "
                "placed by the council's brokerage team one service user at a time. Offers "
                "within 24 hours; ranked 60% quality, 40% price."
            ),
            cpv_codes=["85312000-9", "85320000-8"],
            estimated_value=Decimal("24000000"),
            estimated_purchases=1800,
            validity_starts_at=start,
            validity_ends_at=start + timedelta(days=5 * 365),
            light_touch=True,
            vulnerable_people=True,
            assessment_working_days=10,
            supplier_fee_percent=Decimal("0.5"),
        )
        commissioner_county = context.users["commissioner@northshire.demo"]
        for position, zone in enumerate(HOME_SUPPORT_ZONES):
            market_services.category_add(
                actor=commissioner_county,
                market=home,
                title=zone,
                service_type="Home care (domiciliary support)",
                areas=[f"Northshire {zone}"],
                max_contract_value=Decimal("60000"),
                position=position,
            )
        market_services.market_publish(actor=commissioner_county, market=home)
    # A draft that the commissioner is still preparing.
    _market(
        context,
        "dwp",
        regime="pa2023_dynamic_market",
        title="Restart Wellbeing Dynamic Market (draft)",
        description="Wellbeing support alongside employment support.",
        cpv_codes=["85312320-8"],
        estimated_value=Decimal("5000000"),
        estimated_purchases=2000,
        validity_starts_at=now + timedelta(days=30),
        validity_ends_at=now + timedelta(days=30 + 3 * 365),
    )
    suppliers = _suppliers(context, rng)
    _applications(context, rng, employment, home, suppliers, now)


def _applications(
    context: DemoContext,
    rng: random.Random,
    employment: Market,
    home: Market,
    suppliers: list[Organisation],
    now: Any,
) -> None:
    evaluators = {
        employment.pk: context.users["evaluator@dwp.demo"],
        home.pk: context.users["evaluator@northshire.demo"],
    }
    commissioners = {
        employment.pk: context.users["commissioner@dwp.demo"],
        home.pk: context.users["commissioner@northshire.demo"],
    }
    categories_of = {market.pk: list(market.categories.all()) for market in (employment, home)}
    questions = _latest_questions([c for cs in categories_of.values() for c in cs])
    for index, supplier in enumerate(suppliers):
        market = home if ("Care" in supplier.name or index % 3 == 0) else employment
        categories = categories_of[market.pk]
        chosen = rng.sample(categories, k=rng.choice([1, 1, 2, 3]))
        # Named demo suppliers apply early so they are members with history; of the others,
        # some apply in the market's first weeks and the rest at any time since.
        start = market.validity_starts_at
        if index < 5:
            days = 2
        elif rng.random() < EARLY_SHARE:
            days = rng.randrange(3, EARLY_DAYS)
        else:
            days = rng.randrange(3, (now - start).days - 7)
        submitted = start + timedelta(days=days, hours=rng.randrange(8, 17))
        fate = (
            "admit"
            if index < 5
            else rng.choices(
                ["admit", "reject", "pending", "withdrawn", "discretionary"],
                weights=[70, 8, 14, 3, 5],
            )[0]
        )
        if fate == "pending":  # mostly within the limit, some overdue
            submitted = now - timedelta(days=rng.randrange(1, 18), hours=rng.randrange(0, 8))
        fail = {"reject": "mandatory", "discretionary": "discretionary"}.get(fate)
        actor = supplier.memberships.first().user  # type: ignore[union-attr]
        with clock.at(submitted):
            answers: dict[str, Any] = {}
            files: dict[str, Any] = {}
            for category in chosen:
                answers |= _demo_answers(questions[category.pk], rng, fail)
                files |= _demo_files(questions[category.pk])
            applications = services.application_submit(
                actor=actor,
                supplier=supplier,
                market=market,
                category_ids=[c.pk for c in chosen],
                answers=answers,
                files=files,
            )
        decided = submitted + timedelta(days=rng.randrange(1, 12), hours=2)
        if fate == "pending" or decided > now:
            continue  # awaiting a decision (some of them overdue by now)
        for application in applications:
            _decide(application, fate, evaluators[market.pk], decided)
    _member_events(commissioners, rng, now)


def _decide(application: Application, fate: str, evaluator: Any, moment: Any) -> None:
    with clock.at(moment):
        if fate == "withdrawn":
            services.application_withdraw(actor=application.submitted_by, application=application)
        elif fate == "reject":
            failed = [
                qid for qid, r in application.auto_assessment.items() if r["outcome"] == "fail"
            ]
            services.application_decide(
                actor=evaluator,
                application=application,
                outcome="rejected",
                reasons={qid: "The answer shows a mandatory exclusion ground." for qid in failed},
            )
        else:
            failed = [
                qid for qid, r in application.auto_assessment.items() if r["outcome"] == "fail"
            ]
            services.application_decide(
                actor=evaluator,
                application=application,
                outcome="admitted",
                reasons={
                    qid: "Self-cleaning evidence accepted: new management and audited accounts."
                    for qid in failed
                },
            )


def _member_events(commissioners: dict[int, Any], rng: random.Random, now: Any) -> None:
    members = list(CategoryMember.objects.select_related("market").order_by("pk"))[5:]
    rng.shuffle(members)
    for member in members[:4]:
        with clock.at(now - timedelta(days=rng.randrange(2, 20))):
            services.member_suspend(
                actor=commissioners[member.market_id],
                member=member,
                reason="Safeguarding concern under review.",
            )
    for member in members[4:7]:
        with clock.at(now - timedelta(days=rng.randrange(2, 20))):
            services.member_remove(
                actor=commissioners[member.market_id],
                member=member,
                reason="Repeated failure to deliver purchased sessions.",
            )
    pcr_members = [m for m in members[7:] if m.market.regime == "pcr2015_dps"]
    for offset, member in enumerate(pcr_members[:6]):
        # Half are overdue (so suspended until answered), half still within 5 working days.
        with clock.at(now - timedelta(days=10 if offset % 2 == 0 else 1)):
            services.declaration_request(actor=commissioners[member.market_id], member=member)
