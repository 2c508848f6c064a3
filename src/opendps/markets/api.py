"""/api/v1/markets: markets and their categories (DESIGN.md §5).

Published markets are public: the reads here also answer a caller without a token (a token
that is sent must still be valid). Drafts are seen only by their authority's people; for
anyone else a draft is "not found", exactly like a missing id.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import P, PathEx, Query, Router, Status
from ninja.pagination import paginate

from opendps.accounts import selectors as account_selectors
from opendps.markets import selectors, services
from opendps.markets.models import Category, Market
from opendps.markets.schemas import (
    MAX_ID,
    CategoryIn,
    CategoryOut,
    MarketDetailOut,
    MarketFilter,
    MarketIn,
    MarketOut,
)
from opendps.web.api_auth import BearerToken
from opendps.web.api_pages import Paging
from opendps.web.organisation import AuthedRequest

router = Router(tags=["markets"])

MarketId = PathEx[int, P(ge=1, le=MAX_ID, description="The market's id.")]


class PublicOrBearer(BearerToken):
    """No token: an anonymous reader of public data. A token: it must be valid (else 401).

    Session cookies never count, as everywhere in the API.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if not request.headers.get(self.header):
            request.user = AnonymousUser()
            return request.user
        return super().__call__(request)


PUBLIC = PublicOrBearer()


@router.get(
    "/markets",
    response=list[MarketOut],
    auth=PUBLIC,
    openapi_extra={"security": [{}]},  # a token is optional here
    summary="Markets: every published market, and your own authority's drafts",
)
@paginate(Paging)
def market_list(request: HttpRequest, filters: Query[MarketFilter]) -> QuerySet[Market]:
    return selectors.market_list(
        request.user, only_open=filters.open, authority_id=filters.authority_id
    )


@router.post(
    "/markets",
    response={201: MarketOut},
    summary="Draft a market (commissioner or administrator of the authority)",
)
def market_create(request: AuthedRequest, payload: MarketIn) -> Status[Market]:
    authority = account_selectors.organisation_get(
        request.user, organisation_id=payload.authority_id
    )
    fields = payload.model_dump(exclude={"authority_id", "regime"})
    if fields["nation"] is None:
        del fields["nation"]  # the authority's nation
    market = services.market_create(
        actor=request.user, authority=authority, regime=payload.regime, **fields
    )
    return Status(201, market)


@router.get(
    "/markets/{market_id}",
    response=MarketDetailOut,
    auth=PUBLIC,
    openapi_extra={"security": [{}]},  # a token is optional here
    summary="A market with its categories",
)
def market_detail(request: HttpRequest, market_id: MarketId) -> Market:
    return selectors.market_get(request.user, market_id=market_id)


@router.post(
    "/markets/{market_id}/publish",
    response=MarketOut,
    summary="Publish a draft market and its notice; suppliers may apply from then on",
)
def market_publish(request: AuthedRequest, market_id: MarketId) -> Market:
    market = selectors.market_get(request.user, market_id=market_id)
    return services.market_publish(actor=request.user, market=market)


@router.get(
    "/markets/{market_id}/categories",
    response=list[CategoryOut],
    auth=PUBLIC,
    openapi_extra={"security": [{}]},  # a token is optional here
    summary="A market's categories, each with its current selection questionnaire",
)
@paginate(Paging)
def category_list(request: HttpRequest, market_id: MarketId) -> list[CategoryOut]:
    return [
        _category_out(category)
        for category in selectors.category_list(request.user, market_id=market_id)
    ]


@router.post(
    "/markets/{market_id}/categories",
    response={201: CategoryOut},
    summary="Add a category (a part) with its questionnaire, or the regime's template",
)
def category_add(
    request: AuthedRequest, market_id: MarketId, payload: CategoryIn
) -> Status[CategoryOut]:
    market = selectors.market_get(request.user, market_id=market_id)
    fields = payload.model_dump(exclude={"questions"})
    category = services.category_add(
        actor=request.user, market=market, questions=payload.questions, **fields
    )
    return Status(201, _category_out(category))


def _category_out(category: Category) -> CategoryOut:
    return CategoryOut.build(category, selectors.questionnaire_current(category))
