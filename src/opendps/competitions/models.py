"""Calls for competition, clarifications, sealed tenders, evaluation, award and feedback.

Nothing here holds tender content in clear: a submission keeps only its HPKE ciphertext
(``sealed_payload``, sealed documents in storage) and their hashes.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opendps.accounts.models import Organisation, User
from opendps.competitions.pricing import PriceBasis, PriceUnit
from opendps.markets.models import Category, Market
from opendps.membership.models import CategoryMember


class Call(models.Model):
    """A call for competition in one category. Its status derives from its timestamps."""

    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="calls")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="calls")
    buyer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="calls")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    title = models.CharField(_("title"), max_length=200)
    # Welsh versions (optional): Welsh pages fall back to the English, marked lang="en".
    title_cy = models.CharField(_("title in Welsh"), max_length=200, blank=True, default="")
    requirement_cy = models.TextField(_("requirement in Welsh"), blank=True, default="")
    # "DWP-DPS-2026-0143": given once when drafted (competitions/references.py).
    reference = models.CharField(_("reference"), max_length=32, blank=True)
    requirement = models.TextField(_("requirement"))
    # A rapid light-touch call for one service user: anonymised needs only.
    rapid = models.BooleanField(default=False)
    service_user_needs = models.TextField(_("service user's needs (anonymised)"), blank=True)
    region = models.CharField(_("region or area"), max_length=100, blank=True)
    # A rapid call's placement: the winner has this many hours to accept, or the next ranked
    # compliant tender is offered (brokerage.services.placements). Published with the call.
    acceptance_hours = models.PositiveSmallIntegerField(
        _("hours for the provider to accept"), null=True, blank=True
    )
    estimated_value = models.DecimalField(_("estimated value (£)"), max_digits=14, decimal_places=2)
    # What a tendered price means (competitions/pricing.py): a total, or a rate per unit for
    # an expected quantity; the contract's value is the rate times the quantity.
    price_basis = models.CharField(
        _("price basis"), max_length=16, choices=PriceBasis.choices, default=PriceBasis.TOTAL
    )
    price_unit = models.CharField(_("unit"), max_length=16, choices=PriceUnit.choices, blank=True)
    expected_quantity = models.DecimalField(
        _("expected quantity"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    # [{"key", "name", "kind": price|quality|social_value, "weight", "guidance"}]
    criteria = models.JSONField()
    # PCR reg 34: a sub-central authority's shorter period agreed with all members.
    agreed_period_hours = models.PositiveIntegerField(null=True, blank=True)
    deadline = models.DateTimeField(_("deadline for tenders"))
    clarification_deadline = models.DateTimeField(_("deadline for questions"))
    published_at = models.DateTimeField(null=True, blank=True)
    public_key = models.BinaryField(null=True, blank=True)
    wrapped_private_key = models.BinaryField(null=True, blank=True)
    opening_requested_at = models.DateTimeField(null=True, blank=True)
    opening_requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)
    no_compliant_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["category", "published_at", "deadline"]),
            # An authority's calls newest first, carrying every column a status is derived
            # from: lists, counts by status and next actions read the index alone, not
            # the wide call rows scattered among other authorities' (BENCHMARKS.md).
            models.Index(
                fields=["buyer", "-created_at"],
                include=[
                    "id",
                    "published_at",
                    "deadline",
                    "opened_at",
                    "cancelled_at",
                    "no_compliant_at",
                ],
                name="call_buyer_status_idx",
            ),
            models.Index(fields=["market", "published_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_basis="total", price_unit="", expected_quantity__isnull=True)
                | Q(price_basis="unit_rate", expected_quantity__gt=0) & ~Q(price_unit=""),
                name="call_price_basis_complete",
            ),
            models.UniqueConstraint(
                fields=["reference"], condition=~Q(reference=""), name="call_reference_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def light_touch_contract(self) -> bool:
        """The contract is for light-touch services (regs 74–76; PA 2023 light-touch)."""
        return self.rapid or self.market.light_touch

    @property
    def seal_label(self) -> str:
        return f"opendps:call:{self.pk}"


class Invitation(models.Model):
    """Who was invited, fixed when the call is published (reg 34: every admitted member)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(CategoryMember, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="call_invitations"
    )
    invited_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "supplier"], name="invitation_once_per_call")
        ]
        indexes = [
            models.Index(fields=["supplier", "call"]),
            # A supplier's invitations, newest first, a page at a time.
            models.Index(fields=["supplier", "-invited_at"], name="invitation_supplier_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} to {self.call}"


class Clarification(models.Model):
    """A supplier's question, answered once to every invited member, anonymised."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="clarifications")
    asked_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField()
    question = models.TextField()
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["asked_at"]

    def __str__(self) -> str:
        return self.question[:50]


class TenderSubmission(models.Model):
    """One sealed submission. A supplier's latest unwithdrawn submission is its tender."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="submissions")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="submissions")
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField()
    sealed_payload = models.BinaryField()
    sealed_sha256 = models.CharField(max_length=64)
    receipt = models.JSONField()
    receipt_signature = models.CharField(max_length=100)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    # Decided after opening: a non-compliant tender is excluded from ranking, with reasons.
    excluded_at = models.DateTimeField(null=True, blank=True)
    exclusion_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["received_at"]
        indexes = [models.Index(fields=["call", "supplier", "-received_at"])]
        constraints = [
            # At most one live tender per supplier per call.
            models.UniqueConstraint(
                fields=["call", "supplier"],
                condition=Q(withdrawn_at__isnull=True, superseded_at__isnull=True),
                name="submission_one_live_per_supplier",
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier} → {self.call} at {self.received_at:%Y-%m-%d %H:%M:%S}"


class SealedDocument(models.Model):
    """A tender document, stored only as HPKE ciphertext under a random name."""

    submission = models.ForeignKey(
        TenderSubmission, on_delete=models.PROTECT, related_name="documents"
    )
    file = models.FileField(upload_to="sealed/%Y/%m/", max_length=255)
    sealed_sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"sealed document {self.pk}"


class ConflictDeclaration(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="conflict_declarations")
    evaluator = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField()
    has_conflict = models.BooleanField()
    details = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["call", "evaluator"], name="one_declaration_per_evaluator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} on {self.call}"


class Scoresheet(models.Model):
    """One evaluator's independent scores for a call; hidden from others until submitted."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="scoresheets")
    evaluator = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # {submission_id: {criterion_key: {"score": int, "reason": str}}}
    scores = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["call", "evaluator"], name="one_scoresheet_per_evaluator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} on {self.call}"


class Moderation(models.Model):
    """The consensus scores with rationale, recorded by a moderator."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="moderation")
    moderator = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    moderated_at = models.DateTimeField()
    # {submission_id: {criterion_key: {"score": int, "reason": str}}}
    scores = models.JSONField()

    def __str__(self) -> str:
        return f"moderation of {self.call}"


class Award(models.Model):
    """The award decision: ranking, winner, standstill and the notices it triggers."""

    call = models.OneToOneField(Call, on_delete=models.PROTECT, related_name="award")
    winner = models.ForeignKey(TenderSubmission, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    # [{"submission_id", "supplier_id", "rank", "total", "scores": {key: points}, "price"}]
    ranking = models.JSONField()
    standstill_ends_at = models.DateTimeField(null=True, blank=True)
    award_notice_due_at = models.DateTimeField(null=True, blank=True)
    award_notice_published_at = models.DateTimeField(null=True, blank=True)
    # The notice's reference on Find a Tender, recorded by the authority.
    award_notice_reference = models.CharField(max_length=100, blank=True)
    contract_value = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        indexes = [
            # A call's status needs only whether it has an award and the standstill's end.
            models.Index(
                fields=["call"], include=["id", "standstill_ends_at"], name="award_call_status_idx"
            ),
            # Notices still to publish: few, whatever the number of awards.
            models.Index(
                fields=["award_notice_due_at"],
                condition=models.Q(award_notice_published_at__isnull=True),
                name="award_notice_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"award of {self.call}"


class Feedback(models.Model):
    """What one bidder learns: its scores and reasons, the winner's scores, its rank, and
    the relative advantages of the winning tender (PA 2023 s 50 assessment summary)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="feedback")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="feedback")
    created_at = models.DateTimeField()
    content = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "supplier"], name="feedback_once_per_bidder")
        ]

    def __str__(self) -> str:
        return f"feedback to {self.supplier} on {self.call}"


class StandingOffer(models.Model):
    """A member's standing offer and rate card in one category, editable at any time.

    Buyers browse them before calling; a tender can start from them.
    """

    member = models.OneToOneField(
        CategoryMember, on_delete=models.CASCADE, related_name="standing_offer"
    )
    supplier = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="standing_offers"
    )
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="standing_offers")
    description = models.TextField(_("service description"))
    delivery_areas = models.JSONField(_("delivery areas"), default=list, blank=True)
    capacity = models.CharField(_("capacity"), max_length=200, blank=True)
    # The standing answer on social value, used when a rapid call is answered in one step.
    social_value = models.TextField(_("social value commitment"), blank=True)
    price_per_service_user = models.DecimalField(
        _("price per service user (£)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    price_per_hour = models.DecimalField(
        _("price per hour (£)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["category", "price_per_hour"]
        indexes = [models.Index(fields=["category", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.supplier} in {self.category}"


class PlannedCall(models.Model):
    """A call a buyer expects to make: the pipeline suppliers see as likely demand."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="planned_calls")
    buyer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="planned_calls")
    title = models.CharField(_("title"), max_length=200)
    expected_month = models.DateField(_("expected month"))
    estimated_value = models.DecimalField(_("estimated value (£)"), max_digits=14, decimal_places=2)
    region = models.CharField(_("region or area"), max_length=100, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["expected_month"]
        indexes = [models.Index(fields=["category", "expected_month"])]

    def __str__(self) -> str:
        return self.title


class AmendmentKind(models.TextChoices):
    NOTICE = "notice", _("Clarification notice")
    DEADLINE = "deadline", _("Change to the deadline for tenders")


class CallAmendment(models.Model):
    """What the buyer (or the platform) told every invitee after publishing.

    A clarification notice goes to the invitees only. A change to the deadline for tenders
    is also published as an OCDS tender amendment (``publication.releases``), so its
    ``reason`` is public; ``previous_deadline`` keeps the deadline the change replaced.
    """

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="amendments")
    kind = models.CharField(max_length=16, choices=AmendmentKind.choices)
    made_at = models.DateTimeField()
    # None: made by the platform itself (an automatic extension after an incident).
    made_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    previous_deadline = models.DateTimeField(null=True, blank=True)
    new_deadline = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["made_at", "pk"]
        indexes = [
            models.Index(fields=["call", "made_at"], name="call_amendment_call_made_idx"),
            models.Index(fields=["kind", "made_at"], name="call_amendment_kind_made_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind="notice", previous_deadline__isnull=True, new_deadline__isnull=True
                )
                | Q(kind="deadline", previous_deadline__isnull=False, new_deadline__isnull=False),
                name="call_amendment_deadlines_match_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.call}"


class CallDocumentKind(models.TextChoices):
    SPECIFICATION = "specification", _("Specification")
    PRICING_SCHEDULE = "pricing_schedule", _("Pricing schedule")


def call_document_path(instance: CallDocument, filename: str) -> str:
    return f"calls/{instance.call_id}/{instance.sha256[:16]}-{filename}"


class CallDocument(models.Model):
    """A document of a call (its specification, its pricing schedule): one of each kind,
    shown only to the authority and the invited suppliers, never on the public pages."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=24, choices=CallDocumentKind.choices)
    file = models.FileField(upload_to=call_document_path, max_length=255)
    original_name = models.CharField(max_length=100)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["call", "kind"], name="call_document_one_per_kind")
        ]

    def __str__(self) -> str:
        return self.original_name
