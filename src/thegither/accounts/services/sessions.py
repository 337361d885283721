"""Sessions: log out everywhere at once."""

from django.db import transaction
from django.db.models import F

from thegither.accounts.models import User
from thegither.core.services import audit_record


@transaction.atomic
def sessions_end_everywhere(*, user: User) -> User:
    """End every session the person has, on every phone and computer.

    The session generation is part of each session's hash (see
    `User._get_session_auth_hash`), so bumping it makes every session made before
    fail its check on the next request.
    """
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    audit_record(action="sessions.ended_everywhere", actor=user, target=user)
    return user
