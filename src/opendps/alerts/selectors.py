"""Reads of saved searches: a person sees only their own."""

from __future__ import annotations

from django.db.models import QuerySet

from opendps.accounts.models import User
from opendps.alerts.models import SavedSearch
from opendps.alerts.services import NOT_FOUND
from opendps.core.errors import NotFound


def saved_search_list(actor: User) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user=actor, stopped_at__isnull=True).select_related(
        "buyer", "category"
    )


def saved_search_get(actor: User, *, search_id: int) -> SavedSearch:
    search = saved_search_list(actor).filter(pk=search_id).first()
    if search is None:
        raise NotFound(NOT_FOUND)
    return search
