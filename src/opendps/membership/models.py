"""Supplier applications to join a category, their assessment, and category membership."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opendps.accounts.models import Organisation, User
from opendps.markets.models import Category, Market, QuestionnaireVersion


class Outcome(models.TextChoices):
    ADMITTED = "admitted", _("Admitted")
    REJECTED = "rejected", _("Rejected")


class Application(models.Model):
    """A supplier's request to join one category. The status derives from its timestamps."""

    supplier = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications"
    )
    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="applications")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="applications")
    questionnaire = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(default=dict, blank=True)
    auto_assessment = models.JSONField(default=dict, blank=True)
    # How many answers failed their automatic check: kept beside the assessment so the
    # evaluator's queue can filter on it without reading every assessment.
    failed_checks = models.PositiveSmallIntegerField(default=0)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    # The legal deadline for the decision, from the regime; recomputed when extended or
    # when the market's first invitation to tender ends the first period's longer limit.
    assessment_due_at = models.DateTimeField()
    extended_at = models.DateTimeField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    # question id → the evaluator's reason (a failed question, or a discretionary ground
    # the evaluator accepted), plus a general note.
    reasons = models.JSONField(default=dict, blank=True)
    decision_note = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["market", "decided_at", "assessment_due_at"]),
            models.Index(fields=["supplier", "-submitted_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True, outcome="")
                | Q(decided_at__isnull=False, outcome__in=["admitted", "rejected"]),
                name="application_outcome_with_decision",
            ),
            # One live application per supplier and category at a time.
            models.UniqueConstraint(
                fields=["supplier", "category"],
                condition=Q(decided_at__isnull=True, withdrawn_at__isnull=True),
                name="application_one_pending_per_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} → {self.category}"


def evidence_path(instance: ApplicationDocument, filename: str) -> str:
    return f"applications/{instance.application_id}/{instance.sha256[:16]}-{filename}"


class ApplicationDocument(models.Model):
    """An evidence file answering a file question; checked for type and size on upload."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    question_id = models.CharField(max_length=40)
    file = models.FileField(upload_to=evidence_path, max_length=255)
    original_name = models.CharField(max_length=100)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    # Chosen from the evidence locker: the file is a copy (what was sent stays as sent);
    # the link tells the evaluator when that evidence lapses.
    evidence = models.ForeignKey(
        "EvidenceDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.original_name


class CategoryMember(models.Model):
    """An admitted supplier in a category. Suspended while ``suspended_at`` is set or a
    renewed self-declaration is overdue; removed for good once ``removed_at`` is set."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="members")
    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="members")
    supplier = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="category_memberships"
    )
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="member")
    admitted_at = models.DateTimeField()
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.TextField(blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removal_reason = models.TextField(blank=True)
    # PA 2023 s 37: a removal for exclusion is reported to the appropriate authority.
    removal_reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["category", "admitted_at"]
        indexes = [models.Index(fields=["category", "removed_at", "suspended_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "supplier"],
                condition=Q(removed_at__isnull=True),
                name="member_one_live_per_category",
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier} in {self.category}"


class DeclarationRequest(models.Model):
    """A request for a renewed self-declaration (PCR 2015 reg 34: due in 5 working days)."""

    member = models.ForeignKey(
        CategoryMember, on_delete=models.CASCADE, related_name="declarations"
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(default=dict, blank=True)
    assessment = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["answered_at", "due_at"])]

    def __str__(self) -> str:
        return f"declaration for {self.member}"


class Debarment(models.Model):
    """The platform-wide debarment list: a listed supplier cannot be admitted anywhere."""

    supplier = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="debarments"
    )
    name = models.CharField(max_length=200)
    registration_number = models.CharField(max_length=32, blank=True, db_index=True)
    reason = models.TextField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class ApplicationDraft(models.Model):
    """An application being written: saved section by section, sent once complete.

    One live draft per supplier and market; sending it makes one ``Application`` per chosen
    category (``submitted_at`` set). Answers are kept as typed; the service that sends the
    draft checks them as it checks any application.
    """

    supplier = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="application_drafts"
    )
    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="+")
    category_ids = models.JSONField(default=list)
    answers = models.JSONField(default=dict, blank=True)
    # Section titles the supplier saved with "Save and continue" (all required answers given).
    sections_done = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "market"],
                condition=Q(submitted_at__isnull=True),
                name="application_draft_one_live_per_market",
            )
        ]

    def __str__(self) -> str:
        return f"draft of {self.supplier} for {self.market}"


def draft_evidence_path(instance: DraftDocument, filename: str) -> str:
    return f"drafts/{instance.draft_id}/{instance.sha256[:16]}-{filename}"


class DraftDocument(models.Model):
    """A file kept for a draft's file question, so it survives errors and sessions.

    Either an upload (``file``) or a document chosen from the evidence locker.
    """

    draft = models.ForeignKey(ApplicationDraft, on_delete=models.CASCADE, related_name="documents")
    question_id = models.CharField(max_length=40)
    file = models.FileField(upload_to=draft_evidence_path, max_length=255, blank=True)
    evidence = models.ForeignKey(
        "EvidenceDocument", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    original_name = models.CharField(max_length=100)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "question_id"], name="draft_document_one_per_question"
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class EvidenceKind(models.TextChoices):
    INSURANCE = "insurance", _("Insurance certificate")
    SAFEGUARDING = "safeguarding", _("Safeguarding policy")
    CQC = "cqc", _("CQC registration")
    ACCOUNTS = "accounts", _("Accounts")
    OTHER = "other", _("Other")


def locker_path(instance: EvidenceDocument, filename: str) -> str:
    return f"evidence/{instance.supplier_id}/{instance.sha256[:16]}-{filename}"


class EvidenceDocument(models.Model):
    """A document in a supplier's evidence locker: kept once, reused in any application."""

    supplier = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=24, choices=EvidenceKind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=locker_path, max_length=255)
    original_name = models.CharField(max_length=100)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # The last day the document is valid (an insurance policy's end, a registration's
    # renewal); blank for documents that do not expire.
    expires_on = models.DateField(null=True, blank=True)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)
    # The expiry reminders sent (days before expiry), so a rerun sends none twice.
    reminders_sent = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["kind", "-uploaded_at"]
        indexes = [models.Index(fields=["removed_at", "expires_on"])]

    def __str__(self) -> str:
        return self.title
