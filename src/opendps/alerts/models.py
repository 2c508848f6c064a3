"""Saved searches of opportunities and what each has been sent, so a call is sent once."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opendps.accounts.models import Organisation, User
from opendps.competitions.models import Call
from opendps.markets.models import Category


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("As soon as a matching call is published")
    DAILY = "daily", _("Once a day, in one email")


class SavedSearch(models.Model):
    """A person's search of the open opportunities, emailed as new calls match it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(_("name"), max_length=100)
    text = models.CharField(_("words"), max_length=100, blank=True)
    region = models.CharField(_("region or area"), max_length=100, blank=True)
    cpv = models.CharField(_("CPV code"), max_length=12, blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    buyer = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    regime = models.CharField(_("rules"), max_length=32, blank=True)
    frequency = models.CharField(_("how often"), max_length=16, choices=Frequency.choices)
    created_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    # The daily digest covers calls published since then.
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["frequency"], condition=Q(stopped_at__isnull=True), name="alert_live_idx"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AlertSent(models.Model):
    """A call sent to a saved search: each call reaches each search at most once."""

    search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="sent")
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["search", "call"], name="alert_sent_once")]

    def __str__(self) -> str:
        return f"call {self.call_id} to alert {self.search_id}"
