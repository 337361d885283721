"""Writes for accounts: invitations, roles, guardian authorisation, passwords.

Every change to people, roles and passwords goes through here and is written to
the audit log, so the admin, pages and scripts all behave the same.
"""

import secrets
from datetime import timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thegither.accounts.models import (
    STAFF_ROLES,
    UNDER_18_BANDS,
    AgeBand,
    Invitation,
    Membership,
    Organisation,
    ResetCode,
    Role,
    User,
)
from thegither.accounts.permissions import (
    can_change_role,
    can_invite,
    can_issue_reset_code,
    can_record_guardian_authorisation,
)
from thegither.accounts.selectors import (
    MAX_WRONG_CODES,
    invitation_problem,
    token_hash,
)
from thegither.core.permissions import require
from thegither.core.services import audit_record

INVITATION_LIFETIME = timedelta(days=14)
RESET_CODE_LIFETIME = timedelta(days=2)
# No 0/O, 1/I/L: a code read out in a noisy hall must not be misheard or mistyped.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


class Refused(ValidationError):
    """A service said no. `kind` names why, for code to branch on: 'used', 'wrong-code'..."""

    def __init__(self, message, *, kind: str):
        super().__init__(message, code=kind if isinstance(message, str) else None)
        self.kind = kind


def code_make() -> str:
    """Return a new one-time code, like 'K7M-Q2P' without the dash."""
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def code_normalise(code: str) -> str:
    """Return a typed code in capitals, without spaces or dashes."""
    return "".join(ch for ch in (code or "").upper() if ch not in " -")


def _wrong_code_error() -> ValidationError:
    return Refused(
        {"code": _("That code isn't right. Check it with your youth worker and try again.")},
        kind="wrong-code",
    )


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, role: str, by: User, note: str = ""
) -> tuple[Invitation, str, str]:
    """Make an invitation and return it with its link token and its spoken code.

    The token and code are shown once and never stored: only their hashes are.
    """
    if role not in Role.values:
        raise Refused({"role": _("Choose what this person will do.")}, kind="bad-role")
    note = (note or "").strip()
    if len(note) > 60:
        raise Refused({"note": _("Keep the note to 60 letters or fewer.")}, kind="long")
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


def _person_errors(
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
                kind="unknown",
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
            raise Refused(problem, kind="unusable")
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
            errors = _person_errors(
                username=username,
                display_name=display_name,
                age_band=age_band,
                password=password,
                email=email,
                role=invitation.role,
            )
            if errors:
                raise Refused(errors, kind="invalid")
            user = User.objects.create_user(
                username,
                password,
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
        raise Refused(invitation_problem(invitation), kind="unusable")
    raise _wrong_code_error()


@transaction.atomic
def guardian_authorisation_record(*, child: User, by: User) -> User:
    """Record that a child's parent or carer said yes, and return the child.

    Recording it twice changes nothing.
    """
    require(can_record_guardian_authorisation(by, child))
    child = User.objects.select_for_update().get(pk=child.pk)
    if child.guardian_authorised_at is not None:
        return child
    child.guardian_authorised_at = timezone.now()
    child.guardian_authorised_by = by
    child.save(update_fields=["guardian_authorised_at", "guardian_authorised_by"])
    audit_record(action="guardian.authorised", actor=by, target=child)
    return child


@transaction.atomic
def membership_role_change(*, membership: Membership, role: str, by: User) -> Membership:
    """Change what someone does in an organisation, and return the membership."""
    if role not in Role.values:
        raise Refused({"role": _("Choose a role from the list.")}, kind="bad-role")
    require(can_change_role(by, membership, role))
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=membership.pk)
    )
    before = membership.role
    if before == role:
        return membership
    if (
        before == Role.ORGANISATION_ADMIN
        and not Membership.objects.filter(
            organisation_id=membership.organisation_id, role=Role.ORGANISATION_ADMIN
        )
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise Refused(
            _("Every organisation needs at least one admin. Make someone else an admin first."),
            kind="last-admin",
        )
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        action="membership.role_changed",
        actor=by,
        target=membership,
        details={"from": before, "to": role, "user": membership.user_id},
    )
    return membership


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
    return user


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
        kind="mismatch",
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
                raise Refused({"new_password1": error.messages}, kind="weak") from error
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
