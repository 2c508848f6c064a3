"""Which calls an actor may see: the lists, the one call, the authority's own call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.permissions import AUTHORITY_ROLES, SUPPLIER_ROLES
from opendps.competitions.models import Call, Feedback, Invitation, TenderSubmission
from opendps.competitions.status import with_status
from opendps.core.errors import NotFound

CALL_NOT_FOUND = _("Call not found.")


def _call_scope(actor: Any) -> Q | None:
    """The buyer's own calls, and published calls the supplier was invited to."""
    return call_scope_q(*call_scope_organisations(actor))


def call_scope_organisations(actor: Any) -> tuple[list[int], list[int]]:
    """The authorities whose calls the actor sees, and the suppliers it acts for."""
    return (
        permissions.organisation_ids_with_role(actor, AUTHORITY_ROLES),
        permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES),
    )


def call_scope_q(authorities: Sequence[int], suppliers: Sequence[int]) -> Q | None:
    """The calls of ``authorities``, and published calls any of ``suppliers`` was invited
    to (None: no call at all).

    An EXISTS per call, not a join with DISTINCT: the join multiplied every call by its
    invitations before de-duplicating (BENCHMARKS.md H1)."""
    scope: Q | None = None
    if authorities:
        scope = Q(buyer_id__in=authorities)
    if suppliers:
        invited = Invitation.objects.filter(call=OuterRef("pk"), supplier_id__in=suppliers)
        supplier_scope = Q(published_at__isnull=False) & Q(Exists(invited))
        scope = supplier_scope if scope is None else scope | supplier_scope
    return scope


def call_list(actor: Any) -> QuerySet[Call]:
    """The calls the actor may see: its authorities' calls, newest drafted first; for a
    person of one supplier only, the calls it was invited to, newest invitation first.

    The supplier's list is driven from its invitations (the index
    ``invitation_supplier_recent_idx``, one row per call and supplier): a page reads its own
    rows however many calls the platform holds, where the general scope tests every
    published call with an EXISTS and sorts them all (BENCHMARKS.md, issue 17)."""
    calls = call_list_plain_of(*call_scope_organisations(actor))
    return with_status(calls.select_related("market", "category", "buyer"))


def call_list_plain_of(authorities: Sequence[int], suppliers: Sequence[int]) -> QuerySet[Call]:
    """``call_list``'s rows in its order for a person acting for these organisations,
    without the status annotation and the related rows: for readers that take what they
    need with ``values()`` and derive the status from the row (``competitions.api_rows``),
    so no request compiles the status CASE."""
    calls = call_scope_of_organisations(authorities, suppliers)
    return calls if calls.query.order_by else calls.order_by("-created_at", "-pk")


def call_visible(actor: Any, *, call_id: int) -> QuerySet[Call]:
    """The call ``call_id`` if the actor may see it (else no row), plain as
    ``call_list_plain_of``: one primary-key read, the invitation an EXISTS beside it."""
    scope = _call_scope(actor)
    return Call.objects.none() if scope is None else Call.objects.filter(scope, pk=call_id)


def call_list_count_scope_of(authorities: Sequence[int], suppliers: Sequence[int]) -> QuerySet[Any]:
    """Rows as many as ``call_list``'s unfiltered, the cheapest to count, for a person
    acting for these organisations: for a person of one supplier only, its invitations
    alone (an index-only count; a call is invited only as it is published, in the same
    transaction, so every invitation is of a published call); else the calls themselves."""
    if not authorities and len(suppliers) == 1:
        return Invitation.objects.filter(supplier_id=suppliers[0])
    return call_scope_of_organisations(authorities, suppliers)


def call_scope_of_organisations(
    authorities: Sequence[int], suppliers: Sequence[int]
) -> QuerySet[Call]:
    """The calls a person acting for these organisations may see, alone (no status, no
    related rows): what a count needs. A person of one supplier only reads them through
    its invitations, newest invitation first."""
    if not authorities and len(suppliers) == 1:
        return Call.objects.filter(
            invitations__supplier_id=suppliers[0], published_at__isnull=False
        ).order_by("-invitations__invited_at", "-pk")
    scope = call_scope_q(authorities, suppliers)
    return Call.objects.none() if scope is None else Call.objects.filter(scope)


def invited_calls(actor: Any, *, supplier_id: int) -> QuerySet[Call]:
    """Published calls ``supplier_id`` was invited to, for a person who acts for it, with
    ``tendered`` (a live tender is in) and ``has_feedback`` annotated, so a list of them
    costs one query whatever its length (BENCHMARKS.md H3, H4)."""
    if supplier_id not in permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES):
        return Call.objects.none()
    live = TenderSubmission.objects.filter(
        call=OuterRef("pk"), supplier_id=supplier_id, withdrawn_at=None, superseded_at=None
    )
    feedback = Feedback.objects.filter(call=OuterRef("pk"), supplier_id=supplier_id)
    # Through the supplier's invitations, newest first: a page reads the index
    # ``invitation_supplier_recent_idx`` for its 50 rows, however many calls the platform
    # holds (an EXISTS per call made PostgreSQL scan every call).
    calls = Call.objects.filter(invitations__supplier_id=supplier_id, published_at__isnull=False)
    return (
        with_status(calls.select_related("market", "category", "buyer"))
        .annotate(tendered=Exists(live), has_feedback=Exists(feedback))
        .order_by("-invitations__invited_at", "-pk")
    )


def call_get(actor: Any, *, call_id: int) -> Call:
    call = call_list(actor).filter(pk=call_id).first()
    if call is None:
        raise NotFound(CALL_NOT_FOUND)
    return call


def _authority_call(actor: Any, call_id: int) -> Call:
    authorities = permissions.organisation_ids_with_role(actor, AUTHORITY_ROLES)
    call = (
        Call.objects.filter(pk=call_id, buyer_id__in=authorities)
        .select_related("market", "category", "buyer")
        .first()
    )
    if call is None:
        raise NotFound(CALL_NOT_FOUND)
    return call


def _is_authority(actor: Any, call: Call) -> bool:
    return permissions.has_role(actor, call.buyer_id, AUTHORITY_ROLES)
