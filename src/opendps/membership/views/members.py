"""Authority pages about an admitted member: suspend, reinstate, remove, declarations."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opendps.accounts import permissions
from opendps.membership import selectors, services
from opendps.membership.forms import (
    DeclarationRequestForm,
    ReinstateForm,
    RemoveForm,
    SuspendForm,
)
from opendps.membership.models import CategoryMember
from opendps.membership.status import (
    MemberStatus,
    member_status,
)
from opendps.membership.views.common import (
    member_tag,
)
from opendps.regimes import get_regime
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest

# --- authority: members -------------------------------------------------------------------

MEMBER_ACTIONS = {
    "suspend": SuspendForm,
    "reinstate": ReinstateForm,
    "remove": RemoveForm,
    "declaration": DeclarationRequestForm,
}


def _member_page(
    request: AuthedRequest,
    member: CategoryMember,
    failed: tuple[str, Any] | None = None,
) -> HttpResponse:
    market = member.market
    regime = get_regime(market.regime, market.validity_starts_at)
    status = member_status(member, declaration_overdue=getattr(member, "declaration_overdue", None))
    action_forms = {name: form_class() for name, form_class in MEMBER_ACTIONS.items()}
    if failed is not None:
        action_forms[failed[0]] = failed[1]
    can_manage = permissions.has_role(request.user, market.authority_id, services.MANAGE_ROLES)
    return render(
        request,
        "membership/member.html",
        {
            "title": _("%(supplier)s in %(category)s")
            % {"supplier": member.supplier.name, "category": member.category.title},
            "member": member,
            "market": market,
            "status": member_tag(member),
            "removed": status == MemberStatus.REMOVED,
            "suspended": member.suspended_at is not None,
            "can_manage": can_manage,
            "can_request_declaration": regime.supports_self_declaration,
            "forms": action_forms,
            "form": failed[1] if failed is not None else None,
            "lapsed": selectors.evidence_lapsed(member.supplier_id),
        },
    )


@login_required
@require_GET
def member_detail(request: AuthedRequest, member_id: int) -> HttpResponse:
    member = selectors.member_get_for_authority(request.user, member_id=member_id)
    return _member_page(request, member)


@login_required
@require_POST
def member_action(request: AuthedRequest, member_id: int, action: str) -> HttpResponse:
    if action not in MEMBER_ACTIONS:
        raise Http404
    member = selectors.member_get_for_authority(request.user, member_id=member_id)
    form = MEMBER_ACTIONS[action](request.POST)
    if form.is_valid():
        data = form.cleaned_data
        calls = {
            "suspend": lambda: services.member_suspend(
                actor=request.user, member=member, reason=data["suspend_reason"]
            ),
            "reinstate": lambda: services.member_reinstate(
                actor=request.user, member=member, reason=data["reinstate_reason"]
            ),
            "remove": lambda: services.member_remove(
                actor=request.user,
                member=member,
                reason=data["remove_reason"],
                exclusion=data["exclusion"],
            ),
            "declaration": lambda: services.declaration_request(actor=request.user, member=member),
        }
        done = call_service(form, calls[action])
        if done is not None:
            confirmations = {
                "suspend": _("The membership is suspended and the supplier has been told."),
                "reinstate": _("The membership is active again."),
                "remove": _("The supplier is removed from the category and has been told."),
                "declaration": _("The supplier has been asked for a renewed self-declaration."),
            }
            messages.success(request, confirmations[action])
            return redirect("membership:member-detail", member.pk)
    return _member_page(request, member, failed=(action, form))
