"""Anyone checks a tender receipt: the platform's signature and that the tender is held."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opendps.competitions.forms.receipts import ReceiptVerifyForm
from opendps.competitions.receipts import receipt_check
from opendps.core.sealing import signing_public_key_b64


@require_http_methods(["GET", "POST"])
def receipt_verify(request: HttpRequest) -> HttpResponse:
    """The page twin of ``opendps receipt verify`` and ``POST /api/v1/receipts/verify``."""
    posted = request.method == "POST"
    form = ReceiptVerifyForm(request.POST if posted else None, request.FILES if posted else None)
    result: dict[str, Any] | None = None
    if posted and form.is_valid():
        verify = form.cleaned_data["verify"]
        check = receipt_check(verify.receipt.model_dump(), verify.signature)
        result = {"check": check, "receipt": verify.receipt}
    return render(
        request,
        "competitions/receipt_verify.html",
        {
            "title": _("Check a tender receipt"),
            "form": form,
            "result": result,
            "public_key": signing_public_key_b64(),
        },
    )
