"""/api/v1/competitions: calls, clarifications, sealed tenders, evaluation, award, feedback;
/api/v1/receipts (checking a tender receipt); standing offers (DESIGN.md §5).

A call is seen by its buying authority's people and by the suppliers invited to it; for
anyone else it is "not found", exactly like a missing id. Tender content is readable only
by the buying authority, only after the tenders are opened (Annex IV (b), (d)–(f)); a
supplier sees only its own receipts and its own feedback.
"""

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import P, PathEx, Query, Router, Status
from ninja.pagination import paginate

from opendps.accounts import permissions
from opendps.accounts import selectors as account_selectors
from opendps.accounts.models import Organisation, User
from opendps.accounts.permissions import AUTHORITY_ROLES, SUPPLIER_ROLES
from opendps.competitions import selectors, services
from opendps.competitions.api_rows import call_rows, shape_call
from opendps.competitions.filters import CallFilter
from opendps.competitions.models import Call, Clarification, Scoresheet, StandingOffer
from opendps.competitions.receipts import receipt_check
from opendps.competitions.schemas import (
    TENDER_IN_DESCRIPTION,
    AnswerIn,
    AwardIn,
    AwardOut,
    CallIn,
    CallOut,
    CancelIn,
    ClarificationOut,
    CloseIn,
    ConcludedContractOut,
    ConflictIn,
    ConflictOut,
    ExcludedOut,
    ExcludeIn,
    FeedbackOut,
    ModerationIn,
    ModerationOut,
    OpenedTenderOut,
    OpeningOut,
    PublicKeyOut,
    QuestionIn,
    ReceiptOut,
    ScoresheetOut,
    ScoresIn,
    StandingOfferIn,
    StandingOfferOut,
    SubmissionOut,
    SupplierChoice,
    TenderFormIn,
    TenderIn,
    VerifyIn,
    VerifyOut,
)
from opendps.competitions.services import calls as call_services
from opendps.competitions.services import tenders as tender_services
from opendps.competitions.services.refusals import TenderAttempt, refusals_audited
from opendps.competitions.status import call_status
from opendps.core.errors import NotFound, NotPermitted, RuleViolation
from opendps.core.sealing import signing_public_key_b64
from opendps.markets import selectors as market_selectors
from opendps.markets.api import PUBLIC
from opendps.markets.schemas import MAX_ID
from opendps.membership import selectors as membership_selectors
from opendps.membership.api import CHOOSE_SUPPLIER
from opendps.membership.models import CategoryMember
from opendps.web.api_body import MULTIPART, json_body, multipart_parts, validated
from opendps.web.api_pages import Paging, Rows, prebuilt, prebuilt_response
from opendps.web.organisation import AuthedRequest

router = Router(tags=["competitions"])

CallId = PathEx[int, P(ge=1, le=MAX_ID, description="The call's id.")]
QuestionId = PathEx[int, P(ge=1, le=MAX_ID, description="The clarification question's id.")]
SubmissionId = PathEx[int, P(ge=1, le=MAX_ID, description="The tender submission's id.")]
CategoryId = PathEx[int, P(ge=1, le=MAX_ID, description="The category's id.")]
MemberId = PathEx[int, P(ge=1, le=MAX_ID, description="The category membership's id.")]

QUESTION_NOT_FOUND = _("Question not found.")
TENDER_NOT_FOUND = _("Tender not found.")
DOCUMENTS_ONLY = _("Send tender documents as files in the 'documents' field.")


TENDER_REQUEST_BODY = {
    "required": True,
    "description": TENDER_IN_DESCRIPTION,
    "content": {
        "application/json": {"schema": TenderIn.model_json_schema()},
        MULTIPART: {
            "schema": {
                "type": "object",
                "required": ["price"],
                "properties": {
                    "supplier_id": {"type": "integer"},
                    "price": {"type": "string", "description": "The price in pounds."},
                    "answers": {
                        "type": "string",
                        "description": "The answers object (criterion key → text) as JSON.",
                    },
                    "notes": {"type": "string"},
                    "documents": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "maxItems": tender_services.MAX_DOCUMENTS,
                    },
                },
            }
        },
    },
}


# --- calls ---------------------------------------------------------------------------------------


@router.get(
    "/competitions",
    response=list[CallOut],
    summary="Calls: your authority's (drafts included) and those your supplier is invited to",
)
@prebuilt
@paginate(Paging)
def call_list(request: AuthedRequest, filters: Query[CallFilter]) -> Rows:
    calls = filters.filter(selectors.call_list(request.user))
    return Rows(call_rows(calls), shape_call, filters.filter(selectors.call_scope(request.user)))


@router.post(
    "/competitions",
    response={201: CallOut},
    summary="Draft a call for competition in one category (a buyer of the authority)",
)
def call_create(request: AuthedRequest, payload: CallIn) -> Status[Call]:
    category = market_selectors.category_get(request.user, category_id=payload.category_id)
    fields = payload.model_dump(exclude={"category_id", "criteria"})
    criteria = None if payload.criteria is None else [c.model_dump() for c in payload.criteria]
    call = services.call_create(actor=request.user, category=category, criteria=criteria, **fields)
    return Status(201, call)


@router.get("/competitions/{call_id}", response=CallOut, summary="One call")
def call_detail(request: AuthedRequest, call_id: CallId) -> HttpResponse:
    row = call_rows(selectors.call_list(request.user).filter(pk=call_id)).first()
    if row is None:
        raise NotFound(selectors.CALL_NOT_FOUND)
    return prebuilt_response(request, shape_call(row))


@router.post(
    "/competitions/{call_id}/publish",
    response=CallOut,
    summary="Publish: every active member of the category is invited and told by email",
)
def call_publish(request: AuthedRequest, call_id: CallId) -> Call:
    call = selectors.call_get(request.user, call_id=call_id)
    return services.call_publish(actor=request.user, call=call)


@router.post(
    "/competitions/{call_id}/cancel",
    response=CallOut,
    summary="Cancel the call, telling every invited supplier why",
)
def call_cancel(request: AuthedRequest, call_id: CallId, payload: CancelIn) -> Call:
    call = selectors.call_get(request.user, call_id=call_id)
    return services.call_cancel(actor=request.user, call=call, reason=payload.reason)


# --- clarifications ------------------------------------------------------------------------------


@router.get(
    "/competitions/{call_id}/questions",
    response=list[ClarificationOut],
    summary="Clarification questions and answers, anonymised (suppliers see answered ones)",
)
@paginate(Paging)
def clarification_list(request: AuthedRequest, call_id: CallId) -> list[ClarificationOut]:
    call = selectors.call_get(request.user, call_id=call_id)
    return [ClarificationOut.build(c) for c in _clarifications(request.user, call)]


@router.post(
    "/competitions/{call_id}/questions",
    response={201: ClarificationOut},
    summary="Ask a clarification question (an invited supplier); the answer goes to all",
)
def clarification_ask(
    request: AuthedRequest, call_id: CallId, payload: QuestionIn
) -> Status[ClarificationOut]:
    call = selectors.call_get(request.user, call_id=call_id)
    supplier = _acting_supplier(request.user, payload.supplier_id, call_services.NOT_INVITED)
    clarification = services.clarification_ask(
        actor=request.user, call=call, supplier=supplier, question=payload.question
    )
    return Status(201, ClarificationOut.build(clarification))


@router.post(
    "/competitions/{call_id}/questions/{question_id}/answer",
    response=ClarificationOut,
    summary="Answer a question once, to every invited supplier, without saying who asked",
)
def clarification_answer(
    request: AuthedRequest, call_id: CallId, question_id: QuestionId, payload: AnswerIn
) -> ClarificationOut:
    call = selectors.call_get(request.user, call_id=call_id)
    clarification = _clarification_get(call, question_id)
    answered = services.clarification_answer(
        actor=request.user, clarification=clarification, answer=payload.answer
    )
    return ClarificationOut.build(answered)


# --- sealed tenders ------------------------------------------------------------------------------


@router.post(
    "/competitions/{call_id}/tenders",
    response={201: ReceiptOut},
    summary="Submit (or resubmit) a sealed tender; returns the signed receipt",
    openapi_extra={"requestBody": TENDER_REQUEST_BODY},
)
def tender_submit(request: AuthedRequest, call_id: CallId) -> Status[ReceiptOut]:
    payload, files = _read_tender(request)
    # Visibility only (an EXISTS, not call_get's full row): the service checks the rest.
    if not selectors.call_list(request.user).filter(pk=call_id).exists():
        raise NotFound(selectors.CALL_NOT_FOUND)
    supplier = _acting_supplier(request.user, payload.supplier_id, tender_services.NOT_INVITED)
    submission = services.tender_submit(
        actor=request.user,
        call=call_id,
        supplier=supplier,
        price=payload.price,
        answers=payload.answers,
        notes=payload.notes,
        files=files,
    )
    return Status(201, ReceiptOut.build(submission))


@router.get(
    "/competitions/{call_id}/tenders",
    response=list[SubmissionOut | OpenedTenderOut],
    summary="A supplier: its own receipts. The buying authority: the tenders, once opened",
)
@paginate(Paging)
@refusals_audited(TenderAttempt.READ)
def tender_list(
    request: AuthedRequest, call_id: CallId
) -> list[SubmissionOut] | list[OpenedTenderOut]:
    call = selectors.call_get(request.user, call_id=call_id)
    if permissions.has_role(request.user, call.buyer_id, AUTHORITY_ROLES):
        opened = selectors.tender_list_opened(request.user, call_id=call.pk)
        return [OpenedTenderOut.build(tender) for tender in opened]
    own = selectors.receipts_for_supplier(request.user, call_id=call.pk)
    return [SubmissionOut.build(submission) for submission in own]


@router.post(
    "/competitions/{call_id}/tenders/withdraw",
    response=SubmissionOut,
    summary="Withdraw your tender before the deadline (you may tender again); no body",
)
def tender_withdraw(
    request: AuthedRequest, call_id: CallId, choice: Query[SupplierChoice]
) -> SubmissionOut:
    call = selectors.call_get(request.user, call_id=call_id)
    supplier = _acting_supplier(request.user, choice.supplier_id, tender_services.NOT_INVITED)
    submission = services.tender_withdraw(actor=request.user, call=call, supplier=supplier)
    return SubmissionOut.build(submission)


@router.post(
    "/competitions/{call_id}/open",
    response={200: OpeningOut, 202: OpeningOut},
    summary="Open the tenders after the deadline (two officers where the market says so)",
)
@refusals_audited(TenderAttempt.OPEN)
def call_open(request: AuthedRequest, call_id: CallId) -> Status[OpeningOut]:
    call = selectors.call_get(request.user, call_id=call_id)
    call = services.call_open(actor=request.user, call=call)
    pending = tender_services.is_opening_pending_second_officer(call)
    return Status(
        202 if pending else 200,
        OpeningOut(
            call_id=call.pk,
            status=call_status(call).value,
            opened=call.opened_at is not None,
            opened_at=call.opened_at,
            opening_requested_at=call.opening_requested_at,
            detail=str(tender_services.SECOND_OFFICER_NEEDED) if pending else None,
        ),
    )


# --- evaluation ----------------------------------------------------------------------------------


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
        actor=request.user, call=call, scores=_scores(payload.scores), submit=payload.submit
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
    return services.moderation_record(actor=request.user, call=call, scores=_scores(payload.scores))


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


# --- receipts ------------------------------------------------------------------------------------


@router.post(
    "/receipts/verify",
    response=VerifyOut,
    auth=PUBLIC,
    openapi_extra={"security": [{}]},  # a token is optional here
    summary="Check a tender receipt: our signature, and that we still hold that tender",
    tags=["receipts"],
)
def receipt_verify(request: HttpRequest, payload: VerifyIn) -> VerifyOut:
    check = receipt_check(payload.receipt.model_dump(), payload.signature)
    return VerifyOut(
        signature_valid=check.signature_valid,
        matches_stored_tender=check.matches_stored_tender,
        valid=check.valid,
    )


@router.get(
    "/receipts/public-key",
    response=PublicKeyOut,
    auth=PUBLIC,
    openapi_extra={"security": [{}]},  # a token is optional here
    summary="The platform's Ed25519 public key, to check receipts offline",
    tags=["receipts"],
)
def receipt_public_key(request: HttpRequest) -> PublicKeyOut:
    return PublicKeyOut(public_key=signing_public_key_b64())


# --- standing offers -----------------------------------------------------------------------------


@router.get(
    "/categories/{category_id}/offers",
    response=list[StandingOfferOut],
    summary="Standing offers and rate cards of a category's members (its buyers and members)",
)
@paginate(Paging)
def standing_offer_list(request: AuthedRequest, category_id: CategoryId) -> QuerySet[StandingOffer]:
    try:
        return selectors.standing_offers_in_category(request.user, category_id=category_id)
    except NotFound as error:
        # The selector words a missing category differently from a hidden one; say the
        # same for both so that no one learns which categories exist.
        raise NotFound(market_selectors.CATEGORY_NOT_FOUND) from error


@router.put(
    "/members/{member_id}/offer",
    response=StandingOfferOut,
    summary="Save your standing offer and rate card in a category you are a member of",
)
def standing_offer_save(
    request: AuthedRequest, member_id: MemberId, payload: StandingOfferIn
) -> StandingOffer:
    member = _own_member(request.user, member_id)
    return services.standing_offer_save(actor=request.user, member=member, **payload.model_dump())


# --- helpers ---------------------------------------------------------------------------------


def _acting_supplier(user: User, supplier_id: int | None, not_a_supplier: Any) -> Organisation:
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


def _scores(scores: dict[str, dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        submission_id: {key: item.model_dump() for key, item in by_criterion.items()}
        for submission_id, by_criterion in scores.items()
    }


def _opened_submission(user: User, call_id: int, submission_id: int) -> Any:
    """A live tender of an opened call, for the buying authority only."""
    for tender in selectors.tender_list_opened(user, call_id=call_id):
        if tender.submission.pk == submission_id:
            return tender.submission
    raise NotFound(TENDER_NOT_FOUND)


# Reads the selectors do not offer yet (see the module's report): the call itself is
# always fetched through ``selectors.call_get`` first, so the scope is the selector's.


def _clarifications(user: User, call: Call) -> list[Clarification]:
    """All questions for the buying authority; answered ones for invited suppliers."""
    everything = list(call.clarifications.all())
    if permissions.has_role(user, call.buyer_id, AUTHORITY_ROLES):
        return everything
    return [c for c in everything if c.answered_at is not None]


def _clarification_get(call: Call, question_id: int) -> Clarification:
    for clarification in call.clarifications.all():
        if clarification.pk == question_id:
            return clarification
    raise NotFound(QUESTION_NOT_FOUND)


def _own_member(user: User, member_id: int) -> CategoryMember:
    """A category membership of one of the caller's suppliers; any other is 'not found'."""
    for supplier_id in permissions.organisation_ids_with_role(user, SUPPLIER_ROLES):
        for member in membership_selectors.memberships_for_supplier(user, supplier_id=supplier_id):
            if member.pk == member_id:
                return member
    raise NotFound(membership_selectors.MEMBER_NOT_FOUND)


# --- parsing a tender ----------------------------------------------------------------------


def _read_tender(request: HttpRequest) -> tuple[TenderIn, list[UploadedFile]]:
    """The tender from a JSON body, or from a multipart form with its documents."""
    parts = multipart_parts(request)
    if parts is None:
        return validated(TenderIn, json_body(request), "body"), []
    form, uploads = parts
    if set(uploads) - {"documents"}:
        raise RuleViolation(DOCUMENTS_ONLY, code="documents_only")
    data: dict[str, Any] = {
        "price": form.get("price"),
        "answers": form.get("answers") or "{}",
        "notes": form.get("notes") or "",
    }
    if form.get("supplier_id"):
        data["supplier_id"] = form["supplier_id"]
    parsed = validated(TenderFormIn, data, "form")
    return TenderIn(**parsed.model_dump()), list(uploads.getlist("documents"))
