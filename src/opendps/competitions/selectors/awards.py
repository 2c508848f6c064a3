"""The outcome of a call: a supplier's feedback, the winner's name, and the award,
contract and moderation records for the call's authority."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.permissions import SUPPLIER_ROLES
from opendps.competitions.models import Award, Call, Feedback, Moderation
from opendps.competitions.selectors.calls import _is_authority
from opendps.core.errors import NotFound

if TYPE_CHECKING:
    from opendps.contracts.models import Contract

FEEDBACK_NOT_FOUND = _("There is no feedback for you on this call.")


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
