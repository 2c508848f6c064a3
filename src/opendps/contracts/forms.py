"""Contract pages' forms: parse and check input; the contract services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from opendps.contracts.models import ChangeKind, MetricKind
from opendps.markets.forms import DateField
from opendps.web.form_errors import GovukForm
from opendps.web.forms import MoneyField

PERIOD_BACKWARDS = _("The period must end on or after the day it starts")
VALUE_OR_DATE = _("A variation changes the value, the end date or both: enter at least one")


def _required(message: Any) -> dict[str, Any]:
    return {"required": message}


class PerformanceRecordForm(GovukForm):
    kind = forms.ChoiceField(
        label=_("What are you recording?"),
        choices=MetricKind.choices,
        widget=forms.RadioSelect,
        error_messages=_required(_("Choose what you are recording")),
    )
    metric = forms.CharField(
        label=_("Measure"),
        max_length=100,
        help_text=_("For example: job starts, sessions completed, hours delivered."),
        error_messages=_required(_("Enter the measure")),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        error_messages={
            "required": _("Enter the quantity"),
            "invalid": _("Enter the quantity as a number, like 12 or 37.5"),
            "min_value": _("The quantity cannot be negative"),
        },
    )
    target = forms.DecimalField(
        label=_("Target (optional)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text=_("The quantity the contract expected for this period, if it set one."),
        error_messages={
            "invalid": _("Enter the target as a number, like 10"),
            "min_value": _("The target cannot be negative"),
        },
    )
    period_start = DateField(
        label=_("Period starts"), error_messages=_required(_("Enter the day the period starts"))
    )
    period_end = DateField(
        label=_("Period ends"), error_messages=_required(_("Enter the day the period ends"))
    )
    note = forms.CharField(
        label=_("Note (optional)"), widget=forms.Textarea, required=False, max_length=5000
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", ValidationError(PERIOD_BACKWARDS))
        return data


class DisputeForm(GovukForm):
    reason = forms.CharField(
        label=_("Why do you dispute this record?"),
        widget=forms.Textarea,
        max_length=5000,
        help_text=_("The other party reads this. Say what you believe the right figure is."),
        error_messages=_required(_("Give the reason for the dispute")),
    )


class RatingForm(GovukForm):
    score = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[
            (5, _("5 – Excellent")),
            (4, _("4 – Good")),
            (3, _("3 – Satisfactory")),
            (2, _("2 – Poor")),
            (1, _("1 – Very poor")),
        ],
        widget=forms.RadioSelect,
        error_messages=_required(_("Choose a rating from 1 to 5")),
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea,
        max_length=5000,
        help_text=_("The supplier reads this and may answer it."),
        error_messages=_required(_("Explain the rating: the supplier will read it")),
    )


class ReplyForm(GovukForm):
    reply = forms.CharField(
        label=_("Your answer"),
        widget=forms.Textarea,
        max_length=5000,
        help_text=_("The buyer reads this beside the rating. You can answer once."),
        error_messages=_required(_("Enter your answer")),
    )


class ContractChangeForm(GovukForm):
    kind = forms.ChoiceField(
        label=_("What kind of change?"),
        choices=ChangeKind.choices,
        widget=forms.RadioSelect,
        error_messages=_required(_("Choose a variation or a termination")),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea,
        max_length=5000,
        help_text=_("Kept with the contract and shown to the supplier."),
        error_messages=_required(_("Give the reason for the change")),
    )
    value = MoneyField(
        label=_("New contract value (variation only)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
        error_messages={
            "invalid": _("Enter the value as a number, like 7200"),
            "min_value": _("The value cannot be negative"),
        },
    )
    ends_on = DateField(label=_("New end date (variation only)"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("kind") == ChangeKind.VARIATION
            and data.get("value") is None
            and data.get("ends_on") is None
            and not self.has_error("value")
            and not self.has_error("ends_on")
        ):
            self.add_error("value", ValidationError(VALUE_OR_DATE))
        return data


class ConfirmForm(GovukForm):
    """A button with nothing to fill in: the service's refusal lands here."""
