"""Annex IV (g) (Directive 2014/24/EU): every refused attempt on tender data is detectable.

A refused attempt to read, download, open, score, moderate, exclude or award a call's
tenders leaves one ``TENDER_ACCESS_REFUSED`` audit event naming the person, the call, the
attempt and the time, whatever the answer ("not found" or "not permitted"). It is written
in its own transaction, after the refused one has rolled back, so the refusal cannot take
its own trace with it.

Someone hammering a page must not flood the audit chain: at most one event is written per
(person, call, attempt, minute). The check runs with the chain head locked, so it holds
across processes. Ids of calls that do not exist share one event per (person, attempt,
minute), so trying every id writes no more than trying one.

``tender_access_refused`` is the one writer; ``refusals_audited`` (views and API
operations, whose first argument is the request and which take ``call_id``) and
``service_refusals_audited`` (keyword-only services) call it from the one place each path
refuses: wherever the refusal was raised, it passes through them on its way out.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, ParamSpec, TypeVar

from django.db import transaction

from opendps.competitions.models import Call
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import DomainError, NotFound, NotPermitted
from opendps.core.events import AuditEventType
from opendps.core.models import AuditChainHead, AuditEvent

P = ParamSpec("P")
R = TypeVar("R")


class TenderAttempt(StrEnum):
    """What the person tried to do with a call's tenders."""

    READ = "read"
    DOWNLOAD = "download"
    OPEN = "open"
    SCORE = "score"
    MODERATE = "moderate"
    EXCLUDE = "exclude"
    AWARD = "award"


# Refusals that are not "not found" or "not permitted" but still keep someone from the
# tenders: opening before the deadline (or a call never published, or cancelled); scoring,
# moderating, excluding or awarding before the box is opened, or before declaring any
# conflict of interest; one officer opening alone where the market needs two (Annex IV (e)).
REFUSAL_CODES = frozenset(
    {
        "too_early",
        "call_not_closed",
        "not_opened",
        "tenders_sealed",
        "declare_first",
        "second_officer_needed",
    }
)


def is_refusal(error: DomainError) -> bool:
    """Whether ``error`` refused access to tender data (rather than, say, a bad score)."""
    return isinstance(error, NotFound | NotPermitted) or error.code in REFUSAL_CODES


def recorded_this_minute(
    event_type: AuditEventType, actor: Any, now: datetime, **same: Any
) -> bool:
    """Whether ``actor`` already has an ``event_type`` event matching ``same`` in the minute
    of ``now``: the throttle that keeps a reloaded page from flooding the audit chain.

    Call it inside the transaction that would write the event: it locks the chain head,
    which every audit append locks, so the check and the write are one step for every
    process."""
    AuditChainHead.objects.select_for_update().filter(id=1).first()
    minute = now.replace(second=0, microsecond=0)
    return AuditEvent.objects.filter(
        event_type=event_type,
        actor_id=getattr(actor, "pk", None),
        occurred_at__gte=minute,
        occurred_at__lt=minute + timedelta(minutes=1),
        **same,
    ).exists()


def tender_access_refused(
    *, actor: Any, call_id: int, attempt: TenderAttempt, reason: str
) -> AuditEvent | None:
    """Record a refused attempt on a call's tenders; ``None`` if one is already recorded
    for this (person, call, attempt) in the current minute.

    Runs in its own transaction: call it outside the refused service's transaction.
    """
    now = clock.now()
    call = Call.objects.only("pk", "buyer_id").filter(pk=call_id).first()
    same: dict[str, Any] = {"data__attempt": str(attempt)}
    if call is None:
        same["data__call_missing"] = True
    else:
        same["data__call_id"] = call_id
    with transaction.atomic(durable=True):
        if recorded_this_minute(AuditEventType.TENDER_ACCESS_REFUSED, actor, now, **same):
            return None
        data: dict[str, Any] = {
            "call_id": call_id,
            "attempt": str(attempt),
            "reason": reason,
            "at": now.isoformat(),
        }
        if call is None:
            data["call_missing"] = True
        return audit_record(
            actor=actor,
            event_type=AuditEventType.TENDER_ACCESS_REFUSED,
            subject=call,
            organisation_id=call.buyer_id if call is not None else None,
            data=data,
        )


def _audited(
    attempt: TenderAttempt, locate: Callable[[tuple[Any, ...], dict[str, Any]], tuple[Any, int]]
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Record a refusal escaping the decorated function, then re-raise it; ``locate`` finds
    the person and the call's id in the function's arguments."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return function(*args, **kwargs)
            except DomainError as error:
                if is_refusal(error):
                    actor, call_id = locate(args, kwargs)
                    tender_access_refused(
                        actor=actor, call_id=call_id, attempt=attempt, reason=error.code
                    )
                raise

        return wrapper

    return decorate


def refusals_audited(attempt: TenderAttempt) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a view or API operation on a call's tenders (first argument the request,
    the call's id as ``call_id``)."""

    def locate(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, int]:
        request = args[0] if args else kwargs["request"]
        return getattr(request, "user", None), int(kwargs["call_id"])

    return _audited(attempt, locate)


def service_refusals_audited(
    attempt: TenderAttempt, call_id_of: Callable[[dict[str, Any]], int] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a keyword-only service on a call's tenders, outside its transaction, so the
    refusal is recorded once the service's transaction has rolled back. ``call_id_of`` finds
    the call's id in the keyword arguments (default: ``call``, an id or a call)."""

    def call_id(kwargs: dict[str, Any]) -> int:
        call = kwargs["call"]
        return int(call if isinstance(call, int) else call.pk)

    find = call_id_of or call_id
    return _audited(attempt, lambda _args, kwargs: (kwargs["actor"], find(kwargs)))
