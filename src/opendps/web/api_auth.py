"""Who an API request speaks for: ``Authorization: Bearer odps_…`` with a personal token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from opendps.accounts.services import api_token_authenticate


class BearerToken(HttpBearer):
    """``Authorization: Bearer odps_…`` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # The rate limiter may have read the token's cache entry on its round trip.
        user = api_token_authenticate(token, getattr(request, "token_cache_prefetch", None))
        if user is not None:
            request.user = user
        return user
