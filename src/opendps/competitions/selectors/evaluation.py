"""An evaluator's reads: the calls to evaluate, the scoresheets, its own declaration."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from opendps.accounts import permissions
from opendps.accounts.models import Role
from opendps.competitions.models import Call, ConflictDeclaration, Scoresheet
from opendps.competitions.selectors.calls import _authority_call, call_list
from opendps.competitions.status import CallStatus, status_q

# Who moderates without scoring sees the submitted sheets it moderates.
MODERATOR_ONLY_ROLES = frozenset({Role.COMMISSIONER, Role.BUYER})


def calls_to_evaluate(actor: Any, *, authority_ids: list[int]) -> QuerySet[Call]:
    """Calls being evaluated at the evaluator's authorities, oldest opening first, with the
    evaluator's own progress annotated (``has_conflict``, ``has_own_sheet``,
    ``own_sheet_submitted_at``) in the same query (BENCHMARKS.md H5)."""
    own_sheet = Scoresheet.objects.filter(call=OuterRef("pk"), evaluator=actor)
    conflict = ConflictDeclaration.objects.filter(
        call=OuterRef("pk"), evaluator=actor, has_conflict=True
    )
    return (
        call_list(actor)
        .filter(status_q(CallStatus.EVALUATION), buyer_id__in=authority_ids)
        .annotate(
            has_conflict=Exists(conflict),
            has_own_sheet=Exists(own_sheet),
            own_sheet_submitted_at=Subquery(own_sheet.values("submitted_at")[:1]),
        )
        .order_by("opened_at", "pk")
    )


def scoresheets_visible(actor: Any, *, call_id: int) -> QuerySet[Scoresheet]:
    """Your own sheet always; the others only once yours is submitted."""
    call = _authority_call(actor, call_id)
    own = Scoresheet.objects.filter(call=call, evaluator=actor).first()
    scored = own is not None and own.submitted_at is not None
    moderating = own is None and permissions.has_role(actor, call.buyer_id, MODERATOR_ONLY_ROLES)
    if scored or moderating:
        # Others' sheets only once submitted: drafts stay private to their authors.
        return Scoresheet.objects.filter(
            Q(evaluator=actor) | Q(submitted_at__isnull=False), call=call
        ).select_related("evaluator")
    return Scoresheet.objects.filter(call=call, evaluator=actor)


def conflict_declaration_for_evaluator(actor: Any, *, call: Call) -> ConflictDeclaration | None:
    """The actor's own declaration on the call, if made; never anyone else's."""
    return ConflictDeclaration.objects.filter(call=call, evaluator_id=actor.pk).first()
