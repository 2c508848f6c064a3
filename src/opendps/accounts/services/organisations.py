"""Users, organisations, invitations and memberships.

Each top-level service runs in one durable transaction, records one audit event and
queues its emails to go after commit.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from opendps.accounts.services.credentials import _api_tokens_revoke_all, _check_password
from opendps.accounts.tokens import new_invitation_secret, secret_hash
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import (
    Conflict,
    NotFound,
    NotPermitted,
    RuleViolation,
    full_clean_or_refuse,
)
from opendps.core.events import AuditEventType
from opendps.notifications.services import email_send_on_commit

INVITATION_LIFETIME = timedelta(days=7)

EMAIL_TAKEN = _("An account with this email address already exists. Sign in instead.")
ROLE_WRONG_KIND = _("That role does not exist for this kind of organisation.")
INVITATION_INVALID = _("This invitation link is not valid. Ask for a new invitation.")
INVITATION_EXPIRED = _("This invitation has expired. Ask for a new invitation.")
INVITATION_OTHER_EMAIL = _("This invitation was sent to a different email address.")
LAST_ADMIN = _("An organisation must keep at least one administrator.")
ALREADY_MEMBER = _("%(email)s already has this role in %(organisation)s.")


def _organisation_fields(fields: dict[str, Any]) -> dict[str, Any]:
    allowed = {
        "name",
        "registration_number",
        "address",
        "postcode",
        "nation",
        "is_sme",
        "is_vcse",
        "is_central_government",
    }
    return {key: value for key, value in fields.items() if key in allowed}


@transaction.atomic(durable=True)
def supplier_register(
    *, email: str, full_name: str, password: str, organisation: dict[str, Any]
) -> User | None:
    """A supplier signs itself up: its first user becomes the organisation's admin.

    Registration must not tell anyone which addresses have accounts. If ``email`` already
    has one, nothing is created, its owner is emailed instead (sign in, or reset the
    password) and None is returned; the caller answers exactly as for a new account.
    Everything that can be refused is checked before the address, and the password is
    hashed either way, so neither the errors nor the time taken tell the two apart.
    Nothing is recorded in the audit log when nothing changed.
    """
    email = User.objects.normalize_email(email).lower()
    user = User(email=email, full_name=full_name)
    _check_password(password, user)
    user.set_password(password)
    full_clean_or_refuse(user, validate_unique=False)
    org = Organisation(kind=OrganisationKind.SUPPLIER, **_organisation_fields(organisation))
    full_clean_or_refuse(org)
    owner = User.objects.filter(email__iexact=email).first()
    if owner is not None:
        email_send_on_commit(
            to=[owner.email], template="registration_attempted", context={"user": owner}
        )
        return None
    user.save()
    org.save()
    Membership.objects.create(user=user, organisation=org, role=Role.SUPPLIER_ADMIN)
    audit_record(
        actor=user,
        event_type=AuditEventType.USER_REGISTERED,
        subject=org,
        organisation_id=org.pk,
        data={"email": email, "organisation": org.name, "kind": org.kind},
    )
    email_send_on_commit(
        to=[email], template="welcome", context={"user": user, "organisation": org}
    )
    return user


@transaction.atomic(durable=True)
def organisation_create(
    *, actor: User, kind: str, admin_email: str | None = None, **fields: Any
) -> Organisation:
    """Platform staff add an organisation (authorities are onboarded, not self-registered)."""
    if not permissions.is_platform_staff(actor):
        raise NotPermitted(_("Only platform staff can add organisations."))
    org = Organisation(kind=kind, **_organisation_fields(fields))
    full_clean_or_refuse(org)
    org.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.ORGANISATION_CREATED,
        subject=org,
        organisation_id=org.pk,
        data={"name": org.name, "kind": org.kind},
    )
    if admin_email:
        role = Role.AUTHORITY_ADMIN if org.is_authority else Role.SUPPLIER_ADMIN
        _invite(actor=actor, organisation=org, email=admin_email, role=role)
    return org


@transaction.atomic(durable=True)
def organisation_update(*, actor: User, organisation: Organisation, **fields: Any) -> Organisation:
    permissions.require_role(actor, organisation, permissions.ADMIN_ROLES)
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changes = _organisation_fields(fields)
    before = {key: getattr(org, key) for key in changes}
    for key, value in changes.items():
        setattr(org, key, value)
    full_clean_or_refuse(org)
    org.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.ORGANISATION_UPDATED,
        subject=org,
        organisation_id=org.pk,
        data={
            "changed": {
                key: [before[key], value] for key, value in changes.items() if before[key] != value
            }
        },
    )
    return org


def _invite(*, actor: User, organisation: Organisation, email: str, role: str) -> Invitation:
    if role not in permissions.ROLES_BY_KIND[OrganisationKind(organisation.kind)]:
        raise RuleViolation(ROLE_WRONG_KIND, code="role_wrong_kind")
    email = User.objects.normalize_email(email).lower()
    if Membership.objects.filter(
        user__email__iexact=email, organisation=organisation, role=role
    ).exists():
        raise Conflict(ALREADY_MEMBER, email=email, organisation=organisation.name)
    secret, token_hash = new_invitation_secret()
    now = clock.now()
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=token_hash,
        invited_by=actor,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    full_clean_or_refuse(invitation)
    invitation.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.COLLEAGUE_INVITED,
        subject=invitation,
        organisation_id=organisation.pk,
        data={"email": email, "role": role},
    )
    email_send_on_commit(
        to=[email],
        template="invitation",
        context={
            "invitation": invitation,
            "inviter": actor,
            "organisation": organisation,
            "role": Role(role).label,
            "path": reverse("accounts:invitation-accept", args=[secret]),
        },
    )
    return invitation


@transaction.atomic(durable=True)
def invitation_create(
    *, actor: User, organisation: Organisation, email: str, role: str
) -> Invitation:
    """An organisation admin invites a colleague by email."""
    permissions.require_role(actor, organisation, permissions.ADMIN_ROLES)
    return _invite(actor=actor, organisation=organisation, email=email, role=role)


def invitation_for_secret(secret: str) -> Invitation:
    """The live invitation behind an emailed link (a read used by the accept page)."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=secret_hash(secret), accepted_at=None, revoked_at=None)
        .first()
    )
    if invitation is None:
        raise NotFound(INVITATION_INVALID)
    if invitation.expires_at <= clock.now():
        raise RuleViolation(INVITATION_EXPIRED, code="invitation_expired")
    return invitation


@transaction.atomic(durable=True)
def invitation_accept(
    *,
    secret: str,
    actor: User | None = None,
    full_name: str = "",
    password: str = "",
) -> User:
    """Accept an invitation: as the signed-in invitee, or by creating the account."""
    found = invitation_for_secret(secret)
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    if invitation.accepted_at is not None:
        raise NotFound(INVITATION_INVALID)
    user = actor if actor is not None and actor.is_authenticated else None
    if user is not None and user.email.lower() != invitation.email:
        raise NotPermitted(INVITATION_OTHER_EMAIL)
    if user is None:
        user = User.objects.filter(email__iexact=invitation.email).first()
        if user is not None:
            raise Conflict(EMAIL_TAKEN, code="email_taken")
        user = User(email=invitation.email, full_name=full_name)
        _check_password(password, user)
        user.set_password(password)
        full_clean_or_refuse(user)
        user.save()
    Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, role=invitation.role
    )
    invitation.accepted_at = clock.now()
    invitation.save(update_fields=["accepted_at"])
    # Bearer tokens' cached roles follow the new membership by ``token_cache``'s receiver.
    permissions.forget_roles(user)
    audit_record(
        actor=user,
        event_type=AuditEventType.INVITATION_ACCEPTED,
        subject=invitation,
        organisation_id=invitation.organisation_id,
        data={"email": user.email, "role": invitation.role},
    )
    return user


@transaction.atomic(durable=True)
def membership_remove(*, actor: User, membership: Membership) -> None:
    """End one of a person's roles, and revoke all their API tokens.

    Tokens are personal rather than per organisation, so one cannot be cut down to the
    roles that remain: all of them go, and the person makes new ones if they still need
    them."""
    organisation = membership.organisation
    permissions.require_role(actor, organisation, permissions.ADMIN_ROLES)
    locked = Membership.objects.select_for_update().filter(organisation=organisation)
    admins = [m for m in locked if m.role in permissions.ADMIN_ROLES]
    if membership.role in permissions.ADMIN_ROLES and len(admins) <= 1:
        raise RuleViolation(LAST_ADMIN, code="last_admin")
    revoked = _api_tokens_revoke_all(membership.user)
    audit_record(
        actor=actor,
        event_type=AuditEventType.MEMBERSHIP_REMOVED,
        subject=membership.organisation,
        organisation_id=organisation.pk,
        data={"email": membership.user.email, "role": membership.role, "tokens_revoked": revoked},
    )
    membership.delete()


@transaction.atomic(durable=True)
def member_add(
    *,
    actor: User,
    organisation: Organisation,
    email: str,
    full_name: str,
    role: str,
    password: str | None = None,
) -> Membership:
    """Platform staff onboard a person straight into a role (authority set-up, demo data).

    Without a password the person sets one with "forgotten your password"."""
    if not permissions.is_platform_staff(actor):
        raise NotPermitted(_("Only platform staff can add people directly."))
    if role not in permissions.ROLES_BY_KIND[OrganisationKind(organisation.kind)]:
        raise RuleViolation(ROLE_WRONG_KIND, code="role_wrong_kind")
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, full_name=full_name)
        if password is None:
            user.set_unusable_password()
        else:
            _check_password(password, user)
            user.set_password(password)
        full_clean_or_refuse(user)
        user.save()
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if not created:  # nothing changed, so nothing to record
        return membership
    audit_record(
        actor=actor,
        event_type=AuditEventType.MEMBERSHIP_ROLE_CHANGED,
        subject=organisation,
        organisation_id=organisation.pk,
        data={"email": email, "role": role, "added": True},
    )
    return membership
