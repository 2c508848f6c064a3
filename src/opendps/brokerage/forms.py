"""Forms a provider fills: its capacity, its answer to a placement, a one-step tender."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from opendps.brokerage.models import CapacityKind
from opendps.markets.forms import DateField
from opendps.web.form_errors import GovukForm
from opendps.web.forms import MoneyField


class CapacityForm(GovukForm):
    member = forms.TypedChoiceField(
        label=_("Category"),
        coerce=int,
        error_messages={
            "required": _("Choose the category"),
            "invalid_choice": _("Choose the category"),
        },
    )
    zone = forms.CharField(
        label=_("Zone or area"),
        max_length=100,
        error_messages={"required": _("Enter the zone or area the capacity is for")},
        help_text=_("For example, Northgate or North locality."),
    )
    kind = forms.ChoiceField(
        label=_("What you can take on"),
        choices=CapacityKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose care hours per week or placement vacancies")},
    )
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=9,
        decimal_places=1,
        min_value=Decimal(0),
        max_value=Decimal(10000),
        error_messages={
            "required": _("Enter the amount, like 30"),
            "invalid": _("Enter the amount as a number, like 30"),
            "min_value": _("The amount cannot be negative"),
            "max_value": _("Enter an amount of at most 10,000"),
        },
    )
    available_from = DateField(
        label=_("Available from"),
        error_messages={"required": _("Enter the day the capacity is available from")},
    )

    def __init__(self, *args: object, members: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["member"].choices = [("", _("Choose a category")), *members]  # type: ignore[attr-defined]


class DeclineForm(GovukForm):
    reason = forms.CharField(
        label=_("Why you cannot take the placement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Say why you cannot take the placement")},
    )


class OfferAnswerForm(GovukForm):
    price = MoneyField(
        label=_("Improved price (optional)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=_("Leave empty to tender the price on your rate card."),
        error_messages={
            "invalid": _("Enter the price as a number of pounds, like 24.50"),
            "min_value": _("Enter a price of more than £0"),
        },
    )
