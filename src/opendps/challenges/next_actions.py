"""Challenge chores on the home page: for the authority, challenges to acknowledge, decide
or carry out the remedy of (urgent once a step is past its due date); for the supplier, its
challenges waiting for the authority, with the decision's due date."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from opendps.accounts.models import User
from opendps.challenges import selectors
from opendps.challenges.status import next_step_due
from opendps.core import clock
from opendps.web.jinja import datetime_text
from opendps.web.next_actions import NextAction, register
from opendps.web.organisation import current_organisation


@register
def challenge_actions(request: HttpRequest) -> list[NextAction]:
    if not isinstance(request.user, User):
        return []
    now = clock.now()
    actions = []
    for challenge in selectors.challenges_awaiting_authority(request.user)[:20]:
        due = next_step_due(challenge)
        if challenge.decided_at is not None:
            text = _("Carry out the remedy of challenge %(reference)s") % {
                "reference": challenge.reference
            }
        elif challenge.acknowledged_at is None:
            text = _("Acknowledge challenge %(reference)s from %(supplier)s") % {
                "reference": challenge.reference,
                "supplier": challenge.supplier.name,
            }
        else:
            text = _("Decide challenge %(reference)s from %(supplier)s") % {
                "reference": challenge.reference,
                "supplier": challenge.supplier.name,
            }
        actions.append(
            NextAction(
                text,
                reverse("challenges:detail", args=[challenge.pk]),
                challenge.get_remedy_display()
                if challenge.decided_at is not None
                else challenge.get_kind_display(),
                due=_("due by %(when)s") % {"when": datetime_text(due)} if due else "",
                urgent=due is not None and due < now,
            )
        )
    return actions


@register
def supplier_challenge_actions(request: HttpRequest) -> list[NextAction]:
    organisation = current_organisation(request)
    if organisation is None or not organisation.is_supplier or not isinstance(request.user, User):
        return []
    waiting = selectors.challenge_list(request.user, open_only=True).filter(
        supplier_id=organisation.pk
    )[:20]
    return [
        NextAction(
            _("Challenge %(reference)s is with %(authority)s")
            % {"reference": challenge.reference, "authority": challenge.authority.name},
            reverse("challenges:detail", args=[challenge.pk]),
            _("You will be told by email at each step."),
            due=_("decision due by %(when)s") % {"when": datetime_text(challenge.decision_due_at)},
        )
        for challenge in waiting
    ]
