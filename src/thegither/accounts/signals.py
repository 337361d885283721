"""Write log-ins, log-outs and failed log-ins to the audit log.

No IP address or typed text is kept: a failed log-in names the account only if
the typed name belongs to one, so a password typed into the username box by
mistake is never stored. Lock-outs are audited where they happen, in
`accounts/services/lockout.py`.
"""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from thegither.accounts import pending
from thegither.accounts.selectors import user_for_login_name
from thegither.core.services import audit_record


@receiver(user_logged_in, dispatch_uid="thegither-audit-login")
def audit_login(sender, request, user, **kwargs):
    audit_record(action="login", actor=user, target=user)


@receiver(user_logged_out, dispatch_uid="thegither-audit-logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="logout", actor=user, target=user)


@receiver(user_login_failed, dispatch_uid="thegither-audit-login-failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    user = user_for_login_name(credentials.get("username", ""))
    audit_record(action="login.failed", target=user, details={"known_account": user is not None})


@receiver(user_logged_in, dispatch_uid="thegither-two-step-state")
def two_step_state_at_login(sender, request, user, **kwargs):
    """Note in the session what two-step log-in asks of this log-in (read by the middleware).

    The code step sets `user.otp_device` before logging in, as django-otp does;
    any other log-in without it is sent to type the code.
    """
    if request is None or not hasattr(request, "session"):
        return
    verified = getattr(user, "otp_device", None) is not None
    request.session[pending.STATE_KEY] = pending.login_state(user, verified=verified)
    request.session[pending.LAST_SEEN_KEY] = int(time.time())
