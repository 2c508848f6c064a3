"""Read-mostly admin for platform staff; changes go through the services and pages."""

from django.contrib import admin

from opendps.accounts.models import ApiToken, Membership, Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "nation", "is_sme", "is_vcse"]
    list_filter = ["kind", "nation", "is_sme", "is_vcse"]
    search_fields = ["name", "registration_number"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "full_name"]
    exclude = ["password"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
