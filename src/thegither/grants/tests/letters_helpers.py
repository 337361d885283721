"""A round whose decision is final: one full award, one part award with a condition, one no."""

from dataclasses import dataclass

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.grants import services
from thegither.grants.models import Award, Round
from thegither.grants.tests.deciding_helpers import deciding_make, meeting_with_everyone, vote

CONDITION = "Show us a quote for the minibus before we pay."


@dataclass
class Decided:
    round: Round
    staff: object
    chair: object
    contact: object  # the first two groups' contact
    other_contact: object  # the third group's contact
    full: Award  # £1,000, all it asked for
    partial: Award  # £500 of £1,000, with CONDITION
    declined: Award  # nobody voted for it


def decided_make(organisation, *, confirm) -> Decided:
    """Decide a round; `confirm(chair, meeting)` confirms it (so tests can run the commit hooks)."""
    deciding = deciding_make(organisation)
    contact = deciding.applications[0].contact
    contact.email = "group@example.org"
    contact.save(update_fields=["email"])
    other_contact = factories.member_make(
        organisation, Role.APPLICANT_CONTACT, email="choir@example.org"
    )
    third = deciding.applications[2]
    third.contact = other_contact
    third.save(update_fields=["contact"])
    meeting = meeting_with_everyone(deciding)
    vote(deciding, {0: [0, 1], 1: [0, 1], 2: [0, 1]})
    services.allocation_propose(meeting=meeting, by=deciding.chair)
    services.award_change(
        award=Award.objects.get(application=deciding.applications[1]),
        amount_pence=50_000,
        condition=CONDITION,
        by=deciding.chair,
    )
    confirm(deciding.chair, meeting)
    awards = [Award.objects.get(application=a) for a in deciding.applications]
    return Decided(deciding.round, deciding.staff, deciding.chair, contact, other_contact, *awards)
