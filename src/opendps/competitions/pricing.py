"""What a tender's price means: a total for the whole contract, or a rate per unit.

A home-care package is priced per hour and a placement per night, yet the award, the
contract, the PA 2023 fee (s 38: a percentage of the contract's value), feedback, insight and
the OCDS values all need the value of the whole contract. A call says its price basis once;
every one of those reads it from here, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from opendps.core.errors import RuleViolation

if TYPE_CHECKING:
    from opendps.competitions.models import Call

PENNY = Decimal("0.01")
MAX_VALUE = Decimal("999999999999.99")  # what Award.contract_value can hold
MAX_QUANTITY = Decimal("9999999.99")


class PriceBasis(models.TextChoices):
    TOTAL = "total", _("A total price for the whole contract")
    UNIT_RATE = "unit_rate", _("A rate per unit, for an expected quantity")


class PriceUnit(models.TextChoices):
    """What a unit rate is per. OCDS carries the label as ``items[].unit.name``."""

    HOUR = "hour", _("hour")
    DAY = "day", _("day")
    NIGHT = "night", _("night")
    WEEK = "week", _("week")
    SESSION = "session", _("session")
    PERSON = "person", _("person supported")


UNIT_NEEDS_QUANTITY = _("Give the expected number of units (more than zero) and the unit.")
TOTAL_HAS_NO_UNIT = _("A total price has no unit or expected quantity: leave them blank.")
QUANTITY_TOO_LARGE = _("The expected quantity is too large.")
VALUE_TOO_LARGE = _(
    "The rate times the expected quantity is more than £999,999,999,999.99: check the rate."
)


@dataclass(frozen=True)
class PriceTerms:
    """A call's price basis: ``quantity`` units of ``unit`` at the tendered rate, or a total."""

    basis: str = PriceBasis.TOTAL
    unit: str = ""
    quantity: Decimal | None = None

    @property
    def is_unit_rate(self) -> bool:
        return self.basis == PriceBasis.UNIT_RATE

    def check(self) -> PriceTerms:
        """The terms themselves are coherent; returns them for chaining."""
        if self.is_unit_rate:
            if self.unit not in PriceUnit.values or self.quantity is None or self.quantity <= 0:
                raise RuleViolation(UNIT_NEEDS_QUANTITY, code="price_basis_invalid")
            if self.quantity > MAX_QUANTITY:
                raise RuleViolation(QUANTITY_TOO_LARGE, code="price_basis_invalid")
        elif self.basis != PriceBasis.TOTAL or self.unit or self.quantity is not None:
            raise RuleViolation(TOTAL_HAS_NO_UNIT, code="price_basis_invalid")
        return self

    def value(self, price: Decimal) -> Decimal:
        """The value of the whole contract at ``price`` (the total, or rate × quantity)."""
        if not self.is_unit_rate:
            return price
        assert self.quantity is not None
        return (price * self.quantity).quantize(PENNY, rounding=ROUND_HALF_UP)

    def check_price(self, price: Decimal) -> None:
        if self.value(price) > MAX_VALUE:
            raise RuleViolation(VALUE_TOO_LARGE, code="price_invalid")


def terms_of(call: Call) -> PriceTerms:
    """The price terms a call was published with."""
    return PriceTerms(basis=call.price_basis, unit=call.price_unit, quantity=call.expected_quantity)


def terms_from(content: dict[str, Any]) -> PriceTerms:
    """The terms kept in a feedback's content (absent in feedback older than price bases)."""
    quantity = content.get("expected_quantity")
    return PriceTerms(
        basis=content.get("price_basis") or PriceBasis.TOTAL,
        unit=content.get("price_unit") or "",
        quantity=Decimal(quantity) if quantity is not None else None,
    )


def terms_content(terms: PriceTerms) -> dict[str, Any]:
    """The terms as JSON, for feedback content and audit data."""
    return {
        "price_basis": terms.basis,
        "price_unit": terms.unit,
        "expected_quantity": str(terms.quantity) if terms.quantity is not None else None,
    }


PER_UNIT = {
    PriceUnit.HOUR: _("per hour"),
    PriceUnit.DAY: _("per day"),
    PriceUnit.NIGHT: _("per night"),
    PriceUnit.WEEK: _("per week"),
    PriceUnit.SESSION: _("per session"),
    PriceUnit.PERSON: _("per person supported"),
}
QUANTITY_OF = {
    PriceUnit.HOUR: ngettext_lazy("%(quantity)s hour", "%(quantity)s hours", "count"),
    PriceUnit.DAY: ngettext_lazy("%(quantity)s day", "%(quantity)s days", "count"),
    PriceUnit.NIGHT: ngettext_lazy("%(quantity)s night", "%(quantity)s nights", "count"),
    PriceUnit.WEEK: ngettext_lazy("%(quantity)s week", "%(quantity)s weeks", "count"),
    PriceUnit.SESSION: ngettext_lazy("%(quantity)s session", "%(quantity)s sessions", "count"),
    PriceUnit.PERSON: ngettext_lazy(
        "%(quantity)s person supported", "%(quantity)s people supported", "count"
    ),
}
