"""Log in, log out, and the page a person sees after logging in."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from thegither.accounts.forms import (
    LoginForm,
)
from thegither.accounts.models import STAFF_ROLES
from thegither.accounts.permissions import (
    can_look_after_every_organisation,
    can_manage_organisation,
)
from thegither.accounts.selectors import (
    memberships_for_user,
    organisations_without,
)

LOGIN_BACKEND = "thegither.accounts.backends.EmailOrUsernameBackend"

login_view = auth_views.LoginView.as_view(
    form_class=LoginForm,
    template_name="accounts/login.html",
    redirect_authenticated_user=True,
)


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
        membership.can_manage_organisation = can_manage_organisation(user, membership.organisation)
    return render(
        request,
        "accounts/dashboard.html",
        {
            "memberships": memberships,
            "staff_roles": list(STAFF_ROLES),
            # A site administrator looks after organisations they aren't a member of too.
            "other_organisations": list(organisations_without(user))
            if can_look_after_every_organisation(user)
            else [],
        },
    )
