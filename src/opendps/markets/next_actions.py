"""Market chores that appear on the home page: draft markets waiting to be published."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from opendps.accounts import permissions
from opendps.accounts.models import User
from opendps.markets import selectors, services
from opendps.web.next_actions import NextAction, register

SHOWN = 5


@register
def market_actions(request: HttpRequest) -> list[NextAction]:
    if not isinstance(request.user, User):
        return []
    managed = permissions.organisation_ids_with_role(request.user, services.MARKET_ROLES)
    if not managed:
        return []
    drafts = (
        selectors.market_list_for_authority(request.user)
        .filter(published_at__isnull=True, authority_id__in=managed)  # drafts
        .order_by("-created_at")[:SHOWN]
    )
    return [
        NextAction(
            _("Publish %(title)s") % {"title": market.title},
            reverse("markets:detail", args=[market.pk]),
            _("A draft market: add its categories, check the questions, then publish it."),
        )
        for market in drafts
    ]
