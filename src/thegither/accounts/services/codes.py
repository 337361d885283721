"""One-time codes said out loud or written on paper: invitations and new-password codes."""

import secrets

# No 0/O, 1/I/L: a code read out in a noisy hall must not be misheard or mistyped.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def code_make() -> str:
    """Return a new one-time code, like 'K7M-Q2P' without the dash."""
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def code_normalise(code: str) -> str:
    """Return a typed code in capitals, without spaces or dashes."""
    return "".join(ch for ch in (code or "").upper() if ch not in " -")
