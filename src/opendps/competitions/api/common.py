"""What the competitions API's modules share: the router, path parameters, helpers."""

from typing import Any

from ninja import P, PathEx, Router

from opendps.accounts import selectors as account_selectors
from opendps.markets.schemas import MAX_ID

router = Router(tags=["competitions"])

CallId = PathEx[int, P(ge=1, le=MAX_ID, description="The call's id.")]
QuestionId = PathEx[int, P(ge=1, le=MAX_ID, description="The clarification question's id.")]
SubmissionId = PathEx[int, P(ge=1, le=MAX_ID, description="The tender submission's id.")]
CategoryId = PathEx[int, P(ge=1, le=MAX_ID, description="The category's id.")]
MemberId = PathEx[int, P(ge=1, le=MAX_ID, description="The category membership's id.")]


acting_supplier = account_selectors.acting_supplier


def scores_in(scores: dict[str, dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        submission_id: {key: item.model_dump() for key, item in by_criterion.items()}
        for submission_id, by_criterion in scores.items()
    }
