"""Membership pages' forms: questionnaires built from their data, decisions, member actions.

A questionnaire form only parses answers into the shape the service takes (and says which
required question is blank, all at once); the service checks every answer again and
decides. Messages reuse the questionnaire's own constants, so a page and the API say the
same thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from opendps.accounts.models import Organisation
from opendps.markets.forms import DateField
from opendps.markets.models import Category
from opendps.markets.questionnaire import (
    ANSWER_NOT_A_CHOICE,
    ANSWER_REQUIRED,
    ANSWER_TOO_LONG,
    FILE_REQUIRED,
    MAX_TEXT_ANSWER,
)
from opendps.membership.models import EvidenceKind, Outcome
from opendps.membership.services import NO_CATEGORY_CHOSEN
from opendps.web.form_errors import GovukForm

FILE_EMPTY = _("The selected file is empty.")
REASON_FOR_FAILED = _("Give a reason: this answer failed the automatic check.")
CHOOSE_OUTCOME = _("Choose whether to admit or reject the supplier")
REASON_REQUIRED = _("Enter a reason")
DEBARMENT_WHO = _("Choose a supplier, or enter the name of the organisation to debar")
EVIDENCE_NOT_IN_LOCKER = _("Choose a document from your own evidence locker")
ANSWER_LENGTH = 40  # a number, as typed


def _messages(message: Any, question: dict[str, Any]) -> str:
    return str(message) % {"question": question["text"]}


def question_field(question: dict[str, Any]) -> forms.Field:
    """The form field that takes an answer to ``question`` (questionnaire data)."""
    kind = question["kind"]
    required = bool(question.get("required", True))
    errors = {"required": _messages(ANSWER_REQUIRED, question)}
    label = question["text"]  # names the question in any other message
    if kind in {"yes_no", "choice"}:
        choices = (
            [("yes", _("Yes")), ("no", _("No"))]
            if kind == "yes_no"
            else [(choice, choice[:1].upper() + choice[1:]) for choice in question["choices"]]
        )
        errors["invalid_choice"] = _messages(ANSWER_NOT_A_CHOICE, question)
        return forms.ChoiceField(
            label=label,
            choices=choices,
            widget=forms.RadioSelect,
            required=required,
            error_messages=errors,
        )
    if kind == "file":
        return forms.FileField(
            label=label,
            required=required,
            error_messages={"required": _messages(FILE_REQUIRED, question), "empty": FILE_EMPTY},
        )
    if kind == "number":
        return forms.CharField(
            label=label, required=required, max_length=ANSWER_LENGTH, error_messages=errors
        )
    errors["max_length"] = _messages(ANSWER_TOO_LONG, question)
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT_ANSWER,
        widget=forms.Textarea,
        error_messages=errors,
    )


class QuestionsForm(GovukForm):
    """Answers to a list of questions, one field per question, named by question id."""

    def __init__(self, *args: Any, questions: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[question["id"]] = question_field(question)

    def answers(self) -> dict[str, Any]:
        return {
            question["id"]: self.cleaned_data[question["id"]]
            for question in self.questions
            if question["kind"] != "file"
            and self.cleaned_data.get(question["id"]) not in ("", None)
        }

    def uploads(self) -> dict[str, UploadedFile]:
        return {
            question["id"]: self.cleaned_data[question["id"]]
            for question in self.questions
            if question["kind"] == "file" and self.cleaned_data.get(question["id"])
        }

    def field_for(self, error_data: dict[str, Any], files: Iterable[tuple[str, Any]]) -> str | None:
        """The question a service's error is about: named by its text or id, or by the
        name of the file uploaded for it."""
        named = error_data.get("question")
        for question in self.questions:
            if named is not None and named in (question["text"], question["id"]):
                return str(question["id"])
        file_name = error_data.get("name")
        if file_name:
            for question_id, upload in files:
                if str(upload.name or "").replace("\\", "/").rsplit("/", 1)[-1][:60] == file_name:
                    return question_id
        return None


class CategoriesForm(GovukForm):
    category = forms.TypedMultipleChoiceField(
        label=_("Which categories do you want to join?"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": NO_CATEGORY_CHOSEN},
    )

    def __init__(self, *args: Any, categories: Iterable[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.TypedMultipleChoiceField = self.fields["category"]  # type: ignore[assignment]
        field.choices = [(category.pk, category.title) for category in categories]


class DecisionForm(GovukForm):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Outcome.ADMITTED.value, _("Admit")), (Outcome.REJECTED.value, _("Reject"))],
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_OUTCOME},
    )
    note = forms.CharField(
        label=_("Note to the supplier (optional)"),
        widget=forms.Textarea,
        required=False,
        max_length=10_000,
    )

    def __init__(
        self,
        *args: Any,
        questions: list[dict[str, Any]],
        auto_failed: Iterable[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        failed = set(auto_failed)
        self.questions = questions
        for question in questions:
            self.fields[self.reason_name(question["id"])] = forms.CharField(
                label=_("Reason (shown to the supplier)"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=question["id"] in failed,
                max_length=10_000,
                error_messages={"required": REASON_FOR_FAILED},
            )

    @staticmethod
    def reason_name(question_id: str) -> str:
        return f"reason_{question_id}"

    def reasons(self) -> dict[str, str]:
        return {
            question["id"]: self.cleaned_data[self.reason_name(question["id"])]
            for question in self.questions
            if self.cleaned_data.get(self.reason_name(question["id"]), "").strip()
        }


class ExtendForm(GovukForm):
    extension_reason = forms.CharField(
        label=_("Why does the assessment need longer?"),
        widget=forms.Textarea,
        max_length=5000,
        help_text=_("The reason is recorded, and the supplier can see the new date."),
        error_messages={"required": _("Enter the reason for the extension")},
    )


class SuspendForm(GovukForm):
    suspend_reason = forms.CharField(
        label=_("Reason for suspending"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("The supplier is told this reason."),
        error_messages={"required": REASON_REQUIRED},
    )


class ReinstateForm(GovukForm):
    reinstate_reason = forms.CharField(
        label=_("Reason for reinstating"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": REASON_REQUIRED},
    )


class RemoveForm(GovukForm):
    remove_reason = forms.CharField(
        label=_("Reason for removing"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("The supplier is told this reason."),
        error_messages={"required": REASON_REQUIRED},
    )
    exclusion = forms.BooleanField(
        label=_("The supplier is removed because an exclusion ground applies"), required=False
    )


class DeclarationRequestForm(GovukForm):
    """Asking for a renewed self-declaration has nothing to fill in."""


class DebarmentForm(GovukForm):
    supplier = forms.ModelChoiceField(
        label=_("Supplier on OpenDPS (optional)"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Not on OpenDPS"),
    )
    name = forms.CharField(
        label=_("Organisation name (if not on OpenDPS)"), max_length=200, required=False
    )
    registration_number = forms.CharField(
        label=_("Companies House or charity number (optional)"), max_length=32, required=False
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": REASON_REQUIRED},
    )
    ends_at = DateField(
        label=_("Debarment ends (optional)"),
        required=False,
        help_text=_("Leave blank if it lasts until it is lifted."),
    )

    def __init__(self, *args: Any, suppliers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["supplier"]  # type: ignore[assignment]
        field.queryset = suppliers

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("supplier") and not (data.get("name") or "").strip():
            self.add_error("supplier", DEBARMENT_WHO)
        return data


class LiftForm(GovukForm):
    debarment = forms.IntegerField(widget=forms.HiddenInput)
    lift_reason = forms.CharField(
        label=_("Reason for lifting the debarment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": REASON_REQUIRED},
    )


class SectionForm(QuestionsForm):
    """One section of a draft application. A file question already answered (a kept file
    or a locker document) needs no new file; each file question may take a locker document
    instead of an upload."""

    def __init__(
        self,
        *args: Any,
        questions: list[dict[str, Any]],
        kept: Iterable[str],
        locker: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, questions=questions, **kwargs)
        kept_ids = set(kept)
        self.locker_ids = {pk for pk, _text in locker}
        for question in questions:
            if question["kind"] != "file":
                continue
            if question["id"] in kept_ids:
                self.fields[question["id"]].required = False
            if locker:
                self.fields[self.locker_name(question["id"])] = forms.TypedChoiceField(
                    label=_("Or use a document from your evidence locker"),
                    choices=[("", _("Do not use the locker"))] + [(pk, t) for pk, t in locker],
                    coerce=int,
                    empty_value=None,
                    required=False,
                    error_messages={"invalid_choice": EVIDENCE_NOT_IN_LOCKER},
                )
                # A locker document answers the question as a file would.
                self.fields[question["id"]].required = False
        self.file_required = {
            q["id"]
            for q in questions
            if q["kind"] == "file" and q.get("required", True) and q["id"] not in kept_ids
        }

    @staticmethod
    def locker_name(question_id: str) -> str:
        return f"locker_{question_id}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for question in self.questions:
            qid = question["id"]
            missing = qid in self.file_required and not data.get(qid)
            if missing and not data.get(self.locker_name(qid)) and qid not in self.errors:
                self.add_error(qid, _messages(FILE_REQUIRED, question))
        return data

    def locker_choices(self) -> dict[str, int]:
        """File question id → the chosen locker document's id."""
        return {
            question["id"]: self.cleaned_data[self.locker_name(question["id"])]
            for question in self.questions
            if question["kind"] == "file"
            and getattr(self, "cleaned_data", {}).get(self.locker_name(question["id"]))
        }

    def typed_answers(self) -> dict[str, str]:
        """The answers as typed, valid or not, so a page with errors loses nothing."""
        return {
            question["id"]: self.data.get(question["id"], "")
            for question in self.questions
            if question["kind"] != "file" and question["id"] in self.data
        }

    def good_uploads(self) -> dict[str, UploadedFile]:
        """The files that passed the form's checks, even when another answer did not."""
        cleaned = getattr(self, "cleaned_data", {})
        return {
            question["id"]: cleaned[question["id"]]
            for question in self.questions
            if question["kind"] == "file" and cleaned.get(question["id"])
        }


class EvidenceForm(GovukForm):
    """A document for the evidence locker: its kind, a name, the file, when it expires."""

    kind = forms.ChoiceField(
        label=_("What kind of document is it?"),
        choices=EvidenceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of document it is")},
    )
    title = forms.CharField(
        label=_("Name of the document"),
        max_length=200,
        help_text=_("For example, Employer's liability insurance 2027 to 2028."),
        error_messages={"required": _("Enter a name for the document")},
    )
    file = forms.FileField(
        label=_("The file"),
        help_text=_("A PDF, Word, OpenDocument, Excel, PNG or JPEG file smaller than 10 MB."),
        error_messages={"required": _("Choose the file"), "empty": FILE_EMPTY},
    )
    expires_on = DateField(
        label=_("Valid until (optional)"),
        required=False,
        help_text=_("The last day it is valid, such as the end of an insurance policy."),
        error_messages={"invalid": _("Enter the date the document is valid until as a real date")},
    )
