"""OCDS releases for changes to a published call's deadline (``tenderAmendment``).

A separate module from ``releases`` (which is past the size we keep modules to). Each
change is one release: the tender's new ``tenderPeriod.endDate`` and one entry in
``tender.amendments`` with its date and rationale (the reason the buyer gave, which the
form says is published), so a record's compiled release carries every change in order.
The call's first ``tender`` release keeps the deadline first published
(``original_deadline``), so building it again after a change gives the same release.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, QuerySet, Subquery

from opendps.competitions.models import AmendmentKind, CallAmendment
from opendps.core.calendar import london_text
from opendps.publication.ocds import Context, Process, moment, release_base

if TYPE_CHECKING:
    from datetime import datetime

    from opendps.competitions.models import Call

KIND = "tenderamendment"  # the middle part of the release id: {ocid}-tenderamendment-{id}


def deadline_changes() -> QuerySet[CallAmendment]:
    """Published changes of deadline; clarification notices stay with the invitees."""
    return (
        CallAmendment.objects.filter(kind=AmendmentKind.DEADLINE, call__published_at__isnull=False)
        .select_related("call")
        .only(
            "id",
            "call_id",
            "made_at",
            "made_by_id",
            "text",
            "previous_deadline",
            "new_deadline",
            "call__id",
            "call__published_at",
        )
    )


def original_deadline() -> Subquery:
    """The deadline a call was published with: the first change's previous deadline."""
    return Subquery(
        CallAmendment.objects.filter(call_id=OuterRef("pk"), kind=AmendmentKind.DEADLINE)
        .order_by("made_at", "pk")
        .values("previous_deadline")[:1]
    )


def published_deadline(call: Call) -> datetime:
    """The deadline of the call's first release (annotated by the selector, else read)."""
    annotated = getattr(call, "original_deadline", None)
    if annotated is not None:
        return annotated
    first = call.amendments.filter(kind=AmendmentKind.DEADLINE).order_by("made_at", "pk").first()
    if first is not None and first.previous_deadline is not None:
        return first.previous_deadline
    return call.deadline


def call_amendment_release(ctx: Context, amendment: CallAmendment) -> dict[str, Any]:
    call = amendment.call
    assert call.published_at is not None and amendment.new_deadline is not None
    assert amendment.previous_deadline is not None
    release = release_base(ctx, Process.CALL, call.pk, KIND, amendment.pk, amendment.made_at)
    release["tag"] = ["tenderAmendment"]
    later = amendment.new_deadline > amendment.previous_deadline
    description = (
        f"The deadline for tenders was {'extended' if later else 'brought forward'} from "
        f"{london_text(amendment.previous_deadline)} to {london_text(amendment.new_deadline)}"
        + ("" if amendment.made_by_id else " by the platform")
        + "."
    )
    release["tender"] = {
        "id": f"call-{call.pk}",
        "status": "active",
        "tenderPeriod": {
            "startDate": moment(call.published_at),
            "endDate": moment(amendment.new_deadline),
        },
        "amendments": [
            {
                "id": f"amendment-{amendment.pk}",
                "date": moment(amendment.made_at),
                "rationale": amendment.text,
                "description": description,
                "releaseID": release["id"],
            }
        ],
    }
    return release
