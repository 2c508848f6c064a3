"""Forms of a call: the call itself, planned calls, reasons, questions and answers."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from opendps.competitions.criteria import criteria_parse
from opendps.competitions.forms.common import (
    KIND_LABELS,
    MonthField,
    TimeField,
    london_moment,
    money_field,
    required_error,
)
from opendps.competitions.pricing import PriceBasis, PriceUnit
from opendps.competitions.services.calls import CLARIFICATION_BEFORE_DEADLINE
from opendps.core.calendar import LONDON
from opendps.core.errors import DomainError
from opendps.markets.forms import DateField
from opendps.web.form_errors import GovukForm

TIME_REQUIRED = _("Enter the time")
DEADLINE_DATE_REQUIRED = _("Enter the date of the deadline for tenders")
QUESTION_TIME_WITHOUT_DATE = _("Enter the date of the deadline for questions, or clear its time")
QUESTION_DATE_WITHOUT_TIME = _("Enter the time of the deadline for questions")
ROW_INCOMPLETE = _("Give criterion %(row)s a name, a kind and a weight, or clear it")
NO_CRITERIA = _("Give at least one award criterion")
WEIGHT_INVALID = _("Enter the weight as a number from 0 to 100")
REASON_REQUIRED = _("Enter a reason")
KEY_PATTERN = re.compile(r"^[a-z0-9_]{1,30}$")
CRITERIA_ROWS = 5
UNIT_REQUIRED = _("Choose what the rate is per")
QUANTITY_INVALID = _("Enter the expected quantity as a number more than 0, like 520")


def _key_from_name(name: str, row: int, taken: set[str]) -> str:
    """``Social value`` → ``social_value``; a name of other letters → ``criterion_2``."""
    key = slugify(name).replace("-", "_")[:30].strip("_")
    if not KEY_PATTERN.match(key) or key in taken:
        key = f"criterion_{row + 1}"
    return key


class CallForm(GovukForm):
    """A draft call in one category, with its criteria editor (a fixed number of rows)."""

    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages=required_error(_("Enter a title"))
    )
    requirement = forms.CharField(
        label=_("What do you need?"),
        widget=forms.Textarea,
        max_length=20_000,
        help_text=_("What the supplier must deliver, where, when and for how many people."),
        error_messages=required_error(_("Describe the requirement")),
    )
    title_cy = forms.CharField(label=_("Title in Welsh (optional)"), max_length=200, required=False)
    requirement_cy = forms.CharField(
        label=_("What do you need, in Welsh (optional)"),
        widget=forms.Textarea,
        max_length=20_000,
        required=False,
        help_text=_("Welsh pages show the English where this is empty."),
    )
    estimated_value = money_field(
        _("Estimated value"), help_text=_("In pounds, for the whole contract.")
    )
    price_basis = forms.ChoiceField(
        label=_("How will suppliers price their tenders?"),
        choices=PriceBasis.choices,
        initial=PriceBasis.TOTAL,
        widget=forms.RadioSelect,
        required=False,  # a total price unless the unit-rate choice is made
    )
    price_unit = forms.ChoiceField(
        label=_("Rate per"),
        choices=[("", _("Choose a unit")), *PriceUnit.choices],
        required=False,
    )
    expected_quantity = forms.DecimalField(
        label=_("Expected quantity over the whole contract"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=9,
        decimal_places=2,
        help_text=_(
            "The number of units the contract is expected to need, for example 10 hours a "
            "week for 52 weeks is 520. The contract's value is the rate times this."
        ),
        error_messages={
            "invalid": QUANTITY_INVALID,
            "min_value": QUANTITY_INVALID,
            "max_digits": QUANTITY_INVALID,
            "max_decimal_places": QUANTITY_INVALID,
            "max_whole_digits": QUANTITY_INVALID,
        },
    )
    region = forms.CharField(
        label=_("Region or area (optional)"),
        max_length=100,
        required=False,
        help_text=_("For example Leeds, or the district LS6."),
    )
    deadline_date = DateField(
        label=_("Deadline for tenders"),
        error_messages=required_error(DEADLINE_DATE_REQUIRED),
    )
    deadline_time = TimeField(
        label=_("Time of the deadline (London time)"),
        help_text=_("For example, 12:00 or 5pm"),
        error_messages=required_error(TIME_REQUIRED),
    )
    question_date = DateField(
        label=_("Deadline for questions (optional)"),
        required=False,
        help_text=_("Leave blank to stop questions three quarters of the way to the deadline."),
    )
    question_time = TimeField(
        label=_("Time of the deadline for questions (London time, optional)"),
        required=False,
        help_text=_("For example, 12:00 or 5pm"),
    )
    rapid = forms.BooleanField(
        label=_("This is a rapid light-touch call for one service user"), required=False
    )
    service_user_needs = forms.CharField(
        label=_("The service user's needs (anonymised)"),
        widget=forms.Textarea,
        max_length=5000,
        required=False,
        help_text=_(
            "Describe needs only: no names, contact details, full postcodes or dates of birth. "
            "A district such as LS6 is fine."
        ),
    )
    acceptance_hours = forms.IntegerField(
        label=_("Hours the winning provider has to accept the placement (optional)"),
        required=False,
        min_value=1,
        max_value=72,
        help_text=_(
            "If it declines or does not answer in time, the next-ranked compliant tender is "
            "offered the placement. Leave empty to make the contract at the award."
        ),
        error_messages={
            "invalid": _("Enter the hours to accept as a whole number from 1 to 72"),
            "min_value": _("Enter the hours to accept as a whole number from 1 to 72"),
            "max_value": _("Enter the hours to accept as a whole number from 1 to 72"),
        },
    )
    agreed_period_hours = forms.IntegerField(
        label=_("Shorter period agreed with all members, in hours (optional)"),
        required=False,
        min_value=1,
        max_value=24 * 60,
        help_text=_(
            "Only for a sub-central authority that has agreed a shorter time for tenders "
            "with every member of the category."
        ),
        error_messages={"invalid": _("Enter the agreed period as a whole number of hours")},
    )

    def __init__(self, *args: Any, rows: int = CRITERIA_ROWS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        kinds = [("", _("Choose a kind"))] + [(k.value, label) for k, label in KIND_LABELS.items()]
        for row in range(rows):
            self.fields[f"criterion_{row}_key"] = forms.CharField(
                label=_("Key"), max_length=30, required=False
            )
            self.fields[f"criterion_{row}_name"] = forms.CharField(
                label=_("Name"), max_length=200, required=False
            )
            self.fields[f"criterion_{row}_kind"] = forms.ChoiceField(
                label=_("Kind"), choices=kinds, required=False
            )
            self.fields[f"criterion_{row}_weight"] = forms.DecimalField(
                label=_("Weight (%)"),
                required=False,
                min_value=Decimal("0"),
                max_value=Decimal("100"),
                max_digits=5,
                decimal_places=2,
                error_messages={
                    "invalid": WEIGHT_INVALID,
                    "min_value": WEIGHT_INVALID,
                    "max_value": WEIGHT_INVALID,
                },
            )

    @staticmethod
    def initial_criteria(criteria: list[dict[str, Any]]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for row, criterion in enumerate(criteria):
            for part in ("key", "name", "kind", "weight"):
                initial[f"criterion_{row}_{part}"] = criterion[part]
        return initial

    @classmethod
    def initial_from_call(cls, call: Any) -> dict[str, Any]:
        """The form's boxes filled from a draft call, to change it."""
        deadline = call.deadline.astimezone(LONDON)
        questions = call.clarification_deadline.astimezone(LONDON)
        initial: dict[str, Any] = {
            name: getattr(call, name)
            for name in (
                "title",
                "requirement",
                "estimated_value",
                "price_basis",
                "price_unit",
                "expected_quantity",
                "region",
                "rapid",
                "service_user_needs",
                "agreed_period_hours",
                "acceptance_hours",
                "title_cy",
                "requirement_cy",
            )
            if hasattr(call, name)
        }
        return (
            initial
            | cls.initial_criteria(call.criteria)
            | {
                "deadline_date": deadline.date(),
                "deadline_time": deadline.strftime("%H:%M"),
                "question_date": questions.date(),
                "question_time": questions.strftime("%H:%M"),
            }
        )

    def criteria_rows(self) -> list[dict[str, Any]]:
        """The bound fields of each row, for the template."""
        return [
            {
                "number": row + 1,
                **{
                    part: self[f"criterion_{row}_{part}"]
                    for part in ("key", "name", "kind", "weight")
                },
            }
            for row in range(self.rows)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        criteria: list[dict[str, Any]] = []
        for row in range(self.rows):
            names = {part: f"criterion_{row}_{part}" for part in ("key", "name", "kind", "weight")}
            if any(name in self.errors for name in names.values()):
                continue
            values = {part: data.get(name) for part, name in names.items()}
            texts = {part: str(value or "").strip() for part, value in values.items()}
            if not any(texts.values()):
                continue
            if not all(texts[part] for part in ("name", "kind", "weight")):
                missing = next(part for part in ("name", "kind", "weight") if not texts[part])
                self.add_error(names[missing], ROW_INCOMPLETE % {"row": row + 1})
                continue
            # The key is the criterion's name for machines (the API, stored scores): people
            # never see or type it (issue 15). Kept when valid, else made from the name.
            if not KEY_PATTERN.match(texts["key"]):
                texts["key"] = _key_from_name(texts["name"], row, {str(c["key"]) for c in criteria})
            criteria.append(
                {
                    "key": texts["key"],
                    "name": texts["name"],
                    "kind": texts["kind"],
                    "weight": values["weight"],
                }
            )
        if not criteria and not any(name.startswith("criterion_") for name in self.errors):
            self.add_error("criterion_0_name", NO_CRITERIA)
        elif criteria and not any(name.startswith("criterion_") for name in self.errors):
            # The weights' rules are pure: say so in this round, beside every other box's
            # error, not in a second round after the service refuses (issue 15).
            try:
                criteria_parse(criteria)
            except DomainError as error:
                self.add_error(
                    CALL_ERROR_FIELDS.get(error.code or "", "criterion_0_name"), str(error)
                )
        data["criteria"] = criteria
        if data.get("price_basis") == PriceBasis.UNIT_RATE:
            if not data.get("price_unit"):
                self.add_error("price_unit", UNIT_REQUIRED)
            if data.get("expected_quantity") is None and "expected_quantity" not in self.errors:
                self.add_error("expected_quantity", QUANTITY_INVALID)
        question_date, question_time = data.get("question_date"), data.get("question_time")
        if question_time and not question_date and "question_date" not in self.errors:
            self.add_error("question_date", QUESTION_TIME_WITHOUT_DATE)
        if question_date and not question_time and "question_time" not in self.errors:
            self.add_error("question_time", QUESTION_DATE_WITHOUT_TIME)
        return data

    def call_fields(self) -> dict[str, Any]:
        """The keyword arguments of ``services.call_create`` (less actor and category).

        The needs box is revealed under the rapid call checkbox; what is typed there counts
        only when the box is ticked, as the page shows it.
        """
        data = self.cleaned_data
        question = (
            london_moment(data["question_date"], data["question_time"])
            if data.get("question_date") and data.get("question_time")
            else None
        )
        return {
            "title": data["title"],
            "requirement": data["requirement"],
            "title_cy": data.get("title_cy", ""),
            "requirement_cy": data.get("requirement_cy", ""),
            "estimated_value": data["estimated_value"],
            "region": data["region"],
            "deadline": london_moment(data["deadline_date"], data["deadline_time"]),
            "clarification_deadline": question,
            "criteria": data["criteria"],
            "rapid": bool(data["rapid"]),
            "service_user_needs": data["service_user_needs"] if data["rapid"] else "",
            "agreed_period_hours": data["agreed_period_hours"],
            "acceptance_hours": data.get("acceptance_hours") if data["rapid"] else None,
            # The unit and quantity are revealed under the unit-rate choice: they count only
            # when it is chosen, as the page shows it.
            **self._price_terms(data),
        }

    @staticmethod
    def _price_terms(data: dict[str, Any]) -> dict[str, Any]:
        if data.get("price_basis") != PriceBasis.UNIT_RATE:
            return {"price_basis": PriceBasis.TOTAL}
        return {
            "price_basis": PriceBasis.UNIT_RATE,
            "price_unit": data["price_unit"],
            "expected_quantity": data["expected_quantity"],
        }


class PlannedCallForm(GovukForm):
    category = forms.TypedChoiceField(
        label=_("Category"),
        coerce=int,
        error_messages={
            "required": _("Choose the category"),
            "invalid_choice": _("Choose the category"),
        },
    )
    planned_title = forms.CharField(
        label=_("What you expect to buy"),
        max_length=200,
        error_messages=required_error(_("Enter what you expect to buy")),
    )
    expected_month = MonthField(
        label=_("Expected month"),
        error_messages=required_error(_("Enter the month you expect to make the call")),
    )
    planned_value = money_field(_("Estimated value"))
    planned_region = forms.CharField(
        label=_("Region or area (optional)"), max_length=100, required=False
    )

    def __init__(self, *args: Any, categories: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.TypedChoiceField = self.fields["category"]  # type: ignore[assignment]
        field.choices = [("", _("Choose a category")), *categories]


class ReasonForm(GovukForm):
    """Cancelling a call, closing it with no compliant tender, excluding a tender."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages=required_error(REASON_REQUIRED),
    )

    def __init__(self, *args: Any, label: Any = None, hint: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["reason"].label = label
        if hint is not None:
            self.fields["reason"].help_text = hint


class ConfirmForm(GovukForm):
    """A button with nothing to fill in (publish, open, contract): service errors land here."""


class QuestionForm(GovukForm):
    question = forms.CharField(
        label=_("Your question"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_(
            "The question and its answer are shared with every invited supplier, without "
            "saying who asked."
        ),
        error_messages=required_error(_("Write the question")),
    )


class AnswerForm(GovukForm):
    answer = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        help_text=_("Every invited supplier is sent the question and this answer."),
        error_messages=required_error(_("Write the answer")),
    )


CALL_ERROR_FIELDS = {
    "not_anonymised": "service_user_needs",
    "needs_only_for_rapid": "service_user_needs",
    "acceptance_hours_invalid": "acceptance_hours",
    "rapid_not_light_touch": "rapid",
    "criteria_invalid": "criterion_0_name",
    "weights": "criterion_0_weight",
    "one_price": "criterion_0_kind",
    "keys_unique": "criterion_0_name",
    "social_value_out_of_range": "criterion_0_weight",
    "price_basis_invalid": "expected_quantity",
}


def call_error_field(error: DomainError) -> str | None:
    """The box of the call form a refusal from ``call_create`` is about."""
    if str(error.message) == str(CLARIFICATION_BEFORE_DEADLINE):
        return "question_date"
    return CALL_ERROR_FIELDS.get(error.code)
