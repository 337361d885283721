"""The admin site is for site administrators only (decision 0013).

Django lets anyone with `is_staff` log in to the admin; here that flag alone
opens nothing, so a person given it by mistake reaches no records.
"""

from django.contrib import admin

from thegither.core.permissions import can_use_admin_site


class SiteAdmin(admin.AdminSite):
    site_header = "Thegither admin"
    site_title = "Thegither admin"

    def has_permission(self, request):
        """Let in only active site administrators (superusers)."""
        return can_use_admin_site(request.user).allowed
