"""Reading an API request body that may be JSON or a multipart form with files.

Endpoints that take uploads (applications with evidence, tenders with documents) accept
both; validation errors name where the bad value was (``body`` or ``form``) the way
django-ninja does for its own parsing, so clients see one error shape."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from django.http import HttpRequest, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from ninja.errors import HttpError, ValidationError
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

MULTIPART = "multipart/form-data"
BODY_UNREADABLE = _("Cannot parse request body")
UNSUPPORTED_MEDIA_TYPE = _("Send application/json, or multipart/form-data with files.")

In = TypeVar("In", bound=BaseModel)


def multipart_parts(request: HttpRequest) -> tuple[QueryDict, MultiValueDict[str, Any]] | None:
    """The form fields and files of a multipart request; None for any other media type."""
    if request.content_type != MULTIPART:
        return None
    try:
        return request.POST, request.FILES
    except MultiPartParserError as error:
        raise HttpError(400, str(BODY_UNREADABLE)) from error


def json_body(request: HttpRequest) -> Any:
    """The JSON body (an empty body is ``{}``); 415 for a media type we do not read."""
    if request.content_type not in {"application/json", "", "text/plain"}:
        raise HttpError(415, str(UNSUPPORTED_MEDIA_TYPE))
    try:
        return json.loads(request.body or b"{}")
    except ValueError as error:  # also UnicodeDecodeError
        raise HttpError(400, str(BODY_UNREADABLE)) from error


def validated(schema: type[In], data: Any, source: str) -> In:
    """``data`` as ``schema``, or a 422 whose error locations start with ``source``."""
    try:
        return schema.model_validate(data)
    except PydanticValidationError as error:
        errors = [
            {**item, "loc": (source, *item["loc"])}
            for item in error.errors(include_url=False, include_input=False, include_context=False)
        ]
        raise ValidationError(errors) from error
