"""OCDS releases of calls for competition: the tender, its cancellation or closure, the award."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from opendps.competitions.pricing import terms_of
from opendps.publication.call_amendments import published_deadline
from opendps.publication.ocds import (
    Context,
    Kind,
    Process,
    buyer_parties,
    call_method_details,
    category_lot,
    framework_link,
    item,
    london_day_text,
    lot_id,
    moment,
    money,
    organisation_ref,
    party,
    release_base,
    status_release,
)

if TYPE_CHECKING:
    from opendps.competitions.models import Award, Call


def _criteria_text(criteria: list[dict[str, Any]]) -> str:
    return "; ".join(f"{c['name']}: {c['weight']}%" for c in criteria)


def call_tender_release(ctx: Context, call: Call) -> dict[str, Any]:
    """A published call for competition in one category (one lot of the market).

    Never the service user's needs of a rapid call: the selectors do not even load them.
    """
    market = call.market
    assert call.published_at is not None
    release = release_base(ctx, Process.CALL, call.pk, Kind.TENDER, call.pk, call.published_at)
    release["tag"] = ["tender"]
    release["buyer"] = organisation_ref(ctx, call.buyer)
    release["parties"] = buyer_parties(ctx, call.buyer, market)
    tender: dict[str, Any] = {
        "id": f"call-{call.pk}",
        "title": call.title,
        "description": call.requirement,
        "status": "active",
        "items": [_call_item(call)],
        "lots": [category_lot(call.category_id, call.category.title)],
        "value": money(call.estimated_value),
        "procurementMethod": "selective",
        "procurementMethodDetails": call_method_details(market, rapid=call.rapid),
        "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": _criteria_text(call.criteria),
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {
            "startDate": moment(call.published_at),
            "endDate": moment(published_deadline(call)),
        },
        "enquiryPeriod": {
            "startDate": moment(call.published_at),
            "endDate": moment(call.clarification_deadline),
        },
    }
    if market.authority_id != call.buyer_id:
        tender["procuringEntity"] = organisation_ref(ctx, market.authority)
    release["tender"] = tender
    release["relatedProcesses"] = [framework_link(ctx, market)]
    return release


def call_cancellation_release(ctx: Context, call: Call) -> dict[str, Any]:
    """The call was cancelled (the reason, written to the invited suppliers, stays there)."""
    assert call.cancelled_at is not None
    return status_release(
        ctx,
        Process.CALL,
        call.pk,
        Kind.CANCELLATION,
        call.cancelled_at,
        tag="tenderCancellation",
        status="cancelled",
    )


def call_unsuccessful_release(ctx: Context, call: Call) -> dict[str, Any]:
    """The call closed with no compliant tender (the reasons go to the bidders only)."""
    assert call.no_compliant_at is not None
    return status_release(
        ctx,
        Process.CALL,
        call.pk,
        Kind.UNSUCCESSFUL,
        call.no_compliant_at,
        tag="tenderUpdate",
        status="unsuccessful",
    )


def _award_id(award_id: int) -> str:
    return f"award-{award_id}"


def award_release(ctx: Context, award: Award, number_of_tenderers: int) -> dict[str, Any]:
    """The award: the winner, the value and the date, and how many tendered.

    Nothing of the other tenders: not their prices, scores, ranks or names.
    """
    call = award.call
    winner = award.winner.supplier
    release = release_base(ctx, Process.CALL, call.pk, Kind.AWARD, award.pk, award.decided_at)
    release["tag"] = ["award"]
    release["buyer"] = organisation_ref(ctx, call.buyer)
    release["parties"] = [
        *buyer_parties(ctx, call.buyer, call.market),
        party(ctx, winner, ["supplier", "tenderer"]),
    ]
    release["tender"] = {
        "id": f"call-{call.pk}",
        "status": "complete",
        "numberOfTenderers": number_of_tenderers,
        "awardPeriod": {"startDate": moment(call.deadline), "endDate": moment(award.decided_at)},
    }
    entry: dict[str, Any] = {
        "id": _award_id(award.pk),
        "title": call.title,
        # In force once any standstill period has ended (awardStatus codelist: pending).
        "status": "pending" if award.standstill_ends_at is not None else "active",
        "date": moment(award.decided_at),
        # The whole contract's value: for a unit-rate call, the rate times the quantity.
        "value": money(award.contract_value),
        "suppliers": [organisation_ref(ctx, winner)],
        "items": [_call_item(call)],
    }
    if award.standstill_ends_at is not None:
        ends = london_day_text(award.standstill_ends_at)
        entry["description"] = f"The standstill period ends at the end of {ends}."
    release["awards"] = [entry]
    return release


def _call_item(call: Call) -> dict[str, Any]:
    """What a call buys; a unit-rate call says its expected quantity and unit."""
    entry = item(call.market, "1", call.category.service_type or call.category.title)
    entry["relatedLot"] = lot_id(call.category_id)
    terms = terms_of(call)
    if terms.is_unit_rate:
        assert terms.quantity is not None
        entry["quantity"] = float(terms.quantity)
        entry["unit"] = {"name": terms.unit}
    return entry
