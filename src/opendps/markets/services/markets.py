"""Every change to markets, categories, questionnaires and market notices."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import Organisation, Role, User
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import Conflict, NotPermitted, RuleViolation, full_clean_or_refuse
from opendps.core.events import AuditEventType
from opendps.markets.cpv import cpv_description
from opendps.markets.models import Category, Market, MarketNotice, NoticeKind, QuestionnaireVersion
from opendps.markets.questionnaire import questionnaire_parse
from opendps.markets.questionnaire_templates import template_for
from opendps.markets.status import MarketStatus, market_status
from opendps.regimes import RegimeCode, get_regime

MARKET_ROLES = frozenset({Role.COMMISSIONER, Role.AUTHORITY_ADMIN})

NOT_AN_AUTHORITY = _("Only a contracting authority can set up a market.")
CPV_INVALID = _(
    "'%(cpv)s' is not a CPV code (8 digits, a dash and a check digit, e.g. 79600000-0)."
)
CPV_NOT_LISTED = _(
    "'%(cpv)s' is not in the CPV 2008 list. Check the code and its last digit, "
    "for example 79600000-0 (Recruitment services)."
)
CPV_REQUIRED = _("Give at least one CPV code.")
ONLY_DRAFT = _("Only a draft market can be changed this way.")
NOT_OPEN = _("The market is not open.")
NO_CATEGORIES = _("Add at least one category before publishing.")
ALREADY_PUBLISHED = _("The market has already been published.")
VALUE_NOT_POSITIVE = _("The estimated value must be more than zero.")
REASON_REQUIRED = _("Give a reason.")
NEW_END_NOT_LATER_THAN_NOW = _("The new end of the period of validity must be in the future.")
FIRST_PERIOD_PCR_ONLY = _("Only a PCR 2015 DPS has a first period for requests to participate.")

CPV_PATTERN = re.compile(r"^\d{8}-\d$")


def _require_market_role(actor: User, authority: Organisation) -> None:
    permissions.require_role(actor, authority, MARKET_ROLES)


def _check_cpv(codes: list[str]) -> list[str]:
    cleaned = [code.strip() for code in codes if code.strip()]
    if not cleaned:
        raise RuleViolation(CPV_REQUIRED, code="cpv_required")
    for code in cleaned:
        if not CPV_PATTERN.match(code):
            raise RuleViolation(CPV_INVALID, code="cpv_invalid", cpv=code)
        if cpv_description(code) is None:
            raise RuleViolation(CPV_NOT_LISTED, code="cpv_invalid", cpv=code)
    return cleaned


def _check_regime_fields(market: Market) -> None:
    """Ask the market's regime whether its settings are lawful."""
    regime = get_regime(market.regime, market.validity_starts_at)
    regime.check_validity_period(market.validity_starts_at, market.validity_ends_at)
    regime.check_supplier_fee_rate(market.supplier_fee_percent)
    if market.assessment_working_days is not None:
        regime.assessment_working_days(False, market.assessment_working_days)
    if market.first_period_ends_at is not None and regime.FIRST_REQUEST_PERIOD_MIN_DAYS is None:
        raise RuleViolation(FIRST_PERIOD_PCR_ONLY)
    if market.estimated_value <= Decimal("0"):
        raise RuleViolation(VALUE_NOT_POSITIVE)


MARKET_FIELDS = {
    "title",
    "description",
    "title_cy",
    "description_cy",
    "cpv_codes",
    "estimated_value",
    "estimated_purchases",
    "nation",
    "validity_starts_at",
    "validity_ends_at",
    "first_period_ends_at",
    "assessment_working_days",
    "supplier_fee_percent",
    "light_touch",
    "vulnerable_people",
    "dual_opening",
}


@transaction.atomic(durable=True)
def market_create(*, actor: User, authority: Organisation, regime: str, **fields: Any) -> Market:
    """A commissioner drafts a market; nothing is public until it is published."""
    if not authority.is_authority:
        raise NotPermitted(NOT_AN_AUTHORITY)
    _require_market_role(actor, authority)
    values = {key: value for key, value in fields.items() if key in MARKET_FIELDS}
    values["cpv_codes"] = _check_cpv(list(values.get("cpv_codes") or []))
    values.setdefault("nation", authority.nation)
    market = Market(
        authority=authority,
        regime=RegimeCode(regime),
        created_by=actor,
        created_at=clock.now(),
        **values,
    )
    _check_regime_fields(market)
    full_clean_or_refuse(market)
    market.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.MARKET_CREATED,
        subject=market,
        organisation_id=authority.pk,
        data={"title": market.title, "regime": market.regime},
    )
    return market


def _lock(market: Market) -> Market:
    return Market.objects.select_for_update().select_related("authority").get(pk=market.pk)


@transaction.atomic(durable=True)
def market_update(*, actor: User, market: Market, **fields: Any) -> Market:
    market = _lock(market)
    _require_market_role(actor, market.authority)
    if market.published_at is not None:
        raise Conflict(ONLY_DRAFT)
    changes = {key: value for key, value in fields.items() if key in MARKET_FIELDS}
    if "cpv_codes" in changes:
        changes["cpv_codes"] = _check_cpv(list(changes["cpv_codes"]))
    for key, value in changes.items():
        setattr(market, key, value)
    _check_regime_fields(market)
    full_clean_or_refuse(market)
    market.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.MARKET_UPDATED,
        subject=market,
        organisation_id=market.authority_id,
        data={"fields": sorted(changes)},
    )
    return market


def _new_questionnaire_version(
    *, actor: User, category: Category, questions: Any
) -> QuestionnaireVersion:
    parsed = questionnaire_parse(questions)
    latest = category.questionnaire_versions.order_by("-version").first()
    version = QuestionnaireVersion(
        category=category,
        version=(latest.version + 1) if latest else 1,
        questions=parsed.model_dump(mode="json")["questions"],
        created_by=actor,
        created_at=clock.now(),
    )
    version.save()
    return version


CATEGORY_FIELDS = {
    "title",
    "description",
    "title_cy",
    "description_cy",
    "service_type",
    "areas",
    "max_contract_value",
    "position",
}


@transaction.atomic(durable=True)
def category_add(*, actor: User, market: Market, questions: Any = None, **fields: Any) -> Category:
    """Add a category (part) with its questionnaire: given, or the regime's template."""
    market = _lock(market)
    _require_market_role(actor, market.authority)
    regime = get_regime(market.regime, market.validity_starts_at)
    if market.published_at is not None:
        # PA 2023 s 36: conditions of membership cannot change during the market's term.
        regime.check_conditions_change(market_established=True)
        if market_status(market) != MarketStatus.OPEN:
            raise Conflict(NOT_OPEN)
    values = {key: value for key, value in fields.items() if key in CATEGORY_FIELDS}
    values["areas"] = [a.strip() for a in values.get("areas") or [] if a.strip()]
    category = Category(market=market, **values)
    full_clean_or_refuse(category)
    category.save()
    if questions is None:
        questions = template_for(market.regime, vulnerable_people=market.vulnerable_people)[
            "questions"
        ]
    version = _new_questionnaire_version(actor=actor, category=category, questions=questions)
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATEGORY_ADDED,
        subject=category,
        organisation_id=market.authority_id,
        data={"title": category.title, "market_id": market.pk, "questionnaire": version.version},
    )
    return category


@transaction.atomic(durable=True)
def questionnaire_revise(
    *, actor: User, category: Category, questions: Any
) -> QuestionnaireVersion:
    """A new version of a category's questionnaire; earlier applications keep theirs."""
    market = _lock(category.market)
    _require_market_role(actor, market.authority)
    if market.published_at is not None:
        get_regime(market.regime, market.validity_starts_at).check_conditions_change(
            market_established=True
        )
    version = _new_questionnaire_version(actor=actor, category=category, questions=questions)
    audit_record(
        actor=actor,
        event_type=AuditEventType.QUESTIONNAIRE_REVISED,
        subject=category,
        organisation_id=market.authority_id,
        data={"version": version.version},
    )
    return version


def _notice(market: Market, kind: NoticeKind, summary: str, data: dict[str, Any]) -> MarketNotice:
    return MarketNotice.objects.create(
        market=market, kind=kind, published_at=clock.now(), summary=summary, data=data
    )


@transaction.atomic(durable=True)
def market_publish(*, actor: User, market: Market) -> Market:
    """Publish the market and its notice; suppliers may apply from now on."""
    market = _lock(market)
    _require_market_role(actor, market.authority)
    if market.published_at is not None:
        raise Conflict(ALREADY_PUBLISHED)
    if not market.categories.exists():
        raise RuleViolation(NO_CATEGORIES, code="no_categories")
    now = clock.now()
    regime = get_regime(market.regime, market.validity_starts_at)
    _check_regime_fields(market)
    if regime.FIRST_REQUEST_PERIOD_MIN_DAYS is not None:
        if market.first_period_ends_at is None:
            market.first_period_ends_at = regime.first_request_period_min_end(now)
        regime.check_first_period(now, market.first_period_ends_at)
    market.published_at = now
    market.save()
    kind = (
        NoticeKind.CONTRACT_NOTICE
        if "contract_notice" in regime.market_notices
        else NoticeKind.ESTABLISHED
    )
    _notice(market, kind, market.title, {"validity_ends_at": market.validity_ends_at.isoformat()})
    audit_record(
        actor=actor,
        event_type=AuditEventType.MARKET_PUBLISHED,
        subject=market,
        organisation_id=market.authority_id,
        data={"notice": kind, "first_period_ends_at": str(market.first_period_ends_at or "")},
    )
    return market


@transaction.atomic(durable=True)
def market_validity_change(
    *, actor: User, market: Market, validity_ends_at: datetime, reason: str
) -> Market:
    """Change the period of validity, with a notice (PCR: validity change; PA: modified)."""
    market = _lock(market)
    _require_market_role(actor, market.authority)
    if market_status(market) != MarketStatus.OPEN:
        raise Conflict(NOT_OPEN)
    if not reason.strip():
        raise RuleViolation(REASON_REQUIRED, code="reason_required")
    if validity_ends_at <= clock.now():
        raise RuleViolation(NEW_END_NOT_LATER_THAN_NOW)
    regime = get_regime(market.regime, market.validity_starts_at)
    regime.check_validity_period(market.validity_starts_at, validity_ends_at)
    before = market.validity_ends_at
    market.validity_ends_at = validity_ends_at
    market.save(update_fields=["validity_ends_at"])
    kind = (
        NoticeKind.VALIDITY_CHANGE
        if "validity_change" in regime.market_notices
        else NoticeKind.MODIFIED
    )
    _notice(
        market,
        kind,
        reason.strip(),
        {"from": before.isoformat(), "to": validity_ends_at.isoformat(), "reason": reason.strip()},
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.MARKET_VALIDITY_CHANGED,
        subject=market,
        organisation_id=market.authority_id,
        data={"from": before.isoformat(), "to": validity_ends_at.isoformat(), "reason": reason},
    )
    return market


@transaction.atomic(durable=True)
def market_cease(*, actor: User, market: Market, reason: str) -> Market:
    """End the market now (PA 2023: a 'ceased' dynamic market notice, s 39)."""
    market = _lock(market)
    _require_market_role(actor, market.authority)
    if market_status(market) != MarketStatus.OPEN:
        raise Conflict(NOT_OPEN)
    if not reason.strip():
        raise RuleViolation(REASON_REQUIRED, code="reason_required")
    regime = get_regime(market.regime, market.validity_starts_at)
    market.ceased_at = clock.now()
    market.ceased_reason = reason.strip()
    market.save(update_fields=["ceased_at", "ceased_reason"])
    kind = NoticeKind.CEASED if "ceased" in regime.market_notices else NoticeKind.VALIDITY_CHANGE
    _notice(market, kind, reason.strip(), {"ceased_at": market.ceased_at.isoformat()})
    audit_record(
        actor=actor,
        event_type=AuditEventType.MARKET_CEASED,
        subject=market,
        organisation_id=market.authority_id,
        data={"reason": reason.strip()},
    )
    return market
