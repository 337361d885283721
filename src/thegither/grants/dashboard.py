"""The Youth Bank's links on a person's dashboard (see core/dashboard.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from thegither.accounts.models import Role
from thegither.core.dashboard import DashboardLink
from thegither.grants.models import PanelMember, RoundPhase
from thegither.grants.permissions import MEETING_PHASES, can_manage_grants


def youth_bank_links(user, membership) -> list[DashboardLink]:
    """Return the Youth Bank links for one membership: running rounds, or applying."""
    organisation = membership.organisation
    if can_manage_grants(user, organisation):
        return [
            DashboardLink(
                _("Youth Bank: rounds and applications"),
                reverse("grants:funds", args=[organisation.slug]),
            )
        ]
    if membership.role == Role.APPLICANT_CONTACT:
        return [
            DashboardLink(_("Grants you can apply for"), reverse("grants:round-list")),
            DashboardLink(_("Your applications"), reverse("grants:my-applications")),
        ]
    if membership.role == Role.PANEL_MEMBER:
        places = (
            PanelMember.objects.filter(user=user, round__fund__organisation=organisation)
            .exclude(round__phase__in=[RoundPhase.DRAFT, RoundPhase.CLOSED])
            .select_related("round")
        )
        # From the deciding step on, the panel's way in is the decision meeting.
        return [
            DashboardLink(
                _("Decision meeting: %(round)s") % {"round": place.round.name},
                reverse("grants:meeting", args=[place.round_id]),
            )
            if place.round.phase in MEETING_PHASES
            else DashboardLink(
                _("Applications to read: %(round)s") % {"round": place.round.name},
                reverse("grants:to-read", args=[place.round_id]),
            )
            for place in places
        ]
    return []
