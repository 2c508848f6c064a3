"""One small platform for the route x role test: an authority's market with both test
suppliers, an awarded call with its contract, an open call holding a sealed tender, a draft,
a planned call, a declaration request, an alert; supplier A's applications, draft, evidence
locker, challenge, standing offer and placement (``route_records``); and a person in every
outside role.

Built once per test module, through the real services, on fixed days of 2027; the test
then runs at ``NOW`` (the open call is still open, the awarded one is under contract).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from opendps.core.calendar import LONDON
from opendps.publication.ocds import Context
from opendps.testing.factories import (
    TINY_PDF,
    make_call,
    make_market,
    member_suppliers,
    questionnaire_of,
    tender,
)
from opendps.testing.fixtures import People, make_people, make_person
from opendps.web.tests.route_records import (
    CHALLENGE_GROUNDS,
    at,
    build_applying,
    build_brokerage,
)

NOW = datetime(2027, 3, 3, 12, tzinfo=LONDON)

# Strings only the parties of the tender or contract they sit in may ever be shown.
SEALED_ANSWER = "SEALEDCANARYQ7 our method for the open call"
WINNER_ANSWER = "WINNERCANARYQ8 our awarded method"
LOSER_ANSWER = "LOSERCANARYQ9 our losing method"
LOSER_PRICE = "8765.43"
PERFORMANCE_NOTE = "PERFCANARYQ6 the claimant in room 2"
CANARIES = (SEALED_ANSWER, WINNER_ANSWER, LOSER_ANSWER, PERFORMANCE_NOTE, CHALLENGE_GROUNDS)


@dataclass
class RouteWorld:
    people: People
    persons: dict[str, Any]  # role name in the test -> user
    ids: dict[str, Any]  # URL keyword -> the owner's object id
    tokens: dict[str, str] = field(default_factory=dict)  # role name -> API token
    sessions: dict[str, str] = field(default_factory=dict)  # role name -> session key
    openapi: dict[str, Any] = field(default_factory=dict)
    media_root: str = ""


def _outsiders(people: People) -> dict[str, Any]:
    """A person in every role of another authority, a supplier that is no party, staff."""
    from opendps.accounts.models import Organisation, OrganisationKind, Role

    other = people.other_authority
    gamma = Organisation.objects.create(kind=OrganisationKind.SUPPLIER, name="Gamma Skills Ltd")
    return {
        "anonymous": None,
        "other_supplier": make_person("admin@gamma.test", gamma, Role.SUPPLIER_ADMIN),
        "other_admin": make_person("admin@other.test", other, Role.AUTHORITY_ADMIN),
        "other_commissioner": make_person("commissioner@other.test", other, Role.COMMISSIONER),
        "other_buyer": people.other_buyer,
        "other_evaluator": make_person("evaluator@other.test", other, Role.EVALUATOR),
        "staff": people.staff,
    }


def build_route_world() -> RouteWorld:
    from opendps.accounts import services as account_services
    from opendps.alerts import services as alert_services
    from opendps.competitions import services as competition_services
    from opendps.competitions.models import Clarification, TenderSubmission
    from opendps.contracts import services as contract_services
    from opendps.contracts.models import Contract
    from opendps.membership import services as membership_services
    from opendps.membership.models import ApplicationDocument, CategoryMember
    from opendps.publication.tasks import bulk_export_write
    from opendps.publication.tests.conftest import evaluate_and_award

    people = make_people()
    persons = _outsiders(people)
    suppliers = [
        (people.supplier_a, people.supplier_a_admin),
        (people.supplier_b, people.supplier_b_admin),
    ]
    with at(2027, 1, 4):
        market = make_market(people)
        member_suppliers(people, market, *suppliers)
    category = market.categories.get()
    with at(2027, 2, 10):
        awarded = make_call(people, market)
        draft = make_call(people, market, title="Still a draft", publish=False)
        planned = competition_services.planned_call_announce(
            actor=people.buyer,
            category=category,
            title="Spring CV clinics",
            expected_month=date(2027, 5, 1),
            estimated_value=Decimal("12000"),
        )
    with at(2027, 2, 15):
        method = SimpleUploadedFile("method.pdf", TINY_PDF, "application/pdf")
        tender(
            people,
            awarded,
            supplier=people.supplier_b,
            price=LOSER_PRICE,
            answers=_answers(awarded, LOSER_ANSWER),
        )
        tender(
            people,
            awarded,
            price="4000",
            answers=_answers(awarded, WINNER_ANSWER),
            files=[method],
        )
    evaluate_and_award(people, awarded, {people.supplier_a: 4, people.supplier_b: 2})
    contract = Contract.objects.get(call=awarded)
    with at(2027, 2, 25):
        record = contract_services.performance_record(
            actor=people.supplier_a_admin,
            contract=contract,
            kind="delivery",
            metric="CV sessions delivered",
            quantity=Decimal("7"),
            period_start=date(2027, 2, 22),
            period_end=date(2027, 2, 24),
            note=PERFORMANCE_NOTE,
        )
        rating = contract_services.rating_give(
            actor=people.buyer, contract=contract, score=4, comment="Reliable."
        )
    member = CategoryMember.objects.get(supplier=people.supplier_a, category=category)
    with at(2027, 3, 1):
        open_call = make_call(people, market, title="Interview coaching")
        competition_services.call_document_attach(
            actor=people.buyer,
            call=open_call,
            kind="specification",
            upload=SimpleUploadedFile("specification.pdf", TINY_PDF, "application/pdf"),
        )
        declaration = membership_services.declaration_request(
            actor=people.commissioner, member=member
        )
    with at(2027, 3, 2):
        tender(people, open_call, price="3000", answers=_answers(open_call, SEALED_ANSWER))
        competition_services.clarification_ask(
            actor=people.supplier_a_admin,
            call=open_call,
            supplier=people.supplier_a,
            question="Can sessions be online?",
        )
        search = alert_services.saved_search_create(
            actor=people.supplier_a_admin, name="CV work", frequency="daily"
        )
        token, _secret = account_services.api_token_create(
            actor=people.supplier_a_admin, name="bid system"
        )
    winner = TenderSubmission.objects.get(
        call=awarded, supplier=people.supplier_a, superseded_at=None
    )
    document = ApplicationDocument.objects.filter(application=member.application_id).first()
    assert document is not None
    ids = {
        "authority_id": people.authority.pk,
        "supplier_id": people.supplier_a.pk,
        "market_id": market.pk,
        "category_id": category.pk,
        "call_id": awarded.pk,
        "open_call_id": open_call.pk,
        "draft_call_id": draft.pk,
        "planned_id": planned.pk,
        "submission_id": winner.pk,
        "index": 0,
        "question_id": Clarification.objects.get(call=open_call).pk,
        "contract_id": contract.pk,
        "record_id": record.pk,
        "rating_id": rating.pk,
        "member_id": member.pk,
        "request_id": declaration.pk,
        "application_id": member.application_id,
        "document_id": document.pk,
        "search_id": search.pk,
        "token_id": token.pk,
        "membership_id": people.buyer.memberships.get().pk,
        "ocid": Context.from_settings().ocid("call", awarded.pk),
        "form_question_id": questionnaire_of(category).questions[0].id,
    }
    ids |= build_applying(people, awarded.pk) | build_brokerage(people)
    with at(2027, 3, 3, 12):
        bulk_export_write()  # the nightly job's file, so /ocds/export is walked with it
    return RouteWorld(people=people, persons=persons, ids=ids)


def _answers(call: Any, text: str) -> dict[str, str]:
    return {c["key"]: text for c in call.criteria if c["kind"] != "price"}


@contextmanager
def route_world_built(django_db_blocker: Any) -> Iterator[RouteWorld]:
    """Build the world in a transaction kept open for the module and rolled back after it
    (marked as a test case's, so the services' durable transactions nest in it)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # type: ignore[attr-defined]
        atomic.__enter__()
        try:
            yield build_route_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
