"""OCDS releases before any competition: market notices and the pipeline of planned calls."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from opendps.markets.models import NoticeKind
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
    month_start,
    organisation_ref,
    parse_moment,
    party,
    regime_text,
    release_base,
    status_release,
)

if TYPE_CHECKING:
    from opendps.competitions.models import PlannedCall
    from opendps.markets.models import Category, MarketNotice


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
    return status_release(
        ctx,
        Process.PLANNED,
        planned.pk,
        Kind.WITHDRAWAL,
        planned.withdrawn_at,
        tag="planningUpdate",
        status="withdrawn",
    )
