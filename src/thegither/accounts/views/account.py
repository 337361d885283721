"""Your account: password, two-step log-in, log out everywhere, and how long is left."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from thegither.accounts import pending
from thegither.accounts.forms import EmailChangeForm
from thegither.accounts.permissions import can_set_up_two_step
from thegither.accounts.selectors import two_step_is_on, two_step_required_for
from thegither.accounts.services import email_change, sessions_end_everywhere


@login_required
def account(request):
    """Show what a person can change about their account."""
    return render(
        request,
        "accounts/account.html",
        {
            "can_use_two_step": can_set_up_two_step(request.user).allowed,
            "two_step_on": two_step_is_on(request.user),
            "two_step_required": two_step_required_for(request.user),
        },
    )


@require_POST
@login_required
def log_out_everywhere(request):
    """End every session the person has, this one too."""
    sessions_end_everywhere(user=request.user)
    logout(request)
    messages.success(
        request,
        _("You're logged out on every phone and computer, and here too. Log in again to carry on."),
    )
    return redirect("accounts:login")


@never_cache
@require_http_methods(["GET", "POST"])
def session(request):
    """Say how many seconds are left before an idle log-out (GET), or start again (POST).

    The idle time-out middleware has already counted a POST as activity, so
    pressing "Stay logged in" only needs to reach here. Without JavaScript the
    button is a plain form, so it sends the person back where they were.
    """
    timeout = settings.SESSION_IDLE_TIMEOUT
    if request.method == "GET":
        if not request.user.is_authenticated or not timeout:
            return JsonResponse({"seconds_left": 0 if timeout else None})
        last = request.session.get(pending.LAST_SEEN_KEY, int(time.time()))
        return JsonResponse({"seconds_left": max(0, timeout - (int(time.time()) - last))})
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    request.session[pending.LAST_SEEN_KEY] = int(time.time())
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    next_url = pending.safe_next(request, request.POST.get("next"))
    return redirect(next_url or "accounts:dashboard")


@login_required
def email(request):
    """Change or remove the person's own email address."""
    form = EmailChangeForm(request.POST or None, initial={"email": request.user.email})
    if request.method == "POST" and form.is_valid():
        try:
            email_change(
                user=request.user,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved your email address."))
            return redirect("accounts:account")
    return render(request, "accounts/email_change.html", {"form": form})
