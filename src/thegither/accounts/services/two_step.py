"""Two-step log-in: after the password, a code from an authenticator app or a recovery code.

Built on django-otp: a `TOTPDevice` holds the app's secret and a `StaticDevice`
the recovery codes. Recovery codes are stored as a short SHA-256 digest, never as
typed, so a copy of the table does not hand them out. Secrets and codes are never
written to the audit log or the logs.
"""

import hashlib
import re
import secrets
import time
from base64 import b32encode
from binascii import Error as BinasciiError
from binascii import unhexlify
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from thegither.accounts.models import Organisation, User
from thegither.accounts.permissions import (
    can_require_two_step,
    can_reset_two_step,
    can_set_up_two_step,
)
from thegither.accounts.selectors import two_step_required_for
from thegither.accounts.services.codes import CODE_ALPHABET, code_normalise
from thegither.core.permissions import require
from thegither.core.refusals import Refusal, Refused
from thegither.core.services import audit_record

RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 10
APP_CODE = re.compile(r"^[0-9]{6}$")
KEY_HEX = re.compile(r"^[0-9a-f]{40}$")


def two_step_key_make() -> str:
    """Return a new secret for an authenticator app, as django-otp stores it (hex)."""
    return random_hex(20)


def two_step_key_for_typing(key: str) -> str:
    """Return the secret as an app expects it typed: base32, in groups of 4."""
    letters = b32encode(unhexlify(key)).decode()
    return " ".join(letters[i : i + 4] for i in range(0, len(letters), 4))


def two_step_app_link(*, user: User, key: str) -> str:
    """Return the otpauth:// link a QR code carries for an authenticator app."""
    return TOTPDevice(user=user, key=key).config_url


def recovery_code_make() -> str:
    """Return a new recovery code, 10 letters and numbers that are hard to misread."""
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(RECOVERY_CODE_LENGTH))


def recovery_code_digest(code: str) -> str:
    """Return the stored form of a recovery code (it fits django-otp's 16 characters)."""
    return hashlib.sha256(code_normalise(code).encode()).hexdigest()[:16]


def recovery_code_display(code: str) -> str:
    """Return a recovery code split in two halves, like 'ABCDE-FGHJK'."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def _app_code(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch not in " -")


def _devices_locked(user: User) -> tuple[TOTPDevice | None, StaticDevice | None]:
    app = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    recovery = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    return app, recovery


def _devices_delete(user: User) -> int:
    deleted_app, _detail = TOTPDevice.objects.filter(user=user).delete()
    deleted_recovery, _detail = StaticDevice.objects.filter(user=user).delete()
    return deleted_app + deleted_recovery


@transaction.atomic
def two_step_set_up(*, user: User, key: str, code: str) -> list[str]:
    """Turn on two-step log-in with the secret shown to the person; return recovery codes.

    The code proves the app holds the secret. The recovery codes are returned
    once, to be shown once: only their digests are kept.
    """
    require(can_set_up_two_step(user))
    User.objects.select_for_update().filter(pk=user.pk).first()
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise Refused(_("Two-step log-in is already on."), kind=Refusal.WRONG_STATE)
    if not KEY_HEX.match(key or ""):
        raise Refused(_("Something went wrong with the set-up. Start again."), kind=Refusal.INVALID)
    code = _app_code(code)
    if not APP_CODE.match(code):
        raise Refused({"code": [_("Type the 6 numbers the app shows.")]}, kind=Refusal.INVALID)
    try:
        totp = TOTP(unhexlify(key))
    except BinasciiError as error:  # pragma: no cover - KEY_HEX already checked
        raise Refused(_("Start again."), kind=Refusal.INVALID) from error
    totp.time = time.time()
    if not totp.verify(int(code), tolerance=1):
        raise Refused(
            {
                "code": [
                    _(
                        "That code doesn't match. Check the time on your phone is right, "
                        "then type the newest code."
                    )
                ]
            },
            kind=Refusal.WRONG_CODE,
        )
    _devices_delete(user)
    # last_t stops the code just used from working again at log-in.
    TOTPDevice.objects.create(
        user=user, name=_("Authenticator app"), key=key, confirmed=True, last_t=totp.t()
    )
    codes = _recovery_codes_make(user)
    audit_record(action="two_step.set_up", actor=user, target=user)
    return codes


def _recovery_codes_make(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [recovery_code_make() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=recovery_code_digest(code)) for code in codes]
    )
    return codes


@dataclass(frozen=True)
class CodeCheck:
    """What a typed code did: the device it matched (if any), or why it was refused."""

    device: TOTPDevice | StaticDevice | None
    refusal: Refused | None = None

    @property
    def used_recovery_code(self) -> bool:
        return isinstance(self.device, StaticDevice)


def _throttled(seconds: int) -> Refused:
    return Refused(
        ngettext(
            "That's a lot of wrong codes. Wait %(seconds)d second, then try again.",
            "That's a lot of wrong codes. Wait %(seconds)d seconds, then try again.",
            seconds,
        )
        % {"seconds": seconds},
        kind=Refusal.TOO_MANY,
    )


def _code_check(user: User, code: str) -> CodeCheck:
    """Check a code against the person's devices, counting a wrong one (django-otp throttles).

    Runs in its own transaction that always commits, so a wrong code is counted
    even though the caller goes on to refuse.
    """
    wrong = Refused(
        {"code": [_("That code didn't work. Check it and try again.")]}, kind=Refusal.WRONG_CODE
    )
    with transaction.atomic():
        app, recovery = _devices_locked(user)
        if app is None:
            return CodeCheck(
                None, Refused(_("Two-step log-in isn't on."), kind=Refusal.WRONG_STATE)
            )
        for device in (app, recovery):
            if device is None:
                continue
            allowed, info = device.verify_is_allowed()
            if not allowed:
                wait = (info["locked_until"] - timezone.now()).total_seconds()
                return CodeCheck(None, _throttled(max(1, round(wait + 0.5))))
        typed = _app_code(code)
        if APP_CODE.match(typed):
            if app.verify_token(typed):
                return CodeCheck(app)
            failed = app
        elif recovery is not None:
            if recovery.verify_token(recovery_code_digest(typed)):
                return CodeCheck(recovery)
            failed = recovery
        else:
            app.throttle_increment()
            failed = app
        audit_record(
            action="two_step.code_wrong",
            target=user,
            details={"failed_attempts": failed.throttling_failure_count},
        )
    return CodeCheck(None, wrong)


def two_step_verify(*, user: User, code: str) -> TOTPDevice | StaticDevice:
    """Check the second step of a log-in and return the device that matched.

    A recovery code works once. Wrong codes are counted, and after each one the
    person must wait longer (1, 2, 4, 8 ... seconds) before the next try.
    """
    check = _code_check(user, code)
    if check.refusal is not None:
        raise check.refusal
    if check.used_recovery_code:
        left = StaticToken.objects.filter(device=check.device).count()
        audit_record(
            action="two_step.recovery_code_used",
            actor=user,
            target=user,
            details={"codes_left": left},
        )
    else:
        audit_record(action="two_step.used", actor=user, target=user)
    return check.device


def two_step_turn_off(*, user: User, code: str) -> None:
    """Turn off the person's own two-step log-in, once they type a code to show it's them."""
    if two_step_required_for(user):
        raise Refused(
            _("Your organisation needs staff to use two-step log-in, so you can't turn it off."),
            kind=Refusal.NOT_ALLOWED,
        )
    check = _code_check(user, code)
    if check.refusal is not None:
        raise check.refusal
    with transaction.atomic():
        _devices_delete(user)
        audit_record(action="two_step.turned_off", actor=user, target=user)


def two_step_recovery_codes_renew(*, user: User, code: str) -> list[str]:
    """Replace the person's recovery codes with new ones, after a code to show it's them."""
    check = _code_check(user, code)
    if check.refusal is not None:
        raise check.refusal
    with transaction.atomic():
        codes = _recovery_codes_make(user)
        audit_record(action="two_step.recovery_codes_renewed", actor=user, target=user)
    return codes


@transaction.atomic
def two_step_reset(*, person: User, by: User) -> bool:
    """Turn off someone's two-step log-in when they have lost their phone.

    It also logs them out everywhere, in case the phone was taken with a session
    open. Return False if they had nothing to reset (safe to call twice).
    """
    require(can_reset_two_step(by, person))
    User.objects.select_for_update().filter(pk=person.pk).first()
    if not _devices_delete(person):
        return False
    User.objects.filter(pk=person.pk).update(session_generation=F("session_generation") + 1)
    person.refresh_from_db(fields=["session_generation"])
    audit_record(action="two_step.reset", actor=by, target=person)
    return True


@transaction.atomic
def organisation_two_step_require(
    *, organisation: Organisation, required: bool, by: User
) -> Organisation:
    """Say whether all staff and admins of the organisation must use two-step log-in."""
    require(can_require_two_step(by, organisation))
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    old = organisation.two_step_required
    if old == required:
        return organisation
    organisation.two_step_required = required
    organisation.save(update_fields=["two_step_required"])
    audit_record(
        action="organisation.two_step_required",
        actor=by,
        target=organisation,
        details={"old": old, "new": required},
    )
    return organisation
