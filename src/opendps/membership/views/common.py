"""Pieces the membership pages share: status tags, scoping helpers, answered questions."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opendps.accounts import permissions
from opendps.accounts.models import Organisation
from opendps.core.errors import NotPermitted
from opendps.markets.questionnaire import Outcome as QuestionOutcome
from opendps.markets.views import failure_text, sections_of
from opendps.membership import selectors, services
from opendps.membership.forms import (
    DecisionForm,
)
from opendps.membership.models import Application, CategoryMember
from opendps.membership.status import (
    ApplicationStatus,
    MemberStatus,
    application_status,
    member_status,
)
from opendps.web.organisation import AuthedRequest, current_organisation

NOT_A_SUPPLIER_PAGE = gettext_lazy("This page is for suppliers.")
CANNOT_APPLY = gettext_lazy("You need to be an administrator or bid writer of a supplier to apply.")
NOT_AN_ASSESSOR = gettext_lazy(
    "Only an authority's evaluators and commissioners assess applications."
)
NOT_PLATFORM_STAFF = gettext_lazy("Only platform staff can see the debarment list.")
DEBARMENT_NOT_FOUND = gettext_lazy("That debarment is not on the list.")

APPLICATION_TAG_CLASSES = {
    ApplicationStatus.AWAITING: "govuk-tag--blue",
    ApplicationStatus.OVERDUE: "govuk-tag--red",
    ApplicationStatus.ADMITTED: "govuk-tag--green",
    ApplicationStatus.REJECTED: "govuk-tag--red",
    ApplicationStatus.WITHDRAWN: "govuk-tag--grey",
}
MEMBER_TAG_CLASSES = {
    MemberStatus.ACTIVE: "govuk-tag--green",
    MemberStatus.SUSPENDED: "govuk-tag--orange",
    MemberStatus.DECLARATION_OVERDUE: "govuk-tag--orange",
    MemberStatus.REMOVED: "govuk-tag--red",
}
OUTCOME_TAGS = {
    QuestionOutcome.PASS: ("govuk-tag--green", gettext_lazy("Passed")),
    QuestionOutcome.FAIL: ("govuk-tag--red", gettext_lazy("Failed")),
    QuestionOutcome.MANUAL: ("govuk-tag--grey", gettext_lazy("Check by hand")),
}


def application_tag(application: Application) -> dict[str, str]:
    status = application_status(application)
    return {"text": str(status.label), "classes": APPLICATION_TAG_CLASSES[status]}


def member_tag(member: CategoryMember) -> dict[str, str]:
    status = member_status(member, declaration_overdue=getattr(member, "declaration_overdue", None))
    return {"text": str(status.label), "classes": MEMBER_TAG_CLASSES[status]}


def _outcome_tag(outcome: str | None) -> dict[str, str] | None:
    if outcome is None:
        return None
    classes, text = OUTCOME_TAGS[QuestionOutcome(outcome)]
    return {"text": str(text), "classes": classes}


def _supplier(request: HttpRequest) -> Organisation:
    organisation = current_organisation(request)
    if organisation is None or not organisation.is_supplier:
        raise NotPermitted(NOT_A_SUPPLIER_PAGE)
    return organisation


def _assessable(request: AuthedRequest, application_id: int) -> Application:
    """An application this person may assess: any other is 'not found' or refused."""
    application = selectors.application_get(request.user, application_id=application_id)
    if not permissions.has_role(
        request.user, application.market.authority_id, services.ASSESS_ROLES
    ):
        raise NotPermitted(NOT_AN_ASSESSOR)
    return application


def _answer_text(question: dict[str, Any], answer: Any) -> str:
    if answer is None or answer == "":
        return "—"
    if question["kind"] == "yes_no":
        return _("Yes") if answer == "yes" else _("No")
    return str(answer)


def _answered_sections(
    application: Application, *, regime_code: str, decision: DecisionForm | None = None
) -> list[tuple[str, list[dict[str, Any]]]]:
    """The questions as asked, each with its answer, files, automatic outcome and reason."""
    documents: dict[str, list[Any]] = {}
    for document in application.documents.all():
        documents.setdefault(document.question_id, []).append(document)
    rows = []
    for question in application.questionnaire.questions:
        qid = question["id"]
        auto = application.auto_assessment.get(qid, {})
        rows.append(
            question
            | {
                "answer": _answer_text(question, application.answers.get(qid)),
                "documents": documents.get(qid, []),
                "outcome": _outcome_tag(auto.get("outcome")),
                "failed": auto.get("outcome") == QuestionOutcome.FAIL,
                "failure_text": failure_text(question.get("failure", "condition"), regime_code),
                "reason": application.reasons.get(qid, ""),
                "reason_field": decision[DecisionForm.reason_name(qid)] if decision else None,
            }
        )
    return sections_of(rows)


def _posted(request: HttpRequest) -> Any:
    """The POST data of a POST (even an empty one), else None: the form is unbound."""
    return request.POST if request.method == "POST" else None
