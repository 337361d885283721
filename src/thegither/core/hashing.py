"""Keyed hashes: a stand-in for a name or an address that reveals neither."""

from django.utils.crypto import salted_hmac


def keyed_hash(purpose: str, value: str) -> str:
    """Return an HMAC-SHA256 of `value` keyed with SECRET_KEY: a leaked table alone reveals nothing.

    Anyone with the key can still check guesses, so keep such rows briefly. `purpose` keeps
    hashes made for different things apart.
    """
    return salted_hmac(f"thegither.{purpose}", value, algorithm="sha256").hexdigest()
