"""Market health: how many challenges a market's decisions drew, and how they ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q

from opendps.challenges.models import Challenge, ChallengeKind, ChallengeOutcome
from opendps.markets.models import Market


@dataclass(frozen=True)
class ChallengeCounts:
    kind: str  # a ChallengeKind value
    raised: int
    open: int
    upheld: int
    partly_upheld: int
    dismissed: int
    late: int  # decided after its due date, or still open past it


def market_challenges(market: Market, now: datetime) -> list[ChallengeCounts]:
    """One row per kind of decision challenged (every kind, zeros included): one query."""
    rows = {
        row["kind"]: row
        for row in Challenge.objects.filter(market=market)
        .values("kind")
        .annotate(
            raised=Count("pk"),
            open=Count("pk", filter=Q(decided_at__isnull=True)),
            upheld=Count("pk", filter=Q(outcome=ChallengeOutcome.UPHELD)),
            partly_upheld=Count("pk", filter=Q(outcome=ChallengeOutcome.PARTLY_UPHELD)),
            dismissed=Count("pk", filter=Q(outcome=ChallengeOutcome.DISMISSED)),
            late=Count(
                "pk",
                filter=Q(decided_at__gt=F("decision_due_at"))
                | Q(decided_at__isnull=True, decision_due_at__lt=now),
            ),
        )
        .order_by()
    }
    empty = {"raised": 0, "open": 0, "upheld": 0, "partly_upheld": 0, "dismissed": 0, "late": 0}
    return [
        ChallengeCounts(
            kind=kind.value,
            **{key: rows.get(kind.value, empty)[key] for key in empty},
        )
        for kind in ChallengeKind
    ]
