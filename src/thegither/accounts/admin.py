"""Admin for people and organisations.

There is no date of birth anywhere to show: people have an age band only.
Passwords, invitation and code hashes are never shown or edited here.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from thegither.accounts.models import Area, Invitation, Membership, Organisation, ResetCode, User


class PersonCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "display_name", "age_band", "email"]


class PersonChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["organisation", "role"]
    # Role changes go through the people page so they are checked and audited.
    readonly_fields = ["organisation", "role"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    list_display = ["username", "display_name", "age_band", "needs_grown_up", "is_active"]
    list_filter = ["age_band", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "display_name", "email"]
    ordering = ["username"]
    readonly_fields = [
        "guardian_authorised_at",
        "guardian_authorised_by",
        "last_login",
        "date_joined",
    ]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("About them"), {"fields": ["display_name", "age_band", "email"]}),
        (_("Parent or carer"), {"fields": ["guardian_authorised_at", "guardian_authorised_by"]}),
        (
            _("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "display_name",
                    "age_band",
                    "email",
                    "password1",
                    "password2",
                ],
            },
        )
    ]

    @admin.display(boolean=True, description=_("needs a grown-up's yes"))
    def needs_grown_up(self, obj):
        return obj.needs_guardian_authorisation


class AreaInline(admin.TabularInline):
    model = Area
    extra = 0
    # Areas change on the organisation's areas page (checked, audited, never one in use).
    readonly_fields = ["name"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AreaInline]
    # A logo is uploaded on the organisation's settings page, which checks what is in the file.
    readonly_fields = ["logo"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["organisation", "role"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__display_name"]
    raw_id_fields = ["user"]

    # Roles change through accounts.services.membership_role_change (checked and audited).
    def get_readonly_fields(self, request, obj=None):
        return ["user", "organisation", "role"] if obj else []


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
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
    readonly_fields = [
        "organisation",
        "role",
        "note",
        "created_by",
        "created_at",
        "expires_at",
        "failed_attempts",
        "used_at",
        "used_by",
        "cancelled_at",
    ]

    # Invitations are made on the invitation page, which shows the link and code once.
    def has_add_permission(self, request):
        return False


@admin.register(ResetCode)
class ResetCodeAdmin(admin.ModelAdmin):
    list_display = ["user", "created_by", "created_at", "expires_at", "used_at"]
    list_select_related = ["user", "created_by"]
    exclude = ["code_hash"]
    readonly_fields = [
        "user",
        "created_by",
        "created_at",
        "expires_at",
        "failed_attempts",
        "used_at",
    ]

    def has_add_permission(self, request):
        return False
