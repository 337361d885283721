from django.contrib import admin

from thegither.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "actor", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    date_hierarchy = "occurred_at"

    # The audit log is append-only: nobody edits or deletes history.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
