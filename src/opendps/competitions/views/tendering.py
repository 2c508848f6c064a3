"""Tenders: a supplier tendering, its receipts and withdrawing; an opened tender's document."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from opendps.accounts.models import Organisation
from opendps.competitions import selectors, services
from opendps.competitions.criteria import CriterionKind
from opendps.competitions.forms import ConfirmForm, TenderForm
from opendps.competitions.models import Call, StandingOffer, TenderSubmission
from opendps.competitions.opened import SealedFileMissing, unseal_document
from opendps.competitions.services.refusals import TenderAttempt, refusals_audited
from opendps.competitions.status import CallStatus
from opendps.competitions.views.common import (
    _authority_call,
    _opened_tender,
    _posted,
    _supplier_call,
    ms_text,
    time_left,
)
from opendps.core import clock
from opendps.core.errors import DomainError, NotFound
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest
from opendps.web.views.errors import error_page

DOCUMENT_NOT_FOUND = gettext_lazy("Document not found.")
DOCUMENT_GONE_TITLE = gettext_lazy("This document's file is missing")
DOCUMENT_GONE = gettext_lazy(
    "The sealed file of this document is missing from storage, so it cannot be shown. "
    "The rest of the tender is unaffected. Tell the platform's support team."
)
RECEIPT_NOT_FOUND = gettext_lazy("Receipt not found.")


# --- supplier: tendering and receipts -------------------------------------------------------------


def _standing_offer(request: HttpRequest, call: Call, supplier: Organisation) -> Any:
    try:
        offers = selectors.standing_offers_in_category(request.user, category_id=call.category_id)
    except NotFound:
        return None
    return offers.filter(supplier=supplier).first()


def _one_step(call: Call, offer: StandingOffer | None) -> dict[str, Any]:
    """A rapid call can be answered in one step from the standing offer (brokerage)."""
    if offer is None or not call.rapid:
        return {}
    from opendps.brokerage.forms import OfferAnswerForm
    from opendps.competitions.services.offers import standing_offer_rate

    return {"offer_form": OfferAnswerForm(prefix="offer"), "rate": standing_offer_rate(call, offer)}


def _tender_initial(call: Call, offer: StandingOffer | None) -> dict[str, Any]:
    if offer is None:
        return {}
    prices = (
        [offer.price_per_hour, offer.price_per_service_user]
        if call.rapid
        else [offer.price_per_service_user, offer.price_per_hour]
    )
    price = next((p for p in prices if p is not None), None)
    initial: dict[str, Any] = {"price": f"{price:.2f}" if price is not None else ""}
    quality = next((c for c in call.criteria if c["kind"] == CriterionKind.QUALITY), None)
    if quality is not None and offer.description:
        initial[TenderForm.answer_name(quality["key"])] = offer.description
    return initial


def _own_tender(request: AuthedRequest, call: Call, supplier: Organisation) -> Any:
    """The supplier's current tender, unsealed for its own people to change it (audited),
    while the call is open; None otherwise."""
    if call.status != CallStatus.OPEN:  # type: ignore[attr-defined]
        return None
    if selectors.receipt_live_for_supplier(request.user, call=call) is None:
        return None
    try:
        return services.tender_own_read(actor=request.user, call=call, supplier=supplier)
    except DomainError:
        return None


def _changed_initial(call: Call, current: Any) -> dict[str, Any]:
    """A change starts from the current tender: price, answers, notes, every document."""
    initial: dict[str, Any] = {
        "price": f"{current.price:.2f}",
        "notes": current.notes,
        "keep": list(range(len(current.documents))),
    }
    for key, answer in current.answers.items():
        initial[TenderForm.answer_name(key)] = answer
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def tender_submit(request: AuthedRequest, call_id: int) -> HttpResponse:
    call, supplier = _supplier_call(request, call_id)
    offer = _standing_offer(request, call, supplier)
    current = _own_tender(request, call, supplier)
    form = TenderForm(
        _posted(request),
        request.FILES if request.method == "POST" else None,
        criteria=call.criteria,
        current_documents=[d["name"] for d in current.documents] if current else [],
        initial=_changed_initial(call, current) if current else _tender_initial(call, offer),
    )
    if request.method == "POST" and form.is_valid():
        submission = call_service(
            form,
            lambda: services.tender_submit(
                actor=request.user,
                call=call,
                supplier=supplier,
                price=form.cleaned_data["price"],
                answers=form.answers(),
                notes=form.cleaned_data["notes"],
                files=form.cleaned_data["documents"],
                keep_documents=form.cleaned_data["keep"],
            ),
            form.field_for,
        )
        if submission is not None:
            messages.success(request, _("Your tender is received, sealed and signed for."))
            return redirect("competitions:receipt", call.pk, submission.pk)
    price_criterion = next((c for c in call.criteria if c["kind"] == CriterionKind.PRICE), None)
    return render(
        request,
        "competitions/tender.html",
        {
            "title": _("Tender for %(title)s") % {"title": call.title},
            "call": call,
            "supplier": supplier,
            "form": form,
            "is_open": call.status == CallStatus.OPEN,  # type: ignore[attr-defined]
            "offer": None if current else offer,
            "current": current,
            **_one_step(call, offer),
            "price_criterion": price_criterion,
            "live": selectors.receipt_live_for_supplier(request.user, call=call),
            "time_left": time_left(call.deadline),
        },
    )


def _receipt_state(submission: TenderSubmission) -> dict[str, str]:
    if submission.withdrawn_at is not None:
        return {"text": _("Withdrawn"), "classes": "govuk-tag--grey"}
    if submission.superseded_at is not None:
        return {"text": _("Replaced by a later tender"), "classes": "govuk-tag--grey"}
    return {"text": _("Your tender"), "classes": "govuk-tag--green"}


def _receipts_page(
    request: HttpRequest, call: Call, supplier: Organisation, form: Any = None
) -> HttpResponse:
    receipts = list(selectors.receipts_for_supplier(request.user, call_id=call.pk))
    live = next((r for r in receipts if r.withdrawn_at is None and r.superseded_at is None), None)
    return render(
        request,
        "competitions/receipts.html",
        {
            "title": _("Your receipts for %(title)s") % {"title": call.title},
            "call": call,
            "supplier": supplier,
            "rows": [
                {"submission": r, "received": ms_text(r.received_at), "state": _receipt_state(r)}
                for r in receipts
            ],
            "can_withdraw": live is not None and clock.now() < call.deadline,
            "form": form,
        },
    )


@login_required
@require_GET
@refusals_audited(TenderAttempt.READ)
def receipts(request: AuthedRequest, call_id: int) -> HttpResponse:
    call, supplier = _supplier_call(request, call_id)
    return _receipts_page(request, call, supplier)


@login_required
@require_http_methods(["GET", "POST"])
def tender_withdraw(request: AuthedRequest, call_id: int) -> HttpResponse:
    """GET asks "are you sure?"; the confirmation page's button POSTs the withdrawal."""
    call, supplier = _supplier_call(request, call_id)
    if request.method == "GET":
        live = selectors.receipt_live_for_supplier(request.user, call=call)
        if live is None or clock.now() >= call.deadline:
            return redirect("competitions:receipts", call.pk)
        return render(
            request,
            "competitions/withdraw_confirm.html",
            {
                "title": _("Are you sure you want to withdraw your tender?"),
                "call": call,
                "live": live,
                "received": ms_text(live.received_at),
            },
        )
    form = ConfirmForm(request.POST)
    form.is_valid()
    withdrawn = call_service(
        form,
        lambda: services.tender_withdraw(actor=request.user, call=call, supplier=supplier),
    )
    if withdrawn is None:
        return _receipts_page(request, call, supplier, form)
    messages.success(
        request, _("Your tender is withdrawn. You can tender again until the deadline.")
    )
    return redirect("competitions:receipts", call.pk)


def _own_receipt(request: HttpRequest, call_id: int, submission_id: int) -> tuple[Call, Any]:
    call, _supplier_org = _supplier_call(request, call_id)
    submission = (
        selectors.receipts_for_supplier(request.user, call_id=call.pk)
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise NotFound(RECEIPT_NOT_FOUND)
    return call, submission


@login_required
@require_GET
@refusals_audited(TenderAttempt.READ)
def receipt(request: AuthedRequest, call_id: int, submission_id: int) -> HttpResponse:
    call, submission = _own_receipt(request, call_id, submission_id)
    return render(
        request,
        "competitions/receipt.html",
        {
            "title": _("Receipt for your tender"),
            "call": call,
            "submission": submission,
            "received": ms_text(submission.received_at),
            "state": _receipt_state(submission),
        },
    )


@login_required
@require_GET
@refusals_audited(TenderAttempt.READ)
def receipt_download(request: AuthedRequest, call_id: int, submission_id: int) -> HttpResponse:
    """The signed receipt as JSON, for ``opendps receipt verify`` or the API."""
    _call, submission = _own_receipt(request, call_id, submission_id)
    body = json.dumps(
        {"receipt": submission.receipt, "signature": submission.receipt_signature}, indent=2
    )
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="receipt-call-{call_id}-tender-{submission.pk}.json"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- buyer: an opened tender's document -----------------------------------------------------------


@login_required
@require_GET
@refusals_audited(TenderAttempt.DOWNLOAD)
def tender_document(
    request: AuthedRequest, call_id: int, submission_id: int, index: int
) -> HttpResponse:
    """An opened tender's document, decrypted for this response only."""
    call = _authority_call(request, call_id)
    tender, _opened = _opened_tender(request, call, submission_id)
    documents = list(tender.submission.documents.order_by("pk"))
    if not 0 <= index < len(documents) or index >= len(tender.documents):
        raise NotFound(DOCUMENT_NOT_FOUND)
    meta = tender.documents[index]
    try:
        content = unseal_document(call, documents[index], index)
    except SealedFileMissing:
        # Lost from storage (or never copied to this node): say so, not a server error. It is
        # no refused attempt either: the person may read it, the file is simply gone.
        return error_page(request, 410, title=DOCUMENT_GONE_TITLE, detail=DOCUMENT_GONE)
    response = HttpResponse(content, content_type=meta["content_type"])
    response["Content-Disposition"] = f'attachment; filename="{meta["name"]}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
