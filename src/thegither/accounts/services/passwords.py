"""Passwords: change, emailed reset, and codes from a youth worker."""

from datetime import timedelta
from functools import partial

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from thegither.accounts.models import (
    ResetCode,
    User,
)
from thegither.accounts.permissions import (
    can_issue_reset_code,
)
from thegither.accounts.selectors import (
    MAX_WRONG_CODES,
)
from thegither.accounts.services.codes import code_make, code_normalise
from thegither.accounts.services.lockout import login_unlock_with_new_password
from thegither.core.permissions import require
from thegither.core.refusals import Refusal, Refused
from thegither.core.services import audit_record

RESET_CODE_LIFETIME = timedelta(days=2)


PASSWORD_ACTIONS = {
    "change": "password.changed",
    "reset": "password.reset",
    "code": "password.reset_with_code",
}


@transaction.atomic
def password_set(*, user: User, password: str, how: str) -> User:
    """Give someone a new password (after a change, an emailed reset or a code)."""
    if how not in PASSWORD_ACTIONS:
        raise ValueError(f"Unknown way of setting a password: {how!r}")
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(action=PASSWORD_ACTIONS[how], actor=user, target=user)
    if user.email:
        # robust: a mail server that is down must not turn a saved password into an error page.
        transaction.on_commit(partial(password_changed_email_send, user_id=user.pk), robust=True)
    if how in {"reset", "code"}:
        # A code from a youth worker, or a link sent to their email, proves it is them.
        login_unlock_with_new_password(person=user, how=how)
    return user


def password_changed_email_send(*, user_id: int) -> None:
    """Tell someone by email that their password changed, so they notice if it wasn't them.

    It holds no link: a link in an email like this is what a trick email would send.
    """
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.email:
        return
    context = {"user": user}
    subject = render_to_string("accounts/email/password_changed_subject.txt", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=render_to_string("accounts/email/password_changed.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def reset_code_issue(*, person: User, by: User) -> tuple[ResetCode, str]:
    """Make a one-time code that lets someone choose a new password; return it and the code.

    Any earlier code for the same person stops working.
    """
    require(can_issue_reset_code(by, person))
    now = timezone.now()
    ResetCode.objects.filter(user=person, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    code = code_make()
    reset_code = ResetCode.objects.create(
        user=person,
        code_hash=make_password(code),
        created_by=by,
        expires_at=now + RESET_CODE_LIFETIME,
    )
    audit_record(action="reset_code.issued", actor=by, target=person)
    return reset_code, code


def reset_code_use(*, username: str, code: str, password: str) -> User:
    """Set a new password using a code from a youth worker, and return the person."""
    mismatch = Refused(
        _(
            "That username and code don't match, or the code has run out. "
            "Ask your youth worker for a new code."
        ),
        kind=Refusal.MISMATCH,
    )
    code = code_normalise(code)
    with transaction.atomic():
        user = User.objects.filter(username__iexact=(username or "").strip()).first()
        if user is None:
            raise mismatch
        reset_code = (
            ResetCode.objects.select_for_update()
            .filter(
                user=user,
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
                failed_attempts__lt=MAX_WRONG_CODES,
            )
            .first()
        )
        if reset_code is None:
            raise mismatch
        if check_password(code, reset_code.code_hash):
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise Refused(
                    {"new_password1": error.messages}, kind=Refusal.WEAK_PASSWORD
                ) from error
            reset_code.used_at = timezone.now()
            reset_code.save(update_fields=["used_at"])
            return password_set(user=user, password=password, how="code")
        reset_code.failed_attempts += 1
        reset_code.save(update_fields=["failed_attempts"])
        audit_record(
            action="reset_code.code_wrong",
            target=user,
            details={"failed_attempts": reset_code.failed_attempts},
        )
    raise mismatch
