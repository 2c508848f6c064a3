"""/api/v1/notices: the notices an authority still has to publish (DESIGN.md §3), and
recording one as published on Find a Tender.

Open data itself (/ocds/releases, /ocds/records/{ocid}) is served outside /api/v1 by
``publication.views``.
"""

from ninja import Query, Router
from ninja.pagination import paginate

from opendps.publication import notices, services
from opendps.publication.notices import NoticeDue
from opendps.publication.schemas import (
    NoticeDueFilter,
    NoticeDueOut,
    NoticeRecordIn,
    NoticeRecordOut,
)
from opendps.web.api_pages import Paging
from opendps.web.organisation import AuthedRequest

router = Router(tags=["notices"])


@router.get(
    "/notices/due",
    response=list[NoticeDueOut],
    summary="Award and contract details notices your authorities still have to publish",
)
@paginate(Paging)
def notice_due_list(request: AuthedRequest, filters: Query[NoticeDueFilter]) -> list[NoticeDue]:
    """Soonest deadline first, each flagged when overdue. Empty for anyone who does not
    publish an authority's notices (administrators, commissioners and buyers do)."""
    return notices.notice_list_due(request.user, grouped_quarterly=filters.grouped_quarterly)


@router.post(
    "/notices/published",
    response=NoticeRecordOut,
    summary="Record a notice as published on Find a Tender",
)
def notice_record(request: AuthedRequest, payload: NoticeRecordIn) -> NoticeRecordOut:
    """Keeps the notice's Find a Tender reference; the notice is no longer due. 404 when
    the call is not one of your authorities' or has no such notice, 409 when it was
    recorded already, 422 for a blank reference."""
    published_at = services.notice_record_published(
        actor=request.user,
        kind=payload.kind,
        call_id=payload.call_id,
        reference=payload.reference,
    )
    return NoticeRecordOut(
        kind=payload.kind,
        call_id=payload.call_id,
        reference=" ".join(payload.reference.split()),
        published_at=published_at,
    )
