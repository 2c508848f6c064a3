"""Evaluation: conflict declarations, scoring, exclusion and moderation (award: ``award``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import User
from opendps.competitions.criteria import (
    MAX_SCORE,
    criteria_parse,
    scored_criteria,
)
from opendps.competitions.models import (
    Call,
    ConflictDeclaration,
    Moderation,
    Scoresheet,
    TenderSubmission,
)
from opendps.competitions.opened import live_submissions

# Re-exported: brokerage.services.placements concludes a placement's contract through it.
from opendps.competitions.services.common import (
    ALREADY_AWARDED,
    EVALUATE_ROLES,
    MODERATE_ROLES,
    REASON_REQUIRED,
    lock_call,
    require_opened,
    submission_exclude_locked,
)
from opendps.competitions.services.refusals import TenderAttempt, service_refusals_audited
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import Conflict, NotPermitted, RuleViolation
from opendps.core.events import AuditEventType

DECLARE_FIRST = _("Declare whether you have a conflict of interest before scoring.")
CONFLICTED = _("You declared a conflict of interest, so you cannot score this call.")
ALREADY_DECLARED = _("You have already declared for this call.")
ALREADY_SUBMITTED = _("Your scores are submitted and can no longer be changed.")
SCORE_MISSING = _(
    "Score every tender against every criterion, with a reason (missing: %(missing)s)."
)
CONSENSUS_REASON_MISSING = _(
    "Give each consensus score a reason: the bidder reads it in its feedback "
    "(missing: %(missing)s)."
)
SCORE_RANGE = _("Scores run from 0 to %(max)s.")
UNKNOWN_TENDER = _("That tender is not part of this call.")
UNKNOWN_CRITERION = _("'%(criterion)s' is not a scored criterion of this call.")
NO_SUBMITTED_SCORES = _("At least one evaluator must submit scores before moderation.")


@transaction.atomic(durable=True)
def conflict_declare(
    *, actor: User, call: Call, has_conflict: bool, details: str = ""
) -> ConflictDeclaration:
    call = lock_call(call)
    permissions.require_role(actor, call.market.authority, EVALUATE_ROLES)
    if ConflictDeclaration.objects.filter(call=call, evaluator=actor).exists():
        raise Conflict(ALREADY_DECLARED)
    if has_conflict and not details.strip():
        raise RuleViolation(REASON_REQUIRED, code="reason_required")
    declaration = ConflictDeclaration.objects.create(
        call=call,
        evaluator=actor,
        declared_at=clock.now(),
        has_conflict=has_conflict,
        details=details.strip(),
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.CONFLICT_DECLARED,
        subject=call,
        organisation_id=call.buyer_id,
        data={"has_conflict": has_conflict},
    )
    return declaration


def _check_scores(
    call: Call,
    scores: dict[str, dict[str, dict[str, Any]]],
    *,
    complete: bool,
    consensus: bool = False,
) -> dict[str, dict[str, dict[str, Any]]]:
    """Validate {submission_id: {criterion_key: {"score", "reason"}}} for compliant tenders.

    ``complete`` asks for a score with a reason in every cell. A ``consensus`` reason is the
    text the bidder reads in its feedback, so a blank one is refused in those words: only
    what the moderator writes reaches a bidder, never a default.
    """
    compliant = [s for s in live_submissions(call) if s.excluded_at is None]
    tenders = {str(s.pk) for s in compliant}
    # Messages name the bidder and the criterion in words, never ids or keys (issue 15).
    suppliers = {str(s.pk): s.supplier.name for s in compliant}
    criteria = scored_criteria(criteria_parse(call.criteria))
    criterion_names = {c.key: c.name for c in criteria}
    clean: dict[str, dict[str, dict[str, Any]]] = {}
    for submission_id, by_criterion in scores.items():
        if str(submission_id) not in tenders:
            raise RuleViolation(UNKNOWN_TENDER, code="unknown_tender")
        for key, item in by_criterion.items():
            if key not in {c.key for c in criteria}:
                raise RuleViolation(UNKNOWN_CRITERION, code="unknown_criterion", criterion=key)
            try:
                score = int(item["score"])
            except (KeyError, TypeError, ValueError):
                raise RuleViolation(SCORE_RANGE, max=MAX_SCORE) from None
            if not 0 <= score <= MAX_SCORE:
                raise RuleViolation(SCORE_RANGE, max=MAX_SCORE)
            clean.setdefault(str(submission_id), {})[key] = {
                "score": score,
                "reason": str(item.get("reason", "")).strip(),
            }
    if complete:
        cells = [(sid, c.key) for sid in sorted(tenders) for c in criteria]
        missing = [
            f"{suppliers[sid]}: {criterion_names[key]}"
            for sid, key in cells
            if not clean.get(sid, {}).get(key, {}).get("reason")
        ]
        scored_all = all(key in clean.get(sid, {}) for sid, key in cells)
        if consensus and missing and scored_all:
            raise RuleViolation(
                CONSENSUS_REASON_MISSING, code="reason_missing", missing=", ".join(missing)
            )
        if missing:
            raise RuleViolation(SCORE_MISSING, code="score_missing", missing=", ".join(missing))
    return clean


@service_refusals_audited(TenderAttempt.SCORE)
@transaction.atomic(durable=True)
def scoresheet_save(
    *, actor: User, call: Call, scores: dict[str, Any], submit: bool = False
) -> Scoresheet:
    """An evaluator scores independently; submitting locks the sheet (and reveals others')."""
    call = lock_call(call)
    permissions.require_role(actor, call.market.authority, EVALUATE_ROLES)
    require_opened(call)
    declaration = ConflictDeclaration.objects.filter(call=call, evaluator=actor).first()
    if declaration is None:
        raise RuleViolation(DECLARE_FIRST, code="declare_first")
    if declaration.has_conflict:
        raise NotPermitted(CONFLICTED)
    sheet, _created = Scoresheet.objects.select_for_update().get_or_create(
        call=call, evaluator=actor
    )
    if sheet.submitted_at is not None:
        raise Conflict(ALREADY_SUBMITTED)
    sheet.scores = _check_scores(call, scores, complete=submit)
    if submit:
        sheet.submitted_at = clock.now()
    sheet.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.SCORESHEET_SUBMITTED
        if submit
        else AuditEventType.SCORESHEET_SAVED,
        subject=call,
        organisation_id=call.buyer_id,
    )
    return sheet


@service_refusals_audited(TenderAttempt.EXCLUDE, lambda kwargs: kwargs["submission"].call_id)
@transaction.atomic(durable=True)
def tender_exclude(*, actor: User, submission: TenderSubmission, reason: str) -> TenderSubmission:
    """Exclude a non-compliant tender from ranking, with the reason the bidder will read."""
    call = lock_call(submission.call_id)
    permissions.require_role(actor, call.market.authority, MODERATE_ROLES)
    require_opened(call)
    if hasattr(call, "award"):
        raise Conflict(ALREADY_AWARDED)
    if not reason.strip():
        raise RuleViolation(REASON_REQUIRED, code="reason_required")
    submission = TenderSubmission.objects.select_for_update().get(pk=submission.pk, call=call)
    return submission_exclude_locked(
        actor=actor, call=call, submission=submission, reason=reason.strip()
    )


@service_refusals_audited(TenderAttempt.MODERATE)
@transaction.atomic(durable=True)
def moderation_record(*, actor: User, call: Call, scores: dict[str, Any]) -> Moderation:
    """Consensus scores with a rationale for each, after independent scoring.

    Each rationale is the moderator's own text and goes to the bidder word for word
    (``_feedback_for_all``); the evaluators' notes stay on their scoresheets.
    """
    call = lock_call(call)
    permissions.require_role(actor, call.market.authority, MODERATE_ROLES)
    require_opened(call)
    if hasattr(call, "award"):
        raise Conflict(ALREADY_AWARDED)
    if not call.scoresheets.filter(submitted_at__isnull=False).exists():
        raise RuleViolation(NO_SUBMITTED_SCORES, code="no_scores")
    clean = _check_scores(call, scores, complete=True, consensus=True)
    moderation, _created = Moderation.objects.update_or_create(
        call=call,
        defaults={"moderator": actor, "moderated_at": clock.now(), "scores": clean},
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.MODERATION_RECORDED,
        subject=call,
        organisation_id=call.buyer_id,
    )
    return moderation
