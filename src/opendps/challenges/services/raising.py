"""Raising a challenge: the decision it is about, its grounds and documents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from opendps.accounts import permissions
from opendps.accounts.models import Organisation, User
from opendps.challenges.holds import challenge_reference, holds_contract
from opendps.challenges.models import Challenge, ChallengeDocument, ChallengeKind
from opendps.challenges.services.common import (
    ALREADY_CHALLENGED,
    DECISION_NOT_FOUND,
    GROUNDS_REQUIRED,
    MAX_DOCUMENTS,
    NOT_A_SUPPLIER,
    RAISE_ROLES,
    TOO_MANY_FILES,
    UNKNOWN_KIND,
    regime_of,
    tell_both,
    text_required,
    time_limits_of,
    winner_contacts,
)
from opendps.competitions.models import Award, Feedback
from opendps.competitions.services.common import lock_call
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import Conflict, NotFound, NotPermitted, RuleViolation
from opendps.core.events import AuditEventType
from opendps.markets.models import Market
from opendps.membership.models import Application, CategoryMember, Outcome
from opendps.membership.uploads import CheckedUpload, upload_check
from opendps.notifications.services import email_send_on_commit


@dataclass(frozen=True)
class Decision:
    """The decision challenged, resolved and locked: what the challenge row will point at."""

    kind: str
    market: Market
    authority_id: int
    decided_at: datetime
    application: Application | None = None
    member: CategoryMember | None = None
    award: Award | None = None


def _not_found() -> NotFound:
    return NotFound(DECISION_NOT_FOUND)


def _application(supplier: Organisation, decision_id: int) -> Decision:
    application = (
        Application.objects.select_for_update()
        .select_related("market")
        .filter(pk=decision_id, supplier=supplier, outcome=Outcome.REJECTED)
        .first()
    )
    if application is None or application.decided_at is None:
        raise _not_found()
    return Decision(
        kind=ChallengeKind.APPLICATION_REJECTED,
        market=application.market,
        authority_id=application.market.authority_id,
        decided_at=application.decided_at,
        application=application,
    )


def _member(supplier: Organisation, kind: str, decision_id: int) -> Decision:
    member = (
        CategoryMember.objects.select_for_update()
        .select_related("market")
        .filter(pk=decision_id, supplier=supplier)
        .first()
    )
    if member is None:
        raise _not_found()
    # A removal is final and the one to challenge; a suspension only while it lasts.
    if kind == ChallengeKind.MEMBER_REMOVED:
        moment = member.removed_at
    else:
        moment = member.suspended_at if member.removed_at is None else None
    if moment is None:
        raise _not_found()
    return Decision(
        kind=kind,
        market=member.market,
        authority_id=member.market.authority_id,
        decided_at=moment,
        member=member,
    )


def _award(supplier: Organisation, call_id: int) -> Decision:
    # An award is known by its call everywhere in the API (/competitions/{call_id}/award).
    award = Award.objects.select_related("call", "winner").filter(call_id=call_id).first()
    if award is None:
        raise _not_found()
    # Lock the call as entering into the contract does, so the two run one after the other.
    call = lock_call(award.call_id)
    bid = Feedback.objects.filter(call=call, supplier=supplier).exists()
    if not bid or award.winner.supplier_id == supplier.pk:
        raise _not_found()
    return Decision(
        kind=ChallengeKind.AWARD,
        market=call.market,
        authority_id=call.buyer_id,
        decided_at=award.decided_at,
        award=award,
    )


def decision_resolve(supplier: Organisation, kind: str, decision_id: int) -> Decision:
    """The decision ``decision_id`` of ``kind`` if it affects ``supplier``; else NotFound.

    ``decision_id`` is the application's id, the category membership's id, or for an award
    the call's id."""
    if kind == ChallengeKind.APPLICATION_REJECTED:
        return _application(supplier, decision_id)
    if kind in {ChallengeKind.MEMBER_SUSPENDED, ChallengeKind.MEMBER_REMOVED}:
        return _member(supplier, kind, decision_id)
    if kind == ChallengeKind.AWARD:
        return _award(supplier, decision_id)
    raise RuleViolation(UNKNOWN_KIND, code="unknown_kind")


def _already_open(decision: Decision, supplier: Organisation) -> bool:
    links: dict[str, Any] = {
        "application": decision.application,
        "member": decision.member,
        "award": decision.award,
    }
    target = {name: value for name, value in links.items() if value is not None}
    return Challenge.objects.filter(
        supplier=supplier, kind=decision.kind, decided_at__isnull=True, **target
    ).exists()


@transaction.atomic(durable=True)
def challenge_raise(
    *,
    actor: User,
    supplier: Organisation,
    kind: str,
    decision_id: int,
    grounds: str,
    files: Sequence[UploadedFile] = (),
) -> Challenge:
    """Challenge a decision affecting ``supplier``, within the regime's period for it.

    A challenge to an award raised while the standstill runs holds the contract until the
    authority decides it. Everything is checked before anything is written, so a refused
    challenge leaves no row and no file behind.
    """
    if not supplier.is_supplier:
        raise NotPermitted(NOT_A_SUPPLIER)
    permissions.require_role(actor, supplier, RAISE_ROLES)
    grounds = text_required(grounds, GROUNDS_REQUIRED, "grounds_required")
    if len(files) > MAX_DOCUMENTS:
        raise RuleViolation(TOO_MANY_FILES, code="too_many_files", maximum=MAX_DOCUMENTS)
    checked: list[tuple[UploadedFile, CheckedUpload]] = [(f, upload_check(f)) for f in files]
    decision = decision_resolve(supplier, kind, decision_id)
    now = clock.now()
    regime = regime_of(decision.market)
    regime.check_challenge_in_time(decided_at=decision.decided_at, raised_at=now)
    if _already_open(decision, supplier):
        raise Conflict(ALREADY_CHALLENGED)
    award = decision.award
    in_standstill = bool(
        award is not None
        and award.standstill_ends_at is not None
        and now <= award.standstill_ends_at
        and not hasattr(award.call, "contract")
    )
    acknowledge_days, decision_days = time_limits_of(decision.authority_id)
    nation = decision.market.nation
    challenge = Challenge.objects.create(
        kind=decision.kind,
        supplier=supplier,
        authority_id=decision.authority_id,
        market=decision.market,
        application=decision.application,
        member=decision.member,
        award=award,
        decision_at=decision.decided_at,
        grounds=grounds,
        raised_by=actor,
        raised_at=now,
        raised_in_standstill=in_standstill,
        acknowledge_due_at=regime.challenge_acknowledge_due(
            now, nation, working_days=acknowledge_days
        ),
        decision_due_at=regime.challenge_decision_due(now, nation, working_days=decision_days),
    )
    stored: list[ChallengeDocument] = []
    try:
        for upload, info in checked:
            upload.seek(0)
            document = ChallengeDocument(
                challenge=challenge,
                original_name=info.name,
                content_type=info.content_type,
                size=info.size,
                sha256=info.sha256,
                uploaded_at=now,
            )
            document.file.save(info.name, upload, save=False)
            stored.append(document)
            document.save()
        held = holds_contract(challenge, regime)
        audit_record(
            actor=actor,
            event_type=AuditEventType.CHALLENGE_RAISED,
            subject=challenge,
            organisation_id=supplier.pk,
            data={
                "kind": challenge.kind,
                "authority_id": challenge.authority_id,
                "decision_at": challenge.decision_at.isoformat(),
                "documents": [d.sha256 for d in stored],
                "raised_in_standstill": in_standstill,
                "contract_held": held,
                "acknowledge_due_at": challenge.acknowledge_due_at.isoformat(),
                "decision_due_at": challenge.decision_due_at.isoformat(),
            },
        )
    except Exception:
        for document in stored:  # the transaction rolls back; the files must go too
            document.file.delete(save=False)
        raise
    tell_both(challenge, "challenge_raised", contract_held=held)
    if held:
        email_send_on_commit(
            to=winner_contacts(challenge),
            template="challenge_contract_held",
            context={
                "call": award.call if award else None,
                "reference": challenge_reference(challenge),
            },
        )
    return challenge
