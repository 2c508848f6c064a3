"""Standing offers and rate cards of a category's members."""

from django.db.models import QuerySet
from ninja.pagination import paginate

from opendps.accounts import permissions
from opendps.accounts.models import User
from opendps.accounts.permissions import SUPPLIER_ROLES
from opendps.competitions import selectors, services
from opendps.competitions.api.common import (
    CategoryId,
    MemberId,
    router,
)
from opendps.competitions.models import StandingOffer
from opendps.competitions.schemas import (
    StandingOfferIn,
    StandingOfferOut,
)
from opendps.core.errors import NotFound
from opendps.markets import selectors as market_selectors
from opendps.membership import selectors as membership_selectors
from opendps.membership.models import CategoryMember
from opendps.web.api_pages import Paging
from opendps.web.organisation import AuthedRequest


@router.get(
    "/categories/{category_id}/offers",
    response=list[StandingOfferOut],
    summary="Standing offers and rate cards of a category's members (its buyers and members)",
)
@paginate(Paging)
def standing_offer_list(request: AuthedRequest, category_id: CategoryId) -> QuerySet[StandingOffer]:
    try:
        return selectors.standing_offers_in_category(request.user, category_id=category_id)
    except NotFound as error:
        # The selector words a missing category differently from a hidden one; say the
        # same for both so that no one learns which categories exist.
        raise NotFound(market_selectors.CATEGORY_NOT_FOUND) from error


@router.put(
    "/members/{member_id}/offer",
    response=StandingOfferOut,
    summary="Save your standing offer and rate card in a category you are a member of",
)
def standing_offer_save(
    request: AuthedRequest, member_id: MemberId, payload: StandingOfferIn
) -> StandingOffer:
    member = _own_member(request.user, member_id)
    return services.standing_offer_save(actor=request.user, member=member, **payload.model_dump())


def _own_member(user: User, member_id: int) -> CategoryMember:
    """A category membership of one of the caller's suppliers; any other is 'not found'."""
    for supplier_id in permissions.organisation_ids_with_role(user, SUPPLIER_ROLES):
        for member in membership_selectors.memberships_for_supplier(user, supplier_id=supplier_id):
            if member.pk == member_id:
                return member
    raise NotFound(membership_selectors.MEMBER_NOT_FOUND)
