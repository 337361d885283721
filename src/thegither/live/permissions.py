"""Who may run live sessions: staff and admins of the session's organisation.

Phones need no permission beyond the join code; what they may do is checked by
the services (is the session open, is the activity open, were they removed).
"""

from django.utils.translation import gettext as _

from thegither.accounts.models import STAFF_ROLES, Organisation, User
from thegither.accounts.permissions import role_in
from thegither.core.permissions import Decision, allow, deny
from thegither.live.models import LiveSession


def can_run_sessions(user: User, organisation: Organisation) -> Decision:
    """Decide whether the person may make, change and run the organisation's live sessions."""
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if user.is_superuser or role_in(user, organisation) in STAFF_ROLES:
        return allow()
    return deny(
        _("Only staff and youth workers in %(organisation)s can run live sessions.")
        % {"organisation": organisation.name}
    )


def can_run_session(user: User, session: LiveSession) -> Decision:
    """Decide whether the person may change, present and run this session."""
    return can_run_sessions(user, session.organisation)
