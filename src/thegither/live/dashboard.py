"""Live workshops' link on a person's dashboard (see core/dashboard.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from thegither.core.dashboard import DashboardLink
from thegither.live.permissions import can_run_sessions


def live_workshop_links(user, membership) -> list[DashboardLink]:
    """Return the live workshops link for people who may run sessions here."""
    organisation = membership.organisation
    if not can_run_sessions(user, organisation):
        return []
    return [DashboardLink(_("Live workshops"), reverse("live:sessions", args=[organisation.slug]))]
