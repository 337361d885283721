"""Admin for people and organisations: for looking, not for changing.

People join through invitations (or `thegither setup`), roles change on the
People page, passwords through new-password codes: each of those checks who
may do it and writes the audit log. So here every model is read-only
(decision 0013), and nobody edits an age band or an admin flag behind the rules.
There is no date of birth anywhere to show, and no password, invitation or code
hash is shown.
"""

from django.contrib import admin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from thegither.accounts.models import Area, Invitation, Membership, Organisation, ResetCode, User
from thegither.accounts.permissions import can_reset_two_step
from thegither.accounts.services import two_step_reset
from thegither.core.admin import ReadOnlyAdmin

# Groups and model permissions are not used: only site administrators use the admin.
admin.site.unregister(Group)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["organisation", "role"]
    readonly_fields = ["organisation", "role"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "display_name", "age_band", "needs_grown_up", "is_active"]
    list_filter = ["age_band", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "display_name", "email"]
    ordering = ["username"]
    inlines = [MembershipInline]
    actions = ["reset_two_step"]
    fieldsets = [
        (None, {"fields": ["username"]}),
        (_("About them"), {"fields": ["display_name", "age_band", "email"]}),
        (_("Parent or carer"), {"fields": ["guardian_authorised_at", "guardian_authorised_by"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]

    @admin.action(description=_("Reset two-step log-in (they lost their phone)"))
    def reset_two_step(self, request, queryset):
        done = 0
        for person in queryset:
            if can_reset_two_step(request.user, person) and two_step_reset(
                person=person, by=request.user
            ):
                done += 1
        self.message_user(
            request,
            _("Two-step log-in reset for %(count)d people. They've been logged out everywhere.")
            % {"count": done},
        )

    @admin.display(boolean=True, description=_("needs a grown-up's yes"))
    def needs_grown_up(self, obj):
        return obj.needs_guardian_authorisation


class AreaInline(admin.TabularInline):
    model = Area
    extra = 0
    # Areas change on the organisation's areas page (checked, audited, never one in use).
    fields = ["name"]
    readonly_fields = ["name"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "kind", "two_step_required"]
    inlines = [AreaInline]
    # A logo is uploaded on the organisation's settings page, which checks what is in the file.
    readonly_fields = ["logo"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["organisation", "role"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__display_name"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = [
        "organisation",
        "role",
        "note",
        "created_by",
        "expires_at",
        "used_at",
        "cancelled_at",
    ]
    list_filter = ["organisation", "role"]
    list_select_related = ["organisation", "created_by"]
    exclude = ["token_hash", "code_hash"]


@admin.register(ResetCode)
class ResetCodeAdmin(ReadOnlyAdmin):
    list_display = ["user", "created_by", "created_at", "expires_at", "used_at"]
    list_select_related = ["user", "created_by"]
    exclude = ["code_hash"]


# Two-step devices hold secrets and recovery-code digests, and turning someone's
# two-step log-in off must be checked and audited (accounts.services.two_step_reset),
# so django-otp's own admin pages are not offered.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
