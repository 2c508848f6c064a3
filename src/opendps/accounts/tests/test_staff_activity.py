"""Staff acting inside an organisation is audited and shown to that organisation's
administrators (issue 18): people staff added, members removed for debarment."""

from __future__ import annotations

import pytest

from opendps.accounts import services
from opendps.accounts.models import Role
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.membership import services as membership_services
from opendps.testing.factories import market_with_both_suppliers
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db

PAGE = "/account/organisation/staff-activity"


@pytest.fixture
def staff_acted(people):
    """Staff add a buyer to the authority and debar supplier A, a member of its market."""
    market_with_both_suppliers(people)
    services.member_add(
        actor=people.staff,
        organisation=people.authority,
        email="new.buyer@authority.test",
        full_name="New Buyer",
        role=Role.BUYER,
    )
    membership_services.debarment_add(
        actor=people.staff,
        name="",
        reason="Convicted of fraud.",
        supplier=people.supplier_a,
    )


def test_the_authority_admin_sees_every_staff_action_inside_it(people, staff_acted):
    added = AuditEvent.objects.get(event_type=AuditEventType.MEMBERSHIP_ROLE_CHANGED)
    removed = AuditEvent.objects.get(event_type=AuditEventType.MEMBER_REMOVED)
    assert added.actor_id == removed.actor_id == people.staff.pk
    assert added.organisation_id == removed.organisation_id == people.authority.pk

    page = client_for(people.authority_admin).get(PAGE)

    body = page.content.decode()
    assert page.status_code == 200
    assert "Platform staff activity" in body
    assert "Role changed (new.buyer@authority.test)" in body
    assert "Member removed" in body
    assert f"#{added.sequence}" in body and f"#{removed.sequence}" in body
    assert people.staff.email in body
    # The authority's own people's actions are elsewhere: only staff's are listed here.
    assert "Market published" not in body and "Application admitted" not in body
    organisation = client_for(people.authority_admin).get("/account/organisation")
    assert f'href="{PAGE}"' in organisation.content.decode()


def test_another_authority_sees_none_of_it(people, staff_acted):
    from opendps.testing.fixtures import make_person

    other_admin = make_person("admin@other.test", people.other_authority, Role.AUTHORITY_ADMIN)
    body = client_for(other_admin).get(PAGE).content.decode()
    assert "Platform staff have done nothing inside your organisation." in body
    assert "new.buyer@authority.test" not in body


@pytest.mark.parametrize("role", ["buyer", "commissioner", "evaluator"])
def test_only_the_organisations_administrators_see_it(people, staff_acted, role):
    assert client_for(people.by_name(role)).get(PAGE).status_code == 403


def test_staff_without_an_organisation_get_not_found(people):
    assert client_for(people.staff).get(PAGE).status_code == 404
