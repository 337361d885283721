"""Who may run live sessions (staff and admins of the organisation), and what phones may press.

Phones need no permission beyond the join code; what they may do is checked by
the services (is the session open, is the activity open, were they removed).
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from thegither.accounts.models import STAFF_ROLES, Organisation, User
from thegither.accounts.permissions import role_in
from thegither.core.permissions import Decision, allow, deny
from thegither.live.models import FiverRound, LiveSession, Participant, Team


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


def _phone_in_fiver(participant: Participant) -> Decision:
    session = participant.session
    if participant.removed:
        return deny(_("The person running this session took you out of it."))
    if not session.is_fiver:
        return deny(_("This session has no teams."))
    if not session.is_running:
        return deny(
            _("This session has ended.")
            if session.state == LiveSession.State.ENDED
            else _("Teams work once the session starts.")
        )
    return allow()


def can_join_team(participant: Participant) -> Decision:
    """Decide whether a phone may join a team (with its code) now: before time is up."""
    decision = _phone_in_fiver(participant)
    if not decision:
        return decision
    fiver = getattr(participant.session, "fiver", None)
    if fiver is None or fiver.stage_at(timezone.now()) not in (
        FiverRound.Stage.TEAMS,
        FiverRound.Stage.PLANNING,
    ):
        return deny(_("Planning time is over, so the teams stay as they are."))
    return allow()


def can_change_plan(participant: Participant, fiver: FiverRound, team: Team | None) -> Decision:
    """Decide whether a phone may change its team's plan now: in a team, while the clock runs."""
    decision = _phone_in_fiver(participant)
    if not decision:
        return decision
    if team is None:
        return deny(_("Join a team first: type the code your team was given."))
    stage = fiver.stage_at(timezone.now())
    if stage == FiverRound.Stage.TEAMS:
        return deny(_("The clock hasn't started yet. Plan when the facilitator starts it."))
    if stage != FiverRound.Stage.PLANNING:
        return deny(_("Time's up! Plans can't change now."))
    if fiver.is_paused:
        return deny(_("The clock is paused. You can carry on when it starts again."))
    return allow()
