"""Account services: the change, one audit event, the email over real SMTP, no change on refusal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings

from opendps.accounts import services
from opendps.accounts.models import ApiToken, Invitation, Membership, Organisation, Role, User
from opendps.core import clock
from opendps.core.errors import Conflict, NotFound, NotPermitted, RuleViolation
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

ORG = {"name": "Gamma Coaching CIC", "is_sme": True, "is_vcse": True, "postcode": "LS1 1AA"}


def register(email="jo@gamma.test", password="a-long-enough-pass-7", **org):
    return services.supplier_register(
        email=email, full_name="Jo Gamma", password=password, organisation=ORG | org
    )


def test_supplier_registers_itself_as_admin_of_a_new_supplier(mailbox):
    user = register()
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.SUPPLIER_ADMIN
    assert membership.organisation.kind == "supplier"
    assert membership.organisation.is_vcse
    events = AuditEvent.objects.all()
    assert [e.event_type for e in events] == [AuditEventType.USER_REGISTERED]
    assert events[0].actor_id == user.pk
    (message,) = mailbox.to("jo@gamma.test")
    assert message["Subject"] == "Welcome to OpenDPS"
    assert "Gamma Coaching CIC is registered" in mailbox.body(message)


def test_registration_with_a_taken_email_changes_nothing_and_tells_the_owner(mailbox):
    """No error that would reveal the account: None, and an email to the address's owner."""
    register()
    mailbox.clear()
    assert register(email="JO@gamma.test", name="Another Org") is None
    assert Organisation.objects.count() == 1
    assert User.objects.count() == 1
    assert AuditEvent.objects.count() == 1
    (message,) = mailbox.to("jo@gamma.test")
    assert message["Subject"] == "Someone tried to register with your email address"
    assert "nothing was created" in mailbox.body(message)


def test_registration_refuses_a_weak_password_and_writes_nothing():
    with pytest.raises(RuleViolation, match="too short"):
        register(password="short")
    assert not User.objects.exists()
    assert not Organisation.objects.exists()


def test_production_passwords_are_hashed_with_argon2():
    from opendps import settings as production_settings

    assert production_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.AUTH_USER_MODEL == "accounts.User"


def invitation_link(mailbox, email):
    (message,) = mailbox.to(email)
    return re.search(r"/account/invitations/(\S+)", mailbox.body(message)).group(1)


def test_admin_invites_a_colleague_who_accepts_by_email(people, mailbox):
    invitation = services.invitation_create(
        actor=people.authority_admin,
        organisation=people.authority,
        email="New.Buyer@Authority.test",
        role=Role.BUYER,
    )
    assert invitation.email == "new.buyer@authority.test"
    secret = invitation_link(mailbox, "new.buyer@authority.test")
    assert secret not in Invitation.objects.get().token_hash  # only the hash is stored
    user = services.invitation_accept(
        secret=secret, full_name="New Buyer", password="a-long-enough-pass-7"
    )
    assert Membership.objects.filter(
        user=user, organisation=people.authority, role=Role.BUYER
    ).exists()
    assert list(AuditEvent.objects.values_list("event_type", flat=True)) == [
        AuditEventType.COLLEAGUE_INVITED,
        AuditEventType.INVITATION_ACCEPTED,
    ]
    with pytest.raises(NotFound):  # a link works once
        services.invitation_accept(secret=secret, full_name="X", password="a-long-enough-pass-7")


@pytest.mark.parametrize("actor", ["buyer", "evaluator", "commissioner", "supplier_a_admin"])
def test_only_an_admin_of_the_organisation_may_invite(people, mailbox, actor):
    with pytest.raises(NotPermitted, match="Administrator"):
        services.invitation_create(
            actor=people.by_name(actor),
            organisation=people.authority,
            email="x@authority.test",
            role=Role.BUYER,
        )
    assert not Invitation.objects.exists()
    assert mailbox.messages == []


def test_a_supplier_role_cannot_be_given_in_an_authority(people):
    with pytest.raises(RuleViolation, match="role does not exist"):
        services.invitation_create(
            actor=people.authority_admin,
            organisation=people.authority,
            email="x@authority.test",
            role=Role.BID_WRITER,
        )


def test_an_invitation_expires_after_seven_days(people, mailbox):
    services.invitation_create(
        actor=people.authority_admin,
        organisation=people.authority,
        email="late@authority.test",
        role=Role.EVALUATOR,
    )
    secret = invitation_link(mailbox, "late@authority.test")
    with (
        time_machine.travel(clock.now() + timedelta(days=7, seconds=1)),
        pytest.raises(RuleViolation, match="expired"),
    ):
        services.invitation_accept(secret=secret, full_name="L", password="a-long-enough-pass-7")
    assert not User.objects.filter(email="late@authority.test").exists()


def test_the_last_administrator_cannot_be_removed(people):
    admin_membership = Membership.objects.get(user=people.authority_admin)
    with pytest.raises(RuleViolation, match="at least one administrator"):
        services.membership_remove(actor=people.authority_admin, membership=admin_membership)
    assert Membership.objects.filter(pk=admin_membership.pk).exists()


def test_api_token_is_stored_only_as_a_hash_and_can_be_revoked(people):
    token, secret = services.api_token_create(actor=people.buyer, name="bid system")
    assert secret.startswith("odps_") and secret not in token.key_hash
    assert services.api_token_authenticate(secret) == people.buyer
    services.api_token_revoke(actor=people.buyer, token_id=token.pk)
    assert services.api_token_authenticate(secret) is None
    with pytest.raises(Conflict):
        services.api_token_revoke(actor=people.buyer, token_id=token.pk)


def test_nobody_else_can_revoke_your_token(people):
    token, _ = services.api_token_create(actor=people.buyer, name="mine")
    with pytest.raises(NotFound):
        services.api_token_revoke(actor=people.authority_admin, token_id=token.pk)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
