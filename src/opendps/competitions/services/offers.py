"""Standing offers and rate cards kept by members."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import User
from opendps.competitions.models import StandingOffer
from opendps.competitions.services.common import TENDER_ROLES
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import Conflict, RuleViolation, full_clean_or_refuse
from opendps.core.events import AuditEventType
from opendps.membership.models import CategoryMember

PRICE_OUT_OF_RANGE = _("A price must be more than £0 and less than £100,000,000.")
NO_PRICE = _("Give a price per service user, a price per hour, or both.")
NOT_A_LIVE_MEMBER = _("Only a current member of the category can keep a standing offer there.")


@transaction.atomic(durable=True)
def standing_offer_save(
    *,
    actor: User,
    member: CategoryMember,
    description: str,
    delivery_areas: list[str] | None = None,
    capacity: str = "",
    price_per_service_user: Decimal | None = None,
    price_per_hour: Decimal | None = None,
) -> StandingOffer:
    member = CategoryMember.objects.select_for_update().select_related("supplier").get(pk=member.pk)
    permissions.require_role(actor, member.supplier, TENDER_ROLES)
    if member.removed_at is not None:
        raise Conflict(NOT_A_LIVE_MEMBER)
    if price_per_service_user is None and price_per_hour is None:
        raise RuleViolation(NO_PRICE, code="no_price")
    for price in (price_per_service_user, price_per_hour):
        if price is not None and not Decimal(0) < price < Decimal("100000000"):
            raise RuleViolation(PRICE_OUT_OF_RANGE, code="price_out_of_range")
    offer = StandingOffer.objects.filter(member=member).first() or StandingOffer(
        member=member, supplier=member.supplier, category_id=member.category_id
    )
    changes: dict[str, Any] = {
        "description": description.strip(),
        "delivery_areas": [a.strip() for a in delivery_areas or [] if a.strip()],
        "capacity": capacity.strip(),
        "price_per_service_user": price_per_service_user,
        "price_per_hour": price_per_hour,
        "updated_at": clock.now(),
    }
    for key, value in changes.items():
        setattr(offer, key, value)
    full_clean_or_refuse(offer)
    offer.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.STANDING_OFFER_SAVED,
        subject=offer,
        organisation_id=member.supplier_id,
        data={
            "category_id": member.category_id,
            "price_per_hour": str(price_per_hour) if price_per_hour is not None else None,
            "price_per_service_user": (
                str(price_per_service_user) if price_per_service_user is not None else None
            ),
        },
    )
    return offer


PLANNED_IN_PAST = _("A planned call must be expected this month or later.")
PLANNED_WITHDRAWN = _("This planned call has already been withdrawn.")
WITHDRAWAL_REASON_REQUIRED = _("Say why the call is no longer planned: members read it.")


@transaction.atomic(durable=True)
def planned_call_announce(
    *,
    actor: User,
    category: Any,
    title: str,
    expected_month: Any,
    estimated_value: Decimal,
    region: str = "",
) -> Any:
    """A buyer announces a call it expects to make, so members can plan capacity."""
    from opendps.competitions.models import PlannedCall
    from opendps.competitions.services.common import BUY_ROLES
    from opendps.core.calendar import london_date

    category = type(category).objects.select_related("market__authority").get(pk=category.pk)
    authority = category.market.authority
    permissions.require_role(actor, authority, BUY_ROLES)
    month = expected_month.replace(day=1)
    if month < london_date(clock.now()).replace(day=1):
        raise RuleViolation(PLANNED_IN_PAST)
    planned = PlannedCall(
        category=category,
        buyer=authority,
        title=title.strip(),
        expected_month=month,
        estimated_value=estimated_value,
        region=region.strip(),
        created_by=actor,
        created_at=clock.now(),
    )
    full_clean_or_refuse(planned)
    planned.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.PLANNED_CALL_ANNOUNCED,
        subject=planned,
        organisation_id=authority.pk,
        data={"category_id": category.pk, "month": month.isoformat()},
    )
    return planned


@transaction.atomic(durable=True)
def planned_call_withdraw(*, actor: User, planned: Any, reason: str) -> Any:
    """The buyer no longer expects to make the call: it leaves the pipeline members see,
    with the reason kept in the audit chain."""
    from opendps.competitions.models import PlannedCall
    from opendps.competitions.services.common import BUY_ROLES

    planned = PlannedCall.objects.select_for_update().select_related("buyer").get(pk=planned.pk)
    permissions.require_role(actor, planned.buyer, BUY_ROLES)
    if planned.withdrawn_at is not None:
        raise Conflict(PLANNED_WITHDRAWN)
    if not reason.strip():
        raise RuleViolation(WITHDRAWAL_REASON_REQUIRED)
    planned.withdrawn_at = clock.now()
    planned.save(update_fields=["withdrawn_at"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.PLANNED_CALL_WITHDRAWN,
        subject=planned,
        organisation_id=planned.buyer_id,
        data={"reason": reason.strip()},
    )
    return planned
