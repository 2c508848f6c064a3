"""Applications as the API lists them (``ApplicationOut``), built straight from ``values()``.

As for calls (``competitions.api_rows``): one ``values()`` query, with the category's
title, the supplier's name and the questionnaire's version joined in, fills plain dicts
that render exactly as ``ApplicationOut``'s output would (``test_api_rows`` compares every
field); the page is sent as it is (``web.api_page_sql.Rows``). Unlike the objects, the rows
never load the questionnaire itself (its whole specification) nor the market and its
authority. The status is derived by ``status.application_status`` itself, from the row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.db.models import F, QuerySet

from opendps.core import clock
from opendps.membership.models import Application
from opendps.membership.schemas import ApplicationOut
from opendps.membership.status import application_status

RELATED = {
    "category_title": F("category__title"),
    "supplier_name": F("supplier__name"),
    "questionnaire_version": F("questionnaire__version"),
}
# The columns ``application_status`` reads beyond those the answer shows.
STATUS_ONLY = ("withdrawn_at",)
COLUMNS = tuple(name for name in ApplicationOut.model_fields if name not in {*RELATED, "status"})


class _RowApplication:
    """What ``application_status`` reads of an application."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.withdrawn_at = row["withdrawn_at"]
        self.decided_at = row["decided_at"]
        self.outcome = row["outcome"]
        self.assessment_due_at = row["assessment_due_at"]


def application_rows(applications: QuerySet[Application]) -> QuerySet[Any]:
    """``applications`` as rows; ``ApplicationShaper`` finishes each one."""
    return applications.values(*COLUMNS, *STATUS_ONLY, **RELATED)


class ApplicationShaper:
    """Finishes rows of ``application_rows`` as ``ApplicationOut`` gives them, every status
    of a page read at the same moment."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or clock.now()

    def __call__(self, row: dict[str, Any]) -> dict[str, Any]:
        status = application_status(cast(Application, _RowApplication(row)), self.now)
        row["status"] = status.value
        return {
            name: clock.utc_text(value) if isinstance(value, datetime) else value
            for name in ApplicationOut.model_fields
            for value in (row[name],)
        }
