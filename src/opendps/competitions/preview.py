"""The award preview: the ranking the award would make, computed without writing anything.

``award_decide`` ranks with the same ``criteria.rank`` over the same bids
(``services.award._bids``), so what the buyer confirms is what is awarded: a test
holds the preview equal to the stored ranking.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from opendps.competitions import selectors
from opendps.competitions.criteria import Ranked, criteria_parse, rank
from opendps.competitions.models import Call
from opendps.competitions.services.award import _bids


@dataclass(frozen=True)
class PreviewRow:
    rank: int
    supplier: str
    submission_id: int
    points: list[Decimal]  # in the order of the call's criteria
    total: Decimal
    price: Decimal
    won: bool


def award_preview(actor: Any, *, call: Call) -> list[PreviewRow] | None:
    """The ranking of the compliant tenders on the published criteria and the consensus
    scores, best first; None until the consensus scores are recorded. Only for those who
    may read the opened tenders (``selectors.tender_list_opened``)."""
    moderation = selectors.moderation_for_call(actor, call=call)
    if moderation is None:
        return None
    tenders = selectors.tender_list_opened(actor, call_id=call.pk)
    names = {t.submission.pk: t.submission.supplier.name for t in tenders}
    criteria = criteria_parse(call.criteria)
    ranked: list[Ranked] = rank(criteria, _bids(call, tenders, moderation))
    return [
        PreviewRow(
            rank=r.rank,
            supplier=names[r.bid.submission_id],
            submission_id=r.bid.submission_id,
            points=[r.points[c.key] for c in criteria],
            total=r.total,
            price=r.bid.price,
            won=r.rank == 1,
        )
        for r in ranked
    ]
