"""Contract pages: the register, a contract with its performance records, ratings and
changes, and the forms that record, confirm, dispute, rate, answer, vary and terminate.

Each view parses input, calls one service or selector, and renders. A contract is 'not
found' for anyone who is not a party to it (the selectors); who may do what is the
services' business. The views only hide buttons a person could not use.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opendps.contracts import selectors, services
from opendps.contracts.forms import (
    ConfirmForm,
    ContractChangeForm,
    DisputeForm,
    PerformanceRecordForm,
    RatingForm,
    ReplyForm,
)
from opendps.contracts.models import Contract
from opendps.contracts.selectors import ContractStatus, contract_status
from opendps.core.errors import NotPermitted
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest

BUYER_ONLY = gettext_lazy("Only the buyer's people can do that on this contract.")
SUPPLIER_ONLY = gettext_lazy("Only the supplier's people can do that on this contract.")
PARTIES_ONLY = gettext_lazy("Only the buyer or the supplier of this contract can do that.")

STATUS_TAGS = {
    ContractStatus.ACTIVE: "govuk-tag--green",
    ContractStatus.ENDED: "govuk-tag--grey",
    ContractStatus.TERMINATED: "govuk-tag--red",
}


def status_tag(contract: Contract) -> dict[str, str]:
    status = contract_status(contract)
    return {"text": str(ContractStatus.LABELS[status]), "classes": STATUS_TAGS[status]}


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _contract(request: AuthedRequest, contract_id: int) -> Contract:
    return selectors.contract_get(request.user, contract_id=contract_id)


def _require_party(request: AuthedRequest, contract: Contract, side: str | None = None) -> str:
    party = selectors.party_of(request.user, contract)
    if party is None or (side is not None and party != side):
        message = {"buyer": BUYER_ONLY, "supplier": SUPPLIER_ONLY}.get(side or "", PARTIES_ONLY)
        raise NotPermitted(message)
    return party


@login_required
@require_GET
def contract_list(request: AuthedRequest) -> HttpResponse:
    contracts = list(selectors.contract_list(request.user))
    return render(
        request,
        "contracts/list.html",
        {"title": _("Contracts"), "contracts": contracts, "status_tag": status_tag},
    )


def _detail(request: AuthedRequest, contract: Contract, form: Any = None, status: int = 200) -> Any:
    party = selectors.party_of(request.user, contract)
    return render(
        request,
        "contracts/detail.html",
        {
            "title": contract.call.title,
            "contract": contract,
            "party": party,
            "status": status_tag(contract),
            "is_terminated": contract.terminated_at is not None,
            "records": list(contract.performance.all()),
            "ratings": list(contract.ratings.all()),
            "changes": list(contract.changes.all()),
            "commitments": (contract.commitments or {}).get("social_value", {}),
            "criteria_names": {c.get("key"): c.get("name") for c in contract.call.criteria},
            "form": form,
        },
        status=status,
    )


@login_required
@require_GET
def contract_detail(request: AuthedRequest, contract_id: int) -> HttpResponse:
    return _detail(request, _contract(request, contract_id))


@login_required
@require_http_methods(["GET", "POST"])
def performance_new(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = _contract(request, contract_id)
    _require_party(request, contract)
    form = PerformanceRecordForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record = call_service(
            form,
            lambda: services.performance_record(
                actor=request.user,
                contract=contract,
                kind=data["kind"],
                metric=data["metric"],
                quantity=data["quantity"],
                target=data["target"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                note=data["note"],
            ),
        )
        if record is not None:
            messages.success(
                request, _("Record saved. The other party has been asked to confirm it.")
            )
            return redirect("contracts:detail", contract.pk)
    return render(
        request,
        "contracts/record_form.html",
        {"title": _("Record performance"), "contract": contract, "form": form},
    )


@login_required
@require_POST
def performance_confirm(request: AuthedRequest, contract_id: int, record_id: int) -> HttpResponse:
    record = selectors.performance_record_get(
        request.user, contract_id=contract_id, record_id=record_id
    )
    form = ConfirmForm(request.POST)
    done = call_service(
        form, lambda: services.performance_confirm(actor=request.user, record=record)
    )
    if done is None:
        return _detail(request, _contract(request, contract_id), form=form, status=400)
    messages.success(request, _("Record confirmed."))
    return redirect("contracts:detail", contract_id)


@login_required
@require_http_methods(["GET", "POST"])
def performance_dispute(request: AuthedRequest, contract_id: int, record_id: int) -> HttpResponse:
    record = selectors.performance_record_get(
        request.user, contract_id=contract_id, record_id=record_id
    )
    _require_party(request, record.contract)
    form = DisputeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            lambda: services.performance_dispute(
                actor=request.user, record=record, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, _("Record disputed. The other party can see your reason."))
            return redirect("contracts:detail", contract_id)
    return render(
        request,
        "contracts/dispute_form.html",
        {
            "title": _("Dispute a record"),
            "contract": record.contract,
            "record": record,
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rating_new(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = _contract(request, contract_id)
    _require_party(request, contract, "buyer")
    form = RatingForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        rating = call_service(
            form,
            lambda: services.rating_give(
                actor=request.user,
                contract=contract,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            ),
        )
        if rating is not None:
            messages.success(request, _("Rating saved. The supplier can read and answer it."))
            return redirect("contracts:detail", contract.pk)
    return render(
        request,
        "contracts/rating_form.html",
        {"title": _("Rate the supplier's performance"), "contract": contract, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rating_reply(request: AuthedRequest, contract_id: int, rating_id: int) -> HttpResponse:
    rating = selectors.rating_get(request.user, contract_id=contract_id, rating_id=rating_id)
    _require_party(request, rating.contract, "supplier")
    form = ReplyForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            lambda: services.rating_reply(
                actor=request.user, rating=rating, reply=form.cleaned_data["reply"]
            ),
        )
        if done is not None:
            messages.success(request, _("Your answer has been added to the rating."))
            return redirect("contracts:detail", contract_id)
    return render(
        request,
        "contracts/reply_form.html",
        {
            "title": _("Answer the rating"),
            "contract": rating.contract,
            "rating": rating,
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_change(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = _contract(request, contract_id)
    _require_party(request, contract, "buyer")
    form = ContractChangeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        change = call_service(
            form,
            lambda: services.contract_change(
                actor=request.user,
                contract=contract,
                kind=data["kind"],
                reason=data["reason"],
                value=data["value"] if data["kind"] == "variation" else None,
                ends_on=data["ends_on"] if data["kind"] == "variation" else None,
            ),
        )
        if change is not None:
            messages.success(
                request,
                _("Contract terminated.")
                if data["kind"] == "termination"
                else _("Contract varied."),
            )
            return redirect("contracts:detail", contract.pk)
    return render(
        request,
        "contracts/change_form.html",
        {"title": _("Vary or terminate the contract"), "contract": contract, "form": form},
    )
