"""/api/v1/competitions/{id}: changing a draft, and after publishing, clarification
notices and a new deadline for tenders (each one told to every invitee and published as
an OCDS tender amendment where the deadline moves)."""

from django.db.models import QuerySet
from django.http import HttpResponse
from ninja import Status
from ninja.pagination import paginate

from opendps.competitions import selectors
from opendps.competitions.api.common import CallId, router
from opendps.competitions.api_rows import call_rows, shape_call
from opendps.competitions.models import CallAmendment
from opendps.competitions.schemas import (
    AmendmentOut,
    CallFieldsIn,
    CallOut,
    DeadlineIn,
    NoticeIn,
)
from opendps.competitions.services.amendments import call_extend_deadline, call_notice_send
from opendps.competitions.services.drafts import call_update
from opendps.web.api_pages import Paging, prebuilt_response
from opendps.web.organisation import AuthedRequest


@router.put(
    "/competitions/{call_id}",
    response=CallOut,
    summary="Change every field of a draft call (checked as when it was drafted)",
)
def call_change(request: AuthedRequest, call_id: CallId, payload: CallFieldsIn) -> HttpResponse:
    call = selectors.call_get(request.user, call_id=call_id)
    fields = payload.model_dump(exclude={"criteria"})
    criteria = None if payload.criteria is None else [c.model_dump() for c in payload.criteria]
    call_update(actor=request.user, call=call, criteria=criteria, **fields)
    [row] = call_rows(selectors.call_visible(request.user, call_id=call_id))
    return prebuilt_response(request, shape_call(row))


@router.get(
    "/competitions/{call_id}/amendments",
    response=list[AmendmentOut],
    summary="The call's clarification notices and deadline changes, oldest first",
)
@paginate(Paging)
def amendment_list(request: AuthedRequest, call_id: CallId) -> QuerySet[CallAmendment]:
    call = selectors.call_get(request.user, call_id=call_id)
    return selectors.amendment_list(request.user, call=call)


@router.post(
    "/competitions/{call_id}/notices",
    response={201: AmendmentOut},
    summary="Send a clarification notice to every invited supplier of an open call",
)
def notice_send(
    request: AuthedRequest, call_id: CallId, payload: NoticeIn
) -> Status[CallAmendment]:
    call = selectors.call_get(request.user, call_id=call_id)
    return Status(201, call_notice_send(actor=request.user, call=call, text=payload.text))


@router.post(
    "/competitions/{call_id}/deadline",
    response={201: AmendmentOut},
    summary="Move an open call's deadline for tenders, telling every invitee why (never "
    "earlier once a tender has arrived)",
)
def deadline_change(
    request: AuthedRequest, call_id: CallId, payload: DeadlineIn
) -> Status[CallAmendment]:
    call = selectors.call_get(request.user, call_id=call_id)
    amendment = call_extend_deadline(
        call, new_deadline=payload.deadline, reason=payload.reason, actor=request.user
    )
    return Status(201, amendment)
