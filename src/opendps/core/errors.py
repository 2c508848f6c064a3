"""The one family of domain errors.

Services, selectors and regimes raise these; the API exception handler maps them to
``{"detail": ...}`` with a status code, and views show them in the GOV.UK error summary.
Messages are module constants in the raising module, written with ``gettext_lazy``.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class: a machine-readable ``code``, a translatable ``message`` and ``data``."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, message: Any, *, code: str | None = None, **data: Any) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code or self.default_code
        self.data = data

    def __str__(self) -> str:
        text = str(self.message)
        if self.data:
            try:
                return text % self.data
            except (KeyError, TypeError, ValueError):
                return text
        return text


class RuleViolation(DomainError):
    """A legal or business rule forbids the action (a regime said no)."""

    status_code = 422
    default_code = "rule_violation"


class NotPermitted(DomainError):
    """The actor may see the object but may not do this to it."""

    status_code = 403
    default_code = "not_permitted"


class NotFound(DomainError):
    """Missing, or hidden from the actor: the two are deliberately indistinguishable."""

    status_code = 404
    default_code = "not_found"


class Conflict(DomainError):
    """The object is not in a state that allows the action (already done, changed meanwhile)."""

    status_code = 409
    default_code = "conflict"


def full_clean_or_refuse(instance: Any, **kwargs: Any) -> None:
    """Run the model's own validation; a failure becomes a ``RuleViolation`` naming the field,
    so services never let a Django ``ValidationError`` escape as a server error."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            parts = [
                f"{field}: {' '.join(str(m) for m in messages)}"
                if field != "__all__"
                else " ".join(str(m) for m in messages)
                for field, messages in error.message_dict.items()
            ]
        else:
            parts = [str(m) for m in error.messages]
        raise RuleViolation("; ".join(parts), code="invalid") from error
