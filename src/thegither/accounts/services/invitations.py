"""Invitations: make one, and make an account from one."""

import secrets
from datetime import timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thegither.accounts.models import (
    STAFF_ROLES,
    UNDER_18_BANDS,
    AgeBand,
    Invitation,
    Membership,
    Organisation,
    Role,
    User,
)
from thegither.accounts.permissions import (
    can_invite,
)
from thegither.accounts.selectors import (
    MAX_WRONG_CODES,
    invitation_problem,
    token_hash,
)
from thegither.accounts.services.codes import code_make, code_normalise
from thegither.core.permissions import require
from thegither.core.refusals import Refusal, Refused
from thegither.core.services import audit_record

INVITATION_LIFETIME = timedelta(days=14)


def _wrong_code_error() -> ValidationError:
    return Refused(
        {"code": _("That code isn't right. Check it with your youth worker and try again.")},
        kind=Refusal.WRONG_CODE,
    )


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, role: str, by: User, note: str = ""
) -> tuple[Invitation, str, str]:
    """Make an invitation and return it with its link token and its spoken code.

    The token and code are shown once and never stored: only their hashes are.
    """
    if role not in Role.values:
        raise Refused({"role": _("Choose what this person will do.")}, kind=Refusal.BAD_CHOICE)
    note = (note or "").strip()
    if len(note) > 60:
        raise Refused({"note": _("Keep the note to 60 letters or fewer.")}, kind=Refusal.TOO_LONG)
    require(can_invite(by, organisation, role))
    token = secrets.token_urlsafe(32)
    code = code_make()
    invitation = Invitation.objects.create(
        organisation=organisation,
        role=role,
        token_hash=token_hash(token),
        code_hash=make_password(code),
        note=note,
        created_by=by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    audit_record(
        action="invitation.created",
        actor=by,
        target=invitation,
        details={"organisation": organisation.pk, "role": role},
    )
    return invitation, token, code


def person_errors(
    *, username: str, display_name: str, age_band: str, password: str, email: str, role: str
) -> dict[str, list[str]]:
    """Return what is wrong with the details for a new account, by field."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not username:
        add("username", _("Choose a username."))
    elif "@" in username:
        add("username", _("A username can't have @ in it."))
    elif len(username) > 40:
        add("username", _("Keep your username to 40 letters or fewer."))
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            add("username", _("Use only letters, numbers and . + - _ in your username."))
        if User.objects.filter(username__iexact=username).exists():
            add("username", _("Someone already has this username. Try another one."))
    if not display_name:
        add("display_name", _("Write the name you'd like people to see."))
    elif len(display_name) > 60:
        add("display_name", _("Keep your name to 60 letters or fewer."))
    if age_band not in AgeBand.values:
        add("age_band", _("Choose your age group."))
    elif role in STAFF_ROLES and age_band in UNDER_18_BANDS:
        add("age_band", _("Staff and admins must be 18 or over."))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            add("email", _("This doesn't look like an email address. You can leave it empty."))
        else:
            if User.objects.filter(email__iexact=email).exists():
                add("email", _("Someone already uses this email address."))
    try:
        validate_password(password, User(username=username, display_name=display_name, email=email))
    except ValidationError as error:
        errors.setdefault("password", []).extend(error.messages)
    return errors


def person_create(
    *, username: str, password: str | None, email: str, display_name: str, **fields
) -> User:
    """Make an account, or refuse with the form's own message if the name was just taken.

    `person_errors` has checked the username and email are free, but two people
    can press the button at the same moment: the database's case-insensitive
    unique constraints decide, and the loser hears the same words as anyone else.
    """
    try:
        with transaction.atomic():
            return User.objects.create_user(
                username, password, email=email, display_name=display_name, **fields
            )
    except IntegrityError as error:
        if User.objects.filter(username__iexact=username).exists():
            field, message = "username", _("Someone already has this username. Try another one.")
        else:
            field, message = "email", _("Someone already uses this email address.")
        raise Refused({field: message}, kind=Refusal.TAKEN) from error


def invitation_accept(
    *,
    token: str,
    code: str,
    username: str,
    display_name: str,
    age_band: str,
    password: str,
    email: str = "",
) -> User:
    """Make an account from an invitation and return it.

    Pressing the button twice gives back the same account instead of an error.
    A wrong code counts towards a limit, after which the invitation stops working.
    """
    username = (username or "").strip()
    display_name = (display_name or "").strip()
    email = (email or "").strip()
    code = code_normalise(code)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("used_by", "organisation")
            .filter(token_hash=token_hash(token or ""))
            .first()
        )
        if invitation is None:
            raise Refused(
                _("This invitation link doesn't work. Ask your youth worker for a new one."),
                kind=Refusal.UNKNOWN,
            )
        if invitation.used_at is not None:
            earlier = invitation.used_by
            if (
                earlier is not None
                and earlier.username.lower() == username.lower()
                and check_password(code, invitation.code_hash)
                and earlier.check_password(password)
            ):
                return earlier
        problem = invitation_problem(invitation)
        if problem:
            raise Refused(problem, kind=Refusal.UNUSABLE)
        if not check_password(code, invitation.code_hash):
            invitation.failed_attempts += 1
            invitation.save(update_fields=["failed_attempts"])
            audit_record(
                action="invitation.code_wrong",
                target=invitation,
                details={"failed_attempts": invitation.failed_attempts},
            )
            locked = invitation.failed_attempts >= MAX_WRONG_CODES
        else:
            errors = person_errors(
                username=username,
                display_name=display_name,
                age_band=age_band,
                password=password,
                email=email,
                role=invitation.role,
            )
            if errors:
                raise Refused(errors, kind=Refusal.INVALID)
            user = person_create(
                username=username,
                password=password,
                email=email,
                display_name=display_name,
                age_band=age_band,
            )
            Membership.objects.create(
                user=user, organisation=invitation.organisation, role=invitation.role
            )
            invitation.used_at = timezone.now()
            invitation.used_by = user
            invitation.save(update_fields=["used_at", "used_by"])
            audit_record(
                action="invitation.accepted",
                actor=user,
                target=invitation,
                details={"organisation": invitation.organisation_id, "role": invitation.role},
            )
            return user
    # Outside the transaction, so the wrong-code count is kept.
    if locked:
        raise Refused(invitation_problem(invitation), kind=Refusal.UNUSABLE)
    raise _wrong_code_error()
