"""Every form of the project speaks in the GOV.UK pattern: no Django default message is
left on any field, and every message names the field it is about."""

from __future__ import annotations

import copy
import importlib
import inspect
import pkgutil
from decimal import Decimal

import pytest
from django import forms
from django.contrib.auth import forms as auth_forms
from django.core import validators
from django.forms import fields as django_fields
from django.utils import translation

import opendps
from opendps.web.form_errors import GovukErrorsMixin, GovukForm, govuk_fields


def _project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(opendps.__path__, "opendps."):
        if ".tests" in module.name or ".migrations" in module.name:
            continue
        importlib.import_module(module.name)
    found: dict[str, type[forms.BaseForm]] = {}
    pending = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("opendps.") and ".tests" not in sub.__module__:
                found[f"{sub.__module__}.{sub.__qualname__}"] = sub
    return [found[name] for name in sorted(found)]


def _django_default_messages() -> set[str]:
    texts: set[str] = set()
    for _, cls in inspect.getmembers(django_fields, inspect.isclass):
        for message in getattr(cls, "default_error_messages", {}).values():
            texts.add(str(message))
    for _, cls in inspect.getmembers(validators, inspect.isclass):
        if isinstance(getattr(cls, "message", None), str | object) and hasattr(cls, "message"):
            texts.add(str(cls.message))
    for cls in (auth_forms.SetPasswordForm, auth_forms.AuthenticationForm):
        texts.update(str(message) for message in cls.error_messages.values())
    texts.add("This field is required.")
    return {text for text in texts if text}


PROJECT_FORMS = _project_forms()


def test_the_walk_finds_the_forms_of_every_app():
    modules = {cls.__module__.split(".")[1] for cls in PROJECT_FORMS}
    assert {"markets", "membership", "competitions", "contracts", "accounts"} <= modules
    assert len(PROJECT_FORMS) >= 40


@pytest.mark.parametrize("form_class", PROJECT_FORMS, ids=lambda cls: cls.__qualname__)
def test_no_form_field_shows_a_django_default_message(form_class):
    """Each form uses the shared mixin, and after it has run no message of any field (nor
    one its validators would raise) is Django's wording."""
    assert issubclass(form_class, GovukErrorsMixin), f"{form_class} must derive from GovukForm"
    defaults = _django_default_messages()
    with translation.override("en"):
        fields = copy.deepcopy(form_class.base_fields)
        govuk_fields(fields)
        for name, field in fields.items():
            shown = {str(message) for message in field.error_messages.values()}
            for validator in field.validators:
                code = getattr(validator, "code", None)
                if code not in field.error_messages and hasattr(validator, "message"):
                    shown.add(str(validator.message))
            left = shown & defaults
            assert not left, f"{form_class.__qualname__}.{name} still says {left}"
        form_level = {
            str(message) for message in getattr(form_class, "error_messages", {}).values()
        }
        assert not (form_level & defaults - {""}), form_class


class ExampleForm(GovukForm):
    contract_value = forms.DecimalField(
        label="Contract value", min_value=Decimal("0"), help_text="In pounds."
    )
    purchases = forms.IntegerField(label="Number of purchases (optional)", required=False)
    title = forms.CharField(label="Title", max_length=5)
    rules = forms.ChoiceField(label="Rules", choices=[("a", "A")])
    cpv = forms.CharField(label="CPV codes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Added after the mixin's __init__: still rewritten before validation.
        self.fields["late"] = forms.CharField(label="Late question?")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "contract_value", "Enter the contract value"),
        ({"contract_value": "-1"}, "contract_value", "Contract value must be £0 or more"),
        (
            {"contract_value": "lots"},
            "contract_value",
            "Contract value must be an amount in pounds, like 1,500",
        ),
        ({"purchases": "1.5"}, "purchases", "Number of purchases must be a whole number"),
        ({"title": "Too long"}, "title", "Title must be 5 characters or fewer"),
        ({"rules": "zzz"}, "rules", "Select one of the options for: Rules"),
        ({}, "rules", "Select the rules"),
        ({}, "cpv", "Enter the CPV codes"),
        ({}, "late", "Answer the question: Late question?"),
    ],
)
def test_messages_name_the_field(data, field, message):
    with translation.override("en"):
        form = ExampleForm(data)
        assert not form.is_valid()
        assert form.errors[field] == [message]


def test_a_forms_own_message_is_kept():
    class Own(GovukForm):
        title = forms.CharField(label="Title", error_messages={"required": "Give it a name"})

    with translation.override("en"):
        form = Own({})
        form.is_valid()
        assert form.errors["title"] == ["Give it a name"]


def test_a_date_says_which_date_is_not_real():
    from opendps.markets.forms import ValidityForm

    with translation.override("en"):
        form = ValidityForm(
            {
                "validity_ends_at_day": "31",
                "validity_ends_at_month": "2",
                "validity_ends_at_year": "2030",
                "reason": "x",
            }
        )
        assert not form.is_valid()
        assert form.errors["validity_ends_at"] == [
            "New end of the period of validity must be a real date"
        ]
