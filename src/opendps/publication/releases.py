"""OCDS 1.1 releases, built at read time from the platform's immutable rows.

Nothing here is stored: each release is a pure function of one row (a market notice, a
published call, its cancellation or closure, an award, a contract, its variations and
termination, a confirmed performance record, a planned call) and the
rows it points to, so the same data always gives the same release, with a stable ``id`` of
the form ``{ocid}-{kind}-{row id}`` and the event's moment as its ``date``.

What is never published (DESIGN.md §2 step 8, issue 6): tender content, prices and scores
of unsuccessful bidders (not even their names: only ``numberOfTenderers``), a service
user's needs, reasons written to bidders, and any person's name, email or phone. The
querysets in ``publication.selectors`` defer those columns, so they are not even read.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from opendps.competitions.pricing import terms_of
from opendps.contracts.models import ChangeKind, MetricKind
from opendps.core.calendar import end_of_london_day
from opendps.markets.models import NoticeKind
from opendps.publication.call_amendments import published_deadline
from opendps.publication.ocds import (
    Context,
    Kind,
    Process,
    buyer_parties,
    call_method_details,
    category_lot,
    day_start,
    day_text,
    framework_link,
    item,
    london_day_text,
    lot_id,
    moment,
    money,
    month_start,
    number,
    organisation_ref,
    parse_moment,
    party,
    regime_text,
    release_base,
)

if TYPE_CHECKING:
    from opendps.competitions.models import Award, Call, PlannedCall
    from opendps.contracts.models import Contract, ContractChange, PerformanceRecord
    from opendps.markets.models import Category, MarketNotice


# --- markets ------------------------------------------------------------------------------


def _notice_state(notice: MarketNotice) -> tuple[str, str, datetime, str | None]:
    """(tag, tender status, end of the period of validity, amendment text) of a notice.

    The end comes from the notice's own data, so a later change never rewrites it.
    """
    market = notice.market
    data = notice.data or {}
    if notice.kind in {NoticeKind.CONTRACT_NOTICE, NoticeKind.ESTABLISHED}:
        ends = data.get("validity_ends_at")
        return "tender", "active", parse_moment(ends) if ends else market.validity_ends_at, None
    # PCR 2015 has no "ceased" notice: ceasing a DPS publishes a change to the period of
    # validity that carries the moment it ceased.
    if notice.kind == NoticeKind.CEASED or "ceased_at" in data:
        ceased = data.get("ceased_at")
        ends = parse_moment(ceased) if ceased else (market.ceased_at or notice.published_at)
        text = (
            f"The market ceased on {london_day_text(ends)}: no further calls for "
            "competition will be made under it."
        )
        return "tenderAmendment", "complete", ends, text
    new_end = data.get("to")
    ends = parse_moment(new_end) if new_end else market.validity_ends_at
    text = f"The period of validity now ends on {london_day_text(ends)}."
    if data.get("from"):
        text = (
            f"The period of validity was changed to end on {london_day_text(ends)} "
            f"instead of {london_day_text(parse_moment(data['from']))}."
        )
    return "tenderAmendment", "active", ends, text


def _lots(categories: list[Category], status: str) -> list[dict[str, Any]]:
    lots = []
    for category in categories:
        lot: dict[str, Any] = {"id": lot_id(category.pk), "title": category.title}
        description = category.description.strip()
        if category.areas:
            areas = "Areas: " + ", ".join(category.areas) + "."
            description = f"{description}\n{areas}" if description else areas
        if description:
            lot["description"] = description
        lot["status"] = status
        lots.append(lot)
    return lots


def market_notice_release(ctx: Context, notice: MarketNotice) -> dict[str, Any]:
    """A market notice: PCR contract notice or change to the period of validity; PA
    dynamic market notice established, modified or ceased (s 39)."""
    market = notice.market
    tag, status, ends, amendment = _notice_state(notice)
    categories = list(market.categories.all())
    label, admission = regime_text(market.regime)
    assert market.published_at is not None  # a notice exists only once published
    release = release_base(
        ctx, Process.MARKET, market.pk, Kind.NOTICE, notice.pk, notice.published_at
    )
    release["tag"] = [tag]
    release["buyer"] = organisation_ref(ctx, market.authority)
    release["parties"] = [party(ctx, market.authority, ["buyer"])]
    tender: dict[str, Any] = {
        "id": f"market-{market.pk}",
        "title": market.title,
        "description": market.description,
        "status": status,
        "items": [
            item(market, lot_id(c.pk), c.service_type or c.title) | {"relatedLot": lot_id(c.pk)}
            for c in categories
        ],
        "value": money(market.estimated_value),
        "procurementMethod": "selective",
        "procurementMethodDetails": label,
        "mainProcurementCategory": "services",
        "submissionMethod": ["electronicSubmission"],
        "submissionMethodDetails": ctx.url(reverse("markets:detail", args=[market.pk])),
        "eligibilityCriteria": admission,
        # Suppliers may ask to join at any time while the market runs.
        "tenderPeriod": {"startDate": moment(market.published_at), "endDate": moment(ends)},
        "contractPeriod": {
            "startDate": moment(market.validity_starts_at),
            "endDate": moment(ends),
        },
        "techniques": {"hasDynamicPurchasingSystem": True},
        "lots": _lots(categories, status),
    }
    if amendment is not None:
        tender["amendments"] = [
            {
                "id": f"notice-{notice.pk}",
                "date": moment(notice.published_at),
                "rationale": notice.summary,
                "description": amendment,
                "releaseID": release["id"],
            }
        ]
    release["tender"] = tender
    return release


# --- calls for competition ---------------------------------------------------------------


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
    release = release_base(
        ctx, Process.CALL, call.pk, Kind.CANCELLATION, call.pk, call.cancelled_at
    )
    release["tag"] = ["tenderCancellation"]
    release["tender"] = {"id": f"call-{call.pk}", "status": "cancelled"}
    return release


def call_unsuccessful_release(ctx: Context, call: Call) -> dict[str, Any]:
    """The call closed with no compliant tender (the reasons go to the bidders only)."""
    assert call.no_compliant_at is not None
    release = release_base(
        ctx, Process.CALL, call.pk, Kind.UNSUCCESSFUL, call.pk, call.no_compliant_at
    )
    release["tag"] = ["tenderUpdate"]
    release["tender"] = {"id": f"call-{call.pk}", "status": "unsuccessful"}
    return release


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


def _contract_id(contract_id: int) -> str:
    return f"contract-{contract_id}"


def _period(starts: datetime | None, ends_on: date | None) -> dict[str, str]:
    period = {}
    if starts is not None:
        period["startDate"] = moment(starts)
    if ends_on is not None:
        period["endDate"] = moment(end_of_london_day(ends_on))
    return period


def contract_release(
    ctx: Context, contract: Contract, *, value: Decimal, ends_on: date | None
) -> dict[str, Any]:
    """The contract entered into: value, period and date signed; the award is now active.

    ``value`` and ``ends_on`` are those at signing: later variations are their own releases.
    """
    call = contract.call
    release = release_base(
        ctx, Process.CALL, call.pk, Kind.CONTRACT, contract.pk, contract.entered_at
    )
    release["tag"] = ["contract"]
    release["buyer"] = organisation_ref(ctx, contract.buyer)
    release["parties"] = [
        *buyer_parties(ctx, contract.buyer, call.market),
        party(ctx, contract.supplier, ["supplier", "tenderer"]),
    ]
    release["awards"] = [{"id": _award_id(contract.award_id), "status": "active"}]
    starts = day_start(contract.starts_on) if contract.starts_on else contract.entered_at
    release["contracts"] = [
        {
            "id": _contract_id(contract.pk),
            "awardID": _award_id(contract.award_id),
            "title": call.title,
            "status": "active",
            "period": _period(starts, ends_on),
            "value": money(value),
            "dateSigned": moment(contract.entered_at),
        }
    ]
    return release


def _change_text(change: ContractChange) -> str:
    if change.kind == ChangeKind.TERMINATION:
        return f"The contract was terminated on {london_day_text(change.changed_at)}."
    parts = []
    if change.value_after != change.value_before:
        parts.append(
            f"The value changed from £{number(change.value_before)} to "
            f"£{number(change.value_after)}."
        )
    if change.ends_after != change.ends_before:
        before = day_text(change.ends_before) if change.ends_before else "no end date"
        after = day_text(change.ends_after) if change.ends_after else "no end date"
        parts.append(f"The end date changed from {before} to {after}.")
    return " ".join(parts) or "The contract was varied."


def contract_change_release(ctx: Context, change: ContractChange) -> dict[str, Any]:
    """A variation (value or end date) or the termination of a contract: what changed.

    Not the buyer's free-text reason: for a care package or a claimant's support it can
    describe the person the contract serves.
    """
    contract = change.contract
    terminated = change.kind == ChangeKind.TERMINATION
    kind = Kind.TERMINATION if terminated else Kind.AMENDMENT
    release = release_base(ctx, Process.CALL, contract.call_id, kind, change.pk, change.changed_at)
    release["tag"] = ["contractTermination" if terminated else "contractAmendment"]
    entry: dict[str, Any] = {
        "id": _contract_id(contract.pk),
        "awardID": _award_id(contract.award_id),
        "amendments": [
            {
                "id": f"change-{change.pk}",
                "date": moment(change.changed_at),
                "description": _change_text(change),
                "releaseID": release["id"],
            }
        ],
    }
    if terminated:
        entry["status"] = "terminated"
        entry["period"] = {"endDate": moment(change.changed_at)}
    else:
        entry["value"] = money(change.value_after)
        if change.ends_after is not None:
            entry["period"] = _period(None, change.ends_after)
    release["contracts"] = [entry]
    return release


# Performance records as implementation milestones (milestoneType codelist).
_MILESTONE_TYPES: dict[str, str] = {
    MetricKind.DELIVERY: "delivery",
    MetricKind.MILESTONE: "delivery",
    MetricKind.KPI: "reporting",
    MetricKind.OUTCOME: "reporting",
    MetricKind.SOCIAL_VALUE: "reporting",
}


def _milestone_status(record: PerformanceRecord) -> str:
    if record.target is None or record.quantity >= record.target:
        return "met"
    return "partiallyMet" if record.quantity > 0 else "notMet"


def implementation_release(ctx: Context, record: PerformanceRecord) -> dict[str, Any]:
    """A delivery, milestone, KPI or outcome, once both parties agree on it (confirmed).

    Its note and any dispute stay between the parties; unconfirmed records are not published.
    """
    contract = record.contract
    assert record.confirmed_at is not None
    release = release_base(
        ctx, Process.CALL, contract.call_id, Kind.IMPLEMENTATION, record.pk, record.confirmed_at
    )
    release["tag"] = ["implementation"]
    description = (
        f"{number(record.quantity)} from {day_text(record.period_start)} "
        f"to {day_text(record.period_end)}"
    )
    if record.target is not None:
        description += f", against a target of {number(record.target)}"
    release["contracts"] = [
        {
            "id": _contract_id(contract.pk),
            "awardID": _award_id(contract.award_id),
            "implementation": {
                "milestones": [
                    {
                        "id": f"performance-{record.pk}",
                        "title": record.metric,
                        "type": _MILESTONE_TYPES.get(record.kind, "reporting"),
                        "code": record.kind,
                        "description": description + ".",
                        "dueDate": moment(end_of_london_day(record.period_end)),
                        "status": _milestone_status(record),
                        "dateModified": moment(record.confirmed_at),
                    }
                ]
            },
        }
    ]
    return release


# --- planned calls (the pipeline) --------------------------------------------------------------


def planned_release(ctx: Context, planned: PlannedCall) -> dict[str, Any]:
    """A call a buyer expects to make in a category: likely demand, announced in advance."""
    market = planned.category.market
    release = release_base(
        ctx, Process.PLANNED, planned.pk, Kind.PLANNING, planned.pk, planned.created_at
    )
    release["tag"] = ["planning"]
    release["buyer"] = organisation_ref(ctx, planned.buyer)
    release["parties"] = buyer_parties(ctx, planned.buyer, market)
    release["tender"] = {
        "id": f"planned-{planned.pk}",
        "title": planned.title,
        "status": "planned",
        "items": [
            item(market, "1", planned.category.service_type or planned.category.title)
            | {"relatedLot": lot_id(planned.category_id)}
        ],
        "lots": [category_lot(planned.category_id, planned.category.title)],
        "value": money(planned.estimated_value),
        "procurementMethod": "selective",
        "procurementMethodDetails": call_method_details(market, rapid=False),
        "mainProcurementCategory": "services",
        "tenderPeriod": {"startDate": moment(month_start(planned.expected_month))},
    }
    release["relatedProcesses"] = [framework_link(ctx, market)]
    return release


def planned_withdrawal_release(ctx: Context, planned: PlannedCall) -> dict[str, Any]:
    assert planned.withdrawn_at is not None
    release = release_base(
        ctx, Process.PLANNED, planned.pk, Kind.WITHDRAWAL, planned.pk, planned.withdrawn_at
    )
    release["tag"] = ["planningUpdate"]
    release["tender"] = {"id": f"planned-{planned.pk}", "status": "withdrawn"}
    return release
