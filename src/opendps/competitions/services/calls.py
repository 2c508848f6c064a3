"""Drafting, creating and cancelling calls (publishing: ``publishing``; questions:
``clarifications``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import Organisation, User
from opendps.competitions.anonymity import check_anonymised
from opendps.competitions.criteria import (
    RAPID_DEFAULT,
    STANDARD_DEFAULT,
    CriterionKind,
    criteria_parse,
    social_value_weight,
)
from opendps.competitions.models import Call
from opendps.competitions.pricing import PriceBasis, PriceTerms, terms_content
from opendps.competitions.references import reference_next, reference_prefix

# Re-exported: competitions.api reads it on this module.
from opendps.competitions.services.clarifications import NOT_INVITED as NOT_INVITED
from opendps.competitions.services.common import BUY_ROLES, lock_call, supplier_emails
from opendps.competitions.status import CallStatus, call_status
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import (
    Conflict,
    RuleViolation,
    full_clean_or_refuse,
)
from opendps.core.events import AuditEventType
from opendps.markets.models import Category, Market
from opendps.markets.status import MarketStatus, market_status
from opendps.notifications.services import email_send_on_commit
from opendps.regimes import get_regime

MARKET_NOT_OPEN = _("Calls can only be made in an open market.")
RAPID_NOT_LIGHT_TOUCH = _(
    "Rapid calls are only for light-touch services (social, health, employment)."
)
NEEDS_ONLY_FOR_RAPID = _("A service user's needs belong to a rapid call for one service user.")
CLARIFICATION_BEFORE_DEADLINE = _(
    "The deadline for questions must be before the deadline for tenders."
)
CANNOT_CANCEL = _("A call that has been awarded, cancelled or closed cannot be cancelled.")
REASON_REQUIRED = _("Give a reason.")
DEADLINE_IN_PAST = _("The deadline for tenders must be in the future.")
DEADLINE_AFTER_VALIDITY = _("The deadline must fall within the market's period of validity.")
VALUE_NOT_POSITIVE = _("The estimated value must be more than zero.")
VALUE_TOO_LARGE = _("The estimated value is too large.")
AGREED_PERIOD_TOO_LONG = _("An agreed period for tenders can be at most %(hours)s hours.")
MAX_VALUE = Decimal("999999999999.99")
MAX_AGREED_PERIOD_HOURS = 24 * 30
AGREED_PERIOD_RAPID = _("An agreed shorter period and a rapid call cannot be combined.")
ACCEPTANCE_HOURS_INVALID = _(
    "A time for the provider to accept is for rapid calls only: from 1 to 72 hours."
)


def default_criteria(
    *, rapid: bool, social_value_minimum: Decimal = Decimal(0)
) -> list[dict[str, Any]]:
    """The criteria a new call starts from. They meet the authority's social value minimum
    (PPN 06/20, PPN 002 for central government): a rapid call, which has no social value
    criterion by default, gets one of exactly the minimum, taken from quality."""
    criteria: list[dict[str, Any]] = [
        dict(item) for item in (RAPID_DEFAULT if rapid else STANDARD_DEFAULT)
    ]
    held = sum(
        (Decimal(c["weight"]) for c in criteria if c["kind"] == CriterionKind.SOCIAL_VALUE),
        Decimal(0),
    )
    if held < social_value_minimum:
        quality = next(c for c in criteria if c["kind"] == CriterionKind.QUALITY)
        quality["weight"] = Decimal(quality["weight"]) - (social_value_minimum - held)
        existing = [c for c in criteria if c["kind"] == CriterionKind.SOCIAL_VALUE]
        if existing:
            existing[0]["weight"] = social_value_minimum
        else:
            criteria.insert(
                1,
                {
                    "key": "social_value",
                    "name": "Social value",
                    "kind": CriterionKind.SOCIAL_VALUE.value,
                    "weight": social_value_minimum,
                },
            )
    return criteria


def social_value_minimum(market: Market) -> Decimal:
    """The social value weight the market's authority must give at least (0 if none)."""
    regime = get_regime(market.regime, market.validity_starts_at)
    if market.authority.is_central_government:
        return Decimal(regime.CENTRAL_GOVERNMENT_MIN_SOCIAL_VALUE_WEIGHT)
    return Decimal(0)


def draft_values(
    *,
    actor: User,
    category: Category,
    title: str,
    requirement: str,
    estimated_value: Decimal,
    deadline: datetime,
    clarification_deadline: datetime | None = None,
    criteria: list[dict[str, Any]] | None = None,
    rapid: bool = False,
    service_user_needs: str = "",
    region: str = "",
    agreed_period_hours: int | None = None,
    price_basis: str = PriceBasis.TOTAL,
    price_unit: str = "",
    expected_quantity: Decimal | None = None,
    acceptance_hours: int | None = None,
    title_cy: str = "",
    requirement_cy: str = "",
) -> dict[str, Any]:
    """Check a draft call's fields (creating or changing it) and return the values to
    store, with ``terms`` (the price terms) and ``category`` (loaded with its market).

    A draft must be publishable as it stands: its deadline is checked against the
    regime's minimum as if it were published now (issue 15: a rapid call's hours, a
    standard call's days), so no draft is saved that could never be published.
    """
    category = Category.objects.select_related("market__authority").get(pk=category.pk)
    market = category.market
    authority = market.authority
    permissions.require_role(actor, authority, BUY_ROLES)
    if market_status(market) != MarketStatus.OPEN:
        raise RuleViolation(MARKET_NOT_OPEN, code="market_not_open")
    if rapid and not market.light_touch:
        raise RuleViolation(RAPID_NOT_LIGHT_TOUCH, code="rapid_not_light_touch")
    if service_user_needs.strip() and not rapid:
        raise RuleViolation(NEEDS_ONLY_FOR_RAPID, code="needs_only_for_rapid")
    if agreed_period_hours and rapid:
        raise RuleViolation(AGREED_PERIOD_RAPID)
    if acceptance_hours is not None and (not rapid or not 0 < acceptance_hours <= 72):
        raise RuleViolation(ACCEPTANCE_HOURS_INVALID, code="acceptance_hours_invalid")
    check_anonymised(service_user_needs)
    if deadline <= clock.now():
        raise RuleViolation(DEADLINE_IN_PAST, code="deadline_in_past")
    if deadline > market.validity_ends_at:
        raise RuleViolation(DEADLINE_AFTER_VALIDITY, code="deadline_after_validity")
    if estimated_value <= 0:
        raise RuleViolation(VALUE_NOT_POSITIVE, code="value_not_positive")
    if estimated_value > MAX_VALUE:
        raise RuleViolation(VALUE_TOO_LARGE, code="value_too_large")
    if agreed_period_hours is not None and not 0 < agreed_period_hours <= MAX_AGREED_PERIOD_HOURS:
        raise RuleViolation(AGREED_PERIOD_TOO_LONG, hours=MAX_AGREED_PERIOD_HOURS)
    terms = PriceTerms(basis=price_basis, unit=price_unit, quantity=expected_quantity).check()
    parsed = criteria_parse(
        criteria
        if criteria is not None
        else default_criteria(rapid=rapid, social_value_minimum=social_value_minimum(market))
    )
    regime = get_regime(market.regime, market.validity_starts_at)
    regime.check_social_value_weight(
        social_value_weight(parsed), central_government=authority.is_central_government
    )
    if clarification_deadline is None:
        clarification_deadline = deadline - (deadline - clock.now()) / 4
    if clarification_deadline >= deadline:
        raise RuleViolation(CLARIFICATION_BEFORE_DEADLINE)
    _check_deadline_from(
        market, deadline, clock.now(), rapid=rapid, agreed_hours=agreed_period_hours
    )
    return {
        "category": category,
        "terms": terms,
        "criteria": [c.model_dump(mode="json") for c in parsed],
        "clarification_deadline": clarification_deadline,
        "title": title.strip(),
        "requirement": requirement.strip(),
        "title_cy": title_cy.strip(),
        "requirement_cy": requirement_cy.strip(),
        "rapid": rapid,
        "service_user_needs": service_user_needs.strip(),
        "region": region.strip(),
        "estimated_value": estimated_value,
        "agreed_period_hours": agreed_period_hours,
        "acceptance_hours": acceptance_hours,
        "deadline": deadline,
    }


@transaction.atomic(durable=True)
def call_create(
    *,
    actor: User,
    category: Category,
    title: str,
    requirement: str,
    estimated_value: Decimal,
    deadline: datetime,
    clarification_deadline: datetime | None = None,
    criteria: list[dict[str, Any]] | None = None,
    rapid: bool = False,
    service_user_needs: str = "",
    region: str = "",
    agreed_period_hours: int | None = None,
    price_basis: str = PriceBasis.TOTAL,
    price_unit: str = "",
    expected_quantity: Decimal | None = None,
    acceptance_hours: int | None = None,
    title_cy: str = "",
    requirement_cy: str = "",
) -> Call:
    """A buyer drafts a call in one category of its authority's market.

    ``price_basis`` says what a tendered price means: a total, or a rate per ``price_unit``
    for ``expected_quantity`` units (a home-care package priced per hour); the award's
    contract value is the rate times the quantity.
    """
    values = draft_values(
        actor=actor,
        category=category,
        title=title,
        requirement=requirement,
        estimated_value=estimated_value,
        deadline=deadline,
        clarification_deadline=clarification_deadline,
        criteria=criteria,
        rapid=rapid,
        service_user_needs=service_user_needs,
        region=region,
        agreed_period_hours=agreed_period_hours,
        price_basis=price_basis,
        price_unit=price_unit,
        expected_quantity=expected_quantity,
        acceptance_hours=acceptance_hours,
        title_cy=title_cy,
        requirement_cy=requirement_cy,
    )
    category = values["category"]
    market = category.market
    authority = market.authority
    terms = values["terms"]
    now = clock.now()
    call = Call(
        market=market,
        category=category,
        buyer=authority,
        created_by=actor,
        created_at=now,
        reference=_reference_for(authority, market.regime, now),
        price_basis=terms.basis,
        price_unit=terms.unit,
        expected_quantity=terms.quantity,
        **{k: v for k, v in values.items() if k not in {"category", "terms"}},
    )
    full_clean_or_refuse(call, exclude=["public_key", "wrapped_private_key"])
    call.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.CALL_CREATED,
        subject=call,
        organisation_id=authority.pk,
        data={
            "title": call.title,
            "category_id": category.pk,
            "rapid": call.rapid,
            "reference": call.reference,
            **terms_content(terms),
        },
    )
    return call


def _reference_for(authority: Organisation, regime: str, now: datetime) -> str:
    """The next free reference for this buyer, kind of market and year. The buyer's row is
    locked so two calls drafted at once cannot take the same number."""
    Organisation.objects.select_for_update().filter(pk=authority.pk).exists()
    prefix = reference_prefix(authority.name, regime, now)
    last = (
        Call.objects.filter(reference__startswith=prefix)
        .order_by(Length("reference").desc(), "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    return reference_next(prefix, last)


def _check_deadline_from(
    market: Market, deadline: datetime, now: datetime, *, rapid: bool, agreed_hours: int | None
) -> None:
    """Refuse a deadline earlier than the regime's minimum for invitations sent ``now``."""
    regime = get_regime(market.regime, market.validity_starts_at)
    agreed = timedelta(hours=agreed_hours) if agreed_hours else None
    regime.check_tender_deadline(
        now,
        deadline,
        light_touch=rapid,
        sub_central_agreed_period=agreed,
        authority_is_sub_central=not market.authority.is_central_government,
    )


@transaction.atomic(durable=True)
def call_cancel(*, actor: User, call: Call, reason: str) -> Call:
    """Cancel, telling every invited supplier why."""
    call = lock_call(call)
    permissions.require_role(actor, call.market.authority, BUY_ROLES)
    if call_status(call) not in {
        CallStatus.DRAFT,
        CallStatus.OPEN,
        CallStatus.CLOSED,
        CallStatus.EVALUATION,
    }:
        raise Conflict(CANNOT_CANCEL)
    if not reason.strip():
        raise RuleViolation(REASON_REQUIRED, code="reason_required")
    call.cancelled_at = clock.now()
    call.closed_reason = reason.strip()
    call.save(update_fields=["cancelled_at", "closed_reason"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.CALL_CANCELLED,
        subject=call,
        organisation_id=call.market.authority_id,
        data={"reason": call.closed_reason},
    )
    invited = list(call.invitations.values_list("supplier_id", flat=True))
    email_send_on_commit(
        to=supplier_emails(invited), template="call_cancelled", context={"call": call}
    )
    return call
