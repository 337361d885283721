"""Which counts a log-in belongs to, and how long a pause lasts (decision 0015).

A log-in is counted against the account the typed name belongs to (the same
match the log-in backend makes, so "Ruby", "ruby" and ruby's email share one
count), or else against a keyed hash of the lower-cased name; and also against
a keyed hash of the client's address, across every name. Nothing typed and no
address is stored.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from thegither.accounts.models import LoginLock, User
from thegither.core.hashing import keyed_hash

FIRST_PAUSE = timedelta(minutes=1)
LONGEST_PAUSE = timedelta(hours=1)
# After a day with no wrong tries, everything about a person, name or client is forgotten.
FORGET_AFTER = timedelta(days=1)
# Wrong tries from one client are counted in windows this long.
CLIENT_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class CountKey:
    scope: str
    key: str
    user: User | None = None


@dataclass(frozen=True, slots=True)
class LoginPause:
    """Logging in is paused until `until`, because of `scope`."""

    scope: str
    until: datetime

    def minutes_left(self, now: datetime) -> int:
        """Return the whole minutes left, rounded up, never less than 1."""
        return max(1, math.ceil((self.until - now).total_seconds() / 60))


def count_keys(*, user: User | None, login: str, client: str) -> list[CountKey]:
    """Return the counts a log-in with this typed name from this client belongs to."""
    if user is not None:
        keys = [CountKey(LoginLock.Scope.ACCOUNT, f"account:{user.pk}", user)]
    else:
        name = (login or "").strip().lower()
        keys = [CountKey(LoginLock.Scope.NAME, "name:" + keyed_hash("login.name", name))]
    if client:
        client_key = "client:" + keyed_hash("login.client", client)
        keys.append(CountKey(LoginLock.Scope.CLIENT, client_key))
    return keys


def limit_for(scope: str) -> int:
    """Return how many wrong tries start a pause."""
    if scope == LoginLock.Scope.CLIENT:
        return settings.LOGIN_CLIENT_FAILURE_LIMIT
    return settings.LOGIN_FAILURE_LIMIT


def window_for(scope: str) -> timedelta:
    """Return how long wrong tries keep counting towards a pause."""
    return CLIENT_WINDOW if scope == LoginLock.Scope.CLIENT else FORGET_AFTER


def pause_length(locks: int) -> timedelta:
    """Return how long the `locks`-th pause in a row lasts: 1 minute, doubling, up to an hour."""
    return min(FIRST_PAUSE * 2 ** max(0, min(locks - 1, 12)), LONGEST_PAUSE)
