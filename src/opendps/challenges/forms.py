"""Challenge pages' forms: parse and check input; the challenge services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from opendps.challenges.models import ChallengeOutcome, Remedy
from opendps.regimes.challenges import ChallengeRules
from opendps.web.form_errors import GovukForm


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class RaiseForm(GovukForm):
    grounds = forms.CharField(
        label=_("Grounds of the challenge"),
        widget=forms.Textarea,
        max_length=20_000,
        help_text=_(
            "Say why the decision is wrong: what the authority missed or got wrong, and "
            "what you want it to do."
        ),
        error_messages={"required": _("Enter the grounds of the challenge")},
    )
    # Read from request.FILES by the view (several files); checked by the service.
    documents = forms.FileField(
        label=_("Supporting documents (optional)"),
        required=False,
        widget=MultipleFileInput,
        help_text=_(
            "Up to 5 files: PDF, Word, OpenDocument, Excel, PNG or JPEG, each up to 10 MB."
        ),
    )


class AcknowledgeForm(GovukForm):
    note = forms.CharField(
        label=_("Message to the supplier (optional)"),
        widget=forms.Textarea,
        required=False,
        max_length=20_000,
    )


class ReviewForm(GovukForm):
    note = forms.CharField(
        label=_("How is the decision being reviewed?"),
        widget=forms.Textarea,
        max_length=20_000,
        help_text=_("For example, who is reviewing it and what they will look at again."),
        error_messages={"required": _("Describe the review")},
    )


class ProceedingsForm(GovukForm):
    note = forms.CharField(
        label=_("Court proceedings issued"),
        widget=forms.Textarea,
        max_length=20_000,
        help_text=_("Which court, the claim number, and when you were told."),
        error_messages={"required": _("Describe the proceedings")},
    )


class OutcomeForm(GovukForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=ChallengeOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome")},
    )
    reasons = forms.CharField(
        label=_("Reasons for the outcome"),
        widget=forms.Textarea,
        max_length=20_000,
        help_text=_("The supplier reads these reasons."),
        error_messages={"required": _("Enter the reasons for the outcome")},
    )
    remedy = forms.ChoiceField(
        label=_("Remedy"),
        choices=Remedy.choices,
        widget=forms.RadioSelect,
        initial=Remedy.NONE,
        error_messages={"required": _("Choose the remedy")},
    )

    def __init__(self, *args: Any, remedies: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = {Remedy.NONE.value, *remedies}
        field = self.fields["remedy"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(v, label) for v, label in Remedy.choices if v in allowed]


class RemedyForm(GovukForm):
    note = forms.CharField(
        label=_("How was the remedy carried out?"),
        widget=forms.Textarea,
        max_length=20_000,
        error_messages={"required": _("Describe how the remedy was carried out")},
    )


class TimeLimitsForm(GovukForm):
    acknowledge_working_days = forms.IntegerField(
        label=_("Working days to acknowledge a challenge (optional)"),
        required=False,
        min_value=1,
    )
    decision_working_days = forms.IntegerField(
        label=_("Working days to decide a challenge (optional)"),
        required=False,
        min_value=1,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules = ChallengeRules()
        for name, days in (
            ("acknowledge_working_days", rules.CHALLENGE_ACKNOWLEDGE_WORKING_DAYS),
            ("decision_working_days", rules.CHALLENGE_DECISION_WORKING_DAYS),
        ):
            self.fields[name].help_text = gettext(
                "Leave empty for the default of %(days)s working days."
            ) % {"days": days}
