"""Open data test set-up: a world built through the real services, and the official schemas."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from opendps.competitions import services as competition_services
from opendps.competitions.models import Award, Call, PlannedCall, TenderSubmission
from opendps.contracts import services as contract_services
from opendps.contracts.models import Contract
from opendps.core.calendar import LONDON
from opendps.markets import services as market_services
from opendps.markets.models import Market
from opendps.publication.ocds import SCHEMA_DIR
from opendps.testing.factories import make_call, make_market, member_suppliers, tender

# Unique strings that must never reach open data.
LOSER_ANSWER = "LOSERANSWERQZX7 our confidential method"
LOSER_PRICE = "9876.54"
LOSER_SOCIAL_VALUE = "LOSERSOCIALVALUEQZX8"
SERVICE_USER_NEEDS = "SUNEEDSQZX9 needs two visits a day and help with meals in LS6."
CANCEL_REASON = "CANCELREASONQZX1"
NO_COMPLIANT_REASON = "NOCOMPLIANTQZX2"
EXCLUSION_REASON = "EXCLUDEDREASONQZX3"
PERFORMANCE_NOTE = "PERFNOTEQZX4 the claimant in room 2"
DISPUTE_REASON = "DISPUTEQZX5"
CHANGE_REASON = "CHANGEREASONQZX8 five more claimants referred"
TERMINATION_REASON = "TERMINATIONQZX9 the care package ended"
BUYER_FULL_NAME = "Zebedee Quillfeather"


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> Any:
    return time_machine.travel(datetime(year, month, day, hour, minute, tzinfo=LONDON), tick=False)


def schema(name: str) -> dict[str, Any]:
    """One of the official OCDS 1.1.5 schemas the app ships."""
    return json.loads((SCHEMA_DIR / name).read_text())


def release_validator() -> Any:
    """Draft 4 with date-time checked (rfc3339-validator), references resolved locally."""
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    release = schema("release-schema.json")
    package = schema("release-package-schema.json")
    registry = Registry().with_resource(
        release["id"], Resource.from_contents(release, default_specification=DRAFT4)
    )
    checker = Draft4Validator.FORMAT_CHECKER
    assert "date-time" in checker.checkers, "install rfc3339-validator to check date-time"
    return (
        Draft4Validator(release, format_checker=checker, registry=registry),
        Draft4Validator(package, format_checker=checker, registry=registry),
    )


def next_page(response: Any) -> str | None:
    """The URL of the next page, from the ``Link`` header (RFC 8288), if there is one."""
    match = re.fullmatch(r'<([^>]+)>; rel="next"', response.get("Link", ""))
    return match[1] if match else None


def errors_of(validator: Any, instance: Any) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


def evaluate_and_award(people: Any, call: Call, quality: dict[Any, int], **kwargs: Any) -> Award:
    """Open, score independently, moderate and award, just after the deadline."""
    keys = [c["key"] for c in call.criteria if c["kind"] != "price"]
    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=False):
        competition_services.call_open(actor=people.buyer, call=call)
        competition_services.conflict_declare(actor=people.evaluator, call=call, has_conflict=False)
        live = {
            s.supplier_id: s
            for s in TenderSubmission.objects.filter(
                call=call, superseded_at=None, withdrawn_at=None
            )
        }
        scores = {
            str(live[supplier.pk].pk): {
                key: {"score": score, "reason": f"{supplier.name} scored {score}"} for key in keys
            }
            for supplier, score in quality.items()
        }
        competition_services.scoresheet_save(
            actor=people.evaluator, call=call, scores=scores, submit=True
        )
        competition_services.moderation_record(actor=people.commissioner, call=call, scores=scores)
        return competition_services.award_decide(actor=people.buyer, call=call, **kwargs)


EXTENSION_REASON = "The specification was clarified, so suppliers get one more day."


@dataclass
class World:
    pcr_market: Market
    pa_market: Market
    awarded: Call  # PCR: two tenders, B loses; contract at once
    cancelled: Call
    no_compliant: Call
    draft: Call
    rapid: Call  # PA light-touch: voluntary standstill, then the contract
    planned: PlannedCall
    pcr_award: Award
    rapid_award: Award
    pcr_contract: Contract
    rapid_contract: Contract


def build_world(people: Any) -> World:
    """Every kind of release, through the services, on fixed days of 2027."""
    people.buyer.full_name = BUYER_FULL_NAME
    people.buyer.save()
    people.supplier_b.registration_number = "01234567"
    people.supplier_b.save()
    suppliers = [
        (people.supplier_a, people.supplier_a_admin),
        (people.supplier_b, people.supplier_b_admin),
    ]
    with at(2027, 1, 4):
        pcr = make_market(people, categories=("CV and job search support", "Basic skills"))
        member_suppliers(people, pcr, *suppliers)
    with at(2027, 1, 5):
        pa = make_market(
            people,
            regime="pa2023_dynamic_market",
            title="Home Support Dynamic Market",
            light_touch=True,
            categories=("Zone 1",),
        )
        member_suppliers(people, pa, *suppliers)
    with at(2027, 2, 10):
        awarded = make_call(people, pcr)
        cancelled = make_call(people, pcr, title="To be cancelled")
        no_compliant = make_call(people, pcr, title="Nobody compliant")
        draft = make_call(people, pcr, title="Still a draft", publish=False)
        planned = competition_services.planned_call_announce(
            actor=people.buyer,
            category=pcr.categories.order_by("pk").first(),
            title="Spring CV clinics",
            expected_month=datetime(2027, 4, 1).date(),
            estimated_value=Decimal("12000"),
        )
        rapid = make_call(
            people,
            pa,
            rapid=True,
            service_user_needs=SERVICE_USER_NEEDS,
            deadline=datetime(2027, 2, 11, 9, tzinfo=LONDON),
        )
    with at(2027, 2, 10, 12):
        tender(people, rapid, price="1000")
        tender(
            people,
            rapid,
            supplier=people.supplier_b,
            price=LOSER_PRICE,
            answers={"quality": LOSER_ANSWER},
        )
    with at(2027, 2, 12):
        competition_services.call_cancel(actor=people.buyer, call=cancelled, reason=CANCEL_REASON)
    with at(2027, 2, 13):
        # A tender amendment: the deadline extended by a day, with its public reason.
        competition_services.call_extend_deadline(
            awarded,
            new_deadline=awarded.deadline + timedelta(days=1),
            reason=EXTENSION_REASON,
            actor=people.buyer,
        )
        awarded.refresh_from_db()
    with at(2027, 2, 15):
        tender(people, awarded, price="4000")
        tender(
            people,
            awarded,
            supplier=people.supplier_b,
            price=LOSER_PRICE,
            answers={"quality": LOSER_ANSWER, "social_value": LOSER_SOCIAL_VALUE},
        )
        tender(people, no_compliant, price="3000")
    rapid_award = evaluate_and_award(
        people,
        rapid,
        {people.supplier_a: 4, people.supplier_b: 2},
        voluntary_standstill=True,
    )
    assert rapid_award.standstill_ends_at is not None
    with time_machine.travel(rapid_award.standstill_ends_at + timedelta(hours=10), tick=False):
        rapid_contract = competition_services.contract_conclude(actor=people.buyer, call=rapid)
    with at(2027, 2, 20):
        PlannedCall.objects.filter(pk=planned.pk).update(withdrawn_at=datetime.now(tz=LONDON))
    pcr_award = evaluate_and_award(people, awarded, {people.supplier_a: 4, people.supplier_b: 2})
    with time_machine.travel(no_compliant.deadline + timedelta(minutes=1), tick=False):
        competition_services.call_open(actor=people.buyer, call=no_compliant)
        competition_services.tender_exclude(
            actor=people.commissioner,
            submission=TenderSubmission.objects.get(call=no_compliant, superseded_at=None),
            reason=EXCLUSION_REASON,
        )
        competition_services.call_close_no_compliant(
            actor=people.buyer, call=no_compliant, reason=NO_COMPLIANT_REASON
        )
    # The PCR contract: a confirmed delivery, one disputed, an open one, then a variation;
    # the PA contract is terminated.
    pcr_contract = Contract.objects.get(call=awarded)
    with at(2027, 2, 25):
        delivered = contract_services.performance_record(
            actor=people.supplier_a_admin,
            contract=pcr_contract,
            kind="delivery",
            metric="CV sessions delivered",
            quantity=Decimal("7"),
            target=Decimal("10"),
            period_start=datetime(2027, 2, 22).date(),
            period_end=datetime(2027, 2, 24).date(),
            note=PERFORMANCE_NOTE,
        )
        disputed = contract_services.performance_record(
            actor=people.supplier_a_admin,
            contract=pcr_contract,
            kind="outcome",
            metric="DISPUTEDMETRICQZX6",
            quantity=Decimal("3"),
            period_start=datetime(2027, 2, 22).date(),
            period_end=datetime(2027, 2, 24).date(),
        )
        contract_services.performance_record(
            actor=people.supplier_a_admin,
            contract=pcr_contract,
            kind="kpi",
            metric="UNCONFIRMEDMETRICQZX7",
            quantity=Decimal("1"),
            period_start=datetime(2027, 2, 22).date(),
            period_end=datetime(2027, 2, 24).date(),
        )
    with at(2027, 2, 26):
        contract_services.performance_confirm(actor=people.buyer, record=delivered)
        contract_services.performance_dispute(
            actor=people.buyer, record=disputed, reason=DISPUTE_REASON
        )
    with at(2027, 2, 27):
        contract_services.contract_change(
            actor=people.buyer,
            contract=pcr_contract,
            kind="variation",
            reason=CHANGE_REASON,
            value=Decimal("4500"),
            ends_on=datetime(2027, 12, 31).date(),
        )
    with at(2027, 2, 28):
        contract_services.contract_change(
            actor=people.buyer,
            contract=rapid_contract,
            kind="termination",
            reason=TERMINATION_REASON,
        )
    with at(2027, 3, 1):
        market_services.market_validity_change(
            actor=people.commissioner,
            market=pcr,
            validity_ends_at=datetime(2028, 6, 30, 17, tzinfo=LONDON),
            reason="Demand continues into 2028.",
        )
        market_services.market_validity_change(
            actor=people.commissioner,
            market=pa,
            validity_ends_at=datetime(2028, 3, 31, 17, tzinfo=LONDON),
            reason="Aligned with the council's budget year.",
        )
    with at(2027, 3, 10):
        market_services.market_cease(actor=people.commissioner, market=pcr, reason="Replaced.")
        market_services.market_cease(actor=people.commissioner, market=pa, reason="Replaced.")
    return World(
        pcr_market=Market.objects.get(pk=pcr.pk),
        pa_market=Market.objects.get(pk=pa.pk),
        awarded=Call.objects.get(pk=awarded.pk),
        cancelled=Call.objects.get(pk=cancelled.pk),
        no_compliant=Call.objects.get(pk=no_compliant.pk),
        draft=Call.objects.get(pk=draft.pk),
        rapid=Call.objects.get(pk=rapid.pk),
        planned=PlannedCall.objects.get(pk=planned.pk),
        pcr_award=Award.objects.get(pk=pcr_award.pk),
        rapid_award=Award.objects.get(pk=rapid_award.pk),
        pcr_contract=Contract.objects.get(call=awarded),
        rapid_contract=Contract.objects.get(pk=rapid_contract.pk),
    )


@pytest.fixture
def world(people: Any) -> World:
    return build_world(people)


@pytest.fixture(autouse=True)
def _fixed_prefix(settings: Any) -> None:
    settings.OPENDPS_OCID_PREFIX = "ocds-test01"
    settings.SITE_URL = "https://opendps.example"


# --- notices due -----------------------------------------------------------------------


def end_of(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 23, 59, 59, 999999, tzinfo=LONDON)


@dataclass
class Notices:
    pcr_call: Call
    pa_call: Call
    light_touch_call: Call
    rapid_call: Call


@pytest.fixture
def calls(people: Any) -> Notices:
    """A PCR award, a PA 2023 contract, a light-touch contract and a rapid call's contract,
    around Easter 2027: one notice of each kind due."""
    supplier = (people.supplier_a, people.supplier_a_admin)
    with at(2027, 2, 1):
        pcr = make_market(people, title="PCR DPS")
        pa = make_market(people, regime="pa2023_dynamic_market", title="PA market")
        light = make_market(
            people, regime="pa2023_dynamic_market", title="Care market", light_touch=True
        )
        for market in (pcr, pa, light):
            member_suppliers(people, market, supplier)
    deadline = datetime(2027, 3, 15, 9, tzinfo=LONDON)
    with at(2027, 3, 4):
        pcr_call = make_call(people, pcr, title="PCR call", deadline=deadline)
        pa_call = make_call(people, pa, title="PA call", deadline=deadline)
        light_call = make_call(people, light, title="Light-touch call", deadline=deadline)
    with at(2027, 3, 10):
        for call in (pcr_call, pa_call, light_call):
            tender(people, call)
    for call in (pcr_call, pa_call, light_call):
        evaluate_and_award(people, call, {people.supplier_a: 3})  # 15 March, 09:01
    # PA standstill: 8 working days beginning with Mon 15 March, skipping 17 March (a bank
    # holiday in Northern Ireland, so not a working day anywhere under the Act).
    assert Award.objects.get(call=pa_call).standstill_ends_at == end_of(2027, 3, 25)
    with at(2027, 3, 26, 10):  # Good Friday
        competition_services.contract_conclude(actor=people.buyer, call=pa_call)
    # A light-touch contract has no mandatory standstill: it was made at the award.
    with at(2027, 3, 25, 10):
        rapid = make_call(
            people,
            light,
            title="Rapid call",
            rapid=True,
            deadline=datetime(2027, 3, 26, 9, tzinfo=LONDON),
        )
        tender(people, rapid)
    evaluate_and_award(people, rapid, {people.supplier_a: 3})  # Good Friday: no standstill
    return Notices(pcr_call, pa_call, light_call, rapid)
