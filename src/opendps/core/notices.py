"""Recording that a notice was published on Find a Tender: the same rule for every notice.

The platform lists the notices an authority must publish (``publication.notices``); the
authority publishes them on Find a Tender and records the notice's reference here, which
ends the "due" state and is kept with the award or contract.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from opendps.core.errors import Conflict, RuleViolation

REFERENCE_MAX_LENGTH = 100
REFERENCE_REQUIRED = _(
    "Enter the notice's reference on Find a Tender, for example 2027/S 000-012345."
)
REFERENCE_TOO_LONG = _("The reference must be %(max)s characters or fewer.")
ALREADY_RECORDED = _("This notice has already been recorded as published.")


def notice_reference_checked(reference: str, *, published_at: datetime | None) -> str:
    """The reference to keep, or the refusal: blank, too long, or recorded already."""
    if published_at is not None:
        raise Conflict(ALREADY_RECORDED, code="notice_already_recorded")
    cleaned = " ".join(reference.split())
    if not cleaned:
        raise RuleViolation(REFERENCE_REQUIRED, code="notice_reference")
    if len(cleaned) > REFERENCE_MAX_LENGTH:
        raise RuleViolation(
            REFERENCE_TOO_LONG % {"max": REFERENCE_MAX_LENGTH}, code="notice_reference"
        )
    return cleaned
