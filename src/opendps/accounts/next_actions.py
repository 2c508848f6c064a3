"""Account chores that appear on the home page."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from opendps.accounts import permissions, selectors
from opendps.accounts.models import User
from opendps.web.next_actions import NextAction, register
from opendps.web.organisation import current_organisation


@register
def account_actions(request: HttpRequest) -> list[NextAction]:
    organisation = current_organisation(request)
    if organisation is None or not isinstance(request.user, User):
        return []
    actions = []
    is_admin = permissions.has_role(request.user, organisation, permissions.ADMIN_ROLES)
    if is_admin and selectors.membership_list(request.user, organisation=organisation).count() < 2:
        actions.append(
            NextAction(
                _("Invite your colleagues"),
                reverse("accounts:team"),
                _("Add buyers and evaluators so work does not wait for you.")
                if organisation.is_authority
                else _("Add bid writers so tenders do not wait for you."),
            )
        )
    if is_admin and not organisation.postcode:
        actions.append(
            NextAction(
                _("Complete your organisation's details"),
                reverse("accounts:organisation"),
                _("Buyers and open data use your address and postcode."),
            )
        )
    pending = selectors.invitation_list_pending(request.user, organisation=organisation).count()
    if is_admin and pending:
        actions.append(
            NextAction(
                _("%(count)d invitation(s) not yet accepted") % {"count": pending},
                reverse("accounts:team"),
            )
        )
    return actions
