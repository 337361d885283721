"""The one adapter between grants and `thegither.allocation`: rows in, a proposal out.

It turns one pot's applications and the panel's votes (or finished scores) into an
`allocation.Election`, runs greedy or the Method of Equal Shares, and says, for
every application, whether it is funded and the engine's reason and numbers.
Nothing here writes: `services.deciding` stores what it returns.

Ties: the engine settles equal support by the order of project ids. We run it twice,
with the applications in one order and then in the opposite order; any application
whose result changes is in a tie, and the chair's casting votes (which go first in
both orders) settle it. Decision 0047 says why.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from thegither.allocation import Ballot, Election, Outcome, Project, allocate
from thegither.grants.models import (
    AllocationRule,
    Application,
    ApplicationStatus,
    Assessment,
    ConflictDeclaration,
    DecisionMeeting,
    DecisionMethod,
    Pot,
    Score,
    Vote,
)

# The library's rule for each choice. Plain equal shares often leaves much of a small pot
# unspent; "add1" raises every member's share step by step while what it picks still fits.
# The library's plain greedy funds what nobody supported if money is left (as pabutools
# does); a panel never should, so greedy needs at least one vote or point.
ENGINE_RULES = {AllocationRule.GREEDY: "greedy-threshold", AllocationRule.MES: "mes-add1"}
ENGINE_THRESHOLDS = {AllocationRule.GREEDY: 1, AllocationRule.MES: None}
# The library's reasons for "nobody supported it", in the grants app's one word for it.
NO_SUPPORT = {"no-votes", "below-threshold"}


@dataclass(frozen=True)
class Result:
    """What the engine said about one application."""

    application: Application
    funded: bool
    reason: str
    details: dict
    position: int
    support: int  # votes, or how many members scored it


@dataclass
class Proposal:
    """The engine's proposal for one pot."""

    pot: Pot
    rule: str
    method: str
    results: list[Result]
    tied: list[int]  # application ids whose result turns on a tie
    voters: int
    settings: dict = field(default_factory=dict)

    @property
    def spent_pence(self) -> int:
        return sum(r.application.amount_pence for r in self.results if r.funded)


def pot_applications(pot: Pot) -> list[Application]:
    """The applications going to the panel from this pot, in the order they were sent."""
    return list(
        Application.objects.filter(pot=pot, status=ApplicationStatus.ELIGIBLE).order_by(
            "submitted_at", "pk"
        )
    )


def _conflicts(applications: list[Application]) -> set[tuple[int, int]]:
    """(member, application) pairs where the member knows the group: they never count."""
    return set(
        ConflictDeclaration.objects.filter(
            application__in=applications, has_conflict=True
        ).values_list("panel_member_id", "application_id")
    )


def approval_ballots(
    meeting: DecisionMeeting, applications: list[Application]
) -> dict[int, dict[int, int]]:
    """Each present member's ticks: member id -> {application id: 1}."""
    present = set(meeting.attendances.values_list("panel_member_id", flat=True))
    conflicts = _conflicts(applications)
    ballots: dict[int, dict[int, int]] = defaultdict(dict)
    for member_id, application_id in Vote.objects.filter(
        meeting=meeting, application__in=applications
    ).values_list("panel_member_id", "application_id"):
        if member_id in present and (member_id, application_id) not in conflicts:
            ballots[member_id][application_id] = 1
    return ballots


def score_ballots(
    applications: list[Application],
) -> tuple[dict[int, dict[int, int]], dict[int, float]]:
    """Each member's weighted totals on the applications they finished scoring, and averages.

    A member who stepped out gave no score, so an application's points are scaled by
    how many members scored it: its total is then in proportion to its average, as the
    score review shows it, and stepping out neither helps nor harms a group.
    """
    conflicts = _conflicts(applications)
    finished = Assessment.objects.filter(application__in=applications, finished_at__isnull=False)
    totals: dict[int, dict[int, int]] = defaultdict(dict)
    rows = Score.objects.filter(assessment__in=finished).values_list(
        "assessment__panel_member_id", "assessment__application_id", "value", "criterion__weight"
    )
    for member_id, application_id, value, weight in rows:
        if (member_id, application_id) in conflicts:
            continue
        totals[member_id][application_id] = totals[member_id].get(application_id, 0) + (
            value * weight
        )
    scorers: dict[int, int] = defaultdict(int)
    for given in totals.values():
        for application_id in given:
            scorers[application_id] += 1
    scale = math.lcm(*scorers.values()) if scorers else 1
    averages: dict[int, float] = defaultdict(float)
    for given in totals.values():
        for application_id, total in given.items():
            averages[application_id] += total / scorers[application_id]
    ballots = {
        member_id: {a: total * (scale // scorers[a]) for a, total in given.items()}
        for member_id, given in totals.items()
    }
    return ballots, dict(averages)


def _election(
    budget: int, order: list[Application], method: str, ballots: dict[int, dict[int, int]]
) -> tuple[Election, dict[str, Application]]:
    # Project ids are places in `order`: the engine breaks ties by id, read as text.
    width = len(str(len(order)))
    ids = {a.pk: f"{place:0{width}d}" for place, a in enumerate(order)}
    projects = tuple(Project(id=ids[a.pk], cost=a.amount_pence, name=a.group_name) for a in order)
    kind = "approval" if method == DecisionMethod.APPROVAL else "score"
    cast = []
    for given in ballots.values():
        chosen = [a for a in order if given.get(a.pk, 0) > 0]
        if not chosen:
            continue
        cast.append(
            Ballot(
                projects=tuple(ids[a.pk] for a in chosen),
                points=None if kind == "approval" else tuple(given[a.pk] for a in chosen),
            )
        )
    election = Election(projects=projects, budget=budget, kind=kind, ballots=tuple(cast))
    return election, {ids[a.pk]: a for a in order}


def _run(
    budget: int, order: list[Application], method: str, rule: str, ballots
) -> tuple[Outcome, dict[str, Application]]:
    election, by_id = _election(budget, order, method, ballots)
    utility = "score" if method == DecisionMethod.SCORES and rule == AllocationRule.MES else "cost"
    outcome = allocate(
        election,
        rule=ENGINE_RULES[rule],
        utility=utility,
        tie_break="text-id",
        threshold=ENGINE_THRESHOLDS[rule],
    )
    return outcome, by_id


def propose(
    pot: Pot,
    *,
    meeting: DecisionMeeting,
    casting: list[int] = (),
    applications: list[Application] | None = None,
    budget_pence: int | None = None,
) -> Proposal:
    """Work out the pot's proposal; `casting` lists application ids the chair put first.

    A re-offer passes the pot's waiting list as `applications` and the money left
    as `budget_pence`; the meeting passes neither (all the pot's, and all its money).
    """
    method, rule = meeting.method, meeting.rule
    applications = pot_applications(pot) if applications is None else applications
    budget = pot.amount_pence if budget_pence is None else budget_pence
    averages: dict[int, float] = {}
    if method == DecisionMethod.APPROVAL:
        ballots = approval_ballots(meeting, applications)
    else:
        ballots, averages = score_ballots(applications)
    first = [a for pk in casting for a in applications if a.pk == pk]
    rest = [a for a in applications if a.pk not in set(casting)]
    outcome, by_id = _run(budget, first + rest, method, rule, ballots)
    reverse, reverse_by_id = _run(budget, first + rest[::-1], method, rule, ballots)
    funded = {by_id[i].pk for i in outcome.selected}
    funded_reversed = {reverse_by_id[i].pk for i in reverse.selected}
    tied = sorted(funded ^ funded_reversed)
    support: dict[int, int] = defaultdict(int)
    for given in ballots.values():
        for application_id in given:
            support[application_id] += 1
    place = {by_id[i].pk: n for n, i in enumerate(outcome.selected, start=1)}
    after = len(place)
    unfunded = sorted(
        (a for a in applications if a.pk not in place),
        key=lambda a: (-support[a.pk], applications.index(a)),
    )
    for n, application in enumerate(unfunded, start=after + 1):
        place[application.pk] = n
    voters = len([b for b in ballots.values() if b])
    # Equal shares may raise every share above the pot split equally (add1); the words
    # say both, so nobody reads "£1,167 each" from a £3,000 pot for three and is puzzled.
    even = {"even_share": budget / voters} if rule == AllocationRule.MES and voters else {}
    results = []
    for explanation in outcome.explanations:
        application = by_id[explanation.project_id]
        results.append(
            Result(
                application=application,
                funded=explanation.funded,
                reason="no-votes" if explanation.reason in NO_SUPPORT else explanation.reason,
                details=_plain_details(explanation.details)
                | even
                | (
                    {"average_total": round(averages[application.pk], 1)}
                    if application.pk in averages
                    else {}
                ),
                position=place[application.pk],
                support=support[application.pk],
            )
        )
    results.sort(key=lambda r: r.position)
    return Proposal(
        pot=pot,
        rule=rule,
        method=method,
        results=results,
        tied=tied,
        voters=voters,
        settings=dict(outcome.settings) | {"engine_rule": outcome.rule},
    )


def _plain_details(details: dict) -> dict:
    """The engine's numbers, kept as JSON (project ids mean nothing outside one run)."""
    keep = {}
    for key, value in details.items():
        if isinstance(value, (int, float, str, bool)) or value is None:
            keep[key] = value
    return keep
