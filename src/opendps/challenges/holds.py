"""The hold a challenge puts on entering into the contract of a challenged award.

``competitions.services.contract_conclude`` asks :func:`contract_hold_check` inside its
transaction, with the call locked; raising a challenge to an award locks the same call, so
the two cannot interleave.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from opendps.challenges.models import Challenge, Remedy
from opendps.core.errors import RuleViolation
from opendps.regimes import Regime, get_regime

CONTRACT_HELD = _(
    "The contract cannot be entered into while a challenge to the award is being decided "
    "(challenge %(reference)s)."
)
CONTRACT_HELD_BY_PROCEEDINGS = _(
    "The contract cannot be entered into: court proceedings about the award have been "
    "issued (challenge %(reference)s)."
)
AWARD_SET_ASIDE = _(
    "The award was set aside by the outcome of challenge %(reference)s: it cannot lead to "
    "a contract."
)

# Remedies that undo the award itself, so that no contract may follow from it.
SETTING_ASIDE = frozenset({Remedy.REEVALUATE, Remedy.CANCEL_AWARD})


def challenge_reference(challenge: Challenge) -> str:
    return challenge.reference


def holds_contract(challenge: Challenge, regime: Regime) -> bool:
    """Whether this challenge to an award stops the contract now (undecided and held)."""
    if challenge.award_id is None or challenge.decided_at is not None:
        return False
    return regime.award_challenge_holds_contract(
        raised_in_standstill=challenge.raised_in_standstill,
        proceedings_issued=challenge.proceedings_issued_at is not None,
    )


def contract_hold_check(award: Any) -> None:
    """Refuse the contract while a challenge holds it, or once the award is set aside."""
    market = award.call.market
    regime = get_regime(market.regime, market.validity_starts_at)
    for challenge in Challenge.objects.filter(award=award).order_by("raised_at"):
        reference = challenge_reference(challenge)
        if challenge.decided_at is not None and challenge.remedy in SETTING_ASIDE:
            raise RuleViolation(AWARD_SET_ASIDE, code="award_set_aside", reference=reference)
        if holds_contract(challenge, regime):
            if challenge.raised_in_standstill:
                raise RuleViolation(CONTRACT_HELD, code="contract_held", reference=reference)
            raise RuleViolation(
                CONTRACT_HELD_BY_PROCEEDINGS, code="contract_held", reference=reference
            )
