"""Permission decisions that carry a plain-language reason.

Each permission is a small function returning a `Decision`. Views call
`require(decision)`, which raises `PermissionDenied` with the reason, so the
person sees why they cannot do something, not just that they cannot.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def allow() -> Decision:
    """Return a decision that lets the person go ahead."""
    return Decision(allowed=True)


def deny(reason: str) -> Decision:
    """Return a decision that stops the person, saying why in plain words."""
    return Decision(allowed=False, reason=str(reason))


def require(decision: Decision) -> None:
    """Raise `PermissionDenied` with the decision's reason unless it allows."""
    if not decision.allowed:
        raise PermissionDenied(decision.reason)


def can_use_admin_site(user) -> Decision:
    """Decide whether the person may use the admin site: active site administrators only.

    The `is_staff` flag alone opens nothing (decision 0019).
    """
    if user.is_authenticated and user.is_active and user.is_superuser:
        return allow()
    return deny(_("Only site administrators can use the admin site."))
