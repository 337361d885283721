"""Log in, log out, and the page a person sees after logging in."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from thegither.accounts.forms import (
    LoginForm,
)
from thegither.accounts.models import LoginLock, Role
from thegither.accounts.permissions import (
    can_invite,
    can_look_after_every_organisation,
    can_manage_organisation,
    can_manage_people,
    can_require_two_step,
)
from thegither.accounts.selectors import (
    memberships_for_user,
    organisations_without,
)
from thegither.accounts.views.two_step import two_step_divert
from thegither.core.dashboard import dashboard_links_for
from thegither.core.permissions import can_use_admin_site

LOGIN_BACKEND = "thegither.accounts.backends.EmailOrUsernameBackend"


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        # Someone with two-step log-in types their code before they are logged in.
        diverted = two_step_divert(self.request, form.get_user(), self.get_success_url())
        return diverted or super().form_valid(form)

    def form_invalid(self, form):
        if form.pause is None:
            return super().form_invalid(form)
        return render(
            self.request,
            "accounts/locked_out.html",
            {
                "minutes": form.pause.minutes_left(timezone.now()),
                "whole_client": form.pause.scope == LoginLock.Scope.CLIENT,
            },
            status=429,
        )


login_view = LoginView.as_view()


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # The session has gone; the message travels in the messages cookie.
        messages.success(request, _("You've logged out."))
        return response


logout_view = LogoutView.as_view()


@login_required
def dashboard(request):
    """Show a person what they can do next."""
    user = request.user
    if user.needs_guardian_authorisation:
        return render(request, "accounts/waiting.html")
    memberships = list(memberships_for_user(user))
    for membership in memberships:
        organisation = membership.organisation
        membership.can_manage_people = can_manage_people(user, organisation)
        membership.can_invite = can_invite(user, organisation)
        membership.can_require_two_step = can_require_two_step(user, organisation)
        membership.can_manage_organisation = can_manage_organisation(user, organisation)
        membership.is_panel_member = membership.role == Role.PANEL_MEMBER
        membership.links = dashboard_links_for(user, membership)
    return render(
        request,
        "accounts/dashboard.html",
        {
            "memberships": memberships,
            "can_use_admin_site": can_use_admin_site(user),
            # A site administrator looks after organisations they aren't a member of too.
            "other_organisations": list(organisations_without(user))
            if can_look_after_every_organisation(user)
            else [],
        },
    )
