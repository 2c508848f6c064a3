"""/api/v1/placements and /api/v1/capacity: care brokerage for integrators.

A provider's system answers placements and keeps capacity current; a brokerage team's
system reads placements and the invited providers' capacity. A placement is seen only by
the offered provider and the buying authority; to anyone else its id is "not found".
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import P, PathEx, Query, Router, Schema, Status
from ninja.pagination import paginate

from opendps.accounts import selectors as account_selectors
from opendps.brokerage import selectors, services
from opendps.brokerage.models import Capacity, Placement
from opendps.brokerage.schemas import (
    CapacityIn,
    CapacityOut,
    DeclineIn,
    MemberCapacityOut,
    OfferTenderIn,
    PlacementFilter,
    PlacementOut,
)
from opendps.competitions import selectors as competition_selectors
from opendps.competitions import services as competition_services
from opendps.competitions.schemas import ReceiptOut
from opendps.competitions.services.tenders import NOT_INVITED
from opendps.core.errors import NotFound
from opendps.markets.schemas import MAX_ID, TextId
from opendps.membership.models import CategoryMember
from opendps.membership.selectors import MEMBER_NOT_FOUND
from opendps.web.api_pages import Paging
from opendps.web.organisation import AuthedRequest

router = Router(tags=["brokerage"])

PlacementId = PathEx[int, P(ge=1, le=MAX_ID, description="The placement's id.")]
CallId = PathEx[int, P(ge=1, le=MAX_ID, description="The call's id.")]

NOT_A_PROVIDER = _("Only a provider's own staff can read or record its capacity.")


class SupplierQuery(Schema):
    supplier_id: TextId | None = None


@router.get(
    "/placements",
    response=list[PlacementOut],
    summary="Placements offered to your suppliers, or made on your authority's calls",
)
@paginate(Paging)
def placement_list(request: AuthedRequest, filters: Query[PlacementFilter]) -> QuerySet[Placement]:
    return selectors.placement_list(request.user, call_id=filters.call_id, status=filters.status)


@router.get(
    "/placements/{placement_id}", response=PlacementOut, summary="One placement and its answer"
)
def placement_detail(request: AuthedRequest, placement_id: PlacementId) -> Placement:
    return selectors.placement_get(request.user, placement_id=placement_id)


@router.post(
    "/placements/{placement_id}/acceptance",
    response=PlacementOut,
    summary="The provider accepts the placement; the contract is made with it",
)
def placement_accept(request: AuthedRequest, placement_id: PlacementId) -> Placement:
    found = selectors.placement_get(request.user, placement_id=placement_id)
    services.placement_accept(actor=request.user, placement=found)
    return selectors.placement_get(request.user, placement_id=placement_id)


@router.post(
    "/placements/{placement_id}/decline",
    response=PlacementOut,
    summary="The provider declines, with a reason; the next-ranked tender is offered at once",
)
def placement_decline(
    request: AuthedRequest, placement_id: PlacementId, payload: DeclineIn
) -> Placement:
    found = selectors.placement_get(request.user, placement_id=placement_id)
    services.placement_decline(actor=request.user, placement=found, reason=payload.reason)
    return selectors.placement_get(request.user, placement_id=placement_id)


@router.get(
    "/capacity",
    response=list[CapacityOut],
    summary="Your supplier's current capacity, per category membership, zone and kind",
)
def capacity_list(request: AuthedRequest, query: Query[SupplierQuery]) -> list[Capacity]:
    supplier = account_selectors.acting_supplier(request.user, query.supplier_id, NOT_A_PROVIDER)
    return selectors.capacity_of_supplier(request.user, supplier_id=supplier.pk)


@router.post(
    "/capacity",
    response={201: CapacityOut},
    summary="Record what a membership can take on from a date; buyers see it at once",
)
def capacity_record(request: AuthedRequest, payload: CapacityIn) -> Status[Capacity]:
    member = CategoryMember.objects.filter(
        pk=payload.member_id,
        supplier_id__in=account_selectors.organisation_list_for_user(request.user).values("pk"),
    ).first()
    if member is None:
        raise NotFound(MEMBER_NOT_FOUND)
    capacity = services.capacity_record(
        actor=request.user,
        member=member,
        zone=payload.zone,
        kind=payload.kind,
        amount=payload.amount,
        available_from=payload.available_from,
    )
    return Status(201, capacity)


@router.get(
    "/competitions/{call_id}/capacity",
    response=list[MemberCapacityOut],
    summary="The buying authority: each invited provider's current capacity (it decides "
    "nothing about who is invited)",
)
def call_capacity(request: AuthedRequest, call_id: CallId) -> list[dict[str, object]]:
    return selectors.buyer_call_capacity(request.user, call_id=call_id)


@router.post(
    "/competitions/{call_id}/tenders/from-offer",
    response={201: ReceiptOut},
    summary="Answer a rapid call in one step from your standing offer, at its rate or lower",
)
def tender_from_offer(
    request: AuthedRequest, call_id: CallId, payload: OfferTenderIn
) -> Status[ReceiptOut]:
    if not competition_selectors.call_list(request.user).filter(pk=call_id).exists():
        raise NotFound(competition_selectors.CALL_NOT_FOUND)
    supplier = account_selectors.acting_supplier(request.user, payload.supplier_id, NOT_INVITED)
    submission = competition_services.tender_from_standing_offer(
        actor=request.user, call=call_id, supplier=supplier, price=payload.price
    )
    return Status(201, ReceiptOut.build(submission))
