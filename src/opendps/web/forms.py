"""Glue between page forms and services: domain errors become form errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms

from opendps.core.errors import DomainError

T = TypeVar("T")


def call_service(
    form: forms.BaseForm, service: Callable[[], T], field: str | None = None
) -> T | None:
    """Run ``service``; on a ``DomainError`` attach its message to the form and return None.

    The service runs in its own transaction, so a refusal has changed nothing.
    """
    try:
        return service()
    except DomainError as error:
        form.add_error(field, str(error))
        return None
