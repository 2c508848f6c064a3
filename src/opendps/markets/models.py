"""Markets (a DPS or dynamic market), their categories, questionnaires and notices."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opendps.accounts.models import Organisation, User
from opendps.core.calendar import Nation
from opendps.regimes import RegimeCode


class MarketStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    EXPIRED = "expired", _("Expired")
    CEASED = "ceased", _("Ceased")


class Market(models.Model):
    """A Dynamic Purchasing System (PCR 2015) or dynamic market (PA 2023).

    The status is derived from timestamps (``markets.status.market_status``), never stored.
    """

    authority = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="markets")
    regime = models.CharField(_("regime"), max_length=32, choices=RegimeCode.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    # Welsh versions (optional): Welsh pages fall back to the English, marked lang="en".
    title_cy = models.CharField(_("title in Welsh"), max_length=200, blank=True, default="")
    description_cy = models.TextField(_("description in Welsh"), blank=True, default="")
    cpv_codes = models.JSONField(_("CPV codes"), default=list, blank=True)
    estimated_value = models.DecimalField(
        _("estimated total value (£)"), max_digits=14, decimal_places=2
    )
    estimated_purchases = models.PositiveIntegerField(_("estimated number of purchases"))
    nation = models.CharField(
        _("UK nation for working days"), max_length=24, choices=Nation.choices
    )
    validity_starts_at = models.DateTimeField(_("period of validity starts"))
    validity_ends_at = models.DateTimeField(_("period of validity ends"))
    # PCR 2015 only: the first period for requests to participate (reg 34(3)).
    first_period_ends_at = models.DateTimeField(null=True, blank=True)
    # PA 2023 only: the market's "reasonable period" for assessing applications.
    assessment_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # PA 2023 only (s 38): fee on awarded contracts, percent of value.
    supplier_fee_percent = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    light_touch = models.BooleanField(
        _("light-touch services (social, health, employment)"), default=False
    )
    vulnerable_people = models.BooleanField(
        _("services reach vulnerable people (safeguarding questions)"), default=False
    )
    dual_opening = models.BooleanField(
        _("two officers must approve opening tenders"), default=False
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    ceased_at = models.DateTimeField(null=True, blank=True)
    ceased_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["authority", "published_at"]),
            models.Index(fields=["published_at", "validity_ends_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(validity_ends_at__gt=models.F("validity_starts_at")),
                name="market_validity_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ceased_at__isnull=True) | Q(published_at__isnull=False),
                name="market_ceased_only_after_published",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Category(models.Model):
    """A category of the DPS (PA 2023: a part of the market), by objective characteristics."""

    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="categories")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    title_cy = models.CharField(_("title in Welsh"), max_length=200, blank=True, default="")
    description_cy = models.TextField(_("description in Welsh"), blank=True, default="")
    service_type = models.CharField(_("service type"), max_length=200, blank=True)
    areas = models.JSONField(_("geographic areas"), default=list, blank=True)
    max_contract_value = models.DecimalField(
        _("maximum contract value (£)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["market", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["market", "title"], name="category_unique_title")
        ]

    def __str__(self) -> str:
        return self.title


class QuestionnaireVersion(models.Model):
    """One immutable version of a category's selection questionnaire (data, not code).

    Applications point at the version they answered, so changing the questions never
    changes what an earlier applicant was asked.
    """

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="questionnaire_versions"
    )
    version = models.PositiveIntegerField()
    questions = models.JSONField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["category", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "version"], name="questionnaire_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} v{self.version}"


class NoticeKind(models.TextChoices):
    CONTRACT_NOTICE = "contract_notice", _("Contract notice")
    VALIDITY_CHANGE = "validity_change", _("Change to the period of validity")
    ESTABLISHED = "established", _("Dynamic market notice: established")
    MODIFIED = "modified", _("Dynamic market notice: modified")
    CEASED = "ceased", _("Dynamic market notice: ceased")


class MarketNotice(models.Model):
    """A notice published about the market; open data releases are built from these."""

    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=24, choices=NoticeKind.choices)
    published_at = models.DateTimeField()
    summary = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["published_at", "pk"]
        indexes = [models.Index(fields=["published_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.market}"
