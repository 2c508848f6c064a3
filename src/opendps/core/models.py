"""The audit log: typed, append-only events in a hash chain."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from opendps.core.events import AuditEventType

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """One state change. Each row carries the hash of the one before, so an edited or
    deleted row breaks the chain and ``opendps audit verify`` names it."""

    sequence = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    event_type = models.CharField(max_length=64, choices=AuditEventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.event_type}"


class AuditChainHead(models.Model):
    """A single row holding the newest link; locking it serialises appends to the chain,
    and comparing it with the last event detects a deleted tail."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"head #{self.sequence}"


class IdempotentRequest(models.Model):
    """The first answer to an API request sent with an ``Idempotency-Key``, so a client that
    lost it (a timeout at the deadline) can send the same request again and get the same
    answer (the same receipt) instead of a second submission. Kept per caller (the hash of
    its bearer token) and key; not domain state, so no audit event."""

    caller = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # method, path and body of the request
    created_at = models.DateTimeField()
    status = models.PositiveSmallIntegerField(null=True, blank=True)  # null: in progress
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["caller", "key"], name="idempotent_request_once")
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return self.key
