"""/api/v1/competitions/{id}/questions: clarification questions and their answers,
anonymised (suppliers see the answered ones and their own)."""

from django.utils.translation import gettext_lazy as _
from ninja import Status
from ninja.pagination import paginate

from opendps.accounts import permissions
from opendps.accounts.models import User
from opendps.accounts.permissions import AUTHORITY_ROLES
from opendps.competitions import selectors, services
from opendps.competitions.api.common import (
    CallId,
    QuestionId,
    acting_supplier,
    router,
)
from opendps.competitions.models import Call, Clarification
from opendps.competitions.schemas import (
    AnswerIn,
    ClarificationOut,
    QuestionIn,
)
from opendps.competitions.services import calls as call_services
from opendps.core.errors import NotFound
from opendps.web.api_pages import Paging
from opendps.web.organisation import AuthedRequest

QUESTION_NOT_FOUND = _("Question not found.")


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
    supplier = acting_supplier(request.user, payload.supplier_id, call_services.NOT_INVITED)
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
