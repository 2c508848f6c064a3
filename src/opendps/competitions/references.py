"""Short human references for calls: ``DWP-DPS-2026-0143``.

People quote a call by its reference on the phone, in email and in spreadsheets; the
number alone (a database id) means nothing to them. A reference is the buyer's initials,
the kind of market, the year the call was drafted (London time) and a sequence per buyer
and year, given once when the call is drafted and never changed.
"""

from __future__ import annotations

import re
from datetime import datetime

from opendps.core.calendar import LONDON
from opendps.regimes.base import RegimeCode

MARKET_KINDS = {RegimeCode.PCR2015_DPS: "DPS", RegimeCode.PA2023_DYNAMIC_MARKET: "DM"}
# Short words that do not make an initial: "Department for Work and Pensions" is DWP.
MINOR_WORDS = frozenset({"and", "for", "of", "the", "in", "on", "at", "to", "&"})
MAX_INITIALS = 6
PATTERN = re.compile(r"^[A-Z0-9]{1,6}-(DPS|DM)-\d{4}-\d{4,}$")


def buyer_initials(name: str) -> str:
    """The initials of the buyer's name (letters and digits only), at most six: "X" if none."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", name) if w and w.lower() not in MINOR_WORDS]
    initials = "".join(word[0] for word in words).upper()[:MAX_INITIALS]
    return initials or "X"


def reference_prefix(buyer_name: str, regime: str, created_at: datetime) -> str:
    """Everything but the sequence: "DWP-DPS-2026-"."""
    year = created_at.astimezone(LONDON).year
    return f"{buyer_initials(buyer_name)}-{MARKET_KINDS[RegimeCode(regime)]}-{year}-"


def reference_next(prefix: str, last: str | None) -> str:
    """The reference after ``last``, the highest already given with this prefix."""
    tail = (last or "")[len(prefix) :]
    number = int(tail) if tail.isdigit() else 0
    return f"{prefix}{number + 1:04d}"
