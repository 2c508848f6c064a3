"""Demo challenge: one supplier challenges the rejection of its application; the authority
acknowledges it and dismisses it with reasons, all at past moments (``clock.at``) through the
real services. Loading twice changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from opendps.accounts.models import Organisation, Role
from opendps.challenges import services
from opendps.challenges.models import Challenge
from opendps.core import clock
from opendps.membership.models import Application, Outcome
from opendps.web.demo import DemoContext, register


def _person(organisation: Organisation, roles: set[str]) -> Any:
    membership = (
        organisation.memberships.filter(role__in=roles, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


@register(order=45)
def load_challenges(context: DemoContext) -> None:
    if Challenge.objects.exists():
        return
    application = (
        Application.objects.filter(outcome=Outcome.REJECTED)
        .select_related("supplier", "market__authority")
        .order_by("-decided_at")
        .first()
    )
    if application is None or application.decided_at is None:
        return
    supplier_admin = _person(application.supplier, {Role.SUPPLIER_ADMIN, Role.BID_WRITER})
    commissioner = _person(application.market.authority, {Role.COMMISSIONER, Role.AUTHORITY_ADMIN})
    if supplier_admin is None or commissioner is None:
        return
    raised_at = application.decided_at + timedelta(days=2)
    if raised_at > clock.now():
        return
    with clock.at(raised_at):
        challenge = services.challenge_raise(
            actor=supplier_admin,
            supplier=application.supplier,
            kind="application_rejected",
            decision_id=application.pk,
            grounds=(
                "Our safeguarding policy was updated in March and the new version was "
                "attached to the application; the assessment appears to have read the old one."
            ),
        )
    with clock.at(raised_at + timedelta(days=1)):
        services.challenge_acknowledge(
            actor=commissioner,
            challenge=challenge,
            note="Thank you: a second evaluator will look at the application again.",
        )
    with clock.at(raised_at + timedelta(days=6)):
        services.challenge_decide(
            actor=commissioner,
            challenge=challenge,
            outcome="dismissed",
            reasons=(
                "The second evaluator read the updated policy. It still does not name a "
                "designated safeguarding lead, which the question requires, so the "
                "rejection stands. You are welcome to apply again."
            ),
        )
