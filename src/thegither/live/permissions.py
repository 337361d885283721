"""Who may run live sessions (staff and admins of the organisation), and what phones may press.

Phones need no permission beyond the join code; what they may do is checked by
the services (is the session open, is the activity open, were they removed).
"""

from django.utils.translation import gettext as _

from thegither.accounts.models import STAFF_ROLES, Organisation, User
from thegither.accounts.permissions import role_in
from thegither.core.permissions import Decision, allow, deny
from thegither.live.models import LiveSession, Participant


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


def can_see_stop_names(user: User, session: LiveSession) -> Decision:
    """Decide whether the person sees who pressed Stop: the facilitator, if the session allows.

    Nobody sees it on the big screen, whatever the session says.
    """
    decision = can_run_session(user, session)
    if not decision:
        return decision
    if not session.stop_names_shown:
        return deny(_("This session keeps who pressed Stop private. You see how many did."))
    return allow()


def can_press_cards(participant: Participant) -> Decision:
    """Decide whether a phone may hold up or put down its cards now."""
    session = participant.session
    if participant.removed:
        return deny(_("The person running this session took you out of it."))
    if not session.has_cards:
        return deny(_("This session doesn't use cards."))
    if not session.is_running:
        return deny(
            _("This session has ended.")
            if session.state == LiveSession.State.ENDED
            else _("The cards work once the session starts.")
        )
    return allow()
