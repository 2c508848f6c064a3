"""Pieces every competition page shares: status tags, times, who the person is to a call."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from opendps.accounts import permissions
from opendps.accounts.models import Organisation
from opendps.accounts.permissions import AUTHORITY_ROLES
from opendps.competitions import selectors
from opendps.competitions.criteria import CriterionKind
from opendps.competitions.forms import KIND_LABELS
from opendps.competitions.models import Call
from opendps.competitions.status import CallStatus, status_q
from opendps.core import clock
from opendps.core.errors import NotFound, NotPermitted
from opendps.regimes import get_regime
from opendps.web.jinja import number_text
from opendps.web.organisation import current_organisation
from opendps.web.pagination import Listing, chosen_status, counts_by, paginate, status_filters

NOT_A_SUPPLIER_PAGE = gettext_lazy("This page is for suppliers.")
NOT_A_BUYER = gettext_lazy(
    "Only an authority's buyers, commissioners and administrators run calls for competition."
)
TENDER_NOT_FOUND = gettext_lazy("Tender not found.")

STATUS_TAG_CLASSES = {
    CallStatus.DRAFT: "govuk-tag--grey",
    CallStatus.OPEN: "govuk-tag--blue",
    CallStatus.CLOSED: "govuk-tag--yellow",
    CallStatus.EVALUATION: "govuk-tag--purple",
    CallStatus.STANDSTILL: "govuk-tag--orange",
    CallStatus.AWARDED: "govuk-tag--green",
    CallStatus.CANCELLED: "govuk-tag--red",
    CallStatus.NO_COMPLIANT: "govuk-tag--red",
}


# --- shared pieces ----------------------------------------------------------------------------


def status_tag(status: str) -> dict[str, str]:
    value = CallStatus(status)
    return {"text": str(value.label), "classes": STATUS_TAG_CLASSES[value]}


def ms_text(moment: datetime | None) -> str:
    """A London time to the millisecond, as a receipt records it."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return "%s.%03d %s" % (  # noqa: UP031 - three parts, one of them a padded number
        formats.date_format(local, "j F Y, H:i:s"),
        local.microsecond // 1000,
        local.tzname(),
    )


def time_left(deadline: datetime, now: datetime | None = None) -> str:
    now = now or clock.now()
    if now >= deadline:
        return _("Closed")
    seconds = int((deadline - now).total_seconds())
    days, seconds = divmod(seconds, 86_400)
    hours, seconds = divmod(seconds, 3_600)
    minutes = seconds // 60
    parts = []
    if days:
        parts.append(ngettext("%(count)d day", "%(count)d days", days) % {"count": days})
    if hours or days:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if not days:
        parts.append(
            ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
        )
    return _("%(time)s left") % {"time": ", ".join(parts)}


def criteria_rows(call: Call) -> list[dict[str, Any]]:
    return [
        {
            "name": criterion["name"],
            "kind": str(KIND_LABELS[CriterionKind(criterion["kind"])]),
            "weight": number_text(criterion["weight"]),
            "guidance": criterion.get("guidance", ""),
        }
        for criterion in call.criteria
    ]


def _posted(request: HttpRequest) -> Any:
    """The POST data of a POST (even an empty one), else None: the form is unbound."""
    return request.POST if request.method == "POST" else None


def _regime(call: Call) -> Any:
    return get_regime(call.market.regime, call.market.validity_starts_at)


def _is_authority(request: HttpRequest, call: Call) -> bool:
    return permissions.has_role(request.user, call.buyer_id, AUTHORITY_ROLES)


def _authority_call(
    request: HttpRequest, call_id: int, roles: frozenset[str] | None = None, refusal: Any = None
) -> Call:
    """A call of the person's own authority. Outside it, "not found" (an invited supplier
    cannot tell a buyer's page from a missing one); inside it without one of ``roles``,
    "not permitted"."""
    call = selectors.call_get(request.user, call_id=call_id)
    if not _is_authority(request, call):
        raise NotFound(selectors.CALL_NOT_FOUND)
    if roles is not None and not permissions.has_role(request.user, call.buyer_id, roles):
        raise NotPermitted(refusal or NOT_A_BUYER)
    return call


def _supplier(request: HttpRequest) -> Organisation:
    organisation = current_organisation(request)
    if organisation is None or not organisation.is_supplier:
        raise NotPermitted(NOT_A_SUPPLIER_PAGE)
    return organisation


def _supplier_call(request: HttpRequest, call_id: int) -> tuple[Call, Organisation]:
    call = selectors.call_get(request.user, call_id=call_id)
    return call, _supplier(request)


def _status_listing(request: HttpRequest, calls: QuerySet[Call]) -> Listing:
    """A page of ``calls`` (annotated by ``with_status``), filtered by ``?status=``, with
    a count per status from one GROUP BY."""
    chosen = chosen_status(request, CallStatus.choices)
    counts = counts_by(calls, "status")
    if chosen is not None:
        calls = calls.filter(status_q(CallStatus(chosen)))
    listing = paginate(request, calls)
    listing.filters = status_filters(request, counts, CallStatus.choices, chosen)
    return listing


def _opened_tender(request: HttpRequest, call: Call, submission_id: int) -> tuple[Any, list[Any]]:
    opened = selectors.tender_list_opened(request.user, call_id=call.pk)
    for tender in opened:
        if tender.submission.pk == submission_id:
            return tender, opened
    raise NotFound(TENDER_NOT_FOUND)
