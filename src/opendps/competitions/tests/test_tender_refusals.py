"""Annex IV (g): every refused attempt on tender data leaves one audit event, whatever the
answer (404 or 403), at most one per (person, call, attempt, minute); and before the
deadline nobody but each supplier learns whether, how many or who has tendered."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from opendps.accounts.models import Role
from opendps.competitions import services
from opendps.competitions.models import TenderSubmission
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.testing.factories import TINY_PDF, make_call, market_with_both_suppliers, tender
from opendps.testing.fixtures import client_for, make_person

pytestmark = pytest.mark.django_db(transaction=True)

MISSING_CALL = 999_999


@dataclass(frozen=True)
class Attempt:
    """One refused attempt: who, on which surface, doing what, and the answer expected."""

    who: str
    when: str  # "sealed": before the deadline; "opened": after the box is opened
    surface: str  # "api" or "page"
    method: str
    path: str  # {call}, {a_tender} filled in
    attempt: str
    status: int
    body: dict[str, Any] | None = None

    def __str__(self) -> str:
        missing = "-missing-call" if str(MISSING_CALL) in self.path else ""
        return f"{self.surface}-{self.method}-{self.attempt}-{self.who}-{self.when}{missing}"


ATTEMPTS = [
    # API: reading, opening, scoring, moderating, excluding, awarding.
    Attempt("buyer", "sealed", "api", "get", "/api/v1/competitions/{call}/tenders", "read", 403),
    Attempt(
        "evaluator", "opened", "api", "get", "/api/v1/competitions/{call}/tenders", "read", 403
    ),
    Attempt("staff", "opened", "api", "get", "/api/v1/competitions/{call}/tenders", "read", 404),
    Attempt(
        "buyer", "sealed", "api", "get", f"/api/v1/competitions/{MISSING_CALL}/tenders", "read", 404
    ),
    Attempt(
        "other_admin", "sealed", "api", "post", "/api/v1/competitions/{call}/open", "open", 404
    ),
    Attempt("evaluator", "sealed", "api", "post", "/api/v1/competitions/{call}/open", "open", 403),
    Attempt("buyer", "sealed", "api", "post", "/api/v1/competitions/{call}/open", "open", 422),
    Attempt(
        "evaluator",
        "opened",
        "api",
        "post",
        "/api/v1/competitions/{call}/scores",
        "score",
        403,
        {"scores": {}},
    ),
    Attempt(
        "supplier_b_admin",
        "opened",
        "api",
        "get",
        "/api/v1/competitions/{call}/scores",
        "score",
        404,
    ),
    Attempt(
        "other_buyer",
        "opened",
        "api",
        "post",
        "/api/v1/competitions/{call}/moderation",
        "moderate",
        404,
        {"scores": {}},
    ),
    Attempt(
        "buyer",
        "sealed",
        "api",
        "post",
        "/api/v1/competitions/{call}/tenders/{a_tender}/exclude",
        "exclude",
        403,
        {"reason": "No DBS evidence"},
    ),
    Attempt(
        "supplier_a_admin",
        "opened",
        "api",
        "post",
        "/api/v1/competitions/{call}/award",
        "award",
        403,
        {},
    ),
    # Pages: the tenders, a tender's document, opening, moderation, award.
    Attempt("staff", "opened", "page", "get", "/calls/{call}/tenders", "read", 404),
    Attempt("evaluator", "opened", "page", "get", "/calls/{call}/tenders", "read", 403),
    Attempt(
        "supplier_b_admin",
        "opened",
        "page",
        "get",
        "/calls/{call}/tenders/{a_tender}/documents/0",
        "download",
        404,
    ),
    Attempt(
        "supplier_b_admin",
        "sealed",
        "page",
        "get",
        "/calls/{call}/receipts/{a_tender}",
        "read",
        404,
    ),
    Attempt(
        "buyer",
        "sealed",
        "page",
        "get",
        "/calls/{call}/tenders/{a_tender}/documents/0",
        "download",
        403,
    ),
    Attempt("other_admin", "sealed", "page", "post", "/calls/{call}/open", "open", 404),
    Attempt("buyer", "sealed", "page", "post", "/calls/{call}/open", "open", 200),
    Attempt(
        "supplier_a_admin", "opened", "page", "get", "/calls/{call}/moderation", "moderate", 404
    ),
    Attempt("evaluator", "opened", "page", "post", "/calls/{call}/award", "award", 403),
    Attempt("other_buyer", "opened", "page", "get", "/calls/{call}/evaluation", "score", 404),
]


@pytest.fixture
def call(people):
    """Both suppliers tendered (Alpha with a document); the evaluator will have declared a
    conflict of interest once the box is opened."""
    market = market_with_both_suppliers(people)
    call = make_call(people, market)
    tender(people, call, files=[SimpleUploadedFile("method.pdf", TINY_PDF, "application/pdf")])
    tender(people, call, supplier=people.supplier_b, price="5000")
    return call


def open_the_box(people, call) -> None:
    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=False):
        services.call_open(actor=people.buyer, call=call)
        services.conflict_declare(
            actor=people.evaluator, call=call, has_conflict=True, details="Former trustee"
        )


def who(people, name: str) -> Any:
    if name == "other_admin":
        return make_person("admin@other.test", people.other_authority, Role.AUTHORITY_ADMIN)
    return people.by_name(name)


def client(attempt: Attempt, person: Any, api_client_for: Any) -> Any:
    return api_client_for(person) if attempt.surface == "api" else client_for(person)


def send(attempt: Attempt, client: Any, path: str) -> Any:
    if attempt.method == "get":
        return client.get(path)
    if attempt.surface == "api":
        return client.post(path, attempt.body)
    return client.post(path, attempt.body or {})


def refusals() -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(event_type=AuditEventType.TENDER_ACCESS_REFUSED).order_by(
            "sequence"
        )
    )


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=str)
def test_each_refused_attempt_is_audited_once_a_minute(people, call, api_client_for, attempt):
    """Refused, and exactly one event naming the person, the call, the attempt and the time;
    the same attempt again in the same minute adds none; the next minute adds one."""
    if attempt.when == "opened":
        open_the_box(people, call)
        moment = call.deadline + timedelta(minutes=10)
    else:
        moment = call.deadline - timedelta(hours=1)
    moment = moment.replace(second=5, microsecond=0)
    person = who(people, attempt.who)
    a_tender = TenderSubmission.objects.get(call=call, supplier=people.supplier_a)
    path = attempt.path.format(call=call.pk, a_tender=a_tender.pk)
    call_id = MISSING_CALL if str(MISSING_CALL) in path else call.pk
    before = len(refusals())

    with time_machine.travel(moment, tick=False):
        sender = client(attempt, person, api_client_for)  # signed in now: sessions expire
        response = send(attempt, sender, path)
    assert response.status_code == attempt.status
    events = refusals()[before:]
    assert len(events) == 1
    event = events[0]
    assert event.actor_id == person.pk
    assert event.data["call_id"] == call_id
    assert event.data["attempt"] == attempt.attempt
    assert datetime.fromisoformat(event.data["at"]) == moment
    assert event.occurred_at == moment
    if call_id == call.pk:
        assert (event.subject_type, event.subject_id) == ("competitions.call", str(call.pk))
        assert event.organisation_id == people.authority.pk
    else:
        assert event.subject_id == "" and event.data["call_missing"] is True

    with time_machine.travel(moment + timedelta(seconds=50), tick=False):
        assert send(attempt, sender, path).status_code == attempt.status
    assert len(refusals()) == before + 1

    with time_machine.travel(moment + timedelta(seconds=60), tick=False):
        assert send(attempt, sender, path).status_code == attempt.status
    assert len(refusals()) == before + 2


def test_the_refusal_survives_the_rollback_of_the_refused_service(people, call):
    """A conflicted evaluator's scoring is refused and rolled back, but not its trace."""
    from opendps.competitions.models import Scoresheet
    from opendps.core.errors import NotPermitted

    open_the_box(people, call)
    with (
        time_machine.travel(call.deadline + timedelta(minutes=5), tick=False),
        pytest.raises(NotPermitted, match="conflict of interest"),
    ):
        services.scoresheet_save(actor=people.evaluator, call=call, scores={})
    assert not Scoresheet.objects.exists()
    [event] = refusals()
    assert event.actor_id == people.evaluator.pk
    assert (event.data["attempt"], event.data["reason"]) == ("score", "not_permitted")


def test_one_officer_opening_alone_where_two_are_needed_is_audited(people):
    """Annex IV (e): the same officer trying to open twice is refused, and traced."""
    from opendps.core.errors import Conflict

    market = market_with_both_suppliers(people, dual_opening=True)
    dual = make_call(people, market)
    with time_machine.travel(dual.deadline + timedelta(minutes=1), tick=False):
        services.call_open(actor=people.buyer, call=dual)
        with pytest.raises(Conflict, match="second officer"):
            services.call_open(actor=people.buyer, call=dual)
    [event] = refusals()
    assert event.actor_id == people.buyer.pk and event.data["call_id"] == dual.pk
    assert (event.data["attempt"], event.data["reason"]) == ("open", "second_officer_needed")


def test_ids_of_calls_that_do_not_exist_share_one_event_a_minute(people, api_client_for):
    """Trying every id writes no more than trying one: no flooding through made-up ids."""
    client = api_client_for(people.buyer)
    for call_id in range(MISSING_CALL, MISSING_CALL + 5):
        assert client.get(f"/api/v1/competitions/{call_id}/tenders").status_code == 404
    assert len(refusals()) == 1


def test_different_people_attempts_and_calls_are_recorded_apart(people, call, api_client_for):
    """The limit is per (person, call, attempt): other people and attempts still count."""
    for person in (people.buyer, people.commissioner):
        client = api_client_for(person)
        assert client.get(f"/api/v1/competitions/{call.pk}/tenders").status_code == 403
        assert client.post(f"/api/v1/competitions/{call.pk}/award", {}).status_code == 422
    assert sorted((e.actor_id, e.data["attempt"]) for e in refusals()) == sorted(
        [
            (people.buyer.pk, "read"),
            (people.buyer.pk, "award"),
            (people.commissioner.pk, "read"),
            (people.commissioner.pk, "award"),
        ]
    )


# --- nothing about tenders before the deadline --------------------------------------------------


def summary_value(page: str, key: str) -> str:
    """The value beside ``key`` in a GOV.UK summary list."""
    found = re.search(
        rf">\s*{re.escape(key)}\s*</dt>\s*<dd[^>]*>\s*(.*?)\s*</dd>", page, flags=re.S
    )
    assert found, key
    return found.group(1)


@pytest.mark.parametrize("role", ["buyer", "commissioner", "evaluator", "authority_admin"])
def test_the_call_page_shows_no_count_of_tenders_before_the_deadline(people, call, role):
    """The "Tenders received" row reads "Sealed until the deadline" until then, then the count."""
    person = people.by_name(role)
    before = client_for(person).get(f"/calls/{call.pk}").content.decode()
    assert summary_value(before, "Tenders received") == "Sealed until the deadline"
    with time_machine.travel(call.deadline, tick=False):
        after = client_for(person).get(f"/calls/{call.pk}").content.decode()
    assert summary_value(after, "Tenders received") == "2"


@pytest.mark.parametrize("role", ["buyer", "commissioner", "evaluator", "authority_admin"])
def test_the_tenders_page_shows_no_count_before_the_deadline(people, call, role):
    """The sealed box's page says nothing of whether or how many tendered until then."""
    person = people.by_name(role)
    before = client_for(person).get(f"/calls/{call.pk}/tenders").content.decode()
    assert "Sealed until the deadline" in before
    assert "tenders received" not in before and "tender received" not in before
    with time_machine.travel(call.deadline, tick=False):
        after = client_for(person).get(f"/calls/{call.pk}/tenders").content.decode()
    assert "2 tenders received." in after and "Sealed until the deadline" not in after


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises write transactions"
)
def test_the_limit_holds_for_attempts_racing_in_parallel(people, call):
    """Eight processes' worth of the same refused attempt, at the same moment: one event,
    and the chain still verifies."""
    from opendps.competitions.services.refusals import TenderAttempt, tender_access_refused
    from opendps.core.audit import audit_verify

    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def attempt() -> None:
        try:
            barrier.wait()
            tender_access_refused(
                actor=people.other_buyer,
                call_id=call.pk,
                attempt=TenderAttempt.READ,
                reason="not_found",
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    with time_machine.travel(call.deadline - timedelta(hours=1), tick=False):
        threads = [threading.Thread(target=attempt, daemon=True) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert [e.actor_id for e in refusals()] == [people.other_buyer.pk]
    assert audit_verify()[1] is None
