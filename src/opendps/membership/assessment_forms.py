"""The evaluator's queue filter and the form that decides several applications together."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opendps.membership.models import Application, Outcome
from opendps.web.form_errors import GovukForm

ANY = ""
FAILED_CHOICES = [
    (ANY, _("Any number")),
    ("0", _("None failed")),
    ("1", _("1 or more failed")),
    ("2", _("2 or more failed")),
    ("3", _("3 or more failed")),
]
STATUS_CHOICES = [
    (ANY, _("All waiting")),
    ("awaiting", _("Within the time limit")),
    ("overdue", _("Overdue")),
]


class QueueFilterForm(GovukForm):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, empty_value=None, required=False
    )
    failed = forms.TypedChoiceField(
        label=_("Failed automatic checks"),
        choices=FAILED_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, categories: Iterable[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.TypedChoiceField = self.fields["category"]  # type: ignore[assignment]
        field.choices = [(ANY, _("All categories")), *categories]

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments (none when the filter is not valid)."""
        if not self.is_valid():
            return {}
        status = self.cleaned_data["status"]
        return {
            "overdue": None if status == ANY else status == "overdue",
            "category_id": self.cleaned_data["category"],
            "failed_checks": self.cleaned_data["failed"],
        }


class GroupDecisionForm(GovukForm):
    """One decision for several of one supplier's applications."""

    applications = forms.TypedMultipleChoiceField(
        label=_("Applications to decide"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select the applications to decide")},
    )
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Outcome.ADMITTED.value, _("Admit")), (Outcome.REJECTED.value, _("Reject"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to admit or reject the supplier")},
    )
    reason = forms.CharField(
        label=_("Reason (shown to the supplier)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10_000,
        help_text=_(
            "Needed to reject, and for every answer that failed its automatic check in the "
            "applications you select."
        ),
    )
    note = forms.CharField(
        label=_("Note to the supplier (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=10_000,
    )

    def __init__(self, *args: Any, applications: list[Application], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by_id = {application.pk: application for application in applications}
        field: forms.TypedMultipleChoiceField = self.fields["applications"]  # type: ignore[assignment]
        field.choices = [
            (application.pk, application.category.title) for application in applications
        ]

    def chosen(self) -> list[Application]:
        return [self.by_id[pk] for pk in self.cleaned_data["applications"]]
