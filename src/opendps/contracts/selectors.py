"""Reads of contracts and their performance, scoped to what the actor may see.

- A contract is seen by the people of its buying authority and of its supplier; for anyone
  else it is "not found", exactly like a missing id (its value, commitments, records and
  ratings are the two parties' business; the award notice publishes the rest).
- Past performance in a category is information for the category's own authority: its
  buyers see how each member has done on the authority's earlier contracts there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import Organisation
from opendps.accounts.permissions import AUTHORITY_ROLES, SUPPLIER_ROLES
from opendps.contracts.models import Contract, PerformanceRecord, Rating
from opendps.core import clock
from opendps.core.calendar import london_date
from opendps.core.errors import NotFound
from opendps.markets.models import Category
from opendps.membership.models import CategoryMember

CONTRACT_NOT_FOUND = _("Contract not found.")
RECORD_NOT_FOUND = _("Performance record not found.")
RATING_NOT_FOUND = _("Rating not found.")
CATEGORY_NOT_FOUND = _("Category not found.")

_UNSETTLED = Q(performance__confirmed_at__isnull=True, performance__disputed_at__isnull=True)


class ContractStatus:
    ACTIVE = "active"
    ENDED = "ended"
    TERMINATED = "terminated"

    LABELS = {
        ACTIVE: _("Active"),
        ENDED: _("Ended"),
        TERMINATED: _("Terminated"),
    }


def contract_status(contract: Contract, today: date | None = None) -> str:
    """Terminated, ended (past its end date) or active: derived, never stored."""
    today = today or london_date(clock.now())
    if contract.terminated_at is not None:
        return ContractStatus.TERMINATED
    if contract.ends_on is not None and contract.ends_on < today:
        return ContractStatus.ENDED
    return ContractStatus.ACTIVE


def contract_status_q(status: str, today: date | None = None) -> Q:
    """``contract_status`` as a condition on the raw columns (filtered in SQL)."""
    today = today or london_date(clock.now())
    live = Q(terminated_at__isnull=True)
    return {
        ContractStatus.TERMINATED: Q(terminated_at__isnull=False),
        ContractStatus.ENDED: live & Q(ends_on__lt=today),
        ContractStatus.ACTIVE: live & (Q(ends_on__isnull=True) | Q(ends_on__gte=today)),
    }[status]


def _scope(actor: Any) -> Q:
    authorities = permissions.organisation_ids_with_role(actor, AUTHORITY_ROLES)
    suppliers = permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES)
    return Q(buyer_id__in=authorities) | Q(supplier_id__in=suppliers)


def contract_list(
    actor: Any, *, organisation_id: int | None = None, category_id: int | None = None
) -> QuerySet[Contract]:
    """The contracts the actor's organisations are party to, newest first, each with the
    number of its performance records still awaiting confirmation."""
    contracts = Contract.objects.filter(_scope(actor))
    if organisation_id is not None:
        contracts = contracts.filter(Q(buyer_id=organisation_id) | Q(supplier_id=organisation_id))
    if category_id is not None:
        contracts = contracts.filter(call__category_id=category_id)
    return (
        contracts.select_related("call", "call__category", "call__market", "buyer", "supplier")
        .annotate(unsettled_records=Count("performance", filter=_UNSETTLED))
        .order_by("-entered_at", "-pk")
    )


def contract_get(actor: Any, *, contract_id: int) -> Contract:
    """One contract the actor is party to, with its records, ratings and changes loaded."""
    contract = (
        Contract.objects.filter(_scope(actor), pk=contract_id)
        .select_related("call", "call__category", "call__market", "award", "buyer", "supplier")
        .prefetch_related(
            Prefetch(
                "performance",
                queryset=PerformanceRecord.objects.select_related(
                    "recorded_by", "recorded_by_org", "confirmed_by"
                ).order_by("-period_end", "-recorded_at", "-pk"),
            ),
            Prefetch("ratings", queryset=Rating.objects.select_related("rated_by")),
            "changes__changed_by",
        )
        .first()
    )
    if contract is None:
        raise NotFound(CONTRACT_NOT_FOUND)
    return contract


def performance_record_get(actor: Any, *, contract_id: int, record_id: int) -> PerformanceRecord:
    record = (
        PerformanceRecord.objects.filter(
            pk=record_id,
            contract_id=contract_id,
            contract__in=Contract.objects.filter(_scope(actor)),
        )
        .select_related("contract", "contract__buyer", "contract__supplier", "recorded_by_org")
        .first()
    )
    if record is None:
        raise NotFound(RECORD_NOT_FOUND)
    return record


def rating_get(actor: Any, *, contract_id: int, rating_id: int) -> Rating:
    rating = (
        Rating.objects.filter(
            pk=rating_id,
            contract_id=contract_id,
            contract__in=Contract.objects.filter(_scope(actor)),
        )
        .select_related("contract", "contract__supplier")
        .first()
    )
    if rating is None:
        raise NotFound(RATING_NOT_FOUND)
    return rating


def party_of(actor: Any, contract: Contract) -> str | None:
    """'buyer' or 'supplier': the side of the contract the actor may act for, if any
    (pages use it to offer only the actions the services would allow)."""
    from opendps.contracts.services import BUYER_ROLES
    from opendps.contracts.services import SUPPLIER_ROLES as ACTING_SUPPLIER_ROLES

    if permissions.has_role(actor, contract.buyer_id, BUYER_ROLES):
        return "buyer"
    if permissions.has_role(actor, contract.supplier_id, ACTING_SUPPLIER_ROLES):
        return "supplier"
    return None


# --- past performance in a category ----------------------------------------------------------


@dataclass(frozen=True)
class SupplierPastPerformance:
    """How one member of a category has done on the authority's contracts there."""

    supplier_id: int
    supplier_name: str
    is_sme: bool
    is_vcse: bool
    admitted_at: Any
    contracts: int
    active_contracts: int
    terminated_contracts: int
    contract_value: Decimal
    ratings: int
    average_rating: Decimal | None
    confirmed_records: int
    disputed_records: int
    targets_set: int
    targets_met: int

    @property
    def targets_met_percent(self) -> Decimal | None:
        if not self.targets_set:
            return None
        return (Decimal(100) * self.targets_met / self.targets_set).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class PastPerformance:
    category: Category
    rows: list[SupplierPastPerformance]


def category_get_for_authority(actor: Any, *, category_id: int) -> Category:
    """A category of a market run by one of the actor's authorities; else 'not found'."""
    authorities = permissions.organisation_ids_with_role(actor, AUTHORITY_ROLES)
    category = (
        Category.objects.filter(pk=category_id, market__authority_id__in=authorities)
        .select_related("market", "market__authority")
        .first()
    )
    if category is None:
        raise NotFound(CATEGORY_NOT_FOUND)
    return category


def past_performance_in_category(actor: Any, *, category_id: int) -> PastPerformance:
    """Each current member of the category with its contracts there, their average rating
    and its confirmed results against their targets (four queries, whatever the size).

    Information for a buyer preparing a call, not an award criterion: a call is awarded on
    its published criteria alone (PCR 2015 reg 67; PA 2023 s 19).
    """
    category = category_get_for_authority(actor, category_id=category_id)
    today = london_date(clock.now())
    members = list(
        CategoryMember.objects.filter(category=category, removed_at__isnull=True)
        .select_related("supplier")
        .order_by("supplier__name", "pk")
    )
    in_category = Q(call__category_id=category.pk, buyer_id=category.market.authority_id)
    contracts = {
        row["supplier_id"]: row
        for row in Contract.objects.filter(in_category)
        .values("supplier_id")
        .annotate(
            n=Count("pk"),
            active=Count(
                "pk",
                filter=Q(terminated_at__isnull=True)
                & (Q(ends_on__isnull=True) | Q(ends_on__gte=today)),
            ),
            terminated=Count("pk", filter=Q(terminated_at__isnull=False)),
            value=Sum("value"),
        )
        .order_by()
    }
    ratings = {
        row["contract__supplier_id"]: row
        for row in Rating.objects.filter(
            contract__call__category_id=category.pk,
            contract__buyer_id=category.market.authority_id,
        )
        .values("contract__supplier_id")
        .annotate(n=Count("pk"), average=Avg("score"))
        .order_by()
    }
    confirmed = Q(confirmed_at__isnull=False)
    targeted = confirmed & Q(target__isnull=False)
    records = {
        row["contract__supplier_id"]: row
        for row in PerformanceRecord.objects.filter(
            contract__call__category_id=category.pk,
            contract__buyer_id=category.market.authority_id,
        )
        .values("contract__supplier_id")
        .annotate(
            confirmed=Count("pk", filter=confirmed),
            disputed=Count("pk", filter=Q(disputed_at__isnull=False)),
            targets_set=Count("pk", filter=targeted),
            targets_met=Count("pk", filter=targeted & Q(quantity__gte=F("target"))),
        )
        .order_by()
    }
    rows = []
    for member in members:
        supplier: Organisation = member.supplier
        c = contracts.get(supplier.pk, {})
        r = ratings.get(supplier.pk, {})
        p = records.get(supplier.pk, {})
        average = r.get("average")
        rows.append(
            SupplierPastPerformance(
                supplier_id=supplier.pk,
                supplier_name=supplier.name,
                is_sme=supplier.is_sme,
                is_vcse=supplier.is_vcse,
                admitted_at=member.admitted_at,
                contracts=c.get("n", 0),
                active_contracts=c.get("active", 0),
                terminated_contracts=c.get("terminated", 0),
                contract_value=(c.get("value") or Decimal(0)).quantize(Decimal("0.01")),
                ratings=r.get("n", 0),
                average_rating=(
                    Decimal(str(average)).quantize(Decimal("0.1")) if average is not None else None
                ),
                confirmed_records=p.get("confirmed", 0),
                disputed_records=p.get("disputed", 0),
                targets_set=p.get("targets_set", 0),
                targets_met=p.get("targets_met", 0),
            )
        )
    return PastPerformance(category=category, rows=rows)


def awaiting_confirmation_for(actor: Any, *, organisation: Organisation) -> QuerySet[Any]:
    """Records the other party made on this organisation's contracts, still unsettled."""
    if organisation.pk not in permissions.role_map(actor):
        return PerformanceRecord.objects.none()
    return (
        PerformanceRecord.objects.filter(
            Q(contract__buyer_id=organisation.pk) | Q(contract__supplier_id=organisation.pk),
            confirmed_at__isnull=True,
            disputed_at__isnull=True,
        )
        .exclude(recorded_by_org_id=organisation.pk)
        .select_related("contract", "contract__call")
    )
