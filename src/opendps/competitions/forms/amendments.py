"""Forms for changes after publishing: a new deadline with its reason, a notice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opendps.competitions.forms.common import TimeField, london_moment, required_error
from opendps.markets.forms import DateField
from opendps.web.form_errors import GovukForm


class DeadlineChangeForm(GovukForm):
    deadline_date = DateField(
        label=_("New deadline for tenders"),
        error_messages=required_error(_("Enter the date of the new deadline for tenders")),
    )
    deadline_time = TimeField(
        label=_("Time of the new deadline (London time)"),
        help_text=_("For example, 12:00 or 5pm"),
        error_messages=required_error(_("Enter the time of the new deadline")),
    )
    reason = forms.CharField(
        label=_("Why is the deadline changing?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_(
            "Every invited supplier is sent this reason, and it is published in the open "
            "data as the amendment's rationale: do not describe a service user."
        ),
        error_messages=required_error(_("Enter the reason for the change")),
    )

    def new_deadline(self) -> datetime:
        data: dict[str, Any] = self.cleaned_data
        return london_moment(data["deadline_date"], data["deadline_time"])


class NoticeForm(GovukForm):
    text = forms.CharField(
        label=_("Notice to every invited supplier"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        help_text=_(
            "For example a correction to the specification. Every invited supplier is "
            "emailed the notice; it is also shown on the call's page. It is not published."
        ),
        error_messages=required_error(_("Write the notice")),
    )


class CallDocumentForm(GovukForm):
    kind = forms.ChoiceField(
        label=_("Which document is it?"),
        choices=[
            ("specification", _("Specification")),
            ("pricing_schedule", _("Pricing schedule")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the specification or the pricing schedule")},
    )
    file = forms.FileField(
        label=_("The document"),
        help_text=_(
            "A PDF, Word, OpenDocument or Excel file of up to 10 MB. A document of the same "
            "kind is replaced. Only your authority and the invited suppliers can read it."
        ),
        error_messages={"required": _("Choose the file to upload")},
    )
