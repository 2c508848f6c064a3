"""Competition pages' forms: parse input into the shape the services take.

The services decide and write; a form only says what it cannot parse (a date that does
not exist, a weight that is not a number, a score that was not chosen). Times are London
times: a buyer types "12 3 2027" and "17:00" and means five o'clock in London that day,
GMT or BST, whichever is in force then.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from opendps.competitions.criteria import CriterionKind
from opendps.competitions.services.calls import CLARIFICATION_BEFORE_DEADLINE
from opendps.competitions.services.tenders import MAX_DOCUMENTS
from opendps.core.calendar import LONDON
from opendps.core.errors import DomainError
from opendps.markets.forms import DateField, DateInput

T = TypeVar("T")

TIME_INVALID = _("Enter a real time, for example 17:00 or 5pm")
TIME_REQUIRED = _("Enter the time")
DEADLINE_DATE_REQUIRED = _("Enter the date of the deadline for tenders")
QUESTION_TIME_WITHOUT_DATE = _("Enter the date of the deadline for questions, or clear its time")
QUESTION_DATE_WITHOUT_TIME = _("Enter the time of the deadline for questions")
KEY_INVALID = _("Use lower-case letters, numbers and underscores for the key, like social_value")
ROW_INCOMPLETE = _("Give criterion %(row)s a key, a name, a kind and a weight, or clear it")
NO_CRITERIA = _("Give at least one award criterion")
WEIGHT_INVALID = _("Enter the weight as a number from 0 to 100")
REASON_REQUIRED = _("Enter a reason")
MONTH_INVALID = _("Enter a real month and year, for example 9 2027")
TOO_MANY_DOCUMENTS = _("Attach at most %(count)s documents")
CHOOSE_SCORE = _("Choose a score for %(supplier)s against %(criterion)s")
GIVE_REASON = _("Give the reason for the score of %(supplier)s against %(criterion)s")
REASON_WITHOUT_SCORE = _(
    "Choose a score for %(supplier)s against %(criterion)s, or clear its reason"
)
CHOOSE_CONFLICT = _("Say whether you have a conflict of interest")
CONFLICT_DETAILS = _("Describe the conflict of interest")

KEY_PATTERN = re.compile(r"^[a-z0-9_]{1,30}$")
TWELVE_HOUR = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s*m\.?$")
TWENTY_FOUR_HOUR = re.compile(r"^(\d{1,2})[:.](\d{2})$")
CRITERIA_ROWS = 5

KIND_LABELS = {
    CriterionKind.PRICE: _("Price"),
    CriterionKind.QUALITY: _("Quality"),
    CriterionKind.SOCIAL_VALUE: _("Social value"),
}
SCORE_LABELS = {
    0: _("0 – Unacceptable"),
    1: _("1 – Poor"),
    2: _("2 – Acceptable"),
    3: _("3 – Good"),
    4: _("4 – Excellent"),
}


def parse_time(text: str) -> time:
    """A time of day as people type it: 17:00, 17.00, 5pm, 5:30pm, midday or midnight."""
    value = text.strip().lower()
    if value in {"midday", "noon", "12 midday"}:
        return time(12, 0)
    if value in {"midnight", "12 midnight"}:
        return time(0, 0)
    twelve = TWELVE_HOUR.match(value)
    twenty_four = TWENTY_FOUR_HOUR.match(value)
    if twelve is not None:
        hour, minute = int(twelve.group(1)), int(twelve.group(2) or 0)
        if not 1 <= hour <= 12:
            raise ValidationError(TIME_INVALID, code="invalid")
        hour = hour % 12 + (12 if twelve.group(3) == "p" else 0)
    elif twenty_four is not None:
        hour, minute = int(twenty_four.group(1)), int(twenty_four.group(2))
    else:
        raise ValidationError(TIME_INVALID, code="invalid")
    if hour > 23 or minute > 59:
        raise ValidationError(TIME_INVALID, code="invalid")
    return time(hour, minute)


def london_moment(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=LONDON)


class TimeField(forms.CharField):
    """A time of day typed into one box (GOV.UK has no time input component)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> time | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        return parse_time(text)


class MonthInput(DateInput):
    """Two boxes (month, year) named ``<name>_month`` and ``<name>_year``."""

    parts = ("month", "year")


class MonthField(DateField):
    """The first day of a month typed as month and year."""

    widget = MonthInput
    default_error_messages = {"invalid": MONTH_INVALID}


def _required(message: Any) -> dict[str, Any]:
    return {"required": message}


def _money(label: Any, *, required: bool = True, **extra: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages={
            "required": _("Enter the estimated value"),
            "invalid": _("Enter the amount in pounds as a number, like 5000"),
            "max_decimal_places": _("Enter the amount in pounds and pence, like 5000.50"),
            "min_value": _("Enter an amount of 0 or more"),
        },
        **extra,
    )


# --- calls -----------------------------------------------------------------------------------


class CallForm(forms.Form):
    """A draft call in one category, with its criteria editor (a fixed number of rows)."""

    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages=_required(_("Enter a title"))
    )
    requirement = forms.CharField(
        label=_("What do you need?"),
        widget=forms.Textarea,
        max_length=20_000,
        help_text=_("What the supplier must deliver, where, when and for how many people."),
        error_messages=_required(_("Describe the requirement")),
    )
    estimated_value = _money(
        _("Estimated value"), help_text=_("In pounds, for the whole contract.")
    )
    region = forms.CharField(
        label=_("Region or area (optional)"),
        max_length=100,
        required=False,
        help_text=_("For example Leeds, or the district LS6."),
    )
    deadline_date = DateField(
        label=_("Deadline for tenders"),
        error_messages=_required(DEADLINE_DATE_REQUIRED),
    )
    deadline_time = TimeField(
        label=_("Time of the deadline (London time)"),
        help_text=_("For example, 12:00 or 5pm"),
        error_messages=_required(TIME_REQUIRED),
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
        criteria = []
        for row in range(self.rows):
            names = {part: f"criterion_{row}_{part}" for part in ("key", "name", "kind", "weight")}
            if any(name in self.errors for name in names.values()):
                continue
            values = {part: data.get(name) for part, name in names.items()}
            texts = {part: str(value or "").strip() for part, value in values.items()}
            if not any(texts.values()):
                continue
            if not all(texts.values()):
                missing = next(
                    part for part in ("key", "name", "kind", "weight") if not texts[part]
                )
                self.add_error(names[missing], ROW_INCOMPLETE % {"row": row + 1})
                continue
            if not KEY_PATTERN.match(texts["key"]):
                self.add_error(names["key"], KEY_INVALID)
                continue
            criteria.append(
                {
                    "key": texts["key"],
                    "name": texts["name"],
                    "kind": texts["kind"],
                    "weight": values["weight"],
                }
            )
        if not criteria and not any(name.startswith("criterion_") for name in self.errors):
            self.add_error("criterion_0_key", NO_CRITERIA)
        data["criteria"] = criteria
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
            "estimated_value": data["estimated_value"],
            "region": data["region"],
            "deadline": london_moment(data["deadline_date"], data["deadline_time"]),
            "clarification_deadline": question,
            "criteria": data["criteria"],
            "rapid": bool(data["rapid"]),
            "service_user_needs": data["service_user_needs"] if data["rapid"] else "",
            "agreed_period_hours": data["agreed_period_hours"],
        }


class PlannedCallForm(forms.Form):
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
        error_messages=_required(_("Enter what you expect to buy")),
    )
    expected_month = MonthField(
        label=_("Expected month"),
        error_messages=_required(_("Enter the month you expect to make the call")),
    )
    planned_value = _money(_("Estimated value"))
    planned_region = forms.CharField(
        label=_("Region or area (optional)"), max_length=100, required=False
    )

    def __init__(self, *args: Any, categories: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.TypedChoiceField = self.fields["category"]  # type: ignore[assignment]
        field.choices = [("", _("Choose a category")), *categories]


class ReasonForm(forms.Form):
    """Cancelling a call, closing it with no compliant tender, excluding a tender."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages=_required(REASON_REQUIRED),
    )

    def __init__(self, *args: Any, label: Any = None, hint: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["reason"].label = label
        if hint is not None:
            self.fields["reason"].help_text = hint


class ConfirmForm(forms.Form):
    """A button with nothing to fill in (publish, open, contract): service errors land here."""


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Your question"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_(
            "The question and its answer are shared with every invited supplier, without "
            "saying who asked."
        ),
        error_messages=_required(_("Write the question")),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        help_text=_("Every invited supplier is sent the question and this answer."),
        error_messages=_required(_("Write the answer")),
    )


# --- tenders -----------------------------------------------------------------------------------


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


class TenderForm(forms.Form):
    """A tender: a price, an answer per non-price criterion, notes and documents.

    The price is kept as typed: the service reads pounds ("£1,250.00" too) and says what
    it cannot read, so the page and the API refuse the same things in the same words.
    """

    price = forms.CharField(
        label=_("Your price"),
        max_length=30,
        error_messages=_required(_("Enter your price")),
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

    def __init__(self, *args: Any, criteria: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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
        if error.code.startswith("file_") or error.data.get("count") == MAX_DOCUMENTS:
            return "documents"
        named = error.data.get("criterion")
        for criterion in self.criteria:
            if named == criterion["name"]:
                return self.answer_name(criterion["key"])
        return None


class StandingOfferForm(forms.Form):
    description = forms.CharField(
        label=_("Service description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20_000,
        error_messages=_required(_("Describe the service you offer")),
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
    price_per_service_user = forms.DecimalField(
        label=_("Price per service user (optional)"),
        required=False,
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages={"invalid": _("Enter the price per service user as a number, like 450")},
    )
    price_per_hour = forms.DecimalField(
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


# --- evaluation --------------------------------------------------------------------------------


class ConflictForm(forms.Form):
    has_conflict = forms.ChoiceField(
        label=_("Do you have a conflict of interest with any of the bidders?"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_CONFLICT, "invalid_choice": CHOOSE_CONFLICT},
    )
    details = forms.CharField(
        label=_("If you have a conflict, describe it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("has_conflict") == "yes" and not (data.get("details") or "").strip():
            self.add_error("details", CONFLICT_DETAILS)
        return data


class ScoresForm(forms.Form):
    """A score (0–4) and a reason for each compliant tender against each scored criterion.

    One form for an evaluator's scoresheet and for the moderator's consensus: ``complete``
    asks for every score and reason (submitting a sheet, recording the consensus).
    """

    def __init__(
        self,
        *args: Any,
        tenders: list[Any],
        criteria: list[dict[str, Any]],
        complete: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.complete = complete
        self.cells: list[dict[str, Any]] = []
        choices = [(str(score), label) for score, label in SCORE_LABELS.items()]
        for tender in tenders:
            submission = tender.submission
            for criterion in criteria:
                if criterion["kind"] == CriterionKind.PRICE:
                    continue
                score_name = f"score_{submission.pk}_{criterion['key']}"
                reason_name = f"reason_{submission.pk}_{criterion['key']}"
                self.fields[score_name] = forms.ChoiceField(
                    label=_("Score"), choices=choices, widget=forms.RadioSelect, required=False
                )
                self.fields[reason_name] = forms.CharField(
                    label=_("Reason for the score of %(supplier)s: %(criterion)s")
                    % {"supplier": submission.supplier.name, "criterion": criterion["name"]},
                    widget=forms.Textarea(attrs={"rows": 3}),
                    max_length=10_000,
                    required=False,
                )
                self.cells.append(
                    {
                        "submission_id": submission.pk,
                        "supplier": submission.supplier.name,
                        "criterion": criterion,
                        "answer": tender.answers.get(criterion["key"], ""),
                        "score": score_name,
                        "reason": reason_name,
                    }
                )

    @staticmethod
    def initial_from(scores: Mapping[str, Any]) -> dict[str, Any]:
        initial = {}
        for submission_id, by_criterion in scores.items():
            for key, item in by_criterion.items():
                if item.get("score") is not None:
                    initial[f"score_{submission_id}_{key}"] = str(item["score"])
                initial[f"reason_{submission_id}_{key}"] = item.get("reason", "")
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for cell in self.cells:
            names = {"supplier": cell["supplier"], "criterion": cell["criterion"]["name"]}
            score = data.get(cell["score"])
            reason = (data.get(cell["reason"]) or "").strip()
            if self.complete and not score:
                self.add_error(cell["score"], CHOOSE_SCORE % names)
            elif self.complete and not reason:
                self.add_error(cell["reason"], GIVE_REASON % names)
            elif reason and not score:
                self.add_error(cell["score"], REASON_WITHOUT_SCORE % names)
        return data

    def scores(self) -> dict[str, dict[str, dict[str, Any]]]:
        """{submission id: {criterion key: {"score", "reason"}}} for the cells scored."""
        result: dict[str, dict[str, dict[str, Any]]] = {}
        for cell in self.cells:
            score = self.cleaned_data.get(cell["score"])
            if not score:
                continue
            result.setdefault(str(cell["submission_id"]), {})[cell["criterion"]["key"]] = {
                "score": int(score),
                "reason": self.cleaned_data.get(cell["reason"], ""),
            }
        return result


class AwardForm(forms.Form):
    voluntary_standstill = forms.BooleanField(
        label=_("Hold a voluntary standstill period before entering into the contract"),
        required=False,
    )


CALL_ERROR_FIELDS = {
    "not_anonymised": "service_user_needs",
    "needs_only_for_rapid": "service_user_needs",
    "rapid_not_light_touch": "rapid",
    "criteria_invalid": "criterion_0_key",
    "weights": "criterion_0_weight",
    "one_price": "criterion_0_kind",
    "keys_unique": "criterion_0_key",
    "social_value_out_of_range": "criterion_0_weight",
}


def call_error_field(error: DomainError) -> str | None:
    """The box of the call form a refusal from ``call_create`` is about."""
    if str(error.message) == str(CLARIFICATION_BEFORE_DEADLINE):
        return "question_date"
    return CALL_ERROR_FIELDS.get(error.code)
