"""Pausing log-ins after wrong passwords, and letting people in again (decision 0015).

The log-in backend calls `login_failure_record` after a wrong password and
`login_success_record` after a right one. Pauses are short and grow only with
repeated tries, so nobody can keep a young person out for long just by knowing
their username; staff can unlock, and a new-password code unlocks too.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from thegither.accounts.lockout import (
    FORGET_AFTER,
    CountKey,
    LoginPause,
    count_keys,
    limit_for,
    pause_length,
    window_for,
)
from thegither.accounts.models import LoginLock, User
from thegither.accounts.permissions import can_unlock
from thegither.core.permissions import require
from thegither.core.services import audit_record


def login_locks_forget_stale(*, now: datetime | None = None) -> int:
    """Delete counts with no wrong try for a day; return how many went."""
    now = now or timezone.now()
    deleted, _by_model = LoginLock.objects.filter(last_failure_at__lt=now - FORGET_AFTER).delete()
    return deleted


def _count_one(count_key: CountKey, now: datetime) -> LoginPause | None:
    lock, _created = LoginLock.objects.get_or_create(
        key=count_key.key,
        defaults={
            "scope": count_key.scope,
            "user": count_key.user,
            "window_started_at": now,
            "last_failure_at": now,
        },
    )
    lock = LoginLock.objects.select_for_update().get(pk=lock.pk)
    if lock.locked_until is not None and lock.locked_until > now:
        # Already paused (another request got here first): don't make it longer.
        return LoginPause(scope=lock.scope, until=lock.locked_until)
    if lock.last_failure_at < now - FORGET_AFTER:
        lock.failures, lock.locks, lock.window_started_at = 0, 0, now
    elif lock.window_started_at < now - window_for(lock.scope):
        lock.failures, lock.window_started_at = 0, now
    lock.failures += 1
    lock.last_failure_at = now
    pause = None
    if lock.failures >= limit_for(lock.scope):
        lock.locks += 1
        lock.locked_until = now + pause_length(lock.locks)
        lock.failures, lock.window_started_at = 0, now
        pause = LoginPause(scope=lock.scope, until=lock.locked_until)
        audit_record(
            action="login.locked_out",
            target=count_key.user,
            details={
                "known_account": count_key.user is not None,
                "scope": lock.scope,
                "minutes": pause.minutes_left(now),
            },
        )
    lock.save(
        update_fields=["failures", "window_started_at", "last_failure_at", "locks", "locked_until"]
    )
    return pause


@transaction.atomic
def login_failure_record(
    *, user: User | None, login: str, client: str, now: datetime | None = None
) -> LoginPause | None:
    """Count a wrong password; return the pause it starts (or one already running), or None.

    `user` is who the typed name belongs to (None if nobody), `login` what was
    typed and `client` the client's address: both are only ever hashed.
    """
    now = now or timezone.now()
    login_locks_forget_stale(now=now)
    pauses = [
        pause
        for count_key in count_keys(user=user, login=login, client=client)
        if (pause := _count_one(count_key, now)) is not None
    ]
    return max(pauses, key=lambda pause: pause.until, default=None)


@transaction.atomic
def login_success_record(*, user: User) -> None:
    """Forget a person's wrong tries once they log in (their client's count stays)."""
    LoginLock.objects.filter(scope=LoginLock.Scope.ACCOUNT, user=user).delete()


def _clear(person: User, now: datetime) -> bool:
    """Delete the person's count; return True if they were paused."""
    lock = (
        LoginLock.objects.select_for_update()
        .filter(scope=LoginLock.Scope.ACCOUNT, user=person)
        .first()
    )
    if lock is None:
        return False
    was_paused = lock.locked_until is not None and lock.locked_until > now
    lock.delete()
    return was_paused


@transaction.atomic
def login_unlock(*, person: User, by: User) -> bool:
    """Let someone log in again now; return False if they weren't paused (nothing changes)."""
    require(can_unlock(by, person))
    now = timezone.now()
    if not _clear(person, now):
        return False
    audit_record(action="login.unlocked", actor=by, target=person, details={"how": "staff"})
    return True


@transaction.atomic
def login_unlock_with_new_password(*, person: User, how: str) -> bool:
    """Unpause someone who has just set a new password with a code or an emailed link."""
    if not _clear(person, timezone.now()):
        return False
    audit_record(action="login.unlocked", actor=person, target=person, details={"how": how})
    return True
