"""Incident-aware deadlines: an authority's policy, and the extensions the platform makes
itself when it was degraded in the hours before a call's deadline.

Suppliers should never lose a bid to our outage: if tender submissions failed on our side
(a share of 5xx answers at or above the authority's threshold, or a failed health check)
within the watched window before a deadline, the deadline moves later for every invitee,
with the reason, through the same amendment service a buyer uses (audited, emailed,
published as an OCDS tender amendment).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import Organisation, Role, User
from opendps.availability import health
from opendps.availability.models import IncidentPolicy
from opendps.competitions.models import AmendmentKind, Call, CallAmendment
from opendps.competitions.services.amendments import call_extend_deadline
from opendps.competitions.status import CallStatus, status_q
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.calendar import london_text
from opendps.core.errors import DomainError, RuleViolation
from opendps.core.events import AuditEventType

logger = logging.getLogger(__name__)

POLICY_ROLES = frozenset({Role.AUTHORITY_ADMIN, Role.COMMISSIONER})
THRESHOLD_OUT_OF_RANGE = _("The threshold must be a percentage from 1 to 100.")
WINDOW_OUT_OF_RANGE = _("The watched window must be from 1 to 48 hours.")
EXTENSION_OUT_OF_RANGE = _("The extension must be from 1 to 168 hours.")
MAX_WINDOW_HOURS = 48
EXTENSION_REASON = _(
    "The platform was degraded from %(start)s, within %(window)s hours of the deadline "
    "(failed health checks or at least %(threshold)s%% of tender submissions failing on "
    "our side). The deadline is extended by %(hours)s hours for every supplier invited."
)


@transaction.atomic(durable=True)
def incident_policy_save(
    *,
    actor: User,
    authority: Organisation,
    threshold_percent: int,
    window_hours: int,
    extension_hours: int,
) -> IncidentPolicy:
    permissions.require_role(actor, authority, POLICY_ROLES)
    if not 1 <= threshold_percent <= 100:
        raise RuleViolation(THRESHOLD_OUT_OF_RANGE, code="threshold_out_of_range")
    if not 1 <= window_hours <= MAX_WINDOW_HOURS:
        raise RuleViolation(WINDOW_OUT_OF_RANGE, code="window_out_of_range")
    if not 1 <= extension_hours <= 168:
        raise RuleViolation(EXTENSION_OUT_OF_RANGE, code="extension_out_of_range")
    policy, _created = IncidentPolicy.objects.update_or_create(
        authority=authority,
        defaults={
            "threshold_percent": threshold_percent,
            "window_hours": window_hours,
            "extension_hours": extension_hours,
            "updated_at": clock.now(),
        },
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.AVAILABILITY_POLICY_SAVED,
        subject=policy,
        organisation_id=authority.pk,
        data={
            "threshold_percent": threshold_percent,
            "window_hours": window_hours,
            "extension_hours": extension_hours,
        },
    )
    return policy


def policy_for(authority_id: int) -> IncidentPolicy:
    """The authority's policy, or the defaults (unsaved) if it has none."""
    return IncidentPolicy.objects.filter(authority_id=authority_id).first() or IncidentPolicy(
        authority_id=authority_id,
        threshold_percent=health.DEFAULT_THRESHOLD_PERCENT,
        window_hours=health.DEFAULT_WINDOW_HOURS,
        extension_hours=health.DEFAULT_EXTENSION_HOURS,
    )


def deadlines_extend_for_incidents() -> int:
    """Extend every open call whose watched window before the deadline saw a degraded
    minute, once per incident; returns how many were extended. Each extension is its own
    transaction (the amendment service's), so one refusal holds back no other call."""
    now = clock.now()
    calls = Call.objects.filter(
        status_q(CallStatus.OPEN, now=now), deadline__lte=now + timedelta(hours=MAX_WINDOW_HOURS)
    ).order_by("deadline")
    extended = 0
    policies: dict[int, IncidentPolicy] = {}
    for call in calls:
        policy = policies.setdefault(call.buyer_id, policy_for(call.buyer_id))
        watched_from = call.deadline - timedelta(hours=policy.window_hours)
        if now < watched_from:
            continue
        degraded = health.degraded_minutes(watched_from, now, policy.threshold_percent)
        if not degraded:
            continue
        started = degraded[0]
        already = CallAmendment.objects.filter(
            call=call, kind=AmendmentKind.DEADLINE, made_by__isnull=True, made_at__gte=started
        ).exists()
        if already:
            continue
        reason = gettext(str(EXTENSION_REASON)) % {
            "start": london_text(started),
            "window": policy.window_hours,
            "threshold": policy.threshold_percent,
            "hours": policy.extension_hours,
        }
        try:
            call_extend_deadline(
                call,
                new_deadline=call.deadline + timedelta(hours=policy.extension_hours),
                reason=reason,
                actor=None,
            )
        except DomainError:
            # E.g. beyond the market's period of validity: the buyer decides instead.
            logger.warning("incident extension refused for call %s", call.pk, exc_info=True)
            continue
        extended += 1
    return extended
