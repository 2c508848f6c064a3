"""Contracts made from awards."""

from __future__ import annotations

from django.db import models

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
    # PA 2023 s 38: the platform fee charged to the awarded supplier (none under PCR).
    fee_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    fee_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    # Social value and other commitments from the winning tender, which become KPIs.
    commitments = models.JSONField(default=dict, blank=True)
    details_notice_due_at = models.DateTimeField(null=True, blank=True)
    details_notice_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-entered_at"]
        indexes = [
            models.Index(fields=["supplier", "-entered_at"]),
            models.Index(fields=["buyer", "-entered_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.call} — {self.supplier}"
