"""Permission decisions that carry a plain-language reason.

Each permission is a small function returning a `Decision`. Views call
`require(decision)`, which raises `PermissionDenied` with the reason, so the
person sees why they cannot do something, not just that they cannot.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied


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
