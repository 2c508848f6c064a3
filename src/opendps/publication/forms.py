"""The form that records a notice as published on Find a Tender."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opendps.core.notices import REFERENCE_MAX_LENGTH
from opendps.publication.notices import NoticeDueKind
from opendps.web.form_errors import GovukForm


class NoticeRecordForm(GovukForm):
    kind = forms.ChoiceField(choices=NoticeDueKind.choices, widget=forms.HiddenInput)
    call_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reference = forms.CharField(
        label=_("Find a Tender reference"),
        max_length=REFERENCE_MAX_LENGTH,
        error_messages={"required": _("Enter the notice's reference on Find a Tender.")},
    )
