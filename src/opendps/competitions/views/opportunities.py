"""Find opportunities: published calls anyone can search, signed in or not."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from opendps.competitions import public
from opendps.markets.forms import DateField
from opendps.publication.ocds import Context, Process
from opendps.regimes.base import RegimeCode
from opendps.web.form_errors import GovukForm
from opendps.web.jinja import localised_text
from opendps.web.pagination import paginate

CPV_INVALID = gettext_lazy("Enter a CPV code as digits, for example 85300000 or 853")


class OpportunitySearchForm(GovukForm):
    text = forms.CharField(label=gettext_lazy("Search"), max_length=100, required=False)
    region = forms.CharField(label=gettext_lazy("Region or area"), max_length=100, required=False)
    cpv = forms.RegexField(
        label=gettext_lazy("CPV code"),
        regex=r"^\d{2,8}(-\d)?$",
        required=False,
        help_text=gettext_lazy("The whole code or its first digits, for example 853"),
        error_messages={"invalid": CPV_INVALID},
    )
    category = forms.TypedChoiceField(label=gettext_lazy("Category"), coerce=int, required=False)
    buyer = forms.TypedChoiceField(label=gettext_lazy("Buyer"), coerce=int, required=False)
    regime = forms.ChoiceField(label=gettext_lazy("Rules"), required=False)
    closes_by = DateField(label=gettext_lazy("Closing on or before"), required=False)

    def __init__(
        self,
        *args: Any,
        buyers: list[tuple[int, str]],
        categories: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Any category")), *(categories or [])]  # type: ignore[attr-defined]
        self.fields["buyer"].choices = [("", _("Any buyer")), *buyers]  # type: ignore[attr-defined]
        self.fields["regime"].choices = [("", _("Either")), *RegimeCode.choices]  # type: ignore[attr-defined]

    def search(self) -> public.OpportunityFilter:
        if not self.is_valid():
            return public.OpportunityFilter()
        data = self.cleaned_data
        return public.OpportunityFilter(
            text=data["text"].strip(),
            region=data["region"].strip(),
            cpv=data["cpv"],
            buyer_id=data["buyer"] if data["buyer"] not in ("", None) else None,
            category_id=data["category"] if data.get("category") not in ("", None) else None,
            regime=data["regime"],
            closes_by=data.get("closes_by"),
        )


@require_GET
def opportunity_list(request: HttpRequest) -> HttpResponse:
    form = OpportunitySearchForm(
        request.GET if request.GET else None,
        buyers=public.opportunity_buyers(),
        categories=public.opportunity_categories(),
    )
    listing = paginate(request, public.opportunity_list(filters=form.search()))
    return render(
        request,
        "competitions/opportunities.html",
        {
            "title": _("Find opportunities"),
            "form": form if form.is_bound else None,
            "search_form": form,
            "listing": listing,
            "value_band": public.value_band,
        },
    )


@require_GET
def opportunity_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    call = public.opportunity_get(call_id=call_id)
    return render(
        request,
        "competitions/opportunity.html",
        {
            "title": localised_text(call, "title"),
            "call": call,
            "band": public.value_band(call.estimated_value),
            "award": public.award_for_call(call_id=call.pk),
            "contract": public.contract_for_call(call_id=call.pk),
            "record_url": _record_url(call.pk),
            "regime": RegimeCode(call.market.regime).label,
        },
    )


class AwardSearchForm(GovukForm):
    text = forms.CharField(label=gettext_lazy("Search"), max_length=100, required=False)

    def search(self) -> public.AwardFilter:
        if not self.is_valid():
            return public.AwardFilter()
        return public.AwardFilter(text=self.cleaned_data["text"].strip())


@require_GET
def award_list(request: HttpRequest) -> HttpResponse:
    form = AwardSearchForm(request.GET if request.GET else None)
    listing = paginate(request, public.award_list(filters=form.search()))
    return render(
        request,
        "competitions/awards_public.html",
        {
            "title": _("Contracts awarded"),
            "search_form": form,
            "listing": listing,
            "record_url": lambda award: _record_url(award.call_id),
        },
    )


def _record_url(call_id: int) -> str:
    """The call's OCDS record: the machine-readable version of its public page."""
    ctx = Context.from_settings()
    return ctx.record_url(ctx.ocid(Process.CALL, call_id))
