"""A challenge's status, derived from its timestamps (never stored)."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from opendps.challenges.models import Challenge


class ChallengeStatus(models.TextChoices):
    RAISED = "raised", _("Waiting for acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    UNDER_REVIEW = "under_review", _("Under review")
    DECIDED = "decided", _("Decided")


def challenge_status(challenge: Challenge) -> ChallengeStatus:
    if challenge.decided_at is not None:
        return ChallengeStatus.DECIDED
    if challenge.reviewed_at is not None:
        return ChallengeStatus.UNDER_REVIEW
    if challenge.acknowledged_at is not None:
        return ChallengeStatus.ACKNOWLEDGED
    return ChallengeStatus.RAISED


def next_step_due(challenge: Challenge) -> datetime | None:
    """The deadline of the authority's next step, or ``None`` once decided."""
    if challenge.decided_at is not None:
        return None
    if challenge.acknowledged_at is None:
        return challenge.acknowledge_due_at
    return challenge.decision_due_at
