"""The one parser of amounts of money as people type them (issue 15).

"£1,200", "1,200.50", "1200", " £ 45 " all mean pounds; commas must group thousands
("1,2,00" is refused, not guessed at). Pages read money through ``web.forms.MoneyField``
and services that take a typed price (a tender's) through ``parse_money``; the API keeps
exact decimal strings ("1200.50"), which this parser also reads.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_GROUPED = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)$")


def parse_money(text: object) -> Decimal:
    """The amount in ``text`` as a Decimal; ``ValueError`` if it is not one."""
    if isinstance(text, Decimal):
        value = text
    else:
        cleaned = str(text).strip().replace(" ", "").replace("\u00a0", "")
        negative = cleaned.startswith("-")
        cleaned = cleaned.lstrip("-")
        if cleaned.startswith("£"):
            cleaned = cleaned[1:]
        if cleaned.upper().endswith("GBP"):
            cleaned = cleaned[:-3]
        cleaned = ("-" if negative else "") + cleaned
        if _GROUPED.match(cleaned):
            cleaned = cleaned.replace(",", "")
        elif not _PLAIN.match(cleaned):
            raise ValueError(f"not an amount of money: {text!r}")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise ValueError(f"not an amount of money: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"not an amount of money: {text!r}")
    return value
