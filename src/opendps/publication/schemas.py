"""API schemas for notices due."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from opendps.core.notices import REFERENCE_MAX_LENGTH
from opendps.markets.schemas import Id
from opendps.publication.notices import NoticeDueKind


class NoticeDueFilter(Schema):
    grouped_quarterly: bool = Field(
        False,
        description=(
            "Your authority groups its award notices by quarter, where the regime allows "
            "it (PCR 2015 reg 50)."
        ),
    )


class NoticeDueOut(Schema):
    kind: NoticeDueKind
    call_id: int
    call_title: str
    market_id: int
    market_title: str
    regime: str
    event_at: datetime = Field(
        description="The award decision, or when the contract was entered into."
    )
    due_at: datetime = Field(description="The last moment to publish the notice.")
    grouped_quarterly: bool
    light_touch: bool
    overdue: bool


class NoticeRecordIn(Schema):
    kind: NoticeDueKind
    call_id: Id
    reference: str = Field(
        max_length=REFERENCE_MAX_LENGTH,
        description="The notice's reference on Find a Tender, for example 2027/S 000-012345.",
    )


class NoticeRecordOut(Schema):
    kind: NoticeDueKind
    call_id: int
    reference: str
    published_at: datetime = Field(description="When the publication was recorded.")
