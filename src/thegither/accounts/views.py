"""Pages for logging in, joining by invitation and looking after an organisation's people.

Views stay thin: parse with a form, check permission, call one service, then
render or redirect.
"""

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST

from thegither.accounts.forms import (
    InvitationForm,
    JoinForm,
    LoginForm,
    ResetCodeForm,
    RoleForm,
)
from thegither.accounts.models import STAFF_ROLES, Membership, Organisation, Role
from thegither.accounts.permissions import (
    can_change_role,
    can_invite,
    can_issue_reset_code,
    can_manage_people,
    can_record_guardian_authorisation,
    role_in,
)
from thegither.accounts.selectors import (
    invitation_for_token,
    invitation_problem,
    memberships_for_user,
    open_invitations,
    people_in_organisation,
)
from thegither.accounts.services import (
    guardian_authorisation_record,
    invitation_accept,
    invitation_create,
    membership_role_change,
    password_set,
    reset_code_issue,
    reset_code_use,
)
from thegither.core.colours import HEX_COLOUR, MINIMUM_CONTRAST, contrast_ratio
from thegither.core.permissions import require
from thegither.core.services import audit_record

LOGIN_BACKEND = "thegither.accounts.backends.EmailOrUsernameBackend"
DEFAULT_ACCENT = "#1d5c63"

login_view = auth_views.LoginView.as_view(
    form_class=LoginForm,
    template_name="accounts/login.html",
    redirect_authenticated_user=True,
)
logout_view = auth_views.LogoutView.as_view()


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        password_set(user=self.user, password=form.cleaned_data["new_password1"], how="reset")
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.get_success_url())


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")

    def form_valid(self, form):
        user = password_set(
            user=self.request.user, password=form.cleaned_data["new_password1"], how="change"
        )
        # Stay logged in here; other devices are logged out by the new password.
        update_session_auth_hash(self.request, user)
        return redirect(self.get_success_url())


password_reset_view = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    email_template_name="accounts/email/password_reset.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password-reset-done"),
)
password_reset_done_view = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm_view = PasswordResetConfirmView.as_view()
password_reset_complete_view = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
password_change_view = PasswordChangeView.as_view()
password_change_done_view = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_change_done.html"
)


@never_cache
def reset_code(request):
    """Let someone choose a new password with a code from their youth worker."""
    form = ResetCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reset_code_use(
                username=form.cleaned_data["username"],
                code=form.cleaned_data["code"],
                password=form.cleaned_data["new_password1"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your new password is ready. Log in with it now."))
            return redirect("accounts:login")
    return render(request, "accounts/reset_code.html", {"form": form})


@login_required
def dashboard(request):
    """Show a person what they can do next."""
    user = request.user
    if user.needs_guardian_authorisation:
        return render(request, "accounts/waiting.html")
    memberships = list(memberships_for_user(user))
    return render(
        request,
        "accounts/dashboard.html",
        {
            "memberships": memberships,
            "staff_roles": list(STAFF_ROLES),
        },
    )


@never_cache
def join(request, token):
    """Make an account from an invitation link and the code a youth worker gave."""
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(
            request,
            "accounts/join_problem.html",
            {
                "reason": _(
                    "This invitation link doesn't work. Check you copied all of it, "
                    "or ask your youth worker for a new one."
                ),
            },
            status=404,
        )
    if request.user.is_authenticated:
        return render(request, "accounts/join_logged_in.html", {"invitation": invitation})
    problem = invitation_problem(invitation)
    if problem:
        return render(request, "accounts/join_problem.html", {"reason": problem})
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                token=token,
                code=form.cleaned_data["code"],
                username=form.cleaned_data["username"],
                display_name=form.cleaned_data["display_name"],
                age_band=form.cleaned_data["age_band"],
                password=form.cleaned_data["password"],
                email=form.cleaned_data["email"],
            )
        except ValidationError as error:
            if getattr(error, "kind", None) in {"unusable", "unknown"}:
                return render(request, "accounts/join_problem.html", {"reason": error.messages[0]})
            form.add_error(None, error)
        else:
            login(request, user, backend=LOGIN_BACKEND)
            messages.success(
                request,
                _("Welcome to %(organisation)s! Your account is ready.")
                % {"organisation": invitation.organisation.name},
            )
            return redirect("accounts:dashboard")
    return render(
        request,
        "accounts/join.html",
        {"form": form, "invitation": invitation, "organisation": invitation.organisation},
    )


@login_required
@never_cache
def invitation_new(request, slug):
    """Make an invitation and show its link and code once."""
    organisation = get_object_or_404(Organisation, slug=slug)
    require(can_invite(request.user, organisation))
    form = InvitationForm(request.POST or None, user=request.user, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, token, code = invitation_create(
                organisation=organisation,
                role=form.cleaned_data["role"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            link = request.build_absolute_uri(reverse("accounts:join", args=[token]))
            return render(
                request,
                "accounts/invitation_created.html",
                {
                    "organisation": organisation,
                    "invitation": invitation,
                    "link": link,
                    "code": f"{code[:3]} {code[3:]}",
                },
            )
    return render(
        request, "accounts/invitation_form.html", {"form": form, "organisation": organisation}
    )


@login_required
def people(request, slug):
    """List an organisation's people, their roles, and who still needs a grown-up's yes."""
    organisation = get_object_or_404(Organisation, slug=slug)
    require(can_manage_people(request.user, organisation))
    # Looking at a list of young people is access to children's records: log it.
    audit_record(action="people.viewed", actor=request.user, target=organisation)
    is_admin = request.user.is_superuser or (
        role_in(request.user, organisation) == Role.ORGANISATION_ADMIN
    )
    memberships = list(people_in_organisation(organisation))
    return render(
        request,
        "accounts/people.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "waiting": [m for m in memberships if m.user.needs_guardian_authorisation],
            "invitations": list(open_invitations(organisation)),
            "is_admin": is_admin,
            "staff_roles": STAFF_ROLES,
            "can_invite": can_invite(request.user, organisation).allowed,
            "roles": Role.choices,
        },
    )


def _membership_in(slug: str, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"), pk=pk, organisation__slug=slug
    )


@require_POST
@login_required
def guardian_authorise(request, slug, pk):
    """Record that a young person's parent or carer said yes."""
    membership = _membership_in(slug, pk)
    require(can_record_guardian_authorisation(request.user, membership.user))
    guardian_authorisation_record(child=membership.user, by=request.user)
    messages.success(
        request,
        _("Saved: a grown-up has said yes for %(name)s.") % {"name": membership.user.display_name},
    )
    return redirect("accounts:people", slug=slug)


@require_POST
@login_required
def member_role(request, slug, pk):
    """Change what someone does in the organisation."""
    membership = _membership_in(slug, pk)
    require(can_change_role(request.user, membership))
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
        return redirect("accounts:people", slug=slug)
    try:
        membership = membership_role_change(
            membership=membership, role=form.cleaned_data["role"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is now: %(role)s.")
            % {"name": membership.user.display_name, "role": membership.get_role_display()},
        )
    return redirect("accounts:people", slug=slug)


@require_POST
@login_required
@never_cache
def reset_code_new(request, slug, pk):
    """Make a code someone can use to choose a new password, and show it once."""
    membership = _membership_in(slug, pk)
    require(can_issue_reset_code(request.user, membership.user))
    _reset_code, code = reset_code_issue(person=membership.user, by=request.user)
    return render(
        request,
        "accounts/reset_code_issued.html",
        {
            "organisation": membership.organisation,
            "person": membership.user,
            "code": f"{code[:3]} {code[3:]}",
        },
    )


@require_GET
@cache_control(max_age=300, public=True)
def theme_css(request, slug):
    """Serve the organisation's colours as CSS custom properties (no inline styles)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    accent = organisation.accent_colour or ""
    # Never serve a colour that is malformed or too light, even if one got into the database.
    if not HEX_COLOUR.match(accent) or contrast_ratio(accent, "#ffffff") < MINIMUM_CONTRAST:
        accent = DEFAULT_ACCENT
    css = f":root {{\n  --accent: {accent.lower()};\n  --accent-text: #ffffff;\n}}\n"
    return HttpResponse(css, content_type="text/css; charset=utf-8")
