"""Glue between page forms and services: domain errors become form errors."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError

from opendps.core.errors import DomainError
from opendps.core.money import parse_money

T = TypeVar("T")


def call_service(
    form: forms.BaseForm,
    service: Callable[[], T],
    field: str | Callable[[DomainError], str | None] | None = None,
) -> T | None:
    """Run ``service``; on a refusal show it on the form and return None.

    ``field`` names the box a ``DomainError`` is about, or is a function that tells it from
    the error (its code or data); a model ``ValidationError`` from a service's
    ``full_clean()`` goes next to the boxes it names. Anything not on the form goes in the
    error summary. The service runs in its own transaction, so a refusal changed nothing.
    """
    try:
        return service()
    except DomainError as error:
        name = field(error) if callable(field) else field
        form.add_error(name if name in form.fields else None, str(error))
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                form.add_error(name if name in form.fields else None, messages)
        else:
            form.add_error(None, error.messages)
    return None


class MoneyField(forms.DecimalField):
    """Every money box of the service: reads what people type ("£1,200", "1,200.50")
    with the one parser, ``core.money.parse_money``, then checks digits and limits as a
    ``DecimalField`` does. A text box (``inputmode="decimal"``), never ``type=number``,
    which would refuse the "£" and the commas before the server saw them."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})

    def to_python(self, value: object) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        try:
            parsed = parse_money(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(str(parsed))

    def widget_attrs(self, widget: forms.Widget) -> dict[str, str]:
        # No min/max/step attributes: the page's box is text, the server checks the limits.
        return {}
