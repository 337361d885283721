"""A person's own email address."""

from functools import partial

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from thegither.accounts.models import User
from thegither.core.refusals import Refusal, Refused
from thegither.core.services import audit_record


@transaction.atomic
def email_change(*, user: User, email: str, password: str) -> User:
    """Change (or remove) the person's email address, once they type their password.

    The old address is told, so someone who takes over an account can't quietly
    move its password resets to their own inbox. Safe to call twice.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(password or ""):
        raise Refused(
            {"password": [_("That isn't your password. Check it and try again.")]},
            kind=Refusal.MISMATCH,
        )
    email = User.objects.normalize_email((email or "").strip())
    if len(email) > 254:
        raise Refused({"email": [_("That email address is too long.")]}, kind=Refusal.TOO_LONG)
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise Refused(
                {"email": [_("Write the email address like name@example.org.")]},
                kind=Refusal.INVALID,
            ) from error
    old = user.email
    if old.lower() == email.lower():
        return user
    if email and User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise Refused(
            {"email": [_("Someone already uses this email address.")]}, kind=Refusal.TAKEN
        )
    user.email = email
    user.save(update_fields=["email"])
    # Which addresses is not kept: the audit log is read by more people than need them.
    audit_record(
        action="email.changed",
        actor=user,
        target=user,
        details={"had_email": bool(old), "has_email": bool(email)},
    )
    if old:
        transaction.on_commit(
            partial(email_changed_email_send, user_id=user.pk, old_email=old), robust=True
        )
    return user


def email_changed_email_send(*, user_id: int, old_email: str) -> None:
    """Tell the old address that the account's email address changed. No link, no new address."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    context = {"user": user}
    subject = render_to_string("accounts/email/email_changed_subject.txt", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=render_to_string("accounts/email/email_changed.txt", context),
        from_email=None,
        recipient_list=[old_email],
    )
