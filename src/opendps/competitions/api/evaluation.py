"""/api/v1/competitions/{id}/…: conflicts, scores, moderation, exclusion, award, contract,
closing without award, and each bidder's feedback."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import Status
from ninja.pagination import paginate

from opendps.accounts.models import User
from opendps.competitions import selectors, services
from opendps.competitions.api.common import (
    CallId,
    SubmissionId,
    router,
    scores_in,
)
from opendps.competitions.models import Call, Scoresheet
from opendps.competitions.schemas import (
    AwardIn,
    AwardOut,
    CallOut,
    CloseIn,
    ConcludedContractOut,
    ConflictIn,
    ConflictOut,
    ExcludedOut,
    ExcludeIn,
    FeedbackOut,
    ModerationIn,
    ModerationOut,
    ScoresheetOut,
    ScoresIn,
)
from opendps.competitions.services.refusals import TenderAttempt, refusals_audited
from opendps.core.errors import NotFound
from opendps.web.api_pages import Paging
from opendps.web.organisation import AuthedRequest

TENDER_NOT_FOUND = _("Tender not found.")


@router.post(
    "/competitions/{call_id}/conflict",
    response={201: ConflictOut},
    summary="Declare whether you have a conflict of interest (before scoring)",
)
def conflict_declare(request: AuthedRequest, call_id: CallId, payload: ConflictIn) -> Status[Any]:
    call = selectors.call_get(request.user, call_id=call_id)
    declaration = services.conflict_declare(
        actor=request.user, call=call, has_conflict=payload.has_conflict, details=payload.details
    )
    return Status(201, declaration)


@router.post(
    "/competitions/{call_id}/scores",
    response=ScoresheetOut,
    summary="Save your independent scores; submit them to make them final",
)
@refusals_audited(TenderAttempt.SCORE)
def scoresheet_save(request: AuthedRequest, call_id: CallId, payload: ScoresIn) -> Scoresheet:
    call = selectors.call_get(request.user, call_id=call_id)
    return services.scoresheet_save(
        actor=request.user, call=call, scores=scores_in(payload.scores), submit=payload.submit
    )


@router.get(
    "/competitions/{call_id}/scores",
    response=list[ScoresheetOut],
    summary="Your own scoresheet; the other evaluators' only once yours is submitted",
)
@paginate(Paging)
@refusals_audited(TenderAttempt.SCORE)
def scoresheet_list(request: AuthedRequest, call_id: CallId) -> QuerySet[Scoresheet]:
    return selectors.scoresheets_visible(request.user, call_id=call_id)


@router.post(
    "/competitions/{call_id}/moderation",
    response=ModerationOut,
    summary="Record the consensus scores, each with its rationale",
)
@refusals_audited(TenderAttempt.MODERATE)
def moderation_record(request: AuthedRequest, call_id: CallId, payload: ModerationIn) -> Any:
    call = selectors.call_get(request.user, call_id=call_id)
    return services.moderation_record(
        actor=request.user, call=call, scores=scores_in(payload.scores)
    )


@router.post(
    "/competitions/{call_id}/tenders/{submission_id}/exclude",
    response=ExcludedOut,
    summary="Exclude a non-compliant tender from the ranking, with the reason",
)
@refusals_audited(TenderAttempt.EXCLUDE)
def tender_exclude(
    request: AuthedRequest, call_id: CallId, submission_id: SubmissionId, payload: ExcludeIn
) -> ExcludedOut:
    submission = _opened_submission(request.user, call_id, submission_id)
    excluded = services.tender_exclude(
        actor=request.user, submission=submission, reason=payload.reason
    )
    return ExcludedOut.build(excluded)


@router.post(
    "/competitions/{call_id}/award",
    response=AwardOut,
    summary="Award to the best tender on the published criteria; every bidder gets feedback",
)
@refusals_audited(TenderAttempt.AWARD)
def award_decide(request: AuthedRequest, call_id: CallId, payload: AwardIn) -> Any:
    call = selectors.call_get(request.user, call_id=call_id)
    return services.award_decide(
        actor=request.user, call=call, voluntary_standstill=payload.voluntary_standstill
    )


@router.post(
    "/competitions/{call_id}/contract",
    response={201: ConcludedContractOut},
    summary="Enter into the contract once any standstill has ended",
)
def contract_conclude(request: AuthedRequest, call_id: CallId) -> Status[Any]:
    call = selectors.call_get(request.user, call_id=call_id)
    return Status(201, services.contract_conclude(actor=request.user, call=call))


@router.post(
    "/competitions/{call_id}/close",
    response=CallOut,
    summary="Close the call without award: no compliant tender",
)
def call_close(request: AuthedRequest, call_id: CallId, payload: CloseIn) -> Call:
    call = selectors.call_get(request.user, call_id=call_id)
    return services.call_close_no_compliant(actor=request.user, call=call, reason=payload.reason)


@router.get(
    "/competitions/{call_id}/feedback",
    response=FeedbackOut,
    summary="A bidder's own feedback: scores with reasons, rank, and the winner's advantages",
)
def feedback_detail(request: AuthedRequest, call_id: CallId) -> FeedbackOut:
    return FeedbackOut.build(selectors.feedback_for_supplier(request.user, call_id=call_id))


def _opened_submission(user: User, call_id: int, submission_id: int) -> Any:
    """A live tender of an opened call, for the buying authority only."""
    for tender in selectors.tender_list_opened(user, call_id=call_id):
        if tender.submission.pk == submission_id:
            return tender.submission
    raise NotFound(TENDER_NOT_FOUND)
