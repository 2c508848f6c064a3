"""Market pages: finding markets, and a commissioner setting one up and running it.

Each view parses input, calls one service or selector, and renders. Who may see a market
is the selectors' business (a draft is 'not found' outside its authority); who may change
it is the services'. The views only hide buttons a person could not use.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from opendps.accounts import permissions
from opendps.accounts.models import Organisation
from opendps.core.errors import DomainError, NotFound, NotPermitted
from opendps.markets import selectors, services
from opendps.markets.cpv import cpv_described
from opendps.markets.forms import (
    CategoryForm,
    CeaseForm,
    ConfirmForm,
    MarketForm,
    RegimeForm,
    ValidityForm,
)
from opendps.markets.models import Category, Market, MarketStatus
from opendps.markets.questionnaire_text import failure_text, sections_of  # noqa: F401 (re-exported)
from opendps.membership import admission_clock
from opendps.membership import selectors as membership_selectors
from opendps.membership.status import MemberStatus, member_status
from opendps.regimes import RegimeCode, get_regime
from opendps.web.forms import call_service
from opendps.web.jinja import localised_text
from opendps.web.organisation import AuthedRequest, current_organisation

NOT_A_MARKET_MANAGER = gettext_lazy(
    "Only the authority's commissioners and administrators can manage this market."
)
NOT_AUTHORITY_STAFF = gettext_lazy("Only people who work for a contracting authority can do that.")
NO_AUTHORITY_TO_ACT_FOR = gettext_lazy(
    "To set up a market you need to be a commissioner or administrator of a contracting authority."
)

STATUS_TAG_CLASSES = {
    MarketStatus.DRAFT: "govuk-tag--grey",
    MarketStatus.OPEN: "govuk-tag--green",
    MarketStatus.EXPIRED: "govuk-tag--yellow",
    MarketStatus.CEASED: "govuk-tag--red",
}
MEMBER_TAG_CLASSES = {
    MemberStatus.ACTIVE: "govuk-tag--green",
    MemberStatus.SUSPENDED: "govuk-tag--orange",
    MemberStatus.DECLARATION_OVERDUE: "govuk-tag--orange",
    MemberStatus.REMOVED: "govuk-tag--red",
}


def status_tag(status: str) -> dict[str, str]:
    """A GOV.UK tag for a market status."""
    value = MarketStatus(status)
    return {"text": str(value.label), "classes": STATUS_TAG_CLASSES[value]}


def _regime_labels() -> dict[str, str]:
    return {str(code): str(label) for code, label in RegimeCode.choices}


def _market(request: HttpRequest, market_id: int) -> Market:
    return selectors.market_get(request.user, market_id=market_id)


def _managed_market(request: HttpRequest, market_id: int) -> Market:
    """The market, if this person may manage it (else 'not found' or 'not permitted')."""
    market = _market(request, market_id)
    if not selectors.can_manage_market(request.user, market):
        raise NotPermitted(NOT_A_MARKET_MANAGER)
    return market


def _category(request: HttpRequest, market: Market, category_id: int) -> Category:
    category = selectors.category_get(request.user, category_id=category_id)
    if category.market_id != market.pk:
        raise NotFound(selectors.CATEGORY_NOT_FOUND)
    return category


def _authority_to_create_in(request: AuthedRequest) -> Organisation:
    organisation = current_organisation(request)
    if (
        organisation is None
        or not organisation.is_authority
        or not permissions.has_role(request.user, organisation, services.MARKET_ROLES)
    ):
        raise NotPermitted(NO_AUTHORITY_TO_ACT_FOR)
    return organisation


def _known_regime(code: str) -> str:
    """The regime code if it is one, else "" (the page then asks for it)."""
    return code if code in RegimeCode.values else ""


def _market_error_field(error: DomainError) -> str | None:
    """The market form's box a service refusal is about."""
    return "cpv_codes" if error.code in {"cpv_invalid", "cpv_required"} else None


def _posted(request: HttpRequest) -> Any:
    """The POST data of a POST (even an empty one), else None: the form is unbound."""
    return request.POST if request.method == "POST" else None


# --- public ---------------------------------------------------------------------------------


@require_GET
def market_list(request: HttpRequest) -> HttpResponse:
    markets = selectors.market_list(request.user, only_open=True).order_by("-published_at")
    return render(
        request,
        "markets/list.html",
        {
            "title": _("Find markets"),
            "markets": markets,
            "regimes": _regime_labels(),
            "status_tag": status_tag,
        },
    )


@require_GET
def market_detail(request: HttpRequest, market_id: int) -> HttpResponse:
    market = _market(request, market_id)
    categories = list(market.categories.all())
    members_by_category: dict[int, list[Any]] = defaultdict(list)
    for member in membership_selectors.member_list(request.user, market_id=market.pk):
        members_by_category[member.category_id].append(member)
    organisation = current_organisation(request)
    is_open = market.status == MarketStatus.OPEN  # type: ignore[attr-defined]
    can_manage = selectors.can_manage_market(request.user, market)
    anonymous = not request.user.is_authenticated
    return render(
        request,
        "markets/detail.html",
        {
            "title": localised_text(market, "title"),
            "market": market,
            "regime": get_regime(market.regime, market.validity_starts_at),
            "regime_label": _regime_labels()[market.regime],
            "cpv": cpv_described(market.cpv_codes),
            "status": status_tag(market.status),  # type: ignore[attr-defined]
            "is_draft": market.status == MarketStatus.DRAFT,  # type: ignore[attr-defined]
            "is_open": is_open,
            "categories": categories,
            "members_by_category": members_by_category,
            "notices": list(market.notices.all()),
            # The admission clock's public figure (membership.admission_clock).
            "median_to_admit": admission_clock.duration_text(
                admission_clock.admission_median(market.pk)
            ),
            "can_manage": can_manage,
            "can_apply": is_open
            and (anonymous or (organisation is not None and organisation.is_supplier)),
        },
    )


# --- the authority's own markets -------------------------------------------------------------


@login_required
@require_GET
def authority_markets(request: AuthedRequest) -> HttpResponse:
    if not permissions.organisation_ids_with_role(request.user, permissions.AUTHORITY_ROLES):
        raise NotPermitted(NOT_AUTHORITY_STAFF)
    markets = selectors.market_list_for_authority(request.user)
    can_create = bool(permissions.organisation_ids_with_role(request.user, services.MARKET_ROLES))
    return render(
        request,
        "markets/authority_markets.html",
        {
            "title": _("Your markets"),
            "markets": markets,
            "regimes": _regime_labels(),
            "status_tag": status_tag,
            "can_create": can_create,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def market_create(request: AuthedRequest) -> HttpResponse:
    authority = _authority_to_create_in(request)
    if request.method == "GET":
        asked = "regime" in request.GET or "step" in request.GET  # the form was sent
        chooser = RegimeForm(request.GET if asked else None)
        if not chooser.is_valid():
            return render(
                request,
                "markets/regime_choice.html",
                {"title": _("Set up a market"), "form": chooser, "authority": authority},
            )
    form = MarketForm(_posted(request), initial={"regime": request.GET.get("regime")})
    if request.method == "POST" and form.is_valid():
        market = call_service(
            form,
            lambda: services.market_create(
                actor=request.user,
                authority=authority,
                regime=form.cleaned_data["regime"],
                **form.market_fields(),
            ),
            field=_market_error_field,
        )
        if market is not None:
            messages.success(request, _("Draft market created. Now add its categories."))
            return redirect("markets:detail", market.pk)
    return render(
        request,
        "markets/market_form.html",
        {
            "title": _("Set up a market"),
            "form": form,
            "authority": authority,
            "market": None,
            "regime": _known_regime(form.chosen_regime() or request.GET.get("regime", "")),
            "regime_label": _regime_labels().get(
                form.chosen_regime() or request.GET.get("regime", ""), ""
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def market_edit(request: AuthedRequest, market_id: int) -> HttpResponse:
    market = _managed_market(request, market_id)
    form = MarketForm(_posted(request), market=market)
    if request.method == "POST" and form.is_valid():
        updated = call_service(
            form,
            lambda: services.market_update(
                actor=request.user, market=market, **form.market_fields()
            ),
            field=_market_error_field,
        )
        if updated is not None:
            messages.success(request, _("Market details saved."))
            return redirect("markets:detail", market.pk)
    return render(
        request,
        "markets/market_form.html",
        {
            "title": _("Change the market's details"),
            "form": form,
            "authority": market.authority,
            "market": market,
            "regime": market.regime,
            "regime_label": _regime_labels()[market.regime],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_add(request: AuthedRequest, market_id: int) -> HttpResponse:
    market = _managed_market(request, market_id)
    form = CategoryForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        category = call_service(
            form,
            lambda: services.category_add(
                actor=request.user, market=market, **form.category_fields()
            ),
        )
        if category is not None:
            messages.success(
                request,
                _("Category '%(title)s' added with the standard questionnaire.")
                % {"title": category.title},
            )
            return redirect("markets:detail", market.pk)
    return render(
        request,
        "markets/category_form.html",
        {"title": _("Add a category"), "form": form, "market": market},
    )


@login_required
@require_http_methods(["GET", "POST"])
def market_publish(request: AuthedRequest, market_id: int) -> HttpResponse:
    market = _managed_market(request, market_id)
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        published = call_service(
            form, lambda: services.market_publish(actor=request.user, market=market)
        )
        if published is not None:
            messages.success(
                request, _("The market is published. Suppliers can apply to join it now.")
            )
            return redirect("markets:detail", market.pk)
    return render(
        request,
        "markets/publish.html",
        {
            "title": _("Publish %(title)s") % {"title": market.title},
            "form": form,
            "market": market,
            "categories": list(market.categories.all()),
            "regime": get_regime(market.regime, market.validity_starts_at),
            "regime_label": _regime_labels()[market.regime],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def market_validity(request: AuthedRequest, market_id: int) -> HttpResponse:
    market = _managed_market(request, market_id)
    form = ValidityForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        changed = call_service(
            form,
            lambda: services.market_validity_change(
                actor=request.user,
                market=market,
                validity_ends_at=form.new_end(),
                reason=form.cleaned_data["reason"],
            ),
        )
        if changed is not None:
            messages.success(
                request, _("The period of validity is changed and the notice published.")
            )
            return redirect("markets:detail", market.pk)
    return render(
        request,
        "markets/validity.html",
        {"title": _("Change the period of validity"), "form": form, "market": market},
    )


@login_required
@require_http_methods(["GET", "POST"])
def market_cease(request: AuthedRequest, market_id: int) -> HttpResponse:
    market = _managed_market(request, market_id)
    form = CeaseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        ceased = call_service(
            form,
            lambda: services.market_cease(
                actor=request.user, market=market, reason=form.cleaned_data["reason"]
            ),
        )
        if ceased is not None:
            messages.success(request, _("The market has ended and the notice is published."))
            return redirect("markets:detail", market.pk)
    return render(
        request,
        "markets/cease.html",
        {"title": _("End the market"), "form": form, "market": market},
    )


@login_required
@require_GET
def market_members(request: AuthedRequest, market_id: int) -> HttpResponse:
    market = _market(request, market_id)
    if not permissions.has_role(request.user, market.authority_id, permissions.AUTHORITY_ROLES):
        raise NotPermitted(NOT_AUTHORITY_STAFF)
    from opendps.brokerage.selectors import current_capacity

    by_category: dict[int, list[dict[str, Any]]] = defaultdict(list)
    # What each member says it can take on: shown, never used to choose who is invited.
    capacity = current_capacity(category_ids=[c.pk for c in market.categories.all()])
    for member in membership_selectors.member_list(
        request.user, market_id=market.pk, include_removed=True
    ):
        status = member_status(member, declaration_overdue=member.declaration_overdue)  # type: ignore[attr-defined]
        by_category[member.category_id].append(
            {
                "member": member,
                "status": {"text": str(status.label), "classes": MEMBER_TAG_CLASSES[status]},
                "capacity": capacity.get(member.pk, []),
            }
        )
    return render(
        request,
        "markets/members.html",
        {
            "title": _("Members of %(title)s") % {"title": market.title},
            "market": market,
            "categories": [
                (category, by_category.get(category.pk, [])) for category in market.categories.all()
            ],
        },
    )
