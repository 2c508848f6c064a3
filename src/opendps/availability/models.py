"""The platform's own availability, minute by minute, and each authority's policy for
extending deadlines when it was degraded before them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from opendps.accounts.models import Organisation


class AvailabilityMinute(models.Model):
    """One minute's answers to tender submissions and failed health checks, counted by
    every web process into the same row (an UPDATE … SET n = n + 1), so the figure holds
    across nodes."""

    minute = models.DateTimeField(unique=True)
    requests = models.PositiveIntegerField(default=0)
    server_errors = models.PositiveIntegerField(default=0)
    health_failures = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-minute"]

    def __str__(self) -> str:
        return f"{self.minute:%Y-%m-%d %H:%M} {self.server_errors}/{self.requests}"


class IncidentPolicy(models.Model):
    """When the platform counts as degraded for an authority's calls, and by how much their
    deadlines move. Authorities without a row use the defaults below."""

    authority = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="incident_policy"
    )
    threshold_percent = models.PositiveSmallIntegerField(
        _("share of failed tender submissions that counts as degraded (%)"), default=20
    )
    window_hours = models.PositiveSmallIntegerField(
        _("hours before the deadline that are watched"), default=2
    )
    extension_hours = models.PositiveSmallIntegerField(_("hours added to the deadline"), default=24)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"incident policy of {self.authority}"
