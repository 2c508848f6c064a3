"""Care brokerage: members' capacity, and placements offered after a rapid call's award.

Capacity informs buyers; it never decides who is invited (reg 34 / PA 2023 s 34: every
admitted member of the category is invited to every call).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opendps.accounts.models import Organisation, User
from opendps.competitions.models import Award, Call, TenderSubmission
from opendps.membership.models import CategoryMember


class CapacityKind(models.TextChoices):
    CARE_HOURS = "care_hours", _("Care hours available per week")
    VACANCIES = "vacancies", _("Placement vacancies")


class Capacity(models.Model):
    """What a member can take on in one zone of a category, from a date.

    Append-only: a new record for the same member, zone and kind replaces the older one as
    the current figure, so buyers see when it was last brought up to date.
    """

    member = models.ForeignKey(CategoryMember, on_delete=models.CASCADE, related_name="capacity")
    supplier = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(
        "markets.Category", on_delete=models.CASCADE, related_name="capacity"
    )
    zone = models.CharField(_("zone or area"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=CapacityKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=9, decimal_places=1)
    available_from = models.DateField(_("available from"))
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [
            models.Index(fields=["category", "member", "zone", "kind", "-recorded_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="capacity_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.supplier} {self.kind} {self.amount} in {self.zone}"


class Placement(models.Model):
    """A rapid call's award offered to one ranked provider, who accepts or declines within
    the call's acceptance window. The contract is made only on an acceptance."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="placements")
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="placements")
    submission = models.ForeignKey(TenderSubmission, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="placements")
    rank = models.PositiveIntegerField()
    offered_at = models.DateTimeField()
    respond_by = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    lapsed_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["call", "rank"]
        indexes = [
            # The lapse job reads only offers still waiting for an answer.
            models.Index(
                fields=["respond_by"],
                condition=Q(
                    accepted_at__isnull=True, declined_at__isnull=True, lapsed_at__isnull=True
                ),
                name="placement_waiting_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "supplier"], name="placement_once_per_supplier"
            ),
            # One offer waiting at a time per call.
            models.UniqueConstraint(
                fields=["call"],
                condition=Q(
                    accepted_at__isnull=True, declined_at__isnull=True, lapsed_at__isnull=True
                ),
                name="placement_one_waiting_per_call",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call} offered to {self.supplier}"

    @property
    def waiting(self) -> bool:
        return self.accepted_at is None and self.declined_at is None and self.lapsed_at is None
