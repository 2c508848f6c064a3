"""The Django admin is a window, not a door: no one adds, changes or deletes through it.

Changes to people, organisations, roles and tokens go through the services, which check
permissions and record an audit event; an admin form would do neither.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from opendps.accounts import services
from opendps.accounts.models import ApiToken, Membership, Organisation, Role, User
from opendps.core.models import AuditEvent
from opendps.testing.fixtures import client_for, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(people: Any) -> User:
    return make_person("root@platform.test", is_staff=True, is_superuser=True)


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "organisations": Organisation.objects.count(),
        "tokens": ApiToken.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def test_a_superuser_cannot_add_themselves_as_a_buyer_of_an_authority(people, superuser):
    before = counts()
    response = client_for(superuser).post(
        "/admin/accounts/membership/add/",
        {"user": superuser.pk, "organisation": people.authority.pk, "role": Role.BUYER},
    )
    assert response.status_code == 403
    assert counts() == before
    assert not Membership.objects.filter(user=superuser).exists()


def _objects(people: Any, superuser: User) -> dict[str, tuple[str, Any, dict[str, Any]]]:
    token, _ = services.api_token_create(actor=people.buyer, name="bid system")
    membership = Membership.objects.get(user=people.buyer)
    return {
        "membership": (
            "membership",
            membership,
            {"user": superuser.pk, "organisation": people.authority.pk, "role": Role.BUYER},
        ),
        "organisation": (
            "organisation",
            people.authority,
            {"kind": "authority", "name": "Renamed", "nation": "scotland"},
        ),
        "user": (
            "user",
            people.buyer,
            {"email": "taken.over@example.test", "full_name": "X", "is_active": "on"},
        ),
        "token": ("apitoken", token, {"user": superuser.pk, "name": "stolen", "prefix": "x"}),
    }


@pytest.mark.parametrize("model", ["membership", "organisation", "user", "token"])
def test_a_superuser_can_view_but_not_add_change_or_delete(people, superuser, model):
    url_name, obj, data = _objects(people, superuser)[model]
    base = f"/admin/accounts/{url_name}"
    client = client_for(superuser)
    before = counts()
    snapshot = type(obj).objects.filter(pk=obj.pk).values().get()

    assert client.get(f"{base}/").status_code == 200
    assert client.get(f"{base}/{obj.pk}/change/").status_code == 200  # view only
    assert client.post(f"{base}/add/", data).status_code == 403
    assert client.post(f"{base}/{obj.pk}/change/", data).status_code == 403
    assert client.post(f"{base}/{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    # nor by the changelist's bulk "delete selected" action
    client.post(f"{base}/", {"action": "delete_selected", "_selected_action": [obj.pk]})
    client.post(
        f"{base}/", {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )

    assert counts() == before
    assert type(obj).objects.filter(pk=obj.pk).values().get() == snapshot


def test_every_registered_admin_refuses_add_change_and_delete_to_a_superuser(people, superuser):
    """A new admin registration cannot reopen a write path: every ModelAdmin, ours and third
    parties' (auth groups, django-axes), is read-only even for a superuser."""
    request = RequestFactory().post("/admin/")
    request.user = superuser
    assert admin.site._registry  # the walk below checks something
    writable = []
    for model, model_admin in admin.site._registry.items():
        obj = model.objects.first()
        if (
            model_admin.has_add_permission(request)
            or model_admin.has_change_permission(request)
            or model_admin.has_change_permission(request, obj)
            or model_admin.has_delete_permission(request)
            or model_admin.has_delete_permission(request, obj)
        ):
            writable.append(model._meta.label)
        assert model_admin.has_view_permission(request), model._meta.label
    assert writable == []
    client: Client = client_for(superuser)
    for model in admin.site._registry:  # and every list still opens, read-only
        meta = model._meta
        assert client.get(f"/admin/{meta.app_label}/{meta.model_name}/").status_code == 200
