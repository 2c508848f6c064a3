"""Competition chores on the home page.

- Buyers: calls past their deadline waiting to be opened, questions waiting for an answer,
  standstill periods running or ended with the contract still to be made.
- Evaluators: opened calls waiting for their scores.
- Suppliers: invitations not yet tendered for (urgent in the last 24 hours), and feedback.

Every list starts from ``selectors.call_list``, so it names only calls the person may see.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opendps.accounts import permissions
from opendps.accounts.models import Role, User
from opendps.competitions import selectors
from opendps.competitions.models import Call, Clarification, ConflictDeclaration, Scoresheet
from opendps.competitions.services.common import BUY_ROLES
from opendps.competitions.status import CallStatus, status_q
from opendps.core import clock
from opendps.web.jinja import datetime_text
from opendps.web.next_actions import NextAction, register
from opendps.web.organisation import current_organisation

SHOWN = 5
URGENT_WITHIN = timedelta(hours=24)
FEEDBACK_NEW_FOR = timedelta(days=14)


def in_status(calls: QuerySet[Call], *statuses: CallStatus) -> QuerySet[Call]:
    """Calls in any of ``statuses``, filtered on the timestamps rather than on the status
    annotation, so the database can use their indexes."""
    return calls.filter(status_q(*statuses))


def _url(name: str, call_id: int) -> str:
    return reverse(f"competitions:{name}", args=[call_id])


@register
def buyer_actions(request: HttpRequest) -> list[NextAction]:
    if not isinstance(request.user, User):
        return []
    authorities = permissions.organisation_ids_with_role(request.user, BUY_ROLES)
    if not authorities:
        return []
    now = clock.now()
    calls = selectors.call_list(request.user).filter(buyer_id__in=authorities)
    actions = []
    for call in in_status(calls, CallStatus.CLOSED).order_by("deadline")[:SHOWN]:
        waiting_second = call.opening_requested_by_id not in (None, request.user.pk)
        actions.append(
            NextAction(
                (
                    _("Approve opening the tenders for %(title)s")
                    if waiting_second
                    else _("Open the tenders for %(title)s")
                )
                % {"title": call.title},
                _url("call-detail", call.pk),
                _("The deadline for tenders has passed."),
            )
        )
    unanswered = Clarification.objects.filter(call=OuterRef("pk"), answered_at__isnull=True)
    for call in (
        in_status(calls, CallStatus.OPEN)
        .filter(Exists(unanswered))
        .annotate(waiting=Count("clarifications", filter=Q(clarifications__answered_at=None)))
        .order_by("clarification_deadline")[:SHOWN]
    ):
        waiting = call.waiting  # type: ignore[attr-defined]
        actions.append(
            NextAction(
                ngettext(
                    "Answer %(count)d question on %(title)s",
                    "Answer %(count)d questions on %(title)s",
                    waiting,
                )
                % {"count": waiting, "title": call.title},
                _url("call-detail", call.pk),
                _("Every invited supplier gets the answer."),
                due=_("questions close %(when)s")
                % {"when": datetime_text(call.clarification_deadline)},
                urgent=call.clarification_deadline - now < URGENT_WITHIN,
            )
        )
    standstill = in_status(calls, CallStatus.STANDSTILL).select_related("award")
    for call in standstill.order_by("-created_at")[:SHOWN]:
        actions.append(
            NextAction(
                _("Standstill running on %(title)s") % {"title": call.title},
                _url("award", call.pk),
                _("Enter into the contract once the standstill period has ended."),
                due=_("ends %(when)s") % {"when": datetime_text(call.award.standstill_ends_at)},
            )
        )
    for call in (
        in_status(calls, CallStatus.AWARDED)
        .filter(
            contract__isnull=True,
            award__standstill_ends_at__isnull=False,
        )
        .select_related("award")
        .order_by("-created_at")[:SHOWN]
    ):
        actions.append(
            NextAction(
                _("Enter into the contract for %(title)s") % {"title": call.title},
                _url("award", call.pk),
                _("The standstill period has ended."),
                urgent=True,
            )
        )
    return actions


@register
def evaluator_actions(request: HttpRequest) -> list[NextAction]:
    if not isinstance(request.user, User):
        return []
    authorities = permissions.organisation_ids_with_role(request.user, {Role.EVALUATOR})
    if not authorities:
        return []
    submitted = Scoresheet.objects.filter(
        call=OuterRef("pk"), evaluator=request.user, submitted_at__isnull=False
    )
    conflicted = ConflictDeclaration.objects.filter(
        call=OuterRef("pk"), evaluator=request.user, has_conflict=True
    )
    waiting = (
        in_status(selectors.call_list(request.user), CallStatus.EVALUATION)
        .filter(buyer_id__in=authorities)
        .exclude(Exists(submitted))
        .exclude(Exists(conflicted))
        .order_by("opened_at")[:SHOWN]
    )
    return [
        NextAction(
            _("Score the tenders for %(title)s") % {"title": call.title},
            _url("evaluation", call.pk),
            _("Declare any conflict of interest, then score each tender with reasons."),
        )
        for call in waiting
    ]


@register
def supplier_actions(request: HttpRequest) -> list[NextAction]:
    organisation = current_organisation(request)
    if organisation is None or not organisation.is_supplier or not isinstance(request.user, User):
        return []
    now = clock.now()
    invited = selectors.invited_calls(request.user, supplier_id=organisation.pk)
    actions = [
        NextAction(
            _("Tender for %(title)s") % {"title": call.title},
            _url("call-detail", call.pk),
            call.buyer.name,
            due=_("deadline %(when)s") % {"when": datetime_text(call.deadline)},
            urgent=call.deadline - now < URGENT_WITHIN,
        )
        for call in in_status(invited, CallStatus.OPEN)
        .filter(tendered=False)  # type: ignore[misc]  # annotated by invited_calls
        .order_by("deadline")[:SHOWN]
    ]
    recent = (
        in_status(invited, CallStatus.STANDSTILL, CallStatus.AWARDED)
        .filter(award__decided_at__gte=now - FEEDBACK_NEW_FOR, has_feedback=True)  # type: ignore[misc]
        .order_by("-created_at")[:SHOWN]
    )
    actions += [
        NextAction(
            _("Read your feedback on %(title)s") % {"title": call.title},
            _url("feedback", call.pk),
            _("Your scores and reasons, against the winning tender's."),
        )
        for call in recent
    ]
    return actions
