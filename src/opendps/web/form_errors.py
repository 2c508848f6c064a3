"""Error messages in the GOV.UK pattern, naming the field, for every form of the project.

Django's own messages ("This field is required.", "Ensure this value is greater than or
equal to 0.", "Enter a valid date.") do not say which box is wrong. ``GovukErrorsMixin``
replaces each of them, on every field of the form, with a message built from the field's
label: "Enter the contract value", "Contract value must be £0 or more", "Deadline must be a
real date". A message the form sets itself is kept. Every page form derives from
``GovukForm`` (or puts the mixin first in its bases); a test walks every form class of the
project and fails if one still shows a Django default.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _

# Codes that Django's validators raise and that a field's error_messages may override.
VALIDATOR_CODES = (
    "max_length",
    "min_length",
    "min_value",
    "max_value",
    "step_size",
    "max_digits",
    "max_decimal_places",
    "max_whole_digits",
    "null_characters_not_allowed",
)


def _label(field: forms.Field, name: str) -> str:
    """The field's label without '(optional)' or the closing punctuation."""
    text = str(field.label) if field.label else name.replace("_", " ").capitalize()
    for suffix in (_("(optional)"), "(optional)"):
        text = text.replace(str(suffix), "")
    return text.strip().rstrip(":").strip()


def _is_question(label: str) -> bool:
    return label.endswith("?")


def _lower_first(text: str) -> str:
    """'Contract value' → 'contract value', but 'CPV codes' stays (an acronym)."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _kind(field: forms.Field) -> str:
    """What sort of answer the field takes, for choosing the words."""
    declared = getattr(field, "govuk_kind", None)
    if declared:
        return str(declared)
    if isinstance(field, forms.FileField):
        return "file"
    if isinstance(field, forms.BooleanField):
        return "confirm"
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return "choice"
    if isinstance(field, forms.DateTimeField | forms.SplitDateTimeField):
        return "datetime"
    if isinstance(field, forms.DateField) or "date" in type(field).__name__.lower():
        return "date"
    if isinstance(field, forms.TimeField) or "time" in type(field).__name__.lower():
        return "time"
    if isinstance(field, forms.EmailField):
        return "email"
    if isinstance(field, forms.URLField):
        return "url"
    if isinstance(field, forms.DecimalField | forms.FloatField):  # before IntegerField, their base
        text = f"{field.label} {field.help_text}".lower()
        money = "£" in text or "pounds" in text or "value" in text or "price" in text
        return "money" if money else "number"
    if isinstance(field, forms.IntegerField):
        return "integer"
    return "text"


def _keep_params(message: str, **params: str) -> str:
    """Put the label into a message and leave Django's own placeholders
    (``%(limit_value)s``) for the validator to fill."""
    placeholders = {
        key: f"%({key})s" for key in ("limit_value", "show_value", "max", "length", "value", "pk")
    }
    escaped = {key: value.replace("%", "%%") for key, value in params.items()}
    return message % (placeholders | escaped)


def govuk_messages(field: forms.Field, name: str) -> dict[str, str]:
    """Every message the field may show, in the GOV.UK pattern and naming it."""
    label = _label(field, name)
    kind = _kind(field)
    question = _is_question(label)
    the = _lower_first(label)
    p = {"label": label, "name": the}
    if question:
        required = {
            "choice": _("Select an answer to: %(label)s"),
            "file": _("Upload a file for: %(label)s"),
            "confirm": _("Select to confirm: %(label)s"),
        }.get(kind, _("Answer the question: %(label)s"))
    else:
        required = {
            "choice": _("Select the %(name)s"),
            "file": _("Upload the %(name)s"),
            "confirm": _("Select to confirm: %(label)s"),
        }.get(kind, _("Enter the %(name)s"))
    invalid = {
        "date": _("%(label)s must be a real date"),
        "month": _("%(label)s must be a real month and year, like 9 2027"),
        "datetime": _("%(label)s must be a real date and time"),
        "time": _("%(label)s must be a real time, like 12:00 or 5pm"),
        "email": _("Enter an email address in the correct format, like name@example.com"),
        "url": _("%(label)s must be a web address, like https://www.example.com"),
        "integer": _("%(label)s must be a whole number"),
        "money": _("%(label)s must be an amount in pounds, like 1,500"),
        "number": _("%(label)s must be a number"),
    }.get(kind, _("%(label)s is not in the right format"))
    money = kind == "money"
    messages = {
        "required": required,
        "invalid": invalid,
        "invalid_choice": _("Select one of the options for: %(label)s"),
        "invalid_list": _("Select one of the options for: %(label)s"),
        "invalid_pk_value": _("Select one of the options for: %(label)s"),
        "invalid_date": _("%(label)s must be a real date"),
        "invalid_time": _("%(label)s must be a real time, like 12:00 or 5pm"),
        "max_length": _("%(label)s must be %(limit_value)s characters or fewer"),
        "min_length": _("%(label)s must be %(limit_value)s characters or more"),
        "min_value": _("%(label)s must be £%(limit_value)s or more")
        if money
        else _("%(label)s must be %(limit_value)s or more"),
        "max_value": _("%(label)s must be £%(limit_value)s or less")
        if money
        else _("%(label)s must be %(limit_value)s or less"),
        "step_size": _("%(label)s must be a multiple of %(limit_value)s"),
        "max_digits": _("%(label)s is too large"),
        "max_whole_digits": _("%(label)s is too large"),
        "max_decimal_places": _("%(label)s must be in pounds and pence, like 1,500.50")
        if money
        else _("%(label)s must have no more than %(max)s decimal places"),
        "null_characters_not_allowed": _("%(label)s must not contain null characters"),
        "empty": _("The file for %(name)s is empty"),
        "missing": _("Upload the %(name)s"),
        "contradiction": _("Upload a file for %(name)s or remove it, not both"),
    }
    if kind == "file":
        messages["max_length"] = _("The file name for %(name)s must be %(max)s characters or fewer")
    return {code: _keep_params(str(text), **p) for code, text in messages.items()}


def _django_defaults(field: forms.Field) -> dict[str, list[Any]]:
    """The messages Django's own field classes give each code of this field."""
    defaults: dict[str, list[Any]] = {}
    for cls in type(field).__mro__:
        if cls.__module__.startswith("django."):
            for code, message in getattr(cls, "default_error_messages", {}).items():
                defaults.setdefault(code, []).append(message)
    return defaults


def _is_default(message: Any, defaults: list[Any]) -> bool:
    return any(message is default or str(message) == str(default) for default in defaults)


def govuk_fields(fields: dict[str, forms.Field]) -> None:
    """Replace Django's default messages on ``fields`` (in place); keep the form's own."""
    for name, field in fields.items():
        if getattr(field, "_govuk_messages", False):
            continue
        ours = govuk_messages(field, name)
        defaults = _django_defaults(field)
        codes = set(defaults) | set(VALIDATOR_CODES) | {"required", "invalid"}
        for code in codes:
            current = field.error_messages.get(code)
            if (current is None or _is_default(current, defaults.get(code, []))) and code in ours:
                field.error_messages[code] = ours[code]
        field._govuk_messages = True  # type: ignore[attr-defined]


class GovukErrorsMixin:
    """Put this first in a form's bases: its fields' messages follow the GOV.UK pattern.

    Fields a subclass adds in its own ``__init__`` (after this one has run) are caught by
    ``full_clean``, before anything is validated.
    """

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govuk_fields(self.fields)

    def full_clean(self) -> None:
        govuk_fields(self.fields)
        super().full_clean()  # type: ignore[misc]


class GovukForm(GovukErrorsMixin, forms.Form):
    """The base of every page form."""


class GovukModelForm(GovukErrorsMixin, forms.ModelForm):  # type: ignore[type-arg]
    """The base of every page form built from a model."""
