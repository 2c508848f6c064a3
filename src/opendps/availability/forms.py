"""The authority's incident policy form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opendps.web.form_errors import GovukForm


def _whole(text: Any) -> dict[str, Any]:
    return {"required": text, "invalid": text, "min_value": text, "max_value": text}


class IncidentPolicyForm(GovukForm):
    threshold_percent = forms.IntegerField(
        label=_("Share of failed tender submissions that counts as degraded (%)"),
        min_value=1,
        max_value=100,
        error_messages=_whole(_("Enter the share as a whole number from 1 to 100")),
    )
    window_hours = forms.IntegerField(
        label=_("Hours before a deadline that are watched"),
        min_value=1,
        max_value=48,
        error_messages=_whole(_("Enter the hours watched as a whole number from 1 to 48")),
    )
    extension_hours = forms.IntegerField(
        label=_("Hours added to the deadline"),
        min_value=1,
        max_value=168,
        error_messages=_whole(_("Enter the hours added as a whole number from 1 to 168")),
    )
