"""/api/v1 applications, decisions and members (DESIGN.md §5).

A supplier sees its own applications, an authority's people those to their own markets;
any other id is "not found", exactly like a missing one.
"""

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, P, PathEx, Query, Router, Schema, Status
from ninja.pagination import paginate

from opendps.accounts import selectors as account_selectors
from opendps.accounts.models import Organisation, User
from opendps.core.errors import RuleViolation
from opendps.markets import selectors as market_selectors
from opendps.markets.api import PUBLIC, MarketId
from opendps.markets.schemas import MAX_ID, Moment, TextId
from opendps.membership import selectors, services
from opendps.membership.api_rows import ApplicationShaper, application_rows
from opendps.membership.models import Application, CategoryMember
from opendps.membership.schemas import (
    APPLICATION_IN_DESCRIPTION,
    ApplicationDetailOut,
    ApplicationFormIn,
    ApplicationIn,
    ApplicationOut,
    DecisionIn,
    ExtensionIn,
    MemberOut,
)
from opendps.membership.status import ApplicationStatus, application_status_q
from opendps.web.api_body import MULTIPART, json_body, multipart_parts, validated
from opendps.web.api_pages import Paging, Rows, prebuilt
from opendps.web.organisation import AuthedRequest

router = Router(tags=["membership"])

ApplicationId = PathEx[int, P(ge=1, le=MAX_ID, description="The application's id.")]

ONE_FILE_PER_QUESTION = _("Send one file for '%(question)s', not several.")


class ApplicationFilter(Schema):
    market_id: TextId | None = Field(None, description="Only applications to this market.")
    status: ApplicationStatus | None = Field(
        None,
        description="Only applications in this status: "
        + ", ".join(status.value for status in ApplicationStatus)
        + ".",
    )
    submitted_after: Moment | None = Field(
        None, description="Only applications submitted at or after this moment."
    )
    submitted_before: Moment | None = Field(
        None, description="Only applications submitted before this moment."
    )

    def filter(self, applications: QuerySet[Application]) -> QuerySet[Application]:
        if self.status is not None:
            applications = applications.filter(application_status_q(self.status))
        if self.submitted_after is not None:
            applications = applications.filter(submitted_at__gte=self.submitted_after)
        if self.submitted_before is not None:
            applications = applications.filter(submitted_at__lt=self.submitted_before)
        return applications


APPLICATION_REQUEST_BODY = {
    "required": True,
    "description": APPLICATION_IN_DESCRIPTION,
    "content": {
        "application/json": {"schema": ApplicationIn.model_json_schema()},
        MULTIPART: {
            "schema": {
                "type": "object",
                "required": ["category_ids"],
                "properties": {
                    "supplier_id": {"type": "integer"},
                    "category_ids": {"type": "array", "items": {"type": "integer"}},
                    "answers": {
                        "type": "string",
                        "description": "The answers object (question id → answer) as JSON.",
                    },
                },
                "additionalProperties": {
                    "type": "string",
                    "format": "binary",
                    "description": "A file answering the question named by the field.",
                },
            }
        },
    },
}


@router.post(
    "/markets/{market_id}/applications",
    response={201: list[ApplicationOut]},
    summary="Apply to join one or more categories (a supplier's administrator or bid writer)",
    openapi_extra={"requestBody": APPLICATION_REQUEST_BODY},
)
def application_submit(request: AuthedRequest, market_id: MarketId) -> Status[list[Application]]:
    payload, files = _read_application(request)
    market = market_selectors.market_get(request.user, market_id=market_id)
    supplier = _applying_supplier(request.user, payload.supplier_id)
    applications = services.application_submit(
        actor=request.user,
        supplier=supplier,
        market=market,
        category_ids=payload.category_ids,
        answers=payload.answers,
        files=files,
    )
    return Status(201, applications)


@router.get(
    "/applications",
    response=list[ApplicationOut],
    summary="Applications: a supplier's own, or those to an authority's markets",
)
@prebuilt
@paginate(Paging)
def application_list(request: AuthedRequest, filters: Query[ApplicationFilter]) -> Rows:
    applications = selectors.application_list(request.user, market_id=filters.market_id)
    return Rows(application_rows(filters.filter(applications)), ApplicationShaper())


@router.get(
    "/applications/{application_id}",
    response=ApplicationDetailOut,
    summary="One application with its answers and evidence",
)
def application_detail(request: AuthedRequest, application_id: ApplicationId) -> Application:
    return selectors.application_get(request.user, application_id=application_id)


@router.post(
    "/applications/{application_id}/decision",
    response=ApplicationOut,
    summary="Admit or reject, with a reason for every failed question; the supplier is told",
)
def application_decide(
    request: AuthedRequest, application_id: ApplicationId, payload: DecisionIn
) -> Application:
    application = selectors.application_get(request.user, application_id=application_id)
    return services.application_decide(
        actor=request.user,
        application=application,
        outcome=payload.outcome,
        reasons=payload.reasons,
        note=payload.note,
    )


@router.post(
    "/applications/{application_id}/extension",
    response=ApplicationOut,
    summary="PCR 2015: extend the assessment to 15 working days, with the reason",
)
def application_extend(
    request: AuthedRequest, application_id: ApplicationId, payload: ExtensionIn
) -> Application:
    application = selectors.application_get(request.user, application_id=application_id)
    return services.application_extend_assessment(
        actor=request.user, application=application, reason=payload.reason
    )


@router.get(
    "/markets/{market_id}/members",
    response=list[MemberOut],
    auth=PUBLIC,
    openapi_extra={"security": [{}]},  # a token is optional here
    summary="The admitted suppliers of a market, by category (public information)",
)
@paginate(Paging)
def member_list(request: HttpRequest, market_id: MarketId) -> QuerySet[CategoryMember]:
    return selectors.member_list(request.user, market_id=market_id)


# --- parsing an application ----------------------------------------------------------------


def _read_application(request: HttpRequest) -> tuple[ApplicationIn, dict[str, UploadedFile]]:
    """The application from a JSON body, or from a multipart form with its files."""
    parts = multipart_parts(request)
    if parts is None:
        return validated(ApplicationIn, json_body(request), "body"), {}
    form, uploads = parts
    data: dict[str, Any] = {
        "category_ids": form.getlist("category_ids"),
        "answers": form.get("answers") or "{}",
    }
    if form.get("supplier_id"):
        data["supplier_id"] = form["supplier_id"]
    parsed = validated(ApplicationFormIn, data, "form")
    files: dict[str, UploadedFile] = {}
    for question_id in uploads:
        sent = uploads.getlist(question_id)
        if len(sent) > 1:
            raise RuleViolation(ONE_FILE_PER_QUESTION, question=question_id[:40])
        files[question_id] = sent[0]
    return ApplicationIn(**parsed.model_dump()), files


def _applying_supplier(user: User, supplier_id: int | None) -> Organisation:
    return account_selectors.acting_supplier(user, supplier_id, services.NOT_A_SUPPLIER)
