"""One exception for "a service said no", with a named kind that code can branch on.

Every app's services raise `Refused` with a `Refusal` member, so a view says
`if error.kind == Refusal.UNUSABLE`, never compares strings it could mistype.
`Refused` is a `ValidationError`, so a form can show it as it is.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Refusal(models.TextChoices):
    """Why a service said no."""

    INVALID = "invalid", _("Something typed isn't right")
    BAD_CHOICE = "bad-choice", _("A choice that isn't on the list")
    TOO_LONG = "too-long", _("Too long")
    TAKEN = "taken", _("Someone already has it")
    WEAK_PASSWORD = "weak-password", _("Password too easy to guess")
    UNKNOWN = "unknown", _("Not found")
    UNUSABLE = "unusable", _("Used up or run out")
    WRONG_CODE = "wrong-code", _("Wrong code")
    MISMATCH = "mismatch", _("Details don't match")
    LAST_ADMIN = "last-admin", _("The last admin")
    NOT_ALLOWED = "not-allowed", _("Not allowed")
    TOO_MANY = "too-many", _("Too many tries")
    WRONG_STATE = "wrong-state", _("Not possible at this step")
    BAD_FILE = "bad-file", _("A kind of file we don't take")
    TOO_BIG = "too-big", _("Too big")
    IN_USE = "in-use", _("Still in use")
    CANNOT_CHECK = "cannot-check", _("This server can't check it")
    UNSUITABLE = "unsuitable", _("Words that aren't allowed here")


class Refused(ValidationError):
    """A service said no; `kind` says why, as a `Refusal` member."""

    def __init__(self, message, *, kind: Refusal | str):
        kind = Refusal(kind)  # an unknown kind is a programming error: fail loudly
        super().__init__(message, code=kind.value if isinstance(message, str) else None)
        self.kind = kind
