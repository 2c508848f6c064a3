"""Audit event types: one list, past tense, so grep finds every kind of state change."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventType(models.TextChoices):
    # accounts
    USER_REGISTERED = "user_registered", _("User registered")
    ORGANISATION_CREATED = "organisation_created", _("Organisation created")
    ORGANISATION_UPDATED = "organisation_updated", _("Organisation updated")
    COLLEAGUE_INVITED = "colleague_invited", _("Colleague invited")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    MEMBERSHIP_ROLE_CHANGED = "membership_role_changed", _("Role changed")
    MEMBERSHIP_REMOVED = "membership_removed", _("Colleague removed")
    API_TOKEN_CREATED = "api_token_created", _("API token created")
    API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
    PASSWORD_RESET_COMPLETED = "password_reset_completed", _("Password reset")
    SIGNED_IN = "signed_in", _("Signed in")
    SIGN_IN_LOCKED_OUT = "sign_in_locked_out", _("Sign-in locked out")
