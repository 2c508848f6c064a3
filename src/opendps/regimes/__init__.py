"""Procurement regimes: the legal rules of each kind of market, as pure objects.

Ask :func:`get_regime` for a market's regime by its code and, where the market exists,
its start date, so that it keeps the rules it started under::

    regime = get_regime(market.regime, start_date=market.starts_on)
    due = regime.assessment_due(application.received_at, authority.nation)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType

from opendps.core.calendar import london_date
from opendps.core.errors import RuleViolation
from opendps.regimes.base import REGIME_NOT_IN_FORCE, Regime, RegimeCode
from opendps.regimes.pa2023 import Pa2023DynamicMarket
from opendps.regimes.pcr2015 import Pcr2015Dps

__all__ = ["REGIMES", "Regime", "RegimeCode", "get_regime"]

# Every rule version of each regime, oldest first. A future change to the rules is a
# subclass with a later ``effective_from``, appended to its tuple.
_VERSIONS: Mapping[str, tuple[Regime, ...]] = MappingProxyType(
    {
        RegimeCode.PCR2015_DPS.value: (Pcr2015Dps(),),
        RegimeCode.PA2023_DYNAMIC_MARKET.value: (Pa2023DynamicMarket(),),
    }
)

# The current rules of each regime, by code.
REGIMES: Mapping[str, Regime] = MappingProxyType(
    {code: versions[-1] for code, versions in _VERSIONS.items()}
)


def get_regime(code: str, start_date: date | None = None) -> Regime:
    """The regime ``code`` as in force for procedures starting on ``start_date``.

    Without ``start_date``, the current rules; an aware datetime is read as its London
    day. Raises ``ValueError`` for an unknown code and :class:`RuleViolation` for a start
    date before the regime came into force.
    """
    try:
        versions = _VERSIONS[str(code)]
    except KeyError:
        raise ValueError(f"Unknown regime code {code!r}.") from None
    if start_date is None:
        return versions[-1]
    if isinstance(start_date, datetime):
        start_date = london_date(start_date)
    for regime in reversed(versions):
        if regime.effective_from <= start_date:
            return regime
    raise RuleViolation(
        REGIME_NOT_IN_FORCE,
        code="regime_not_in_force",
        regime=versions[0].label,
        start_date=start_date.isoformat(),
    )
