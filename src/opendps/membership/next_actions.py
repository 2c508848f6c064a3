"""Membership chores that appear on the home page: applications waiting for a decision
(urgent once any is past its legal time limit), renewed self-declarations asked of a
supplier, applications it has not sent yet and evidence about to expire."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opendps.accounts import permissions
from opendps.accounts.models import User
from opendps.core import clock
from opendps.core.calendar import london_date
from opendps.membership import selectors, services
from opendps.web.jinja import datetime_text
from opendps.web.next_actions import NextAction, register
from opendps.web.organisation import current_organisation


def _due_text(moment: object) -> str:
    return _("due by %(when)s") % {"when": datetime_text(moment)}


@register
def assessment_actions(request: HttpRequest) -> list[NextAction]:
    if not isinstance(request.user, User) or not permissions.organisation_ids_with_role(
        request.user, services.ASSESS_ROLES
    ):
        return []
    queue = selectors.application_queue_for_evaluator(request.user)
    waiting = queue.count()
    if not waiting:
        return []
    overdue = queue.filter(assessment_due_at__lt=clock.now()).count()
    text = ngettext(
        "%(count)d application to assess", "%(count)d applications to assess", waiting
    ) % {"count": waiting}
    if overdue:
        text = _("%(applications)s, %(overdue)d overdue") % {
            "applications": text,
            "overdue": overdue,
        }
    first = queue.first()
    return [
        NextAction(
            text,
            reverse("membership:evaluator-queue"),
            _("Suppliers must be told the decision within the legal time limit."),
            due=_due_text(first.assessment_due_at) if first else "",
            urgent=overdue > 0,
        )
    ]


@register
def declaration_actions(request: HttpRequest) -> list[NextAction]:
    organisation = current_organisation(request)
    if organisation is None or not organisation.is_supplier or not isinstance(request.user, User):
        return []
    waiting = selectors.declarations_waiting_for_supplier(
        request.user, supplier_id=organisation.pk
    ).order_by("due_at")
    return [
        NextAction(
            _("Renew your self-declaration for %(category)s")
            % {"category": declaration.member.category.title},
            reverse("membership:declaration-answer", args=[declaration.pk]),
            declaration.member.market.title,
            due=_due_text(declaration.due_at),
            urgent=True,
        )
        for declaration in waiting
    ]


@register
def draft_and_evidence_actions(request: HttpRequest) -> list[NextAction]:
    """Applications started and not sent, and locker documents expiring within 30 days."""
    organisation = current_organisation(request)
    if organisation is None or not organisation.is_supplier or not isinstance(request.user, User):
        return []
    actions = [
        NextAction(
            _("Finish your application to %(market)s") % {"market": draft.market.title},
            reverse("membership:draft", args=[draft.pk]),
            _("Your answers are saved: carry on where you left off."),
        )
        for draft in selectors.drafts_for_supplier(request.user, supplier_id=organisation.pk)
    ]
    today = london_date(clock.now())
    expiring = selectors.evidence_for_supplier(request.user, supplier_id=organisation.pk).filter(
        expires_on__lte=today + timedelta(days=30)
    )
    for document in expiring.order_by("expires_on"):
        assert document.expires_on is not None
        lapsed = document.expires_on < today
        actions.append(
            NextAction(
                (_("Renew %(title)s: it has expired") if lapsed else _("Renew %(title)s"))
                % {"title": document.title},
                reverse("membership:evidence"),
                _("Add the renewed document to your evidence locker."),
                due=_("valid until %(date)s") % {"date": formats.date_format(document.expires_on)},
                urgent=lapsed,
            )
        )
    return actions
