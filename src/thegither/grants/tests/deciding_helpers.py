"""Helpers for decision tests: a round at its deciding step, a panel with a chair, applications."""

from dataclasses import dataclass

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.grants import services
from thegither.grants.models import Application, ApplicationStatus, Pot, Round, RoundPhase
from thegither.grants.tests.factories import application_make, round_make
from thegither.grants.tests.scoring_helpers import declare


@dataclass
class Deciding:
    round: Round
    staff: object
    chair: object
    members: list  # the chair first, then the others
    pot: Pot
    applications: list[Application]


def deciding_make(
    organisation,
    *,
    members: int = 3,
    amounts: tuple[int, ...] = (100_000, 100_000, 100_000),
    pot_pence: int = 200_000,
    max_grant_pence: int = 200_000,
    knows: dict[int, list[int]] | None = None,
    method: str | None = None,
    rule: str | None = None,
) -> Deciding:
    """A round at its deciding step; every member has declared (`knows`: member -> apps)."""
    staff = factories.member_make(organisation, Role.STAFF)
    round = round_make(
        organisation,
        phase=RoundPhase.DECISION,
        areas=("North West",),
        amount_pence=pot_pence,
        max_grant_pence=max_grant_pence,
    )
    if method or rule:
        round.decision_method = method or round.decision_method
        round.allocation_rule = rule or round.allocation_rule
        round.save()
    people = [factories.member_make(organisation, Role.PANEL_MEMBER) for _ in range(members)]
    placed = [services.panel_member_add(round=round, person=p, by=staff) for p in people]
    services.panel_chair_set(member=placed[0], by=staff)
    contact = factories.member_make(organisation, Role.APPLICANT_CONTACT)
    applications = [
        application_make(round, contact, status=ApplicationStatus.ELIGIBLE, amount_pence=amount)
        for amount in amounts
    ]
    knows = knows or {}
    for m, person in enumerate(people):
        for a, application in enumerate(applications):
            declare(application, person, knows=a in knows.get(m, []))
    return Deciding(round, staff, people[0], people, round.pots.get(), applications)


def meeting_with_everyone(deciding: Deciding):
    meeting = services.meeting_open(round=deciding.round, by=deciding.chair)
    services.attendance_set(
        meeting=meeting,
        present=set(deciding.round.panel_members.values_list("pk", flat=True)),
        by=deciding.chair,
    )
    return meeting


def vote(deciding: Deciding, votes: dict[int, list[int]]) -> None:
    """`votes`: member index -> the application indexes they tick."""
    for m, ticked in votes.items():
        for a in ticked:
            services.vote_set(
                application=deciding.applications[a], supports=True, by=deciding.members[m]
            )
