"""Contracts made from awards."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from opendps.accounts.models import Organisation


class Contract(models.Model):
    """The contract entered into after an award (and its standstill, where one applies)."""

    call = models.OneToOneField(
        "competitions.Call", on_delete=models.PROTECT, related_name="contract"
    )
    award = models.OneToOneField(
        "competitions.Award", on_delete=models.PROTECT, related_name="contract"
    )
    buyer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contracts_bought"
    )
    supplier = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contracts_won"
    )
    value = models.DecimalField(max_digits=14, decimal_places=2)
    entered_at = models.DateTimeField()
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    service_users = models.PositiveIntegerField(default=1)
    terminated_at = models.DateTimeField(null=True, blank=True)
    # PA 2023 s 38: the platform fee charged to the awarded supplier (none under PCR).
    fee_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    fee_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    # Social value and other commitments from the winning tender, which become KPIs.
    commitments = models.JSONField(default=dict, blank=True)
    details_notice_due_at = models.DateTimeField(null=True, blank=True)
    details_notice_published_at = models.DateTimeField(null=True, blank=True)
    # The notice's reference on Find a Tender, recorded by the authority.
    details_notice_reference = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-entered_at"]
        indexes = [
            models.Index(fields=["supplier", "-entered_at"]),
            models.Index(fields=["buyer", "-entered_at"]),
            # "Has a contract" for a call's next actions, from the index alone.
            models.Index(fields=["call"], include=["id"], name="contract_call_cover_idx"),
            # Notices still to publish: few, whatever the number of contracts.
            models.Index(
                fields=["buyer", "details_notice_due_at"],
                condition=models.Q(details_notice_published_at__isnull=True),
                name="contract_notice_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call} — {self.supplier}"


class MetricKind(models.TextChoices):
    DELIVERY = "delivery", _("Delivery")
    MILESTONE = "milestone", _("Milestone")
    KPI = "kpi", _("KPI")
    OUTCOME = "outcome", _("Outcome")
    SOCIAL_VALUE = "social_value", _("Social value delivered")


class PerformanceRecord(models.Model):
    """A delivery, milestone, KPI or outcome recorded by one party and confirmed (or
    disputed) by the other — e.g. job starts, completions, job outcomes, hours delivered."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="performance")
    kind = models.CharField(max_length=16, choices=MetricKind.choices)
    metric = models.CharField(_("measure"), max_length=100)
    quantity = models.DecimalField(max_digits=12, decimal_places=2)
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    note = models.TextField(blank=True)
    recorded_by_org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    disputed_at = models.DateTimeField(null=True, blank=True)
    dispute_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-period_end", "-recorded_at"]
        indexes = [
            models.Index(fields=["contract", "kind", "confirmed_at"]),
            models.Index(fields=["recorded_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.metric}: {self.quantity}"


class Rating(models.Model):
    """The buyer's rating of the supplier's performance; the supplier sees it and may answer."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="ratings")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField()
    rated_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField()
    supplier_reply = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-rated_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.score}/5 for {self.contract}"


class ChangeKind(models.TextChoices):
    VARIATION = "variation", _("Variation")
    TERMINATION = "termination", _("Termination")


class ContractChange(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=16, choices=ChangeKind.choices)
    reason = models.TextField()
    value_before = models.DecimalField(max_digits=14, decimal_places=2)
    value_after = models.DecimalField(max_digits=14, decimal_places=2)
    ends_before = models.DateField(null=True, blank=True)
    ends_after = models.DateField(null=True, blank=True)
    changed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.contract}"
