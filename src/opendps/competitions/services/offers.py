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
    social_value: str = "",
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
        "social_value": social_value.strip(),
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


NOT_RAPID = _("Only a rapid call can be answered in one step from a standing offer.")
NO_STANDING_OFFER = _("Your organisation has no standing offer in this category.")
NO_RATE = _("Your standing offer has no price that fits this call: enter a price.")
NOT_AN_IMPROVEMENT = _(
    "A price from your standing offer can only be improved: enter at most %(rate)s."
)


def standing_offer_rate(call: Any, offer: StandingOffer) -> Decimal | None:
    """The rate card's price for a call: per hour first for a rapid call (care priced per
    hour), per service user first otherwise."""
    prices = (
        [offer.price_per_hour, offer.price_per_service_user]
        if call.rapid
        else [offer.price_per_service_user, offer.price_per_hour]
    )
    return next((p for p in prices if p is not None), None)


def tender_from_standing_offer(
    *,
    actor: User,
    call: Any,
    supplier: Any,
    price: Decimal | None = None,
    answers: dict[str, str] | None = None,
) -> Any:
    """Answer a rapid call in one step: the standing offer's rate and answers, confirmed,
    or with a lower price and better answers. The tender is sealed, received and signed for
    exactly like any other (``tender_submit``), so it competes on the same terms."""
    from opendps.competitions.criteria import CriterionKind
    from opendps.competitions.models import Call
    from opendps.competitions.services.tenders import tender_submit

    call = Call.objects.get(pk=call if isinstance(call, int) else call.pk)
    permissions.require_role(actor, supplier, TENDER_ROLES)
    if not call.rapid:
        raise RuleViolation(NOT_RAPID, code="not_rapid")
    offer = StandingOffer.objects.filter(
        supplier=supplier, category_id=call.category_id, member__removed_at__isnull=True
    ).first()
    if offer is None:
        raise RuleViolation(NO_STANDING_OFFER, code="no_standing_offer")
    rate = standing_offer_rate(call, offer)
    if price is None:
        if rate is None:
            raise RuleViolation(NO_RATE, code="no_rate")
        price = rate
    elif rate is not None and price > rate:
        raise RuleViolation(NOT_AN_IMPROVEMENT, code="not_an_improvement", rate=f"£{rate:,.2f}")
    standing = {
        CriterionKind.QUALITY: offer.description,
        CriterionKind.SOCIAL_VALUE: offer.social_value,
    }
    given = {k: v for k, v in (answers or {}).items() if str(v).strip()}
    final = {
        c["key"]: given.get(c["key"]) or standing.get(c["kind"], "")
        for c in call.criteria
        if c["kind"] != CriterionKind.PRICE
    }
    return tender_submit(
        actor=actor,
        call=call,
        supplier=supplier,
        price=price,
        answers=final,
        notes=str(_("Answered from the standing offer saved on %(date)s."))
        % {"date": offer.updated_at.date().isoformat()},
    )
