"""Read-only admin for platform staff; changes go through the services and pages.

No one, superusers included, may add, change or delete here (``ReadOnlyAdmin``): a
membership added in the admin would make its author a buyer of any authority, unaudited.
"""

from django.contrib import admin

from opendps.accounts.models import ApiToken, Membership, Organisation, User
from opendps.core.admin import ReadOnlyAdmin


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "nation", "is_sme", "is_vcse"]
    list_filter = ["kind", "nation", "is_sme", "is_vcse"]
    search_fields = ["name", "registration_number"]


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "full_name"]
    exclude = ["password"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = [
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    exclude = ["key_hash"]
