"""What the session remembers about log-in: the person between password and code, and more.

A person with two-step log-in is not logged in after their password: the session
keeps only who they are (their id, and a hash that breaks if their password
changes) until they type their code. Nothing here is ever written to the database
except as part of the session.
"""

import time

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme

from thegither.accounts.models import User
from thegither.accounts.selectors import two_step_is_on, two_step_required_for

PENDING_KEY = "two_step_pending"
STATE_KEY = "two_step"
SET_UP_KEY = "two_step_set_up_key"
LAST_SEEN_KEY = "last_seen"

# What the session says about two-step log-in once someone is logged in.
VERIFIED = "verified"  # they typed a code (or just set it up)
OFF = "off"  # not on, not required
SET_UP_NEEDED = "set-up-needed"  # their organisation requires it: set it up before anything
NEEDS_CODE = "needs-code"  # logged in some other way (the admin log-in) without the code


def login_state(user: User, *, verified: bool) -> str:
    """Return what a fresh log-in means for two-step log-in."""
    if verified:
        return VERIFIED
    if two_step_is_on(user):
        return NEEDS_CODE
    if two_step_required_for(user):
        return SET_UP_NEEDED
    return OFF


def safe_next(request: HttpRequest, url: str | None) -> str:
    """Return `url` if it stays on this site, else an empty string."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def pending_start(request: HttpRequest, user: User, *, backend: str, next_url: str) -> None:
    """Remember that `user` typed the right password and now needs their code."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "backend": backend,
        "hash": user.get_session_auth_hash(),
        "started": int(time.time()),
        "next": safe_next(request, next_url),
    }


def pending_user(request: HttpRequest) -> User | None:
    """Return the person waiting to type their code, or None if nobody is (or it ran out)."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - pending.get("started", 0) > settings.TWO_STEP_PENDING_SECONDS:
        pending_clear(request)
        return None
    user = User.objects.filter(pk=pending.get("user_id"), is_active=True).first()
    if user is None or not constant_time_compare(
        pending.get("hash", ""), user.get_session_auth_hash()
    ):
        pending_clear(request)
        return None
    return user


def pending_backend(request: HttpRequest) -> str:
    backend = request.session.get(PENDING_KEY, {}).get("backend")
    return backend or settings.AUTHENTICATION_BACKENDS[-1]


def pending_next(request: HttpRequest) -> str:
    return request.session.get(PENDING_KEY, {}).get("next", "")


def pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def backend_of(request: HttpRequest) -> str:
    return request.session.get(BACKEND_SESSION_KEY) or settings.AUTHENTICATION_BACKENDS[-1]
