"""What the challenge services share: who may act, the messages, locking, who to tell."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from opendps.accounts.models import Organisation, Role
from opendps.accounts.selectors import contact_emails
from opendps.challenges.models import Challenge, ChallengeKind, ChallengeTimeLimits
from opendps.core.errors import RuleViolation
from opendps.markets.models import Market
from opendps.notifications.services import email_send_on_commit
from opendps.regimes import Regime, get_regime

RAISE_ROLES = frozenset({Role.SUPPLIER_ADMIN, Role.BID_WRITER})
# The authority's people who answer for its decisions about membership.
HANDLE_ROLES = frozenset({Role.COMMISSIONER, Role.AUTHORITY_ADMIN})
# An award is the buyer's decision, so its buyers answer a challenge to it too.
HANDLE_AWARD_ROLES = HANDLE_ROLES | {Role.BUYER}

DECISION_NOT_FOUND = _("There is no such decision affecting your organisation to challenge.")
NOT_A_SUPPLIER = _("Only a supplier organisation can raise a challenge.")
GROUNDS_REQUIRED = _("Give the grounds of the challenge.")
ALREADY_CHALLENGED = _("This decision already has a challenge waiting for a decision.")
UNKNOWN_KIND = _("Choose what kind of decision you are challenging.")
TOO_MANY_FILES = _("Attach at most %(maximum)s documents.")
ALREADY_ACKNOWLEDGED = _("This challenge has already been acknowledged.")
ALREADY_REVIEWED = _("The review of this challenge has already been recorded.")
ALREADY_DECIDED = _("This challenge has already been decided.")
ACKNOWLEDGE_FIRST = _("Acknowledge the challenge before recording its review or its outcome.")
NOTE_REQUIRED = _("Describe the review: what was looked at, and by whom.")
PROCEEDINGS_NOTE_REQUIRED = _("Say which court proceedings were issued and when you were told.")
PROCEEDINGS_ONLY_FOR_AWARDS = _(
    "Proceedings can only be recorded for a challenge to an award decision."
)
PROCEEDINGS_ALREADY_RECORDED = _("Proceedings have already been recorded for this challenge.")
REASONS_REQUIRED = _("Give the reasons for the outcome: the supplier reads them.")
UNKNOWN_OUTCOME = _("Choose the outcome: upheld, partly upheld or dismissed.")
DISMISSED_HAS_NO_REMEDY = _("A dismissed challenge has no remedy: choose 'No remedy'.")
UPHELD_NEEDS_A_REMEDY = _("Choose the remedy for an upheld challenge.")
REMEDY_NOT_FOR_KIND = _("'%(remedy)s' is not a remedy for a challenge to %(kind)s.")
NO_REMEDY_TO_RECORD = _("This challenge has no remedy waiting to be carried out.")
REMEDY_NOTE_REQUIRED = _("Say how the remedy was carried out.")

MAX_DOCUMENTS = 5

# The remedies that answer each kind of decision.
REMEDIES_BY_KIND: dict[str, tuple[str, ...]] = {
    ChallengeKind.APPLICATION_REJECTED: ("reassess",),
    ChallengeKind.MEMBER_SUSPENDED: ("reinstate",),
    ChallengeKind.MEMBER_REMOVED: ("reinstate",),
    ChallengeKind.AWARD: ("reevaluate", "cancel_award"),
}


def handle_roles(challenge: Challenge) -> frozenset[str]:
    return HANDLE_AWARD_ROLES if challenge.kind == ChallengeKind.AWARD else HANDLE_ROLES


def lock_challenge(challenge: Challenge) -> Challenge:
    return (
        # Lock the challenge row only (the decision it names is joined, may be absent).
        Challenge.objects.select_for_update(of=("self",))
        .select_related("supplier", "authority", "market", "award__call", "member", "application")
        .get(pk=challenge.pk)
    )


def regime_of(market: Market) -> Regime:
    return get_regime(market.regime, market.validity_starts_at)


def time_limits_of(authority: Organisation | int) -> tuple[int | None, int | None]:
    """The authority's own periods (acknowledge, decide) in working days, or ``None``s."""
    pk = authority if isinstance(authority, int) else authority.pk
    row = ChallengeTimeLimits.objects.filter(authority_id=pk).first()
    if row is None:
        return None, None
    return row.acknowledge_working_days, row.decision_working_days


def text_required(value: str, message: Any, code: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise RuleViolation(message, code=code)
    return cleaned


def supplier_contacts(challenge: Challenge) -> list[str]:
    return contact_emails([challenge.supplier_id])


def authority_contacts(challenge: Challenge) -> list[str]:
    return contact_emails([challenge.authority_id], handle_roles(challenge))


def winner_contacts(challenge: Challenge) -> list[str]:
    """The winning bidder of a challenged award: told only that the contract is held."""
    if challenge.award is None:
        return []
    return contact_emails([challenge.award.winner.supplier_id])


def tell_both(challenge: Challenge, template: str, **context: Any) -> None:
    """Email the challenging supplier and the authority's people who handle it."""
    context = {"challenge": challenge, **context}
    email_send_on_commit(to=supplier_contacts(challenge), template=template, context=context)
    email_send_on_commit(
        to=authority_contacts(challenge),
        template=template,
        context=context | {"for_authority": True},
    )
