"""OCDS releases of contracts: signing, variations and termination, and implementation."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from opendps.contracts.models import ChangeKind, MetricKind
from opendps.core.calendar import end_of_london_day
from opendps.publication.ocds import (
    Context,
    Kind,
    Process,
    buyer_parties,
    day_start,
    day_text,
    london_day_text,
    moment,
    money,
    number,
    organisation_ref,
    party,
    release_base,
)
from opendps.publication.releases.calls import _award_id

if TYPE_CHECKING:
    from opendps.contracts.models import Contract, ContractChange, PerformanceRecord


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
