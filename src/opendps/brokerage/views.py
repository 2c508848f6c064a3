"""Pages of care brokerage: a provider's capacity, placements, and one-step answers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from opendps.accounts import permissions
from opendps.brokerage import selectors, services
from opendps.brokerage.forms import CapacityForm, DeclineForm, OfferAnswerForm
from opendps.competitions import services as competition_services
from opendps.competitions.models import StandingOffer
from opendps.competitions.services.common import TENDER_ROLES
from opendps.competitions.services.offers import standing_offer_rate
from opendps.competitions.views.common import _posted, _supplier, _supplier_call
from opendps.core import clock
from opendps.core.errors import NotFound
from opendps.membership import selectors as membership_selectors
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest


@login_required
@require_http_methods(["GET", "POST"])
def capacity(request: AuthedRequest) -> HttpResponse:
    """A provider keeps its capacity current, per category and zone."""
    supplier = _supplier(request)
    members = list(
        membership_selectors.memberships_for_supplier(request.user, supplier_id=supplier.pk)
        .filter(removed_at__isnull=True)
        .select_related("category", "market")
    )
    form = CapacityForm(
        _posted(request),
        members=[(m.pk, f"{m.category.title} ({m.market.title})") for m in members],
    )
    if request.method == "POST" and form.is_valid():
        member = next(m for m in members if m.pk == form.cleaned_data["member"])
        saved = call_service(
            form,
            lambda: services.capacity_record(
                actor=request.user,
                member=member,
                zone=form.cleaned_data["zone"],
                kind=form.cleaned_data["kind"],
                amount=form.cleaned_data["amount"],
                available_from=form.cleaned_data["available_from"],
            ),
            lambda error: {"zone_required": "zone", "amount_out_of_range": "amount"}.get(
                error.code
            ),
        )
        if saved is not None:
            messages.success(request, _("Your capacity is recorded. Buyers see it from now."))
            return redirect("brokerage:capacity")
    current = selectors.current_capacity(category_ids=[m.category_id for m in members])
    return render(
        request,
        "brokerage/capacity.html",
        {
            "title": _("Your capacity"),
            "supplier": supplier,
            "rows": [{"member": m, "capacity": current.get(m.pk, [])} for m in members],
            "placements": selectors.placements_for_supplier(request.user, supplier_id=supplier.pk),
            "form": form,
        },
    )


def _placement_page(request: AuthedRequest, placement_id: int, form: Any = None) -> HttpResponse:
    placement = selectors.placement_get(request.user, placement_id=placement_id)
    is_provider = permissions.has_role(request.user, placement.supplier_id, TENDER_ROLES)
    return render(
        request,
        "brokerage/placement.html",
        {
            "title": _("Placement: %(title)s") % {"title": placement.call.title},
            "placement": placement,
            "call": placement.call,
            "can_answer": is_provider and placement.waiting and clock.now() < placement.respond_by,
            "form": form or DeclineForm(),
        },
    )


@login_required
@require_http_methods(["GET"])
def placement(request: AuthedRequest, placement_id: int) -> HttpResponse:
    return _placement_page(request, placement_id)


@login_required
@require_POST
def placement_accept(request: AuthedRequest, placement_id: int) -> HttpResponse:
    found = selectors.placement_get(request.user, placement_id=placement_id)
    services.placement_accept(actor=request.user, placement=found)
    messages.success(request, _("You have accepted the placement. The buyer has been told."))
    return redirect("brokerage:placement", placement_id)


@login_required
@require_POST
def placement_decline(request: AuthedRequest, placement_id: int) -> HttpResponse:
    found = selectors.placement_get(request.user, placement_id=placement_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        declined = call_service(
            form,
            lambda: services.placement_decline(
                actor=request.user, placement=found, reason=form.cleaned_data["reason"]
            ),
            "reason",
        )
        if declined is not None:
            messages.success(
                request, _("You have declined the placement. The buyer has been told.")
            )
            return redirect("brokerage:placement", placement_id)
    return _placement_page(request, placement_id, form)


@login_required
@require_http_methods(["GET", "POST"])
def tender_from_offer(request: AuthedRequest, call_id: int) -> HttpResponse:
    """A rapid call answered in one step from the standing offer: confirm, or improve."""
    call, supplier = _supplier_call(request, call_id)
    offer = StandingOffer.objects.filter(
        supplier=supplier, category_id=call.category_id, member__removed_at__isnull=True
    ).first()
    if offer is None or not call.rapid:
        raise NotFound(competition_services.offers.NO_STANDING_OFFER)
    form = OfferAnswerForm(_posted(request), prefix="offer")
    if request.method == "POST" and form.is_valid():
        submission = call_service(
            form,
            lambda: competition_services.tender_from_standing_offer(
                actor=request.user, call=call, supplier=supplier, price=form.cleaned_data["price"]
            ),
            lambda error: (
                "price"
                if error.code in {"not_an_improvement", "no_rate", "price_invalid"}
                else None
            ),
        )
        if submission is not None:
            messages.success(request, _("Your tender is received, sealed and signed for."))
            return redirect("competitions:receipt", call.pk, submission.pk)
    return render(
        request,
        "brokerage/from_offer.html",
        {
            "title": _("Answer from your standing offer"),
            "call": call,
            "offer": offer,
            "rate": standing_offer_rate(call, offer),
            "form": form,
            "offer_form": form,
        },
    )
