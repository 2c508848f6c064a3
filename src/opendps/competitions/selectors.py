"""Reads of calls, tenders, scores and feedback, scoped to what the actor may see.

- A call is visible to its buying authority and to the suppliers invited to it.
- Opened tender content: only the buying authority's people, only after opening.
- A supplier sees only its own receipts and its own feedback.
- An evaluator sees other evaluators' scores only after submitting their own.
- A call's award, contract, moderation and count of tenders: only its authority's people
  (the count only once the deadline has passed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import Role
from opendps.accounts.permissions import AUTHORITY_ROLES, SUPPLIER_ROLES
from opendps.competitions.models import (
    Award,
    Call,
    CallAmendment,
    CallDocument,
    Clarification,
    ConflictDeclaration,
    Feedback,
    Invitation,
    Moderation,
    PlannedCall,
    Scoresheet,
    StandingOffer,
    TenderSubmission,
)
from opendps.competitions.opened import OpenedTender, unseal_tenders
from opendps.competitions.status import CallStatus, status_q, with_status
from opendps.core import clock
from opendps.core.errors import NotFound, NotPermitted

if TYPE_CHECKING:
    from opendps.contracts.models import Contract

CALL_NOT_FOUND = _("Call not found.")
DOCUMENT_NOT_FOUND = _("Document not found.")
# Who moderates without scoring sees the submitted sheets it moderates.
MODERATOR_ONLY_ROLES = frozenset({Role.COMMISSIONER, Role.BUYER})
CATEGORY_NOT_FOUND = _("Category not found.")
FEEDBACK_NOT_FOUND = _("There is no feedback for you on this call.")
CONFLICTED_READER = _(
    "You declared a conflict of interest on this call, so its tenders are closed to you."
)
TENDERS_SEALED = _("Tenders stay sealed until the deadline has passed and they are opened.")


def _call_scope(actor: Any) -> Q | None:
    """The buyer's own calls, and published calls the supplier was invited to.

    An EXISTS per call, not a join with DISTINCT: the join multiplied every call by its
    invitations before de-duplicating (BENCHMARKS.md H1)."""
    authorities = permissions.organisation_ids_with_role(actor, AUTHORITY_ROLES)
    suppliers = permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES)
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
    calls = call_scope(actor).select_related("market", "category", "buyer")
    if calls.query.order_by:  # a supplier's, in its invitations' order
        return with_status(calls)
    return with_status(calls).order_by("-created_at", "-pk")


def call_list_plain(actor: Any) -> QuerySet[Call]:
    """``call_list``'s rows in its order, without the status annotation and the related
    rows: for readers that take what they need with ``values()`` and derive the status
    from the row (``competitions.api_rows``), so no request compiles the status CASE."""
    calls = call_scope(actor)
    return calls if calls.query.order_by else calls.order_by("-created_at", "-pk")


def call_visible(actor: Any, *, call_id: int) -> QuerySet[Call]:
    """The call ``call_id`` if the actor may see it (else no row), plain as
    ``call_list_plain``: one primary-key read, the invitation an EXISTS beside it."""
    scope = _call_scope(actor)
    return Call.objects.none() if scope is None else Call.objects.filter(scope, pk=call_id)


def call_list_count_scope(actor: Any) -> QuerySet[Any]:
    """Rows as many as ``call_list``'s unfiltered, the cheapest to count: for a person of
    one supplier only, its invitations alone (an index-only count; a call is invited only
    as it is published, in the same transaction, so every invitation is of a published
    call); else ``call_scope``."""
    authorities = permissions.organisation_ids_with_role(actor, AUTHORITY_ROLES)
    suppliers = permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES)
    if not authorities and len(suppliers) == 1:
        return Invitation.objects.filter(supplier_id=suppliers[0])
    return call_scope(actor)


def call_scope(actor: Any) -> QuerySet[Call]:
    """``call_list``'s rows alone (no status, no related rows): what a count needs."""
    authorities = permissions.organisation_ids_with_role(actor, AUTHORITY_ROLES)
    suppliers = permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES)
    if not authorities and len(suppliers) == 1:
        return Call.objects.filter(
            invitations__supplier_id=suppliers[0], published_at__isnull=False
        ).order_by("-invitations__invited_at", "-pk")
    scope = _call_scope(actor)
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


def feedback_for_supplier(actor: Any, *, call_id: int, supplier_id: int | None = None) -> Feedback:
    """The actor's supplier's feedback; ``supplier_id`` chooses when it works for several."""
    suppliers = permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES)
    if supplier_id is not None:
        suppliers = [s for s in suppliers if s == supplier_id]
    feedback = (
        Feedback.objects.filter(call_id=call_id, supplier_id__in=suppliers)
        .select_related("call", "supplier")
        .first()
    )
    if feedback is None:
        raise NotFound(FEEDBACK_NOT_FOUND)
    return feedback


def feedback_winner_name(feedback: Feedback) -> str | None:
    """The winning supplier's name, once the award notice is published (before that the
    feedback tells a bidder how it compared, not who won); None too when no provider took
    a rapid call's placement (``placement_not_taken``): then nobody won."""
    award = (
        Award.objects.filter(call_id=feedback.call_id, award_notice_published_at__isnull=False)
        .select_related("winner__supplier")
        .first()
    )
    if award is None or placement_not_taken(award):
        return None
    return award.winner.supplier.name


def placement_not_taken(award: Award) -> bool:
    """Every provider offered the placement declined it or let it lapse: the award's winner
    is then the last one offered, who did not take it."""
    return award.placements.filter(  # type: ignore[attr-defined]
        Q(declined_at__isnull=False) | Q(lapsed_at__isnull=False),
        supplier_id=award.winner.supplier_id,
    ).exists()


def standing_offers_in_category(actor: Any, *, category_id: int) -> QuerySet[StandingOffer]:
    """Rate cards of the category's current members, for its authority's buyers and for
    members of the category (suppliers see the going rate)."""
    from opendps.core import clock
    from opendps.markets.models import Category
    from opendps.membership.status import active_members_q

    category = Category.objects.select_related("market").filter(pk=category_id).first()
    if category is None:
        raise NotFound(CATEGORY_NOT_FOUND)
    authorities = permissions.organisation_ids_with_role(actor, AUTHORITY_ROLES)
    suppliers = permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES)
    is_member = category.members.filter(supplier_id__in=suppliers, removed_at__isnull=True).exists()
    if category.market.authority_id not in authorities and not is_member:
        raise NotFound(CATEGORY_NOT_FOUND)
    live = category.members.filter(active_members_q(clock.now())).values("pk")
    return (
        StandingOffer.objects.filter(category=category, member__in=live)
        .select_related("supplier")
        .order_by("price_per_hour", "price_per_service_user")
    )


# Reads on a call the view already holds. Each takes the ``Call`` itself, fetched through
# ``call_get`` (so the actor may see it), and does not fetch it again; each still limits
# what it returns to what the actor may see of that call.


def _is_authority(actor: Any, call: Call) -> bool:
    return permissions.has_role(actor, call.buyer_id, AUTHORITY_ROLES)


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


def call_document_list(actor: Any, *, call: Call) -> list[CallDocument]:
    """The call's specification and pricing schedule, for its authority and its invitees
    only (never on the public pages)."""
    call_get(actor, call_id=call.pk)
    return list(call.documents.order_by("kind"))


def call_document_get(actor: Any, *, call_id: int, kind: str) -> CallDocument:
    call = call_get(actor, call_id=call_id)
    document = call.documents.filter(kind=kind).first()
    if document is None:
        raise NotFound(DOCUMENT_NOT_FOUND)
    return document


def amendment_list(actor: Any, *, call: Call) -> QuerySet[CallAmendment]:
    """Notices and deadline changes of a call, oldest first, for whoever may see the call
    (its authority and its invitees: they were all told)."""
    call_get(actor, call_id=call.pk)
    return call.amendments.select_related("made_by").order_by("made_at", "pk")


def clarification_list(actor: Any, *, call: Call) -> QuerySet[Clarification]:
    """The call's questions, oldest first: every one for its authority; for a supplier, the
    answered ones (shared with every invitee) and those its own organisations asked."""
    questions = call.clarifications.order_by("asked_at")
    if _is_authority(actor, call):
        return questions
    suppliers = permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES)
    return questions.filter(Q(answered_at__isnull=False) | Q(asked_by_id__in=suppliers))


def conflict_declaration_for_evaluator(actor: Any, *, call: Call) -> ConflictDeclaration | None:
    """The actor's own declaration on the call, if made; never anyone else's."""
    return ConflictDeclaration.objects.filter(call=call, evaluator_id=actor.pk).first()


def receipt_live_for_supplier(actor: Any, *, call: Call) -> TenderSubmission | None:
    """The actor's suppliers' live tender on the call (neither withdrawn nor replaced).

    Unlike ``receipts_for_supplier`` it does not fetch the call again: one query."""
    return _own_tenders(actor, call.pk).filter(withdrawn_at=None, superseded_at=None).first()


# Award, contract and moderation are the authority's records: anyone else gets ``None``, as
# for a call without one. Suppliers learn the outcome from their own feedback.


def _authority_record(actor: Any, call: Call, name: str) -> Any:
    """The call's reverse one-to-one ``name`` (``None`` if there is none), for its
    authority only. The ``Call`` keeps what it read, so asking twice costs one query."""
    if not _is_authority(actor, call):
        return None
    try:
        return getattr(call, name)
    except ObjectDoesNotExist:
        return None


def award_for_call(actor: Any, *, call: Call) -> Award | None:
    return _authority_record(actor, call, "award")


def contract_for_call(actor: Any, *, call: Call) -> Contract | None:
    return _authority_record(actor, call, "contract")


def moderation_for_call(actor: Any, *, call: Call) -> Moderation | None:
    return _authority_record(actor, call, "moderation")


def planned_call_list(actor: Any, *, authority_ids: list[int]) -> QuerySet[PlannedCall]:
    """Planned calls of ``authority_ids`` not withdrawn, soonest first. Only the actor's own
    authorities count: the ids narrow the list, never widen it."""
    own = set(permissions.organisation_ids_with_role(actor, AUTHORITY_ROLES))
    return (
        PlannedCall.objects.filter(buyer_id__in=own & set(authority_ids), withdrawn_at=None)
        .select_related("category", "category__market")
        .order_by("expected_month")
    )


PLANNED_CALL_NOT_FOUND = _("Planned call not found.")


def planned_call_get(actor: Any, *, planned_id: int) -> PlannedCall:
    """One of the actor's authorities' planned calls, not withdrawn (NotFound otherwise)."""
    own = permissions.organisation_ids_with_role(actor, AUTHORITY_ROLES)
    planned = planned_call_list(actor, authority_ids=own).filter(pk=planned_id).first()
    if planned is None:
        raise NotFound(PLANNED_CALL_NOT_FOUND)
    return planned
