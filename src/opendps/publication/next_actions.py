"""Notices on the home page: how many the person's authorities still have to publish."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opendps.accounts.models import User
from opendps.publication import notices
from opendps.web.next_actions import NextAction, register


@register
def notice_actions(request: HttpRequest) -> list[NextAction]:
    if not isinstance(request.user, User):
        return []
    due, overdue = notices.notice_counts(request.user)
    if not due:
        return []
    text = ngettext(
        "Publish %(count)d notice on Find a Tender",
        "Publish %(count)d notices on Find a Tender",
        due,
    ) % {"count": due}
    if overdue:
        text = _("%(notices)s, %(overdue)d overdue") % {"notices": text, "overdue": overdue}
    return [
        NextAction(
            text,
            reverse("publication:notices-due"),
            _("Then record each notice's reference so it is no longer due."),
            urgent=overdue > 0,
        )
    ]
