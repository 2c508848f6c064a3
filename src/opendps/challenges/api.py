"""/api/v1/challenges: a supplier challenges a decision; the authority answers it.

The challenging supplier and the authority concerned see a challenge; to anyone else its
id is "not found", exactly like a missing one.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import P, PathEx, Query, Router, Schema, Status
from ninja.pagination import paginate

from opendps.accounts import selectors as account_selectors
from opendps.challenges import selectors, services
from opendps.challenges.models import Challenge, ChallengeTimeLimits
from opendps.challenges.schemas import (
    CHALLENGE_IN_DESCRIPTION,
    ChallengeDetailOut,
    ChallengeFormIn,
    ChallengeIn,
    ChallengeOut,
    NoteIn,
    OutcomeIn,
    RequiredNoteIn,
    TimeLimitsIn,
    TimeLimitsOut,
)
from opendps.challenges.services.common import NOT_A_SUPPLIER
from opendps.markets.schemas import MAX_ID
from opendps.web.api_body import MULTIPART, json_body, multipart_parts, validated
from opendps.web.api_pages import Paging
from opendps.web.organisation import AuthedRequest

router = Router(tags=["challenges"])

ChallengeId = PathEx[int, P(ge=1, le=MAX_ID, description="The challenge's id.")]


class ChallengeFilter(Schema):
    open: bool = False
    kind: str | None = None


REQUEST_BODY = {
    "required": True,
    "description": CHALLENGE_IN_DESCRIPTION,
    "content": {
        "application/json": {"schema": ChallengeIn.model_json_schema()},
        MULTIPART: {
            "schema": {
                "type": "object",
                "required": ["kind", "decision_id", "grounds"],
                "properties": {
                    "supplier_id": {"type": "integer"},
                    "kind": {
                        "type": "string",
                        "enum": [
                            "application_rejected",
                            "member_suspended",
                            "member_removed",
                            "award",
                        ],
                    },
                    "decision_id": {"type": "integer"},
                    "grounds": {"type": "string"},
                    "documents": {"type": "array", "items": {"type": "string", "format": "binary"}},
                },
            }
        },
    },
}


def _read(request: HttpRequest) -> tuple[ChallengeIn, list[UploadedFile]]:
    parts = multipart_parts(request)
    if parts is None:
        return validated(ChallengeIn, json_body(request), "body"), []
    form, uploads = parts
    data: dict[str, Any] = {key: form.get(key) for key in ("kind", "decision_id", "grounds")}
    if form.get("supplier_id"):
        data["supplier_id"] = form["supplier_id"]
    parsed = validated(ChallengeFormIn, data, "form")
    return ChallengeIn(**parsed.model_dump()), list(uploads.getlist("documents"))


@router.post(
    "/challenges",
    response={201: ChallengeDetailOut},
    summary="Challenge a decision affecting your organisation, with grounds and documents",
    openapi_extra={"requestBody": REQUEST_BODY},
)
def challenge_raise(request: AuthedRequest) -> Status[Challenge]:
    payload, files = _read(request)
    supplier = account_selectors.acting_supplier(request.user, payload.supplier_id, NOT_A_SUPPLIER)
    challenge = services.challenge_raise(
        actor=request.user,
        supplier=supplier,
        kind=payload.kind,
        decision_id=payload.decision_id,
        grounds=payload.grounds,
        files=files,
    )
    return Status(201, selectors.challenge_get(request.user, challenge_id=challenge.pk))


@router.get(
    "/challenges",
    response=list[ChallengeOut],
    summary="Challenges: a supplier's own, or those to the caller's authority",
)
@paginate(Paging)
def challenge_list(request: AuthedRequest, filters: Query[ChallengeFilter]) -> QuerySet[Challenge]:
    return selectors.challenge_list(request.user, open_only=filters.open, kind=filters.kind)


# Before "/challenges/{challenge_id}", which would otherwise take this path.
@router.post(
    "/challenges/time-limits",
    response=TimeLimitsOut,
    summary="An authority sets its own working days for acknowledging and deciding challenges",
)
def challenge_time_limits(request: AuthedRequest, payload: TimeLimitsIn) -> ChallengeTimeLimits:
    authority = account_selectors.organisation_get(
        request.user, organisation_id=payload.authority_id
    )
    return services.challenge_time_limits_set(
        actor=request.user,
        authority=authority,
        acknowledge_working_days=payload.acknowledge_working_days,
        decision_working_days=payload.decision_working_days,
    )


@router.get(
    "/challenges/{challenge_id}",
    response=ChallengeDetailOut,
    summary="One challenge with its grounds, documents and every step so far",
)
def challenge_detail(request: AuthedRequest, challenge_id: ChallengeId) -> Challenge:
    return selectors.challenge_get(request.user, challenge_id=challenge_id)


# --- the authority's steps -----------------------------------------------------------------
# Each step reads the challenge (the caller must see it), runs its service with the body's
# fields as keyword arguments, and answers with the challenge as it now stands.


@dataclass(frozen=True)
class _Step:
    name: str  # the view's name: its operation id and URL name
    path: str
    payload: type[Schema]  # its fields are the service's keyword arguments
    service: Callable[..., Challenge]
    summary: str


_STEPS = (
    _Step(
        "challenge_acknowledge",
        "acknowledgement",
        NoteIn,
        services.challenge_acknowledge,
        "The authority acknowledges the challenge; the supplier is told",
    ),
    _Step(
        "challenge_review",
        "review",
        RequiredNoteIn,
        services.challenge_review_record,
        "The authority records how the decision is being reviewed",
    ),
    _Step(
        "challenge_proceedings",
        "proceedings",
        RequiredNoteIn,
        services.challenge_proceedings_record,
        "The authority records that court proceedings about the award were issued",
    ),
    _Step(
        "challenge_decide",
        "outcome",
        OutcomeIn,
        services.challenge_decide,
        "The authority decides: upheld, partly upheld or dismissed, with reasons and remedy",
    ),
    _Step(
        "challenge_remedy",
        "remedy",
        RequiredNoteIn,
        services.challenge_remedy_record,
        "The authority records that it carried out the remedy",
    ),
)


def _step_view(step: _Step) -> Callable[..., Challenge]:
    def view(request: AuthedRequest, challenge_id: ChallengeId, payload: Schema) -> Challenge:
        challenge = selectors.challenge_get(request.user, challenge_id=challenge_id)
        step.service(actor=request.user, challenge=challenge, **payload.model_dump())
        return selectors.challenge_get(request.user, challenge_id=challenge_id)

    # django-ninja reads the body schema from the annotation, the operation id and URL
    # name from the function's name.
    view.__annotations__["payload"] = step.payload
    view.__name__ = view.__qualname__ = step.name
    return view


for _step in _STEPS:
    router.post(
        f"/challenges/{{challenge_id}}/{_step.path}",
        response=ChallengeDetailOut,
        summary=_step.summary,
    )(_step_view(_step))
