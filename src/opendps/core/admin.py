"""The audit log in the admin: read-only (the chain is append-only)."""

from django.contrib import admin

from opendps.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["sequence", "occurred_at", "event_type", "actor", "subject_type", "subject_id"]
    list_filter = ["event_type"]
    search_fields = ["subject_id"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
