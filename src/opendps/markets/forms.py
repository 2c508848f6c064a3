"""Market pages' forms: parse and validate input; the services decide and write.

Dates are GOV.UK date inputs (day, month, year). A period of validity starts at the
beginning of its first London day and ends at the end of its last one, so a person who
types "31 3 2028" means the whole of 31 March.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from opendps.core.calendar import LONDON, end_of_london_day, london_date
from opendps.markets.models import Market
from opendps.regimes import RegimeCode
from opendps.web.form_errors import GovukForm
from opendps.web.forms import MoneyField

T = TypeVar("T")

DATE_INVALID = _("Enter a real date, for example 27 3 2028")
MONTH_INVALID = _("Enter a real month and year, for example 3 2028")

# Fields only one regime asks for; the page reveals them under that regime's radio and
# the form passes on only those of the regime chosen.
PCR_ONLY = ("first_period_ends_at",)
PA_ONLY = ("assessment_working_days", "supplier_fee_percent")


class DateInput(forms.MultiWidget):
    """Text boxes named ``<name>_<part>``, one per part: day, month and year."""

    parts: tuple[str, ...] = ("day", "month", "year")

    def __init__(self) -> None:
        super().__init__({part: forms.TextInput for part in self.parts})

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [getattr(value, part) for part in self.parts]
        return [None] * len(self.parts)


class DateField(forms.Field):
    """A calendar date from a GOV.UK date input (the first of the month when the widget
    asks for no day)."""

    widget = DateInput
    govuk_kind = "date"

    def _parts(self) -> tuple[str, ...]:
        return self.widget.parts  # type: ignore[attr-defined, no-any-return]

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        typed = [str(part or "").strip() for part in (value or [])]
        if not any(typed):
            return None
        try:
            numbers = dict(zip(self._parts(), (int(part) for part in typed), strict=True))
            if numbers["year"] < 1000:
                raise ValueError(numbers["year"])
            return date(numbers["year"], numbers["month"], numbers.get("day", 1))
        except (TypeError, ValueError):
            fallback = DATE_INVALID if "day" in self._parts() else MONTH_INVALID
            message = self.error_messages.get("invalid", fallback)
            raise ValidationError(message, code="invalid") from None

    def prepare_value(self, value: Any) -> list[str]:
        """What the boxes show: the typed text, or the parts of a date."""
        parts = self._parts()
        if isinstance(value, date):
            return [str(getattr(value, part)) for part in parts]
        if isinstance(value, list | tuple) and len(value) == len(parts):
            return ["" if part is None else str(part) for part in value]
        return [""] * len(parts)


def start_of_london_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def _required(message: Any) -> dict[str, Any]:
    return {"required": message}


def _split_list(text: str) -> list[str]:
    return [item.strip() for item in text.replace("\n", ",").split(",") if item.strip()]


class RegimeForm(GovukForm):
    """The first question when setting up a market: which rules, so that the next page asks
    only for that regime's own settings."""

    regime = forms.ChoiceField(
        label=_("Which rules will the market run under?"),
        choices=RegimeCode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the rules the market runs under"),
            "invalid_choice": _("Choose the rules the market runs under"),
        },
    )


class MarketForm(GovukForm):
    """Set up a market (``regime`` is asked only when creating: it cannot change)."""

    regime = forms.ChoiceField(
        label=_("Which rules will the market run under?"),
        choices=RegimeCode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the rules the market runs under"),
            "invalid_choice": _("Choose the rules the market runs under"),
        },
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages=_required(_("Enter a title"))
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea,
        max_length=20_000,
        error_messages=_required(_("Enter a description")),
        help_text=_("What will be bought, for whom, and how calls for competition will run."),
    )
    title_cy = forms.CharField(label=_("Title in Welsh (optional)"), max_length=200, required=False)
    description_cy = forms.CharField(
        label=_("Description in Welsh (optional)"),
        widget=forms.Textarea,
        max_length=20_000,
        required=False,
        help_text=_("Welsh pages show the English where this is empty."),
    )
    cpv_codes = forms.CharField(
        label=_("CPV codes"),
        max_length=2000,
        help_text=_("Separate codes with commas, for example 79600000-0, 85312000-9."),
        error_messages=_required(_("Enter at least one CPV code")),
    )
    estimated_value = MoneyField(
        label=_("Estimated total value"),
        max_digits=14,
        decimal_places=2,
        help_text=_("In pounds, for the whole period of validity."),
        error_messages={
            "required": _("Enter the estimated total value"),
            "invalid": _("Enter the estimated total value as a number, like 1500000"),
        },
    )
    estimated_purchases = forms.IntegerField(
        label=_("Estimated number of purchases"),
        min_value=0,
        max_value=2_147_483_647,
        error_messages={
            "required": _("Enter the estimated number of purchases"),
            "invalid": _("Enter the estimated number of purchases as a whole number"),
        },
    )
    validity_starts_at = DateField(
        label=_("Period of validity starts"),
        error_messages=_required(_("Enter the date the period of validity starts")),
    )
    validity_ends_at = DateField(
        label=_("Period of validity ends"),
        help_text=_("The market closes at the end of this day."),
        error_messages=_required(_("Enter the date the period of validity ends")),
    )
    first_period_ends_at = DateField(
        label=_("First period for requests to participate ends (optional)"),
        required=False,
        help_text=_(
            "At least 30 days after the contract notice. Leave blank to use the shortest "
            "period the law allows, counted from when you publish."
        ),
    )
    assessment_working_days = forms.IntegerField(
        label=_("Working days to assess an application (optional)"),
        required=False,
        min_value=1,
        max_value=250,
        help_text=_("A reasonable period. Leave blank for the default of 10 working days."),
    )
    supplier_fee_percent = forms.DecimalField(
        label=_("Fee charged to suppliers awarded a contract (optional)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        help_text=_("A percentage of the contract's value. Leave blank for no fee."),
    )
    light_touch = forms.BooleanField(
        label=_("Light-touch services (social, health or employment services)"), required=False
    )
    vulnerable_people = forms.BooleanField(
        label=_("The services reach vulnerable people (adds safeguarding questions)"),
        required=False,
    )
    dual_opening = forms.BooleanField(
        label=_("Two officers must approve opening tenders"), required=False
    )

    def __init__(self, *args: Any, market: Market | None = None, **kwargs: Any) -> None:
        if market is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(market)
        super().__init__(*args, **kwargs)
        self.market = market
        if market is not None:
            del self.fields["regime"]

    @staticmethod
    def initial_for(market: Market) -> dict[str, Any]:
        def day(moment: datetime | None) -> date | None:
            return london_date(moment) if moment else None

        return {
            "title": market.title,
            "description": market.description,
            "title_cy": market.title_cy,
            "description_cy": market.description_cy,
            "cpv_codes": ", ".join(market.cpv_codes),
            "estimated_value": market.estimated_value,
            "estimated_purchases": market.estimated_purchases,
            "validity_starts_at": day(market.validity_starts_at),
            "validity_ends_at": day(market.validity_ends_at),
            "first_period_ends_at": day(market.first_period_ends_at),
            "assessment_working_days": market.assessment_working_days,
            "supplier_fee_percent": market.supplier_fee_percent,
            "light_touch": market.light_touch,
            "vulnerable_people": market.vulnerable_people,
            "dual_opening": market.dual_opening,
        }

    def chosen_regime(self) -> str:
        if self.market is not None:
            return str(self.market.regime)
        cleaned = getattr(self, "cleaned_data", {})
        return str(cleaned.get("regime") or self.data.get("regime") or "")

    def market_fields(self) -> dict[str, Any]:
        """The service's keyword arguments, with only the chosen regime's own fields."""
        data = dict(self.cleaned_data)
        data.pop("regime", None)
        data["cpv_codes"] = _split_list(data["cpv_codes"])
        data["validity_starts_at"] = start_of_london_day(data["validity_starts_at"])
        data["validity_ends_at"] = end_of_london_day(data["validity_ends_at"])
        first = data.get("first_period_ends_at")
        data["first_period_ends_at"] = end_of_london_day(first) if first else None
        regime = self.chosen_regime()
        dropped = PA_ONLY if regime == RegimeCode.PCR2015_DPS else PCR_ONLY
        for name in dropped:
            data[name] = None
        return data


class CategoryForm(GovukForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages=_required(_("Enter a title for the category")),
    )
    description = forms.CharField(
        label=_("Description (optional)"), widget=forms.Textarea, required=False, max_length=5000
    )
    title_cy = forms.CharField(label=_("Title in Welsh (optional)"), max_length=200, required=False)
    description_cy = forms.CharField(
        label=_("Description in Welsh (optional)"),
        widget=forms.Textarea,
        required=False,
        max_length=5000,
    )
    service_type = forms.CharField(
        label=_("Service type (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example 1-2-1 coaching, or home care."),
    )
    areas = forms.CharField(
        label=_("Geographic areas (optional)"),
        max_length=2000,
        required=False,
        help_text=_("Separate areas with commas, for example Cardiff, Newport."),
    )
    max_contract_value = MoneyField(
        label=_("Maximum contract value (optional)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        help_text=_("In pounds. Leave blank for no maximum."),
        error_messages={"invalid": _("Enter the maximum contract value as a number")},
    )

    def category_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["areas"] = _split_list(data["areas"])
        return data


class ConfirmForm(GovukForm):
    """A button with nothing to fill in (publishing): errors from the service land here."""


class ValidityForm(GovukForm):
    validity_ends_at = DateField(
        label=_("New end of the period of validity"),
        help_text=_("The market closes at the end of this day."),
        error_messages=_required(_("Enter the new end date")),
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        widget=forms.Textarea,
        max_length=5000,
        help_text=_("This is published in the notice of the change."),
        error_messages=_required(_("Enter the reason for the change")),
    )

    def new_end(self) -> datetime:
        return end_of_london_day(self.cleaned_data["validity_ends_at"])


class CeaseForm(GovukForm):
    reason = forms.CharField(
        label=_("Why is the market ending?"),
        widget=forms.Textarea,
        max_length=5000,
        help_text=_("This is published in the notice."),
        error_messages=_required(_("Enter the reason the market is ending")),
    )
