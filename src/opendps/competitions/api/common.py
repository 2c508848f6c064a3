"""What the competitions API's modules share: the router, path parameters, helpers."""

from typing import Any

from ninja import P, PathEx, Router

from opendps.accounts import selectors as account_selectors
from opendps.accounts.models import Organisation, User
from opendps.core.errors import NotPermitted, RuleViolation
from opendps.markets.schemas import MAX_ID
from opendps.membership.api import CHOOSE_SUPPLIER

router = Router(tags=["competitions"])

CallId = PathEx[int, P(ge=1, le=MAX_ID, description="The call's id.")]
QuestionId = PathEx[int, P(ge=1, le=MAX_ID, description="The clarification question's id.")]
SubmissionId = PathEx[int, P(ge=1, le=MAX_ID, description="The tender submission's id.")]
CategoryId = PathEx[int, P(ge=1, le=MAX_ID, description="The category's id.")]
MemberId = PathEx[int, P(ge=1, le=MAX_ID, description="The category membership's id.")]


def acting_supplier(user: User, supplier_id: int | None, not_a_supplier: Any) -> Organisation:
    """The supplier named, if the caller works for it; else the caller's only supplier."""
    if supplier_id is not None:
        return account_selectors.organisation_get(user, organisation_id=supplier_id)
    suppliers = [
        organisation
        for organisation in account_selectors.organisation_list_for_user(user)
        if organisation.is_supplier
    ]
    if not suppliers:
        raise NotPermitted(not_a_supplier)
    if len(suppliers) > 1:
        raise RuleViolation(CHOOSE_SUPPLIER, code="choose_supplier")
    return suppliers[0]


def scores_in(scores: dict[str, dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        submission_id: {key: item.model_dump() for key, item in by_criterion.items()}
        for submission_id, by_criterion in scores.items()
    }
