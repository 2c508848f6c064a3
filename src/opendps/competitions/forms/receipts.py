"""Checking a tender receipt on a page: the receipt JSON pasted or uploaded."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError as SchemaError

from opendps.competitions.schemas import VerifyIn
from opendps.web.form_errors import GovukForm

MAX_RECEIPT_BYTES = 10_000  # a receipt is a few hundred bytes; anything larger is not one

RECEIPT_MISSING = _("Paste the receipt, or choose the receipt file")
RECEIPT_BOTH = _("Paste the receipt or choose the receipt file, not both")
RECEIPT_FILE_TOO_LARGE = _("The receipt file must be smaller than 10 KB")
RECEIPT_NOT_JSON = _("The receipt must be the JSON file downloaded from the receipt page")
RECEIPT_NOT_A_RECEIPT = _(
    "The receipt must hold the receipt (call_id, supplier_id, submission_id, received_at, "
    "sealed_sha256 and documents) and its signature, exactly as downloaded"
)


class ReceiptVerifyForm(GovukForm):
    receipt_text = forms.CharField(
        label=_("Paste the receipt"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=MAX_RECEIPT_BYTES,
        help_text=_("The whole JSON, from { to }."),
        error_messages={"max_length": RECEIPT_FILE_TOO_LARGE},
    )
    receipt_file = forms.FileField(
        label=_("Or choose the receipt file"),
        required=False,
        help_text=_("The receipt-….json file you downloaded."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = (data.get("receipt_text") or "").strip()
        upload = data.get("receipt_file")
        if self.errors:
            return data
        if text and upload:
            self.add_error("receipt_text", RECEIPT_BOTH)
            return data
        field = "receipt_file" if upload else "receipt_text"
        if upload:
            if (upload.size or 0) > MAX_RECEIPT_BYTES:
                self.add_error(field, RECEIPT_FILE_TOO_LARGE)
                return data
            raw: bytes | str = upload.read()
        elif text:
            raw = text
        else:
            self.add_error("receipt_text", RECEIPT_MISSING)
            return data
        try:
            document = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):
            self.add_error(field, RECEIPT_NOT_JSON)
            return data
        try:
            data["verify"] = VerifyIn.model_validate(document)
        except SchemaError:
            self.add_error(field, ValidationError(RECEIPT_NOT_A_RECEIPT))
        return data
