"""The relative advantages of the winning tender, criterion by criterion (PA 2023 s 50
assessment summary; PCR 2015 reg 86 content, given for call-offs too).

Feedback stores the facts (points, scores and the moderated reasons for the winning tender
where it did better) and the words are made when a person reads them, in their language.
Pure code: no database.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from opendps.competitions.criteria import SCORE_LABELS, CriterionKind
from opendps.web.jinja import datetime_text, money_text


def advantages_data(
    criteria: list[Any],
    mine: dict[str, Any] | None,
    winner: dict[str, Any],
    winner_reasons: dict[str, Any],
) -> list[dict[str, Any]]:
    """Each criterion where the winning tender earned more points than this one, with the
    moderated reason its score was given."""
    if mine is None or mine is winner:
        return []
    items = []
    for criterion in criteria:
        theirs, yours = winner["points"][criterion.key], mine["points"][criterion.key]
        if Decimal(theirs) <= Decimal(yours):
            continue
        price = criterion.kind == CriterionKind.PRICE
        items.append(
            {
                "key": criterion.key,
                "name": criterion.name,
                "kind": str(criterion.kind),
                "winner_points": str(theirs),
                "your_points": str(yours),
                "winner_score": None if price else winner["scores"].get(criterion.key),
                "your_score": None if price else mine["scores"].get(criterion.key),
                "winner_price": str(winner["price"]) if price else None,
                "your_price": str(mine["price"]) if price else None,
                "winner_reason": ""
                if price
                else str(winner_reasons.get(criterion.key, {}).get("reason", "")),
            }
        )
    return items


def _score(score: Any) -> str:
    label = SCORE_LABELS.get(score) if score is not None else None
    return f"{_(label)} ({score})" if label else "—"


def advantage_text(item: dict[str, Any]) -> str:
    """One advantage in words, in the reader's language."""
    params = {
        "criterion": item["name"],
        "winner": item["winner_points"],
        "yours": item["your_points"],
    }
    if item.get("kind") == CriterionKind.PRICE:
        return _(
            "%(criterion)s: the winning tender's price was lower (%(winning_price)s against "
            "your %(your_price)s), earning %(winner)s points to your %(yours)s."
        ) % (
            params
            | {
                "winning_price": money_text(item.get("winner_price")),
                "your_price": money_text(item.get("your_price")),
            }
        )
    text = _(
        "%(criterion)s: the winning tender was scored %(winner_score)s against your "
        "%(your_score)s, earning %(winner)s points to your %(yours)s."
    ) % (
        params
        | {
            "winner_score": _score(item.get("winner_score")),
            "your_score": _score(item.get("your_score")),
        }
    )
    reason = item.get("winner_reason")
    if reason:
        text = _("%(advantage)s The evaluators' reason: %(reason)s") % {
            "advantage": text,
            "reason": reason,
        }
    return text


def placement_not_taken_text(content: dict[str, Any]) -> str | None:
    """Why a rapid call's placement passed from this bidder to the next-ranked tender, when
    it did (brokerage records ``placement_not_taken``)."""
    fact = content.get("placement_not_taken")
    if not fact:
        return None
    when = datetime_text(datetime.fromisoformat(fact["at"]))
    if fact["outcome"] == "declined":
        return _(
            "The placement was offered to you and you declined it on %(when)s, so it passed "
            "to the next-ranked tender."
        ) % {"when": when}
    return _(
        "The placement was offered to you and was not accepted in time (by %(when)s), so "
        "it passed to the next-ranked tender."
    ) % {"when": when}


def advantages_text(content: dict[str, Any], *, with_placement: bool = True) -> list[str]:
    """The advantages of a stored feedback in words; feedback written before they were
    stored as facts keeps the sentences it was written with. A bidder whose placement
    passed to the next tender is told that first (the winner then did not do better),
    unless the page says it on its own (``with_placement=False``)."""
    not_taken = placement_not_taken_text(content) if with_placement else None
    if "advantages" in content:
        words = [advantage_text(item) for item in content["advantages"]]
    else:
        words = list(content.get("relative_advantages") or [])
    return [not_taken, *words] if not_taken else words
