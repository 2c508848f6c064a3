"""Award feedback that follows a placement down the ranking.

Feedback is written at the award against the first-ranked tender. When that provider
declines or does not answer in time and the placement passes on, the provider now holding
it is the winner the others are compared with, and the one it passed from is told why it
did not get the contract. Only the winner-dependent facts change; each bidder's own scores
and reasons stay as moderated.
"""

from __future__ import annotations

from typing import Any

from opendps.brokerage.models import Placement
from opendps.competitions.criteria import criteria_parse
from opendps.competitions.feedback import advantage_text, advantages_data
from opendps.competitions.models import Award, Call, Feedback, Moderation


def feedback_placement_not_taken(placement: Placement, *, outcome: str) -> None:
    """Record on the bidder's feedback that its placement was ``declined`` or ``lapsed``."""
    at = placement.declined_at if outcome == "declined" else placement.respond_by
    assert at is not None
    feedback = Feedback.objects.select_for_update().filter(
        call_id=placement.call_id, supplier_id=placement.supplier_id
    )
    for record in feedback:
        record.content = record.content | {
            "won": False,
            "placement_not_taken": {"outcome": outcome, "at": at.isoformat()},
        }
        record.save(update_fields=["content"])


def feedback_follow_winner(call: Call, award: Award) -> None:
    """Compare every bidder's feedback with the award's current winner."""
    by_submission = {entry["submission_id"]: entry for entry in award.ranking}
    by_supplier = {entry["supplier_id"]: entry for entry in award.ranking}
    winner = by_submission[award.winner_id]
    criteria = criteria_parse(call.criteria)
    moderation = Moderation.objects.filter(call=call).first()
    winner_reasons = moderation.scores.get(str(award.winner_id), {}) if moderation else {}
    for record in Feedback.objects.select_for_update().filter(call=call):
        mine = by_supplier.get(record.supplier_id)
        passed_on = "placement_not_taken" in record.content
        # A bidder that ranked above the winner but let the placement go was not beaten
        # on the criteria: it is told why it passed on, not where the winner did better.
        advantages = [] if passed_on else advantages_data(criteria, mine, winner, winner_reasons)
        record.content = record.content | _winner_facts(record.content, mine, winner, award)
        record.content |= {
            "advantages": advantages,
            "relative_advantages": [advantage_text(item) for item in advantages],
        }
        record.save(update_fields=["content"])


def _winner_facts(
    content: dict[str, Any], mine: dict[str, Any] | None, winner: dict[str, Any], award: Award
) -> dict[str, Any]:
    return {
        "won": mine is winner,
        "winner_total": winner["total"],
        "winning_price": winner["price"],
        "winning_value": str(award.contract_value),
        "criteria": [
            criterion | {"winner_points": winner["points"][criterion["key"]]}
            for criterion in content["criteria"]
        ],
    }
