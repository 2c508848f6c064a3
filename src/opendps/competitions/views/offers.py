"""A supplier's lists: its invitations to tender and its standing offers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from opendps.competitions import selectors, services
from opendps.competitions.forms import StandingOfferForm
from opendps.competitions.models import StandingOffer
from opendps.competitions.status import CallStatus
from opendps.competitions.views.common import (
    _posted,
    _status_listing,
    _supplier,
    status_tag,
    time_left,
)
from opendps.core import clock
from opendps.core.errors import NotFound
from opendps.membership import selectors as membership_selectors
from opendps.membership.models import CategoryMember
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest

# --- supplier lists: invitations and standing offers --------------------------------------------


@login_required
@require_GET
def invitations(request: AuthedRequest) -> HttpResponse:
    supplier = _supplier(request)
    calls = selectors.invited_calls(request.user, supplier_id=supplier.pk)
    listing = _status_listing(request, calls)
    now = clock.now()
    rows = []
    for call in listing.rows:
        status = CallStatus(call.status)
        rows.append(
            {
                "call": call,
                "status": status_tag(status),
                "time_left": time_left(call.deadline, now) if status == CallStatus.OPEN else "",
                "tendered": status == CallStatus.OPEN and call.tendered,
                "is_open": status == CallStatus.OPEN,
                "has_feedback": call.has_feedback,
            }
        )
    return render(
        request,
        "competitions/invitations.html",
        {
            "title": _("Invitations to tender"),
            "supplier": supplier,
            "rows": rows,
            "listing": listing,
        },
    )


def _offer_of(member: CategoryMember) -> StandingOffer | None:
    try:
        return member.standing_offer  # type: ignore[attr-defined]
    except StandingOffer.DoesNotExist:
        return None


@login_required
@require_GET
def standing_offers(request: AuthedRequest) -> HttpResponse:
    supplier = _supplier(request)
    members = membership_selectors.memberships_for_supplier(
        request.user, supplier_id=supplier.pk
    ).filter(removed_at__isnull=True)
    return render(
        request,
        "competitions/standing_offers.html",
        {
            "title": _("Standing offers"),
            "supplier": supplier,
            "rows": [{"member": member, "offer": _offer_of(member)} for member in members],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def standing_offer_edit(request: AuthedRequest, member_id: int) -> HttpResponse:
    supplier = _supplier(request)
    member = (
        membership_selectors.memberships_for_supplier(request.user, supplier_id=supplier.pk)
        .filter(pk=member_id, removed_at__isnull=True)
        .first()
    )
    if member is None:
        raise NotFound(membership_selectors.MEMBER_NOT_FOUND)
    offer = _offer_of(member)
    initial = (
        {
            "description": offer.description,
            "delivery_areas": ", ".join(offer.delivery_areas),
            "capacity": offer.capacity,
            "social_value": offer.social_value,
            "price_per_service_user": offer.price_per_service_user,
            "price_per_hour": offer.price_per_hour,
        }
        if offer is not None
        else {}
    )
    form = StandingOfferForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.standing_offer_save(
                actor=request.user, member=member, **form.offer_fields()
            ),
            lambda error: "price_per_hour" if error.code == "no_price" else None,
        )
        if saved is not None:
            messages.success(
                request,
                _("Your standing offer in %(category)s is saved.")
                % {"category": member.category.title},
            )
            return redirect("competitions:standing-offers")
    return render(
        request,
        "competitions/standing_offer_form.html",
        {
            "title": _("Standing offer: %(category)s") % {"category": member.category.title},
            "member": member,
            "form": form,
        },
    )
