"""The JSON API at /api/v1: one NinjaAPI, one router per bounded context."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.operation import Operation
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from opendps.core import clock
from opendps.core.errors import DomainError
from opendps.web.api_auth import BearerToken
from opendps.web.api_body import ApiParser


class UtcJSONEncoder(NinjaJSONEncoder):
    """Every datetime in one form, UTC with ``Z`` (``clock.utc_text``), whatever its zone.

    The one place for the whole API: schemas keep plain ``datetime`` fields (so the
    OpenAPI document says ``format: date-time``) and a service may return London times
    computed by the legal calendar while a read returns the database's UTC ones; both
    leave here alike.
    """

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return clock.utc_text(o)
        return super().default(o)


class UtcJSONRenderer(JSONRenderer):
    encoder_class = UtcJSONEncoder


# The error answers, by status: (description, schema name, when the operation gives it).
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["detail", "code"],
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, for people."},
        "code": {"type": "string", "description": "What went wrong, for programs."},
    },
}
VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["detail", "code"],
    "properties": {
        "detail": {
            "description": "A rule's message, or (code validation_error) one entry per bad "
            "value, each with its location (loc), message (msg) and type.",
            "anyOf": [
                {"type": "string"},
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["loc", "msg", "type"],
                        "properties": {
                            "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                            "msg": {"type": "string"},
                            "type": {"type": "string"},
                        },
                    },
                },
            ],
        },
        "code": {"type": "string", "description": "What went wrong, for programs."},
    },
}
ERROR_ANSWERS: dict[int, str] = {
    400: "The body is not one readable JSON object (invalid_json), or the request is malformed.",
    401: "The token is missing, wrong, revoked or expired (not_authenticated).",
    403: "You may see this, but not do this (not_permitted, or a rule's own code).",
    404: "No such object, or you may not see it: the two are not told apart (not_found).",
    409: "The object is not in a state that allows this (conflict, or a rule's own code).",
    413: "The body is larger than the API accepts (request_too_large).",
    415: "The body is not sent as application/json, or multipart/form-data where files are "
    "taken (unsupported_media_type).",
    422: "A value is invalid (validation_error), or a rule forbids the action (its own code, "
    "for example deadline_passed or not_invited).",
    429: "Too many requests from this token or this address (too_many_requests): wait the "
    "seconds that Retry-After gives.",
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next request.",
        "schema": {"type": "integer", "minimum": 1},
    }
}


def error_statuses(method: str, operation: dict[str, Any]) -> set[int]:
    """The error statuses an operation can answer, read from what it takes.

    Every operation reads the bearer token (a wrong one is 401 even where none is needed);
    path ids can be unknown (404); where a token is needed, what a path, query or write names
    may be refused to the caller (403), and a write's body names objects the caller may not
    see (404); parameters and bodies can be invalid (422); a body can also be unreadable,
    too big or of another media type; writes can be refused by a rule or the object's state;
    every request counts against the rate limits (429)."""
    security = operation.get("security", [])
    public = not security or {} in security
    has_path = any(p["in"] == "path" for p in operation.get("parameters", []))
    has_body = "requestBody" in operation
    write = method != "get"
    statuses = {401, 429} if security else {429}
    if has_path or (write and not public):
        statuses |= {404}
    if not public and (has_path or write or operation.get("parameters")):
        statuses |= {403}
    if write:
        statuses |= {409, 422}
    if operation.get("parameters"):
        statuses |= {422}
    if has_body:
        statuses |= {400, 413, 415, 422}
    return statuses


class OpenDpsApi(NinjaAPI):
    """The API whose OpenAPI document lists, for every operation, the errors it answers."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorOut"] = ERROR_SCHEMA
        components["ValidationErrorOut"] = VALIDATION_ERROR_SCHEMA
        for methods in schema["paths"].values():
            for method, operation in methods.items():
                responses = operation.setdefault("responses", {})
                for status in sorted(error_statuses(method, operation)):
                    name = "ValidationErrorOut" if status == 422 else "ErrorOut"
                    answer: dict[str, Any] = {
                        "description": ERROR_ANSWERS[status],
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
                        },
                    }
                    if status == 429:
                        answer["headers"] = RETRY_AFTER
                    responses.setdefault(status, answer)
        return schema

    def get_openapi_operation_id(self, operation: Operation) -> str:
        """``<app>_api_<view>``, as ninja names it, also for a view in a module of an app's
        ``api`` package (an API split by area keeps its operation ids)."""
        module = operation.view_func.__module__
        package, split, _area = module.partition(".api.")
        if split:
            module = f"{package}.api"
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def create_temporal_response(self, request: HttpRequest) -> HttpResponse:
        """The answer being built, kept on the request so a paginator can set its headers."""
        response = super().create_temporal_response(request)
        request.api_response = response  # type: ignore[attr-defined]
        return response


api = OpenDpsApi(
    title="OpenDPS API",
    version="1",
    description=(
        "Dynamic Purchasing Systems and dynamic markets: markets, membership, calls for "
        "competition, sealed tenders, awards, contracts and insight. Authenticate with "
        "`Authorization: Bearer <token>` (create a token on the API tokens page or with "
        '`opendps token create --user EMAIL`). Errors are JSON `{"detail": …, "code": …}`: '
        "`detail` for people, `code` a stable word for programs (`not_authenticated`, "
        "`not_found`, `validation_error`, `deadline_passed`, …). Send bodies as "
        "`application/json` (an object), or `multipart/form-data` where files are taken. "
        "Lists are paged (`limit` up to 200, `offset`) and answer `items`, `count` and "
        "`links` (`first`, `prev`, `next`), the same links in a `Link` header; their "
        "filters are query parameters, and an unknown value is a 422. Every amount of money "
        "has a sibling `currency` (ISO 4217, `GBP`). Requests are rate limited per token and "
        "per client address: over a limit the answer is 429 with `Retry-After`."
    ),
    auth=BearerToken(),
    renderer=UtcJSONRenderer(),
    parser=ApiParser(),
    urls_namespace="api",
)


# The code for an error that carries none of its own, by status.
DEFAULT_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "not_permitted",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "request_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
}
NOT_AUTHENTICATED = _("Authentication required: send a valid, unrevoked API token.")
NOT_FOUND = _("Not found.")
TOO_LARGE = _("The request body is larger than the API accepts.")
BAD_REQUEST = _("The request could not be read.")


def _detail(request: HttpRequest, detail: Any, status: int, code: str | None) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": detail, "code": code or DEFAULT_CODES.get(status, "error")},
        status=status,
    )


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _detail(request, str(exc), exc.status_code, exc.code)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _detail(request, str(NOT_AUTHENTICATED), 401, "not_authenticated")


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _detail(request, exc.errors, 422, "validation_error")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _detail(request, str(NOT_FOUND), 404, "not_found")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # django-ninja wraps whatever the body parser raised in a plain 400 "from" it.
    cause = exc.__cause__
    if isinstance(cause, ValidationError):
        return validation_error(request, cause)
    if isinstance(cause, HttpError):
        exc = cause
    return _detail(request, str(exc), exc.status_code, getattr(exc, "code", None))


@api.exception_handler(RequestDataTooBig)
def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _detail(request, str(TOO_LARGE), 413, "request_too_large")


@api.exception_handler(SuspiciousOperation)
def bad_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    """Too many fields or files, a malformed header: Django's 400, as the API's JSON."""
    return _detail(request, str(BAD_REQUEST), 400, "bad_request")


def _add_routers() -> None:
    from opendps.accounts.api import router as accounts_router
    from opendps.brokerage.api import router as brokerage_router
    from opendps.challenges.api import router as challenges_router
    from opendps.competitions.api import router as competitions_router
    from opendps.contracts.api import router as contracts_router
    from opendps.insights.api import router as insights_router
    from opendps.markets.api import router as markets_router
    from opendps.membership.api import router as membership_router
    from opendps.publication.api import router as publication_router

    api.add_router("/", accounts_router)
    api.add_router("/", markets_router)
    api.add_router("/", membership_router)
    api.add_router("/", publication_router)
    api.add_router("/", competitions_router)
    api.add_router("/", contracts_router)
    api.add_router("/", challenges_router)
    api.add_router("/", brokerage_router)
    api.add_router("/", insights_router)


_add_routers()
