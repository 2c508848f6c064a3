"""/api/v1/notices/due: the notices an authority still has to publish (DESIGN.md §3).

Open data itself (/ocds/releases, /ocds/records/{ocid}) is served outside /api/v1 by
``publication.views``.
"""

from __future__ import annotations

from ninja import Query, Router

from opendps.publication import notices
from opendps.publication.notices import NoticeDue
from opendps.publication.schemas import NoticeDueFilter, NoticeDueOut
from opendps.web.organisation import AuthedRequest

router = Router(tags=["notices"])


@router.get(
    "/notices/due",
    response=list[NoticeDueOut],
    summary="Award and contract details notices your authorities still have to publish",
)
def notice_due_list(request: AuthedRequest, filters: Query[NoticeDueFilter]) -> list[NoticeDue]:
    """Soonest deadline first, each flagged when overdue. Empty for anyone who does not
    publish an authority's notices (administrators, commissioners and buyers do)."""
    return notices.notice_list_due(request.user, grouped_quarterly=filters.grouped_quarterly)
