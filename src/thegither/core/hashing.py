"""Keyed hashes: a stand-in for a name or an address that reveals neither."""

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings
from django.utils.encoding import force_bytes


@lru_cache(maxsize=64)
def _key(key_salt: str, secret: str) -> bytes:
    # Django's salted_hmac derives this same key anew on every call; a phone's answer
    # makes three keyed hashes, so it is derived once per purpose here.
    return hashlib.sha256(force_bytes(key_salt + secret)).digest()


def keyed_hash(purpose: str, value: str) -> str:
    """Return an HMAC-SHA256 of `value` keyed with SECRET_KEY: a leaked table alone reveals nothing.

    Anyone with the key can still check guesses, so keep such rows briefly. `purpose` keeps
    hashes made for different things apart. The same value as Django's
    `salted_hmac(f"thegither.{purpose}", value, algorithm="sha256").hexdigest()`.
    """
    key = _key(f"thegither.{purpose}", settings.SECRET_KEY)
    return hmac.digest(key, force_bytes(value), "sha256").hex()
