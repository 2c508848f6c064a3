"""Tender submission under concurrency (BENCHMARKS.md H12): what the call lock still excludes.

PostgreSQL only: tenders take the call row FOR SHARE and an advisory lock per (call,
supplier); SQLite serialises every write transaction anyway. Each test holds a lock in the
test's own connection and watches, through ``pg_stat_activity``, whether a submission made
in another thread waits for it: no sleeps, no timings.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection, connections, transaction

from opendps.competitions.models import TenderSubmission
from opendps.competitions.services.common import lock_call
from opendps.competitions.services.tenders import _lock_for_tender
from opendps.core.audit import audit_verify
from opendps.core.errors import RuleViolation
from opendps.core.sealing import receipt_signature_valid
from opendps.testing.factories import make_call, make_market, member_suppliers, tender

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serialises write transactions"
    ),
]


@pytest.fixture
def open_call(people):
    market = make_market(people, first_period_ends_at=None)
    member_suppliers(
        people,
        market,
        (people.supplier_a, people.supplier_a_admin),
        (people.supplier_b, people.supplier_b_admin),
    )
    with time_machine.travel(market.first_period_ends_at + timedelta(hours=1), tick=False):
        return make_call(people, market)


class Submitter(threading.Thread):
    """Submits one tender on its own connection; records its backend pid, result or error."""

    def __init__(self, people: Any, call: Any, supplier: Any, price: str) -> None:
        super().__init__(daemon=True)
        self.args_ = (people, call, supplier, price)
        self.pid: int | None = None
        self.ready = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        people, call, supplier, price = self.args_
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.ready.set()
            self.result = tender(people, call, supplier=supplier, price=price)
        except BaseException as error:  # reported to the test
            self.error = error
        finally:
            self.ready.set()
            connections.close_all()


def _waiting_on_a_lock(pid: int) -> bool:
    with connections["default"].cursor() as cursor:
        # Activity is snapshotted once per transaction unless the snapshot is cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def _start(submitter: Submitter) -> Submitter:
    submitter.start()
    submitter.ready.wait()
    return submitter


def _blocks(submitter: Submitter) -> bool:
    """True once the thread waits on a lock; False if it finished without waiting."""
    assert submitter.pid is not None
    while submitter.is_alive():
        if _waiting_on_a_lock(submitter.pid):
            return True
    return False


def test_other_suppliers_tender_while_one_supplier_is_locked_and_resubmission_waits(
    people, open_call
):
    first = tender(people, open_call, price="5000")
    with transaction.atomic():
        _lock_for_tender(open_call, people.supplier_a)
        other = _start(Submitter(people, open_call, people.supplier_b, "4800"))
        assert not _blocks(other), "a tender from another supplier must not wait"
        assert other.error is None
        again = _start(Submitter(people, open_call, people.supplier_a, "4500"))
        assert _blocks(again), "the same supplier's resubmission must wait its turn"
    again.join()
    assert again.error is None
    live = TenderSubmission.objects.filter(withdrawn_at=None, superseded_at=None)
    assert {s.supplier_id: s.pk for s in live} == {
        people.supplier_a.pk: again.result.pk,
        people.supplier_b.pk: other.result.pk,
    }
    first.refresh_from_db()
    assert first.superseded_at == again.result.received_at
    assert TenderSubmission.objects.filter(supplier=people.supplier_a).count() == 2
    for submission in (other.result, again.result):
        assert receipt_signature_valid(submission.receipt, submission.receipt_signature)
    assert audit_verify()[1] is None


def test_a_cancellation_in_progress_holds_submissions_then_refuses_them(people, open_call):
    with transaction.atomic():
        call = lock_call(open_call)  # what call_cancel and call_open take
        waiting = _start(Submitter(people, open_call, people.supplier_b, "4800"))
        assert _blocks(waiting), "a tender must wait for a cancellation in progress"
        call.cancelled_at = call.published_at + timedelta(days=1)
        call.save(update_fields=["cancelled_at"])
    waiting.join()
    assert isinstance(waiting.error, RuleViolation)
    assert waiting.error.code == "call_not_open"
    assert not TenderSubmission.objects.exists()


def test_a_tender_waiting_for_the_lock_past_the_deadline_is_refused(people, open_call):
    """Checked before the lock at 1 ms to go, stamped after it at 1 ms late: refused."""
    with time_machine.travel(open_call.deadline - timedelta(milliseconds=1), tick=False) as t:
        with transaction.atomic():
            lock_call(open_call)
            waiting = _start(Submitter(people, open_call, people.supplier_b, "4800"))
            assert _blocks(waiting)
            t.move_to(open_call.deadline + timedelta(milliseconds=1))
        waiting.join()
    assert isinstance(waiting.error, RuleViolation)
    assert waiting.error.code == "deadline_passed"
    assert not TenderSubmission.objects.exists()


def test_many_concurrent_resubmissions_leave_exactly_one_live_tender(people, open_call):
    barrier = threading.Barrier(8)
    results: list[Any] = []
    errors: list[BaseException] = []

    def submit(index: int) -> None:
        supplier = people.supplier_a if index % 2 else people.supplier_b
        try:
            barrier.wait()
            results.append(tender(people, open_call, supplier=supplier, price=f"{4000 + index}"))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(i,), daemon=True) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert TenderSubmission.objects.count() == 8
    for supplier in (people.supplier_a, people.supplier_b):
        mine = list(TenderSubmission.objects.filter(supplier=supplier).order_by("pk"))
        assert [s.superseded_at is None for s in mine] == [False, False, False, True]
        # Each one superseded exactly once, by the next submission of the same supplier.
        assert [s.superseded_at for s in mine[:-1]] == [s.received_at for s in mine[1:]]
    assert audit_verify()[1] is None
