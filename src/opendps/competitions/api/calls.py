"""/api/v1/competitions: calls (list, draft, one, publish, cancel)."""

from functools import partial

from django.http import HttpResponse
from ninja import Query, Status
from ninja.pagination import paginate

from opendps.competitions import selectors, services
from opendps.competitions.api.common import (
    CallId,
    router,
)
from opendps.competitions.api_rows import (
    CALL_JSON,
    CallShaper,
    call_list_rows,
    shape_call,
    visible_call_row,
)
from opendps.competitions.filters import CallFilter
from opendps.competitions.models import Call
from opendps.competitions.schemas import (
    CallIn,
    CallOut,
    CancelIn,
)
from opendps.core import clock
from opendps.core.errors import NotFound
from opendps.markets import selectors as market_selectors
from opendps.web.api_pages import Paging, PreparedList, Rows, prebuilt, prebuilt_response
from opendps.web.organisation import AuthedRequest


@router.get(
    "/competitions",
    response=list[CallOut],
    summary="Calls: your authority's (drafts included) and those your supplier is invited to",
)
@prebuilt
@paginate(Paging)
def call_list(request: AuthedRequest, filters: Query[CallFilter]) -> Rows:
    authorities, suppliers = selectors.call_scope_organisations(request.user)
    moments = filters.moments()
    build = partial(call_list_rows, filters.status)
    if not authorities and not suppliers:  # no calls to see: nothing to prepare
        rows, counted = build(now=clock.now(), authorities=[], suppliers=[], **moments)
        return Rows(rows, CallShaper(), counted, database_json=CALL_JSON)
    # Built (and on PostgreSQL compiled) once per shape: how many organisations of each
    # kind, and which filters (issue 17).
    prepared = PreparedList(
        shape=("calls", len(authorities), len(suppliers), filters.status, tuple(moments)),
        values={"authorities": authorities, "suppliers": suppliers, **moments},
        build=build,
    )
    return Rows(None, CallShaper(), database_json=CALL_JSON, prepared=prepared)


@router.post(
    "/competitions",
    response={201: CallOut},
    summary="Draft a call for competition in one category (a buyer of the authority)",
)
def call_create(request: AuthedRequest, payload: CallIn) -> Status[Call]:
    category = market_selectors.category_get(request.user, category_id=payload.category_id)
    fields = payload.model_dump(exclude={"category_id", "criteria"})
    criteria = None if payload.criteria is None else [c.model_dump() for c in payload.criteria]
    call = services.call_create(actor=request.user, category=category, criteria=criteria, **fields)
    return Status(201, call)


@router.get("/competitions/{call_id}", response=CallOut, summary="One call")
def call_detail(request: AuthedRequest, call_id: CallId) -> HttpResponse:
    row = visible_call_row(request.user, call_id)
    if row is None:
        raise NotFound(selectors.CALL_NOT_FOUND)
    return prebuilt_response(request, shape_call(row))


@router.post(
    "/competitions/{call_id}/publish",
    response=CallOut,
    summary="Publish: every active member of the category is invited and told by email",
)
def call_publish(request: AuthedRequest, call_id: CallId) -> Call:
    call = selectors.call_get(request.user, call_id=call_id)
    return services.call_publish(actor=request.user, call=call)


@router.post(
    "/competitions/{call_id}/cancel",
    response=CallOut,
    summary="Cancel the call, telling every invited supplier why",
)
def call_cancel(request: AuthedRequest, call_id: CallId, payload: CancelIn) -> Call:
    call = selectors.call_get(request.user, call_id=call_id)
    return services.call_cancel(actor=request.user, call=call, reason=payload.reason)
