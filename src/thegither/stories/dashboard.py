"""Co-production Week's links on a person's dashboard (see core/dashboard.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from thegither.core.dashboard import DashboardLink
from thegither.stories.permissions import can_run_weeks


def stories_links(user, membership) -> list[DashboardLink]:
    """Return the week's links for staff: setting up weeks and checking what people send."""
    organisation = membership.organisation
    if not can_run_weeks(user, organisation):
        return []
    return [
        DashboardLink(
            _("Co-production Week: weeks, events and stories to check"),
            reverse("stories:weeks", args=[organisation.slug]),
        )
    ]
