"""Admin for core, and the read-only base every other app's admin uses.

The admin never becomes a way round a rule: people, memberships, invitations,
money, scores, votes and answers change only through services, on the pages
that check permission. So the admin shows records and refuses changes, and a
refused change is written to the audit log.
"""

from django.contrib import admin

from thegither.core.models import AuditEvent
from thegither.core.services import audit_record


class ReadOnlyAdmin(admin.ModelAdmin):
    """Show records; never add, change or delete them here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _audit_refused(self, request, object_id) -> None:
        audit_record(
            action="admin.change_refused",
            actor=request.user,
            details={"model": self.model._meta.label_lower, "object": str(object_id or "")},
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            self._audit_refused(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "POST":
            self._audit_refused(request, object_id)
        return super().delete_view(request, object_id, extra_context)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit log is append-only: nobody edits or deletes history."""

    list_display = ["occurred_at", "actor", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    date_hierarchy = "occurred_at"
