"""The admin is read-only for everyone, superusers included.

Every change goes through a service, which checks who may make it and records one audit
event; an admin form would do neither (issue 18: staff could make themselves a buyer of any
authority and read its tenders, unaudited). ``ReadOnlyAdmin`` is the base for every
registration, and the third-party admins Django, django-axes and friends register are
replaced by read-only versions here. A test walks ``admin.site._registry`` so that a new
registration cannot reopen a write path.
"""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.db.models import Model
from django.http import HttpRequest

from opendps.core.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """View only: no add, change or delete permission for anyone (bulk actions included)."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit log: the chain is append-only."""

    list_display = ["sequence", "occurred_at", "event_type", "actor", "subject_type", "subject_id"]
    list_filter = ["event_type"]
    search_fields = ["subject_id"]


# Third-party registrations, made read-only. Groups would hand out admin permissions; axes
# lockouts are cleared with ``opendps axes_reset`` (a command run by an operator), not a click.
THIRD_PARTY: list[tuple[type[Model], type[admin.ModelAdmin[Any]]]] = [
    (Group, GroupAdmin),
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
]

for _model, _admin_class in THIRD_PARTY:
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(
        _model, type(f"ReadOnly{_admin_class.__name__}", (ReadOnlyAdmin, _admin_class), {})
    )
