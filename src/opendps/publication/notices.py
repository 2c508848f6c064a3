"""Notices due: award notices and contract details notices an authority still has to publish.

Every deadline comes from the market's regime (``award_notice_due``,
``contract_details_notice_due``), never from a number written here:

- PCR 2015 (reg 50): an award notice within 30 days of each award, or, where the authority
  groups them, within 30 days of the end of the quarter;
- PA 2023 (s 53): a contract details notice within 30 days beginning with the day the
  contract is entered into, 120 for a light-touch contract.

A notice is due until its publication is recorded (``Award.award_notice_published_at``,
``Contract.details_notice_published_at``), and overdue once its deadline has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import Role
from opendps.competitions.models import Award
from opendps.contracts.models import Contract
from opendps.core import clock
from opendps.core.errors import NotFound
from opendps.markets.models import Market
from opendps.regimes import get_regime

# The people who publish an authority's notices: those who buy and those who run markets.
NOTICE_ROLES = frozenset({Role.AUTHORITY_ADMIN, Role.COMMISSIONER, Role.BUYER})


class NoticeDueKind(models.TextChoices):
    AWARD_NOTICE = "award_notice", _("Award notice")
    CONTRACT_DETAILS_NOTICE = "contract_details_notice", _("Contract details notice")


@dataclass(frozen=True)
class NoticeDue:
    """One notice still to publish, with its deadline under the market's regime."""

    kind: NoticeDueKind
    call_id: int
    call_title: str
    market_id: int
    market_title: str
    regime: str
    # The award decision, or the day the contract was entered into.
    event_at: datetime
    due_at: datetime
    grouped_quarterly: bool
    light_touch: bool
    overdue: bool

    @property
    def kind_label(self) -> str:
        return str(self.kind.label)


def notice_authority_ids(actor: Any) -> list[int]:
    """The authorities whose notices ``actor`` publishes (none for anyone else)."""
    return permissions.organisation_ids_with_role(actor, NOTICE_ROLES)


NOTICE_NOT_FOUND = _("There is no such notice for your authority.")


def notice_subject(actor: Any, *, kind: str, call_id: int) -> Award | Contract:
    """The award or the contract whose notice ``kind`` is about, if the call is one of the
    actor's authorities' and its regime asks for that notice (NotFound otherwise, whether
    or not it exists elsewhere)."""
    authority_ids = notice_authority_ids(actor)
    found: Award | Contract | None = None
    if kind == NoticeDueKind.AWARD_NOTICE:
        found = Award.objects.filter(
            call_id=call_id, call__buyer_id__in=authority_ids, award_notice_due_at__isnull=False
        ).first()
    elif kind == NoticeDueKind.CONTRACT_DETAILS_NOTICE:
        found = Contract.objects.filter(
            call_id=call_id, buyer_id__in=authority_ids, details_notice_due_at__isnull=False
        ).first()
    if found is None:
        raise NotFound(NOTICE_NOT_FOUND)
    return found


def notice_counts(actor: Any, *, now: datetime | None = None) -> tuple[int, int]:
    """How many notices the actor's authorities have to publish, and how many of those are
    overdue, counted by the database from the deadlines stored at award and contract (the
    same regime rules as ``notice_list_due`` without quarterly grouping): two COUNTs, so
    the home page does not grow with an authority's history."""
    authority_ids = notice_authority_ids(actor)
    if not authority_ids:
        return 0, 0
    now = now or clock.now()
    awards = Award.objects.filter(
        call__buyer_id__in=authority_ids,
        award_notice_published_at=None,
        award_notice_due_at__isnull=False,
    ).aggregate(due=Count("pk"), overdue=Count("pk", filter=Q(award_notice_due_at__lt=now)))
    contracts = Contract.objects.filter(
        buyer_id__in=authority_ids,
        details_notice_published_at=None,
        details_notice_due_at__isnull=False,
    ).aggregate(due=Count("pk"), overdue=Count("pk", filter=Q(details_notice_due_at__lt=now)))
    return awards["due"] + contracts["due"], awards["overdue"] + contracts["overdue"]


def _light_touch(market: Market, *, rapid: bool) -> bool:
    # A contract for light-touch services: every contract under a light-touch market, of
    # which a rapid call for one service user is one kind.
    return market.light_touch or rapid


def notice_list_due(
    actor: Any, *, now: datetime | None = None, grouped_quarterly: bool = False
) -> list[NoticeDue]:
    """The notices due from the actor's authorities, soonest deadline first.

    ``grouped_quarterly``: the authority groups its award notices by quarter, where the
    regime allows it (PCR 2015 reg 50); elsewhere each notice keeps its own deadline.
    """
    authority_ids = notice_authority_ids(actor)
    if not authority_ids:
        return []
    now = now or clock.now()
    due: list[NoticeDue] = []
    awards = (
        Award.objects.filter(call__buyer_id__in=authority_ids, award_notice_published_at=None)
        .select_related("call__market")
        .only(
            "id",
            "decided_at",
            "call__id",
            "call__title",
            "call__rapid",
            "call__market__id",
            "call__market__title",
            "call__market__regime",
            "call__market__validity_starts_at",
            "call__market__light_touch",
        )
    )
    for award in awards:
        call, market = award.call, award.call.market
        regime = get_regime(market.regime, market.validity_starts_at)
        grouped = grouped_quarterly and regime.award_notices_groupable_by_quarter
        deadline = regime.award_notice_due(award.decided_at, grouped_quarterly=grouped)
        if deadline is None:
            continue
        due.append(
            NoticeDue(
                kind=NoticeDueKind.AWARD_NOTICE,
                call_id=call.pk,
                call_title=call.title,
                market_id=market.pk,
                market_title=market.title,
                regime=market.regime,
                event_at=award.decided_at,
                due_at=deadline,
                grouped_quarterly=grouped,
                light_touch=_light_touch(market, rapid=call.rapid),
                overdue=now > deadline,
            )
        )
    contracts = (
        Contract.objects.filter(buyer_id__in=authority_ids, details_notice_published_at=None)
        .select_related("call__market")
        .only(
            "id",
            "entered_at",
            "call__id",
            "call__title",
            "call__rapid",
            "call__market__id",
            "call__market__title",
            "call__market__regime",
            "call__market__validity_starts_at",
            "call__market__light_touch",
        )
    )
    for contract in contracts:
        call, market = contract.call, contract.call.market
        regime = get_regime(market.regime, market.validity_starts_at)
        light_touch = _light_touch(market, rapid=call.rapid)
        deadline = regime.contract_details_notice_due(contract.entered_at, light_touch=light_touch)
        if deadline is None:
            continue
        due.append(
            NoticeDue(
                kind=NoticeDueKind.CONTRACT_DETAILS_NOTICE,
                call_id=call.pk,
                call_title=call.title,
                market_id=market.pk,
                market_title=market.title,
                regime=market.regime,
                event_at=contract.entered_at,
                due_at=deadline,
                grouped_quarterly=False,
                light_touch=light_touch,
                overdue=now > deadline,
            )
        )
    due.sort(key=lambda notice: (notice.due_at, notice.kind, notice.call_id))
    return due
