"""Jobs are queued when the transaction commits, and not at all while history is loaded."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from opendps.core.jobs import job_enqueue_on_commit, jobs_are_suppressed, jobs_suppressed
from opendps.notifications.services import email_send_on_commit
from opendps.notifications.tasks import deliver_email

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "subject": "Hello",
    "body": "Hello.\n",
    "from_email": "no-reply@opendps.test",
    "to": ["someone@opendps.test"],
}


def welcome() -> dict[str, object]:
    return {
        "to": ["someone@opendps.test"],
        "template": "welcome",
        "context": {
            "user": SimpleNamespace(full_name="Someone"),
            "organisation": SimpleNamespace(name="Somewhere Ltd"),
        },
    }


def test_a_job_is_queued_once_the_transaction_commits(
    job_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        job_enqueue_on_commit(deliver_email, PAYLOAD)
    assert job_queue.pending_count() == 0
    [commit] = callbacks
    commit()
    [job] = job_queue.pending()
    assert (job.name, job.args) == (deliver_email.task_class.__name__, (PAYLOAD,))


def test_an_email_is_queued_once_the_transaction_commits(
    job_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email_send_on_commit(**welcome())
    [job] = job_queue.pending()
    assert job.args[0]["subject"] == "Welcome to OpenDPS"


def test_while_history_is_loaded_no_job_and_no_email_is_queued_even_at_the_commit(
    job_queue, mailbox, django_capture_on_commit_callbacks
):
    """The choice is made inside the block: the commit comes after it, yet queues nothing."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks, jobs_suppressed():
        assert jobs_are_suppressed()
        job_enqueue_on_commit(deliver_email, PAYLOAD)
        email_send_on_commit(**welcome())
    assert callbacks == []
    assert job_queue.pending_count() == 0
    assert mailbox.messages == []
    assert not jobs_are_suppressed()
