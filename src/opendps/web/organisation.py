"""Which organisation a signed-in person is acting for."""

from __future__ import annotations

from django.http import HttpRequest

from opendps.accounts import permissions
from opendps.accounts.models import Organisation, User

SESSION_KEY = "opendps_organisation_id"


def current_organisation(request: HttpRequest) -> Organisation | None:
    """The organisation chosen in this session, else the user's first one."""
    roles = permissions.role_map(request.user)
    if not roles:
        return None
    chosen = request.session.get(SESSION_KEY)
    org_id = chosen if chosen in roles else min(roles)
    cached = getattr(request, "_opendps_org", None)
    if cached is None or cached.pk != org_id:
        cached = Organisation.objects.get(pk=org_id)
        request._opendps_org = cached  # type: ignore[attr-defined]
    return cached


class AuthedRequest(HttpRequest):
    """A request whose user is signed in (login_required views, token-authenticated API)."""

    user: User
