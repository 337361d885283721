"""Middleware for log-in: idle time-out, and two-step log-in before anything else."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from thegither.accounts import pending

# Write "last seen" at most this often, so most requests don't save the session.
LAST_SEEN_EVERY = 15


class IdleTimeoutMiddleware:
    """Log out a session that has had no request for `SESSION_IDLE_TIMEOUT` seconds.

    Asking how long is left (a GET to `accounts:session`) does not count as being
    active; pressing "Stay logged in" (a POST there) does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = settings.SESSION_IDLE_TIMEOUT
        if timeout and request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(pending.LAST_SEEN_KEY)
            asking = request.method == "GET" and request.path == reverse("accounts:session")
            if isinstance(last, int) and now - last > timeout:
                logout(request)
                messages.info(
                    request,
                    _(
                        "We logged you out because nothing happened for %(minutes)d minutes. "
                        "Log in again to carry on."
                    )
                    % {"minutes": timeout // 60},
                )
                if asking:
                    return JsonResponse({"seconds_left": 0})
                return redirect_to_login(request.get_full_path())
            if not asking and (not isinstance(last, int) or now - last >= LAST_SEEN_EVERY):
                request.session[pending.LAST_SEEN_KEY] = now
        return self.get_response(request)


class TwoStepMiddleware:
    """Make sure nobody gets round two-step log-in.

    Staff whose organisation requires two-step log-in and who have not set it up
    see only the set-up page (and can log out). Anyone who logged in without their
    code some other way (the admin site's log-in page) is sent to type it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            state = request.session.get(pending.STATE_KEY)
            if state == pending.NEEDS_CODE:
                user, backend = request.user, pending.backend_of(request)
                # Not logout(): they were never properly logged in, so there is
                # nothing to audit as a log-out.
                request.session.flush()
                request.user = AnonymousUser()
                pending.pending_start(
                    request, user, backend=backend, next_url=request.get_full_path()
                )
                return redirect("accounts:login-code")
            if state == pending.SET_UP_NEEDED and request.path not in self.allowed_paths():
                return redirect("accounts:two-step-set-up")
        return self.get_response(request)

    @staticmethod
    def allowed_paths() -> set[str]:
        return {
            reverse("accounts:two-step-set-up"),
            reverse("accounts:logout"),
            reverse("accounts:session"),
        }
