"""Who may do what with weeks, events, stories and episodes.

Each function returns a `Decision` with a reason in plain words. Views call
`require(...)`, services check the same decision, and templates are handed the
decisions. Sending an event or a story needs no account; checking them is for the
network's staff (its organisation admins and staff).
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from thegither.accounts.models import STAFF_ROLES, Organisation, User
from thegither.accounts.permissions import role_in
from thegither.core.permissions import Decision, allow, deny
from thegither.stories.models import Episode, Event, Story, Week


def can_run_weeks(user: User, organisation: Organisation) -> Decision:
    """Decide whether the person may set up the organisation's weeks and check what is sent."""
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if user.is_superuser or role_in(user, organisation) in STAFF_ROLES:
        return allow()
    return deny(
        _("Only staff of %(organisation)s can do this.") % {"organisation": organisation.name}
    )


def can_moderate(user: User, week: Week) -> Decision:
    """Decide whether the person may approve, change or decline what is sent for the week."""
    return can_run_weeks(user, week.organisation)


def _seen_when_approved(user: User, thing: Event | Story) -> Decision:
    if thing.is_approved:
        return allow()
    if can_moderate(user, thing.week):
        return allow()
    return deny(_("This hasn't been checked by the network's staff yet, so it isn't public."))


def can_see_event(user: User, event: Event) -> Decision:
    """Decide whether the person may see the event: anyone once approved, else its staff."""
    return _seen_when_approved(user, event)


def can_see_story(user: User, story: Story) -> Decision:
    """Decide whether the person may see the story: anyone once approved, else its staff."""
    return _seen_when_approved(user, story)


def can_submit_event(week: Week) -> Decision:
    """Decide whether the week still takes events: until its last day."""
    if timezone.localdate() > week.ends_on:
        return deny(
            _("Co-production Week %(year)s is over, so it doesn't take new events.")
            % {"year": week.year}
        )
    return allow()


def can_send_event(user: User, week: Week) -> Decision:
    """Decide whether the person may send an event for the week.

    Anyone may until the week's last day; its staff may add one later too, to keep the
    record of what happened.
    """
    decision = can_submit_event(week)
    if not decision and can_moderate(user, week):
        return allow()
    return decision


def can_submit_story(week: Week) -> Decision:
    """Decide whether the week takes stories: always, even after it ends."""
    return allow()


def can_see_episode(user: User, episode: Episode) -> Decision:
    """Decide whether the person may see the episode: anyone, unless it is a draft.

    A site administrator may look at a draft before it is public.
    """
    if episode.is_public:
        return allow()
    if user.is_authenticated and user.is_superuser:
        return allow()
    return deny(_("This episode isn't public yet."))
