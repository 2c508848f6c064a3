"""Queueing background jobs: once the transaction commits, and never while loading history.

Every email is a job (the email backend queues each message), and some jobs send email
themselves (a call's invitations, in batches). Loaders of demo and benchmark history run
the real services, which would queue both; inside ``jobs_suppressed`` they queue nothing,
so a worker started later finds nothing to send and no one hears of history that never
happened. The choice is made when the job would be queued, inside the block, not when the
transaction commits or the worker runs, which may both be outside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

_suppressed: ContextVar[bool] = ContextVar("opendps_jobs_suppressed", default=False)


@contextmanager
def jobs_suppressed() -> Iterator[None]:
    """Queue no job and send no email from this block (demo and benchmark history only)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def jobs_are_suppressed() -> bool:
    """True inside ``jobs_suppressed``: whatever would be queued is dropped instead."""
    return _suppressed.get()


def job_enqueue_on_commit(task: Callable[..., object], *args: object) -> None:
    """Queue the huey ``task`` with ``args`` once the transaction commits, so a job never
    sees data that was rolled back; nothing inside ``jobs_suppressed``."""
    if _suppressed.get():
        return
    transaction.on_commit(lambda: task(*args))
