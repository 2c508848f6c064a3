"""Reading an API request body that may be JSON or a multipart form with files.

One reader for the whole API: ``ApiParser`` is django-ninja's parser for every operation
that takes a body, and endpoints that take uploads (applications with evidence, tenders
with documents) call ``json_body``, ``multipart_parts`` and ``validated`` themselves. So
every body is held to the same rules: JSON only as ``application/json`` (415 otherwise),
an object at the top, no deeper than ``MAX_DEPTH`` (400), and no NUL character in any
string or key (422: PostgreSQL cannot store one, and no text field needs one). Validation
errors name where the bad value was (``body``, ``form`` or ``query``) the way django-ninja
does for its own parsing, so clients see one error shape."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from django.http import HttpRequest, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

MULTIPART = "multipart/form-data"
JSON = "application/json"
# Deep enough for any body the API takes (a questionnaire's rules nest a few levels).
MAX_DEPTH = 32
BODY_UNREADABLE = _("Cannot parse request body: send one JSON object.")
TOO_DEEP = _("The JSON body is nested too deeply.")
UNSUPPORTED_MEDIA_TYPE = _("Send application/json, or multipart/form-data with files.")
NOT_AN_OBJECT = _("The body must be a JSON object.")
NUL_REFUSED = _("Text cannot contain the NUL character (\\u0000).")

In = TypeVar("In", bound=BaseModel)


class ApiError(HttpError):
    """An ``HttpError`` with the machine-readable ``code`` the API answers beside ``detail``."""

    def __init__(self, status_code: int, message: Any, code: str) -> None:
        super().__init__(status_code, str(message))
        self.code = code


def _refuse(loc: tuple[Any, ...], kind: str, message: Any) -> ValidationError:
    return ValidationError([{"type": kind, "loc": loc, "msg": str(message)}])


def refuse_nul(value: Any, source: str) -> None:
    """422 if any string or key in ``value`` holds a NUL; 400 if it nests too deeply.

    Iterative, so that no nesting can exhaust the stack here either."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(value, (source,))]
    while stack:
        item, loc = stack.pop()
        if len(loc) > MAX_DEPTH + 1:
            raise ApiError(400, TOO_DEEP, "invalid_json")
        if isinstance(item, str):
            if "\x00" in item:
                raise _refuse(loc, "string_nul", NUL_REFUSED)
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and "\x00" in key:
                    raise _refuse(loc, "string_nul", NUL_REFUSED)
                stack.append((child, (*loc, key)))
        elif isinstance(item, list | tuple):
            stack.extend((child, (*loc, index)) for index, child in enumerate(item))


def parse_json(raw: bytes) -> dict[str, Any]:
    """The JSON object in ``raw`` (an empty body is ``{}``), or a 400/422 ``ApiError``."""
    try:
        data = json.loads(raw or b"{}")
    except RecursionError as error:
        raise ApiError(400, TOO_DEEP, "invalid_json") from error
    except ValueError as error:  # also UnicodeDecodeError
        raise ApiError(400, BODY_UNREADABLE, "invalid_json") from error
    if not isinstance(data, dict):
        raise _refuse(("body",), "model_type", NOT_AN_OBJECT)
    refuse_nul(data, "body")
    return data


def require_json(request: HttpRequest) -> None:
    """415 unless the body is sent as JSON (``application/json`` or a ``+json`` type)."""
    media_type = request.content_type or ""
    if media_type != JSON and not media_type.endswith("+json"):
        raise ApiError(415, UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")


class ApiParser(Parser):
    """django-ninja's parser held to this module's rules.

    django-ninja turns any exception from ``parse_body`` into a 400 raised ``from`` it; the
    API's ``HttpError`` handler answers with that cause instead (``api.error_cause``)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        require_json(request)
        return parse_json(request.body)

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        refuse_nul(result, "query" if data is request.GET else "form")
        return result


def multipart_parts(request: HttpRequest) -> tuple[QueryDict, MultiValueDict[str, Any]] | None:
    """The form fields and files of a multipart request; None for any other media type."""
    if request.content_type != MULTIPART:
        return None
    try:
        form, files = request.POST, request.FILES
    except MultiPartParserError as error:
        raise ApiError(400, BODY_UNREADABLE, "invalid_form") from error
    refuse_nul(dict(form.lists()), "form")
    return form, files


def json_body(request: HttpRequest) -> dict[str, Any]:
    """The JSON body (an empty body is ``{}``); 415 for a media type we do not read."""
    if request.body:
        require_json(request)
    return parse_json(request.body)


def validated(schema: type[In], data: Any, source: str) -> In:
    """``data`` as ``schema``, or a 422 whose error locations start with ``source``.

    The result is checked for NUL too: a form's JSON field (``answers``) is only text until
    it is parsed here."""
    try:
        result = schema.model_validate(data)
    except PydanticValidationError as error:
        errors = [
            {**item, "loc": (source, *item["loc"])}
            for item in error.errors(include_url=False, include_input=False, include_context=False)
        ]
        raise ValidationError(errors) from error
    refuse_nul(result.model_dump(), source)
    return result
