"""Every change to contracts: performance records, confirmations, ratings, variations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import Organisation, Role, User
from opendps.accounts.selectors import contact_emails
from opendps.contracts.models import (
    ChangeKind,
    Contract,
    ContractChange,
    MetricKind,
    PerformanceRecord,
    Rating,
)
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import Conflict, NotPermitted, RuleViolation, full_clean_or_refuse
from opendps.core.events import AuditEventType
from opendps.core.notices import notice_reference_checked
from opendps.notifications.services import email_send_on_commit

BUYER_ROLES = frozenset({Role.BUYER, Role.COMMISSIONER, Role.AUTHORITY_ADMIN})
SUPPLIER_ROLES = frozenset({Role.SUPPLIER_ADMIN, Role.BID_WRITER})

NOT_A_PARTY = _("Only the buyer or the supplier of this contract can do that.")
OTHER_PARTY_CONFIRMS = _(
    "The other party to the contract confirms a record, not the one who made it."
)
ALREADY_SETTLED = _("This record has already been confirmed or disputed.")
PERIOD_BACKWARDS = _("The period must end on or after the day it starts.")
QUANTITY_NEGATIVE = _("The quantity cannot be negative.")
TARGET_NEGATIVE = _("The target cannot be negative.")
RATING_RANGE = _("Rate from 1 (very poor) to 5 (excellent).")
COMMENT_REQUIRED = _("Explain the rating: the supplier will read it.")
ALREADY_REPLIED = _("You have already answered this rating.")
REASON_REQUIRED = _("Give a reason.")
REPLY_REQUIRED = _("Write your answer: the buyer will read it.")
NOTHING_VARIED = _("A variation changes the value or the end date: give a new one.")
VALUE_NEGATIVE = _("The contract value cannot be negative.")
ENDS_BEFORE_START = _("The contract cannot end before it starts.")
TERMINATED = _("This contract has been terminated.")


def _party(actor: User, contract: Contract) -> Organisation:
    """The organisation the actor acts for in this contract, or NotPermitted."""
    if permissions.has_role(actor, contract.buyer_id, BUYER_ROLES):
        return contract.buyer
    if permissions.has_role(actor, contract.supplier_id, SUPPLIER_ROLES):
        return contract.supplier
    raise NotPermitted(NOT_A_PARTY)


def _lock(contract: Contract) -> Contract:
    return (
        Contract.objects.select_for_update().select_related("buyer", "supplier").get(pk=contract.pk)
    )


def _other_party_emails(contract: Contract, party: Organisation) -> list[str]:
    other = contract.supplier if party.pk == contract.buyer_id else contract.buyer
    roles = SUPPLIER_ROLES if other.pk == contract.supplier_id else BUYER_ROLES
    return contact_emails([other.pk], roles)


@transaction.atomic(durable=True)
def performance_record(
    *,
    actor: User,
    contract: Contract,
    kind: str,
    metric: str,
    quantity: Decimal,
    period_start: date,
    period_end: date,
    target: Decimal | None = None,
    note: str = "",
) -> PerformanceRecord:
    """Either party records a delivery, KPI or outcome; the other confirms it."""
    contract = _lock(contract)
    party = _party(actor, contract)
    if contract.terminated_at is not None:
        raise Conflict(TERMINATED)
    if period_end < period_start:
        raise RuleViolation(PERIOD_BACKWARDS)
    if quantity < 0:
        raise RuleViolation(QUANTITY_NEGATIVE)
    if target is not None and target < 0:
        raise RuleViolation(TARGET_NEGATIVE)
    record = PerformanceRecord(
        contract=contract,
        kind=MetricKind(kind),
        metric=metric.strip(),
        quantity=quantity,
        target=target,
        period_start=period_start,
        period_end=period_end,
        note=note.strip(),
        recorded_by_org=party,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    full_clean_or_refuse(record)
    record.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.PERFORMANCE_RECORDED,
        subject=record,
        organisation_id=party.pk,
        data={"contract_id": contract.pk, "metric": record.metric, "quantity": str(quantity)},
    )
    email_send_on_commit(
        to=_other_party_emails(contract, party),
        template="performance_to_confirm",
        context={"contract": contract, "record": record, "party": party},
    )
    return record


def _settle(actor: User, record: PerformanceRecord) -> tuple[PerformanceRecord, Organisation]:
    record = (
        PerformanceRecord.objects.select_for_update()
        .select_related("contract", "contract__buyer", "contract__supplier")
        .get(pk=record.pk)
    )
    party = _party(actor, record.contract)
    if party.pk == record.recorded_by_org_id:
        raise NotPermitted(OTHER_PARTY_CONFIRMS)
    if record.confirmed_at is not None or record.disputed_at is not None:
        raise Conflict(ALREADY_SETTLED)
    return record, party


@transaction.atomic(durable=True)
def performance_confirm(*, actor: User, record: PerformanceRecord) -> PerformanceRecord:
    record, party = _settle(actor, record)
    record.confirmed_at = clock.now()
    record.confirmed_by = actor
    record.save(update_fields=["confirmed_at", "confirmed_by"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.PERFORMANCE_CONFIRMED,
        subject=record,
        organisation_id=party.pk,
    )
    return record


@transaction.atomic(durable=True)
def performance_dispute(
    *, actor: User, record: PerformanceRecord, reason: str
) -> PerformanceRecord:
    record, party = _settle(actor, record)
    if not reason.strip():
        raise RuleViolation(REASON_REQUIRED)
    record.disputed_at = clock.now()
    record.dispute_reason = reason.strip()
    record.save(update_fields=["disputed_at", "dispute_reason"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.PERFORMANCE_DISPUTED,
        subject=record,
        organisation_id=party.pk,
        data={"reason": record.dispute_reason},
    )
    return record


@transaction.atomic(durable=True)
def rating_give(*, actor: User, contract: Contract, score: int, comment: str) -> Rating:
    contract = _lock(contract)
    permissions.require_role(actor, contract.buyer, BUYER_ROLES)
    if not 1 <= int(score) <= 5:
        raise RuleViolation(RATING_RANGE)
    if not comment.strip():
        raise RuleViolation(COMMENT_REQUIRED)
    rating = Rating.objects.create(
        contract=contract,
        score=int(score),
        comment=comment.strip(),
        rated_by=actor,
        rated_at=clock.now(),
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.CONTRACT_RATED,
        subject=rating,
        organisation_id=contract.buyer_id,
        data={"contract_id": contract.pk, "score": rating.score},
    )
    email_send_on_commit(
        to=_other_party_emails(contract, contract.buyer),
        template="contract_rated",
        context={"contract": contract, "rating": rating},
    )
    return rating


@transaction.atomic(durable=True)
def rating_reply(*, actor: User, rating: Rating, reply: str) -> Rating:
    rating = (
        Rating.objects.select_for_update().select_related("contract__supplier").get(pk=rating.pk)
    )
    permissions.require_role(actor, rating.contract.supplier, SUPPLIER_ROLES)
    if rating.replied_at is not None:
        raise Conflict(ALREADY_REPLIED)
    if not reply.strip():
        raise RuleViolation(REPLY_REQUIRED)
    rating.supplier_reply = reply.strip()
    rating.replied_at = clock.now()
    rating.save(update_fields=["supplier_reply", "replied_at"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.RATING_ANSWERED,
        subject=rating,
        organisation_id=rating.contract.supplier_id,
    )
    return rating


def _check_new_terms(
    contract: Contract, kind: ChangeKind, value: Decimal | None, ends_on: date | None
) -> None:
    """A variation must change something, to terms a contract can have."""
    if value is not None and value < 0:
        raise RuleViolation(VALUE_NEGATIVE)
    if ends_on is not None and contract.starts_on is not None and ends_on < contract.starts_on:
        raise RuleViolation(ENDS_BEFORE_START)
    if (
        kind == ChangeKind.VARIATION
        and (value is None or value == contract.value)
        and (ends_on is None or ends_on == contract.ends_on)
    ):
        raise RuleViolation(NOTHING_VARIED)


@transaction.atomic(durable=True)
def contract_change(
    *,
    actor: User,
    contract: Contract,
    kind: str,
    reason: str,
    value: Decimal | None = None,
    ends_on: date | None = None,
) -> ContractChange:
    """Vary the value or end date, or terminate, with the reason kept."""
    contract = _lock(contract)
    permissions.require_role(actor, contract.buyer, BUYER_ROLES)
    if contract.terminated_at is not None:
        raise Conflict(TERMINATED)
    if not reason.strip():
        raise RuleViolation(REASON_REQUIRED)
    change_kind = ChangeKind(kind)
    _check_new_terms(contract, change_kind, value, ends_on)
    now = clock.now()
    change = ContractChange(
        contract=contract,
        kind=change_kind,
        reason=reason.strip(),
        value_before=contract.value,
        value_after=value if value is not None else contract.value,
        ends_before=contract.ends_on,
        ends_after=ends_on if ends_on is not None else contract.ends_on,
        changed_by=actor,
        changed_at=now,
    )
    full_clean_or_refuse(change)
    change.save()
    contract.value = change.value_after
    contract.ends_on = change.ends_after
    if change_kind == ChangeKind.TERMINATION:
        contract.terminated_at = now
    contract.save(update_fields=["value", "ends_on", "terminated_at"])
    audit_record(
        actor=actor,
        event_type=(
            AuditEventType.CONTRACT_TERMINATED
            if change_kind == ChangeKind.TERMINATION
            else AuditEventType.CONTRACT_VARIED
        ),
        subject=contract,
        organisation_id=contract.buyer_id,
        data={"reason": change.reason, "value": str(contract.value)},
    )
    return change


@transaction.atomic(durable=True)
def details_notice_record(*, actor: User, contract: Contract, reference: str) -> Contract:
    """The authority published the contract details notice on Find a Tender: keep its
    reference and when it was recorded, which ends the notice's "due" state."""
    contract = _lock(contract)
    permissions.require_role(actor, contract.buyer, BUYER_ROLES)
    contract.details_notice_reference = notice_reference_checked(
        reference, published_at=contract.details_notice_published_at
    )
    contract.details_notice_published_at = clock.now()
    contract.save(update_fields=["details_notice_reference", "details_notice_published_at"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.DETAILS_NOTICE_RECORDED,
        subject=contract,
        organisation_id=contract.buyer_id,
        data={"reference": contract.details_notice_reference},
    )
    return contract
