"""Users, organisations, memberships with roles, invitations and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opendps.core.calendar import Nation


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra |= {"is_staff": True, "is_superuser": True}
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address. ``is_staff`` marks platform staff."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)
    # The language pages and emails use for this person ("" until they choose one: then
    # the language cookie, else the browser's, decides). Written by accounts.language.
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        default="",
        choices=[("en-gb", "English"), ("cy", "Cymraeg")],
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class OrganisationKind(models.TextChoices):
    AUTHORITY = "authority", _("Contracting authority")
    SUPPLIER = "supplier", _("Supplier")


class Organisation(models.Model):
    kind = models.CharField(max_length=16, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    registration_number = models.CharField(
        _("registration number"),
        max_length=32,
        blank=True,
        help_text=_("Companies House or charity number"),
    )
    address = models.TextField(_("address"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    nation = models.CharField(
        _("UK nation"), max_length=24, choices=Nation.choices, default=Nation.ENGLAND_AND_WALES
    )
    is_sme = models.BooleanField(_("small or medium-sized enterprise (SME)"), default=False)
    is_vcse = models.BooleanField(
        _("voluntary, community or social enterprise (VCSE)"), default=False
    )
    # Authorities only: central government bodies carry the social value minimum weight,
    # sub-central authorities may agree shorter tender periods with a category (reg 34).
    is_central_government = models.BooleanField(_("central government body"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_authority(self) -> bool:
        return self.kind == OrganisationKind.AUTHORITY

    @property
    def is_supplier(self) -> bool:
        return self.kind == OrganisationKind.SUPPLIER


class Role(models.TextChoices):
    # contracting authority roles
    AUTHORITY_ADMIN = "authority_admin", _("Administrator")
    COMMISSIONER = "commissioner", _("Commissioner")
    BUYER = "buyer", _("Buyer")
    EVALUATOR = "evaluator", _("Evaluator")
    # supplier roles
    SUPPLIER_ADMIN = "supplier_admin", _("Administrator")
    BID_WRITER = "bid_writer", _("Bid writer")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    """A user's role in an organisation. A person may hold several roles (one row each)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=24, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} at {self.organisation}"


class Invitation(models.Model):
    """An organisation admin's invitation; the emailed secret is stored only as a hash."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=24, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"


class ApiTokenState(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is kept; the secret is shown once.

    A token is personal, not per organisation: it acts as its user in every organisation the
    user belongs to. It stops working when it expires (its lifetime is chosen when it is
    made, at most a year), when it is revoked, and it is revoked with all the user's other
    tokens when their password is reset or any of their memberships ends.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="apitoken_unique_live_name",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def state(self, now: datetime) -> ApiTokenState:
        """The one place a token's state is derived (``api_token_authenticate`` filters by
        the same two timestamps)."""
        if self.revoked_at is not None:
            return ApiTokenState.REVOKED
        if self.expires_at <= now:
            return ApiTokenState.EXPIRED
        return ApiTokenState.ACTIVE
