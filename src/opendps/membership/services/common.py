"""What every membership service shares: who may act, the messages, the common checks."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opendps.accounts.models import Organisation, Role
from opendps.accounts.selectors import contact_emails
from opendps.core import clock
from opendps.core.errors import (
    RuleViolation,
)
from opendps.markets.models import Market
from opendps.membership.models import (
    Application,
    Debarment,
)
from opendps.regimes import get_regime

APPLY_ROLES = frozenset({Role.SUPPLIER_ADMIN, Role.BID_WRITER})
ASSESS_ROLES = frozenset({Role.EVALUATOR, Role.COMMISSIONER, Role.AUTHORITY_ADMIN})
MANAGE_ROLES = frozenset({Role.COMMISSIONER, Role.AUTHORITY_ADMIN})

NOT_A_SUPPLIER = _("Only a supplier organisation can apply to join a market.")
MARKET_NOT_OPEN = _("This market is not open for applications.")
NO_CATEGORY_CHOSEN = _("Choose at least one category to apply to.")
CATEGORY_NOT_IN_MARKET = _("That category is not part of this market.")
ALREADY_APPLIED = _("You already have an application waiting for a decision in %(category)s.")
ALREADY_MEMBER = _("You are already a member of %(category)s.")
DEBARRED = _("A supplier on the debarment list cannot be admitted.")
ALREADY_DECIDED = _("This application has already been decided.")
REASON_PER_FAILED_QUESTION = _("Give a reason for each failed question: %(questions)s.")
REJECT_NEEDS_A_REASON = _("Give at least one reason for rejecting the application.")
CANNOT_ADMIT_FAILED = _(
    "The application fails %(questions)s, which is a mandatory exclusion ground or a "
    "condition of membership: it cannot be admitted."
)
UNKNOWN_QUESTION = _("There is no question '%(question)s' in this application.")
REASON_REQUIRED = _("Give a reason.")
ALREADY_EXTENDED = _("The assessment period has already been extended.")
MEMBER_REMOVED = _("This member has already been removed.")
NOT_SUSPENDED = _("This member is not suspended.")
ALREADY_SUSPENDED = _("This member is already suspended.")
DECLARATION_PENDING = _("A renewed self-declaration is already waiting for an answer.")
DECLARATION_ANSWERED = _("This declaration has already been answered.")
UPLOAD_NOT_A_FILE_QUESTION = _("'%(question)s' is not a question that takes a file.")


def is_debarred(supplier: Organisation, now: datetime | None = None) -> bool:
    now = now or clock.now()
    match = Q(supplier=supplier)
    if supplier.registration_number:
        match |= Q(registration_number__iexact=supplier.registration_number)
    live = Q(lifted_at__isnull=True) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))
    return Debarment.objects.filter(match & live).exists()


def _supplier_contacts(supplier: Organisation) -> list[str]:
    return contact_emails([supplier.pk])


def authority_emails(authority_id: int, roles: frozenset[str]) -> list[str]:
    return contact_emails([authority_id], roles)


def _reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise RuleViolation(REASON_REQUIRED, code="reason_required")
    return reason.strip()


def assessment_due(application: Application, market: Market) -> datetime:
    """When the assessment must be decided: the regime's period from submission."""
    regime = get_regime(market.regime, market.validity_starts_at)
    first_invitation = getattr(market, "first_invitation_sent_at", None)
    return regime.assessment_due(
        application.submitted_at,
        market.nation,
        extended=application.extended_at is not None,
        reasonable_period_working_days=market.assessment_working_days,
        first_period_ends_at=market.first_period_ends_at,
        first_invitation_sent_at=first_invitation,
    )


def lock_application(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("market", "market__authority", "category", "supplier")
        .get(pk=application.pk)
    )
