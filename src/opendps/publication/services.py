"""Recording a published notice: found among the actor's authorities' notices, then written
by the service of the app that owns the award or the contract."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from opendps.competitions import services as competition_services
from opendps.competitions.models import Award
from opendps.contracts import services as contract_services
from opendps.publication import notices


def notice_record_published(*, actor: Any, kind: str, call_id: int, reference: str) -> datetime:
    """Record that the notice of ``kind`` for the call was published on Find a Tender;
    returns when it was recorded."""
    subject = notices.notice_subject(actor, kind=kind, call_id=call_id)
    if isinstance(subject, Award):
        award = competition_services.award_notice_record(
            actor=actor, award=subject, reference=reference
        )
        assert award.award_notice_published_at is not None
        return award.award_notice_published_at
    contract = contract_services.details_notice_record(
        actor=actor, contract=subject, reference=reference
    )
    assert contract.details_notice_published_at is not None
    return contract.details_notice_published_at
