"""Tenders on a call: the opened content, the supplier's own receipts, the count and the
bidders' names, each only for whom may see it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.permissions import SUPPLIER_ROLES
from opendps.competitions.models import Call, TenderSubmission
from opendps.competitions.opened import OpenedTender, unseal_tenders
from opendps.competitions.selectors.calls import (
    CALL_NOT_FOUND,
    _authority_call,
    _is_authority,
    call_get,
)
from opendps.core import clock
from opendps.core.errors import NotFound, NotPermitted

CONFLICTED_READER = _(
    "You declared a conflict of interest on this call, so its tenders are closed to you."
)
TENDERS_SEALED = _("Tenders stay sealed until the deadline has passed and they are opened.")


def tender_list_opened(actor: Any, *, call_id: int) -> list[OpenedTender]:
    """Opened tenders, decrypted for this request only (Annex IV (d)–(f)).

    An officer who declared a conflict of interest on the call may not read them."""
    call = _authority_call(actor, call_id)
    if call.opened_at is None:
        raise NotPermitted(TENDERS_SEALED, code="tenders_sealed")
    if call.conflict_declarations.filter(evaluator=actor, has_conflict=True).exists():
        raise NotPermitted(CONFLICTED_READER, code="conflicted")
    return unseal_tenders(call)


def _own_tenders(actor: Any, call_id: int) -> QuerySet[TenderSubmission]:
    """Every tender the actor's suppliers sent to the call, newest first."""
    suppliers = permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES)
    return TenderSubmission.objects.filter(call_id=call_id, supplier_id__in=suppliers).order_by(
        "-received_at"
    )


def receipts_for_supplier(actor: Any, *, call_id: int) -> QuerySet[TenderSubmission]:
    call_get(actor, call_id=call_id)
    return _own_tenders(actor, call_id)


# Reads on a call the view already holds. Each takes the ``Call`` itself, fetched through
# ``call_get`` (so the actor may see it), and does not fetch it again; each still limits
# what it returns to what the actor may see of that call.


def tender_count_live(actor: Any, *, call: Call) -> int | None:
    """How many live tenders the sealed box holds: a count, never their content, and only
    for the call's authority (a supplier never learns how many others tendered).

    ``None`` before the deadline: until then nobody but each supplier, about its own
    tender, may learn whether, how many or who has tendered (Annex IV (b); a count that
    moves tells a buyer who has just tendered)."""
    if not _is_authority(actor, call):
        raise NotFound(CALL_NOT_FOUND)
    if clock.now() < call.deadline:
        return None
    return TenderSubmission.objects.filter(call=call, withdrawn_at=None, superseded_at=None).count()


def bidder_names(actor: Any, *, call: Call) -> list[str]:
    """The names of the suppliers with a live tender, A to Z, once the tenders are opened:
    what an officer must see to declare a conflict of interest (issue 15). Nothing of the
    tenders' content; before opening, "sealed" (names would tell who tendered)."""
    call = _authority_call(actor, call.pk)
    if call.opened_at is None:
        raise NotPermitted(TENDERS_SEALED, code="tenders_sealed")
    return sorted(
        TenderSubmission.objects.filter(call=call, withdrawn_at=None, superseded_at=None)
        .values_list("supplier__name", flat=True)
        .distinct()
    )


def receipt_live_for_supplier(actor: Any, *, call: Call) -> TenderSubmission | None:
    """The actor's suppliers' live tender on the call (neither withdrawn nor replaced).

    Unlike ``receipts_for_supplier`` it does not fetch the call again: one query."""
    return _own_tenders(actor, call.pk).filter(withdrawn_at=None, superseded_at=None).first()
