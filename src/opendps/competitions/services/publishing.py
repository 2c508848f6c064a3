"""Publishing a call: seal keys made and every active member of the category invited."""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.db.models import DateTimeField, IntegerField, Value
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import User
from opendps.competitions.models import Call, Invitation
from opendps.competitions.services.calls import (
    MARKET_NOT_OPEN,
    _check_deadline_from,
)
from opendps.competitions.services.common import BUY_ROLES, lock_call
from opendps.core import clock, sealing
from opendps.core.audit import audit_record
from opendps.core.errors import (
    Conflict,
    RuleViolation,
)
from opendps.core.events import AuditEventType
from opendps.core.jobs import job_enqueue_on_commit
from opendps.markets.status import MarketStatus, market_status
from opendps.membership.models import CategoryMember
from opendps.membership.services import first_period_applications_all_assessed
from opendps.membership.status import active_members_q
from opendps.regimes import get_regime

NOT_DRAFT = _("Only a draft call can be published.")
NO_MEMBERS = _("No admitted, active supplier in this category can be invited.")


def _check_deadline(call: Call, now: datetime) -> None:
    _check_deadline_from(
        call.market, call.deadline, now, rapid=call.rapid, agreed_hours=call.agreed_period_hours
    )


def _invitations_insert(call: Call, now: datetime) -> int:
    """Invite every active member in one INSERT … SELECT; returns how many were invited.

    The SELECT is compiled from the ORM so the active-member rule stays defined once
    (``active_members_q``); no row passes through Python (BENCHMARKS.md H13)."""
    members = (
        CategoryMember.objects.filter(active_members_q(now), category=call.category_id)
        .order_by()
        # Columns first, constants last: the SELECT keeps this order on every Django version.
        .values(
            "pk",
            "supplier_id",
            invitation_call=Value(call.pk, output_field=IntegerField()),
            invitation_at=Value(now, output_field=DateTimeField()),
        )
    )
    select, params = members.query.get_compiler(connection=connection).as_sql()
    table = Invitation._meta.db_table
    columns = "member_id, supplier_id, call_id, invited_at"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)
        return cursor.rowcount


@transaction.atomic(durable=True)
def call_publish(*, actor: User, call: Call) -> Call:
    """Publish: seal keys made, every active member of the category invited (recorded).

    PCR 2015: no invitation until the first period's applications are all assessed.
    The deadline is checked against the regime's minimum from this moment.
    """
    call = lock_call(call)
    market = call.market
    permissions.require_role(actor, market.authority, BUY_ROLES)
    if call.published_at is not None or call.cancelled_at is not None:
        raise Conflict(NOT_DRAFT)
    if market_status(market) != MarketStatus.OPEN:
        raise RuleViolation(MARKET_NOT_OPEN, code="market_not_open")
    now = clock.now()
    regime = get_regime(market.regime, market.validity_starts_at)
    regime.may_publish_call(
        first_period_ended=market.first_period_ends_at is None
        or market.first_period_ends_at <= now,
        first_period_applications_all_assessed=first_period_applications_all_assessed(market),
    )
    _check_deadline(call, now)
    invited = _invitations_insert(call, now)
    if not invited:
        raise RuleViolation(NO_MEMBERS, code="no_members")
    keys = sealing.call_keys_new(call.seal_label)
    call.public_key = keys.public_key
    call.wrapped_private_key = keys.wrapped_private_key
    call.published_at = now
    call.save(update_fields=["public_key", "wrapped_private_key", "published_at"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.CALL_PUBLISHED,
        subject=call,
        organisation_id=market.authority_id,
        data={"invited": invited, "deadline": call.deadline.isoformat()},
    )
    from opendps.alerts.tasks import alerts_send_for_call
    from opendps.competitions.tasks import call_invitations_send

    job_enqueue_on_commit(call_invitations_send, call.pk)
    # Saved searches of the public opportunities (anyone's, members or not).
    job_enqueue_on_commit(alerts_send_for_call, call.pk)
    return call
