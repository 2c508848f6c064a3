"""The award: ranking with feedback to every bidder, standstill, contract and notices.

Also closing a call whose tenders were all excluded.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import User
from opendps.competitions.criteria import (
    PRICE_FORMULA,
    SCORE_LABELS,
    TIE_BREAK_RULE,
    Bid,
    CriterionKind,
    criteria_parse,
    rank,
)
from opendps.competitions.feedback import advantage_text, advantages_data
from opendps.competitions.models import (
    Award,
    Call,
    Feedback,
    Moderation,
)
from opendps.competitions.opened import OpenedTender, live_submissions, unseal_tenders
from opendps.competitions.pricing import terms_content, terms_of
from opendps.competitions.services.common import (
    ALREADY_AWARDED,
    BUY_ROLES,
    REASON_REQUIRED,
    lock_call,
    require_opened,
    supplier_emails,
)
from opendps.competitions.services.refusals import TenderAttempt, service_refusals_audited
from opendps.competitions.status import CallStatus, call_status
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.calendar import london_date
from opendps.core.errors import Conflict, RuleViolation
from opendps.core.events import AuditEventType
from opendps.core.notices import notice_reference_checked
from opendps.notifications.services import email_send_on_commit
from opendps.regimes import get_regime

PLACEMENT_NOT_ACCEPTED = _("No provider has accepted the placement yet.")
COMPLIANT_TENDERS_REMAIN = _(
    "Compliant tenders remain: exclude each non-compliant tender with its reason, or award."
)
NOT_IN_EVALUATION = _("Only a call being evaluated can be closed without an award.")
NOT_MODERATED = _("Record the consensus scores before the award.")
NO_COMPLIANT = _("There is no compliant tender to award.")
STANDSTILL_RUNNING = _("The standstill period has not ended.")
ALREADY_CONTRACTED = _("The contract has already been entered into.")
NOT_AWARDED = _("The call has not been awarded.")


def _bids(call: Call, tenders: list[OpenedTender], moderation: Moderation) -> list[Bid]:
    return [
        Bid(
            submission_id=t.submission.pk,
            supplier_id=t.submission.supplier_id,
            price=t.price,
            received_at=t.submission.received_at.isoformat(),
            scores={k: v["score"] for k, v in moderation.scores[str(t.submission.pk)].items()},
        )
        for t in tenders
        if t.submission.excluded_at is None
    ]


@service_refusals_audited(TenderAttempt.AWARD)
@transaction.atomic(durable=True)
def award_decide(*, actor: User, call: Call, voluntary_standstill: bool = False) -> Award:
    """Rank the compliant tenders on the published criteria; the best wins.

    Every bidder gets feedback (PA 2023 s 50 assessment summary; given under the PCR too):
    its scores and reasons per criterion, the winner's scores, its rank and the relative
    advantages of the winning tender. Standstill follows the regime.
    """
    call = lock_call(call)
    market = call.market
    permissions.require_role(actor, market.authority, BUY_ROLES)
    require_opened(call)
    if Award.objects.filter(call=call).exists():
        raise Conflict(ALREADY_AWARDED)
    moderation = Moderation.objects.filter(call=call).first()
    if moderation is None:
        raise RuleViolation(NOT_MODERATED, code="not_moderated")
    criteria = criteria_parse(call.criteria)
    tenders = unseal_tenders(call)
    ranked = rank(criteria, _bids(call, tenders, moderation))
    if not ranked:
        raise RuleViolation(NO_COMPLIANT, code="no_compliant")
    now = clock.now()
    regime = get_regime(market.regime, market.validity_starts_at)
    winner = ranked[0]
    terms = terms_of(call)
    ranking = [
        {
            "submission_id": r.bid.submission_id,
            "supplier_id": r.bid.supplier_id,
            "rank": r.rank,
            "total": str(r.total),
            "points": {k: str(v) for k, v in r.points.items()},
            "scores": r.bid.scores,
            "price": str(r.bid.price),
            "value": str(terms.value(r.bid.price)),
        }
        for r in ranked
    ]
    award = Award.objects.create(
        call=call,
        winner_id=winner.bid.submission_id,
        decided_by=actor,
        decided_at=now,
        ranking=ranking,
        standstill_ends_at=regime.standstill_end(
            now,
            market.nation,
            voluntary=voluntary_standstill,
            light_touch=call.light_touch_contract,
        ),
        award_notice_due_at=regime.award_notice_due(now),
        # PA 2023: the contract award notice is published with the decision (s 50 first).
        award_notice_published_at=now if not regime.award_notice_due(now) else None,
        # A unit rate is not a contract value: the rate times the expected quantity is.
        contract_value=terms.value(winner.bid.price),
    )
    _feedback_for_all(call, award, criteria, tenders, moderation, now)
    audit_record(
        actor=actor,
        event_type=AuditEventType.AWARD_DECIDED,
        subject=call,
        organisation_id=call.buyer_id,
        data={
            "winner_supplier_id": winner.bid.supplier_id,
            "total": str(winner.total),
            "bidders": len(tenders),
            "standstill_ends_at": award.standstill_ends_at.isoformat()
            if award.standstill_ends_at
            else None,
        },
    )
    if call.acceptance_hours:
        # A rapid call's placement: the contract waits for the provider's acceptance.
        from opendps.brokerage.services import placement_offer_first

        placement_offer_first(actor=actor, call=call, award=award, now=now)
    elif award.standstill_ends_at is None:
        _conclude(call, award, now)
    return award


def _feedback_for_all(
    call: Call,
    award: Award,
    criteria: list[Any],
    tenders: list[OpenedTender],
    moderation: Moderation,
    now: Any,
) -> None:
    by_submission = {entry["submission_id"]: entry for entry in award.ranking}
    winner = by_submission[award.winner_id]
    terms = terms_of(call)
    names = {c.key: c.name for c in criteria}
    winner_reasons = moderation.scores.get(str(award.winner_id), {})
    for tender in tenders:
        submission = tender.submission
        mine = by_submission.get(submission.pk)
        reasons = moderation.scores.get(str(submission.pk), {})
        advantages = advantages_data(criteria, mine, winner, winner_reasons)
        content = {
            "call_title": call.title,
            "bidders": len(tenders),
            "rank": mine["rank"] if mine else None,
            "won": submission.pk == award.winner_id,
            "excluded_reason": submission.exclusion_reason or None,
            "criteria": [
                {
                    "key": c.key,
                    "name": c.name,
                    "kind": c.kind,
                    "weight": str(c.weight),
                    "your_points": mine["points"][c.key] if mine else None,
                    "your_score": (
                        mine["scores"].get(c.key)
                        if mine and c.kind != CriterionKind.PRICE
                        else None
                    ),
                    "your_score_label": (
                        SCORE_LABELS.get(mine["scores"].get(c.key))
                        if mine and c.kind != CriterionKind.PRICE
                        else None
                    ),
                    "reason": reasons.get(c.key, {}).get("reason", ""),
                    "winner_points": winner["points"][c.key],
                }
                for c in criteria
            ],
            "your_total": mine["total"] if mine else None,
            "winner_total": winner["total"],
            "your_price": str(tender.price),
            "winning_price": winner["price"],
            # The whole contract's value at each price: equal to the price for a total.
            "your_value": str(terms.value(tender.price)),
            "winning_value": str(award.contract_value),
            **terms_content(terms),
            "advantages": advantages,
            # The same in words (in the awarding person's language), for readers of
            # feedback stored before ``advantages``; pages and the API re-word ``advantages``.
            "relative_advantages": [advantage_text(item) for item in advantages],
            "price_formula": PRICE_FORMULA,
            "tie_break": TIE_BREAK_RULE,
            "standstill_ends_at": award.standstill_ends_at.isoformat()
            if award.standstill_ends_at
            else None,
            "criterion_names": names,
        }
        Feedback.objects.create(
            call=call, supplier_id=submission.supplier_id, created_at=now, content=content
        )
    email_send_on_commit(
        to=supplier_emails([t.submission.supplier_id for t in tenders]),
        template="award_feedback",
        context={"call": call},
    )


def _conclude(call: Call, award: Award, now: Any) -> Any:
    from opendps.contracts.models import Contract

    market = call.market
    regime = get_regime(market.regime, market.validity_starts_at)
    regime.check_contract_entry(
        now,
        award_notice_published_at=award.award_notice_published_at,
        standstill_ends_at=award.standstill_ends_at,
    )
    winner = award.winner
    fee_percent = market.supplier_fee_percent or Decimal(0)
    tender = next(t for t in unseal_tenders(call) if t.submission.pk == winner.pk)
    social_value = {
        key: text
        for key, text in tender.answers.items()
        if any(c["key"] == key and c["kind"] == CriterionKind.SOCIAL_VALUE for c in call.criteria)
    }
    return Contract.objects.create(
        call=call,
        award=award,
        buyer=call.buyer,
        supplier_id=winner.supplier_id,
        value=award.contract_value,
        entered_at=now,
        starts_on=london_date(now),
        fee_percent=fee_percent,
        fee_amount=regime.supplier_fee(award.contract_value, market.supplier_fee_percent),
        commitments={"social_value": social_value},
        details_notice_due_at=regime.contract_details_notice_due(
            now, light_touch=call.light_touch_contract
        ),
    )


@transaction.atomic(durable=True)
def contract_conclude(*, actor: User, call: Call) -> Any:
    """Enter into the contract once the standstill has ended."""
    call = lock_call(call)
    permissions.require_role(actor, call.market.authority, BUY_ROLES)
    award = Award.objects.filter(call=call).select_related("winner").first()
    if award is None:
        raise RuleViolation(NOT_AWARDED, code="not_awarded")
    if hasattr(call, "contract"):
        raise Conflict(ALREADY_CONTRACTED)
    now = clock.now()
    if award.standstill_ends_at is not None and now <= award.standstill_ends_at:
        raise RuleViolation(STANDSTILL_RUNNING, code="standstill_running")
    # A challenge raised in standstill (or proceedings issued) holds the contract.
    from opendps.challenges.holds import contract_hold_check

    contract_hold_check(award)
    if call.acceptance_hours and not call.placements.filter(accepted_at__isnull=False).exists():  # type: ignore[attr-defined]
        raise RuleViolation(PLACEMENT_NOT_ACCEPTED, code="placement_not_accepted")
    contract = _conclude(call, award, now)
    audit_record(
        actor=actor,
        event_type=AuditEventType.CONTRACT_CONCLUDED,
        subject=contract,
        organisation_id=call.buyer_id,
        data={"supplier_id": contract.supplier_id, "value": str(contract.value)},
    )
    return contract


@transaction.atomic(durable=True)
def call_close_no_compliant(*, actor: User, call: Call, reason: str) -> Call:
    call = lock_call(call)
    permissions.require_role(actor, call.market.authority, BUY_ROLES)
    require_opened(call)
    if call_status(call) != CallStatus.EVALUATION:
        raise Conflict(NOT_IN_EVALUATION)
    if any(s.excluded_at is None for s in live_submissions(call)):
        raise RuleViolation(COMPLIANT_TENDERS_REMAIN, code="compliant_tenders_remain")
    if not reason.strip():
        raise RuleViolation(REASON_REQUIRED, code="reason_required")
    call.no_compliant_at = clock.now()
    call.closed_reason = reason.strip()
    call.save(update_fields=["no_compliant_at", "closed_reason"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.CALL_CLOSED_NO_COMPLIANT,
        subject=call,
        organisation_id=call.buyer_id,
        data={"reason": call.closed_reason},
    )
    bidders = [s.supplier_id for s in live_submissions(call)]
    email_send_on_commit(
        to=supplier_emails(bidders), template="call_no_compliant", context={"call": call}
    )
    return call


@transaction.atomic(durable=True)
def award_notice_record(*, actor: User, award: Award, reference: str) -> Award:
    """The authority published the award notice on Find a Tender: keep its reference and
    when it was recorded, which ends the notice's "due" state."""
    award = Award.objects.select_for_update().select_related("call__buyer").get(pk=award.pk)
    # Who buys for the authority publishes its notices.
    permissions.require_role(actor, award.call.buyer, BUY_ROLES)
    award.award_notice_reference = notice_reference_checked(
        reference, published_at=award.award_notice_published_at
    )
    award.award_notice_published_at = clock.now()
    award.save(update_fields=["award_notice_reference", "award_notice_published_at"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.AWARD_NOTICE_RECORDED,
        subject=award.call,
        organisation_id=award.call.buyer_id,
        data={"reference": award.award_notice_reference},
    )
    return award
