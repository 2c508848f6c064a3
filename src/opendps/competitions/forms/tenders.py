"""Forms a supplier fills: a tender, a standing offer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from opendps.competitions.criteria import CriterionKind
from opendps.competitions.forms.common import (
    required_error,
)
from opendps.competitions.services.tenders import MAX_DOCUMENTS
from opendps.core.errors import DomainError
from opendps.web.form_errors import GovukForm
from opendps.web.forms import MoneyField

TOO_MANY_DOCUMENTS = _("Attach at most %(count)s documents")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the Django documentation's pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:  # type: ignore[override]
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        if len(files) > MAX_DOCUMENTS:
            raise ValidationError(TOO_MANY_DOCUMENTS % {"count": MAX_DOCUMENTS})
        return list(files)


class TenderForm(GovukForm):
    """A tender: a price, an answer per non-price criterion, notes and documents.

    The price is kept as typed: the service reads pounds ("£1,250.00" too) and says what
    it cannot read, so the page and the API refuse the same things in the same words.
    """

    price = forms.CharField(
        label=_("Your price"),
        max_length=30,
        error_messages=required_error(_("Enter your price")),
    )
    notes = forms.CharField(
        label=_("Notes (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20_000,
        required=False,
    )
    documents = MultipleFileField(
        label=_("Documents (optional)"),
        required=False,
        help_text=_(
            "Up to 10 files: PDF, Word, OpenDocument, Excel, PNG or JPEG, each smaller than 10 MB."
        ),
    )

    keep = forms.TypedMultipleChoiceField(
        label=_("Documents in your current tender"),
        help_text=_("Untick a document to leave it out. Files you choose below are added."),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        criteria: list[dict[str, Any]],
        current_documents: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        keep: forms.TypedMultipleChoiceField = self.fields["keep"]  # type: ignore[assignment]
        keep.choices = [(index, name) for index, name in enumerate(current_documents or [])]
        self.criteria = [c for c in criteria if c["kind"] != CriterionKind.PRICE]
        for criterion in self.criteria:
            self.fields[self.answer_name(criterion["key"])] = forms.CharField(
                label=criterion["name"],
                widget=forms.Textarea(attrs={"rows": 6}),
                max_length=20_000,
                help_text=criterion.get("guidance") or "",
                error_messages={
                    "required": _("Answer the criterion: %(criterion)s")
                    % {"criterion": criterion["name"]},
                    "max_length": _(
                        "The answer to %(criterion)s is too long (20,000 characters at most)."
                    )
                    % {"criterion": criterion["name"]},
                },
            )

    @staticmethod
    def answer_name(key: str) -> str:
        return f"answer_{key}"

    def answer_fields(self) -> list[Any]:
        return [self[self.answer_name(c["key"])] for c in self.criteria]

    def answers(self) -> dict[str, str]:
        return {c["key"]: self.cleaned_data[self.answer_name(c["key"])] for c in self.criteria}

    def field_for(self, error: DomainError) -> str | None:
        """The box a service refusal is about."""
        if error.code == "price_invalid":
            return "price"
        if error.code == "file_keep":
            return "keep"
        if error.code.startswith("file_") or error.data.get("count") == MAX_DOCUMENTS:
            return "documents"
        named = error.data.get("criterion")
        for criterion in self.criteria:
            if named == criterion["name"]:
                return self.answer_name(criterion["key"])
        return None


class StandingOfferForm(GovukForm):
    description = forms.CharField(
        label=_("Service description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20_000,
        error_messages=required_error(_("Describe the service you offer")),
    )
    delivery_areas = forms.CharField(
        label=_("Delivery areas (optional)"),
        max_length=2000,
        required=False,
        help_text=_("Separate areas with commas, for example Leeds, Bradford."),
    )
    capacity = forms.CharField(
        label=_("Capacity (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example, 40 claimants a month."),
    )
    social_value = forms.CharField(
        label=_("Social value commitment (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20_000,
        required=False,
        help_text=_(
            "Used as your answer on social value when you answer a rapid call in one step."
        ),
    )
    price_per_service_user = MoneyField(
        label=_("Price per service user (optional)"),
        required=False,
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages={"invalid": _("Enter the price per service user as a number, like 450")},
    )
    price_per_hour = MoneyField(
        label=_("Price per hour (optional)"),
        required=False,
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages={"invalid": _("Enter the price per hour as a number, like 32.50")},
    )

    def offer_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["delivery_areas"] = [
            area.strip() for area in data["delivery_areas"].replace("\n", ",").split(",")
        ]
        return data
