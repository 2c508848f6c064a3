"""A supplier's challenge to a decision of the contracting authority, and its review.

The status derives from the timestamps (``challenges.status``); the decision challenged is
exactly one of an application, a category membership or an award.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opendps.accounts.models import Organisation, User
from opendps.competitions.models import Award
from opendps.markets.models import Market
from opendps.membership.models import Application, CategoryMember


class ChallengeKind(models.TextChoices):
    APPLICATION_REJECTED = "application_rejected", _("Application rejected")
    MEMBER_SUSPENDED = "member_suspended", _("Membership suspended")
    MEMBER_REMOVED = "member_removed", _("Membership removed")
    AWARD = "award", _("Award decision")


class ChallengeOutcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    DISMISSED = "dismissed", _("Dismissed")


class Remedy(models.TextChoices):
    NONE = "none", _("No remedy")
    REASSESS = "reassess", _("Re-assess the application")
    REINSTATE = "reinstate", _("Reinstate the member")
    REEVALUATE = "reevaluate", _("Re-evaluate the tenders")
    CANCEL_AWARD = "cancel_award", _("Cancel the award")


class Challenge(models.Model):
    """One challenge: who raised it against which decision, and each step of its review."""

    kind = models.CharField(max_length=24, choices=ChallengeKind.choices)
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="challenges")
    authority = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="challenges")
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="challenges"
    )
    member = models.ForeignKey(
        CategoryMember, null=True, blank=True, on_delete=models.PROTECT, related_name="challenges"
    )
    award = models.ForeignKey(
        Award, null=True, blank=True, on_delete=models.PROTECT, related_name="challenges"
    )
    # When the decision challenged was made (the start of the period for challenging it).
    decision_at = models.DateTimeField()
    grounds = models.TextField()
    raised_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    # An award challenged while its standstill ran: the contract is held until decided.
    raised_in_standstill = models.BooleanField(default=False)
    acknowledge_due_at = models.DateTimeField()
    decision_due_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledgement_note = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.TextField(blank=True)
    # The authority was told that court proceedings about the decision have been issued.
    proceedings_issued_at = models.DateTimeField(null=True, blank=True)
    proceedings_note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=ChallengeOutcome.choices, blank=True)
    reasons = models.TextField(blank=True)
    remedy = models.CharField(max_length=16, choices=Remedy.choices, blank=True)
    # When the remedy was carried out by the platform's own service (reinstatement), or
    # empty while the authority still has to act on it.
    remedy_done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        indexes = [
            models.Index(fields=["authority", "decided_at", "decision_due_at"]),
            models.Index(fields=["supplier", "-raised_at"]),
            models.Index(fields=["award", "decided_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="application_rejected",
                        application__isnull=False,
                        member__isnull=True,
                        award__isnull=True,
                    )
                    | Q(
                        kind__in=["member_suspended", "member_removed"],
                        application__isnull=True,
                        member__isnull=False,
                        award__isnull=True,
                    )
                    | Q(
                        kind="award",
                        application__isnull=True,
                        member__isnull=True,
                        award__isnull=False,
                    )
                ),
                name="challenge_one_decision_of_its_kind",
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True, outcome="", remedy="")
                | Q(decided_at__isnull=False, outcome__in=["upheld", "partly_upheld", "dismissed"]),
                name="challenge_outcome_with_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"challenge {self.reference} by {self.supplier}"

    @property
    def reference(self) -> str:
        """The reference people quote: CH-00042."""
        return f"CH-{self.pk:05d}"


def challenge_document_path(instance: ChallengeDocument, filename: str) -> str:
    return f"challenges/{instance.challenge_id}/{instance.sha256[:16]}-{filename}"


class ChallengeDocument(models.Model):
    """A file supporting the grounds; checked for type and size on upload."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=challenge_document_path, max_length=255)
    original_name = models.CharField(max_length=100)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.original_name


class ChallengeTimeLimits(models.Model):
    """An authority's own periods for the steps of a challenge; empty means the regime's
    default."""

    authority = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="challenge_time_limits"
    )
    acknowledge_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    decision_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"challenge time limits of {self.authority}"
