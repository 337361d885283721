"""Properties every rule keeps on any small election (Hypothesis).

Elections are built in memory from :class:`Election`, :class:`Project` and
:class:`Ballot`: approval, score, cumulative and ordinal ballots, ballot weights,
costs drawn from a small set so that equal costs (and equal votes) are common, and
budgets from nothing to more than every project together.
"""

from __future__ import annotations

import dataclasses
import random
import tempfile
from fractions import Fraction
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from thegither.allocation import (
    RULES,
    Ballot,
    Election,
    Outcome,
    Project,
    allocate,
    read_pb,
    write_pb,
)
from thegither.allocation.model import BALLOT_KINDS, TIE_BREAKS, UTILITIES

FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOME = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

IDS = st.from_regex(r"[a-z0-9]{1,3}", fullmatch=True)
# A few round costs make equal costs likely; 0 is a free project.
COSTS = st.one_of(st.sampled_from([0, 10, 20, 25, 30, 50]), st.integers(1, 60))


@st.composite
def elections(draw, kinds: tuple[str, ...] = BALLOT_KINDS) -> Election:
    """Draw a small election of one of ``kinds``."""
    kind = draw(st.sampled_from(kinds))
    ids = draw(st.lists(IDS, min_size=1, max_size=6, unique=True))
    projects = tuple(Project(pid, draw(COSTS), name=f"Project {pid}") for pid in ids)
    budget = draw(st.integers(0, 160))
    ballots = []
    for _ in range(draw(st.integers(1, 7))):
        chosen = draw(st.lists(st.sampled_from(ids), max_size=len(ids), unique=True))
        points = None
        if kind in ("score", "cumulative"):
            points = tuple(draw(st.integers(0, 5)) for _ in chosen)
        ballots.append(Ballot(tuple(chosen), points, weight=draw(st.integers(1, 4))))
    return Election(projects=projects, budget=budget, kind=kind, ballots=tuple(ballots))


def runs(election: Election):
    """Yield the keyword arguments of every rule, tie-break and utility that applies."""
    for rule in RULES:
        if rule == "phragmen":
            if election.kind == "approval":
                for tie_break in TIE_BREAKS:
                    yield {"rule": rule, "tie_break": tie_break}
            continue
        for tie_break in TIE_BREAKS:
            for utility in UTILITIES:
                call = {"rule": rule, "tie_break": tie_break, "utility": utility}
                if rule == "greedy-threshold":
                    call["threshold"] = 3
                yield call
                if rule == "mes-add1":
                    yield call | {"exhaustive_stop": False}


def cost_of(election: Election, ids) -> int:
    return sum(election.project(pid).cost for pid in ids)


def left_after(election: Election, outcome: Outcome) -> int:
    return election.budget - outcome.spent


def supported(election: Election) -> list[str]:
    """Return the projects at least one voter gave something (MES only looks at these)."""
    votes = election.tables.votes
    return [p.id for p, v in zip(election.projects, votes, strict=True) if v > 0]


def affordable_leftovers(election: Election, outcome: Outcome, among) -> list[str]:
    """Return the projects in ``among`` that are not funded but fit in what is left."""
    left = left_after(election, outcome)
    funded = set(outcome.selected)
    return [pid for pid in among if pid not in funded and election.project(pid).cost <= left]


def with_budget(election: Election, budget: int) -> Election:
    return dataclasses.replace(election, budget=budget)


# -- budgets -------------------------------------------------------------------------


@FEW
@given(elections())
def test_no_rule_ever_spends_more_than_the_budget(election: Election):
    for call in runs(election):
        outcome = allocate(election, **call)
        assert outcome.spent == cost_of(election, outcome.selected), call
        assert outcome.spent <= election.budget, call
        assert len(set(outcome.selected)) == len(outcome.selected), call


# -- exhaustiveness ------------------------------------------------------------------


@SOME
@given(elections(), st.sampled_from(TIE_BREAKS), st.sampled_from(UTILITIES))
def test_greedy_and_mes_add1u_leave_no_project_that_still_fits(
    election: Election, tie_break: str, utility: str
):
    everyone = [p.id for p in election.projects]
    for rule in ("greedy", "mes-add1u"):
        outcome = allocate(election, rule=rule, tie_break=tie_break, utility=utility)
        assert affordable_leftovers(election, outcome, everyone) == [], rule


def mes_selected(election: Election, budget: int, **call) -> list[str]:
    return allocate(with_budget(election, budget), rule="mes", **call).selected


@SOME
@given(
    elections(),
    st.sampled_from(TIE_BREAKS),
    st.sampled_from(UTILITIES),
    st.booleans(),
)
def test_mes_add1_returns_the_last_equal_shares_run_that_fits_or_the_first_exhaustive_one(
    election: Election, tie_break: str, utility: str, exhaustive_stop: bool
):
    """State exactly what add1 promises; it need not be exhaustive.

    add1 runs MES with every voter's share raised by 1, 2, 3... (pabutools'
    ``voter_budget_increment=1``). It returns the run at raise ``k`` where the
    first of these happens: the run at raise ``k + 1`` overspends; every supported
    project is funded; or (with the exhaustive stop) the run at ``k`` leaves no
    supported project that still fits. So the outcome can leave money that would
    buy a supported project: the next raise overspent before that project came in.

    With ``n`` voters and budget ``B``, the run at raise ``j`` is plain MES on the
    same votes with budget ``B + j * n``, which is how this test reproduces it.
    """
    call = {"tie_break": tie_break, "utility": utility}
    outcome = allocate(election, rule="mes-add1", exhaustive_stop=exhaustive_stop, **call)
    voters = election.num_voters
    raised = outcome.settings["budget_raised_times"]
    budget = election.budget
    assert outcome.settings["start_per_voter"] == float(Fraction(budget, voters) + raised)
    assert outcome.selected == mes_selected(election, budget + raised * voters, **call)
    eligible = [pid for pid in supported(election) if election.project(pid).cost > 0]

    def stops_at(selected: list[str]) -> bool:
        spent = cost_of(election, selected)
        left = budget - spent
        if set(eligible) <= set(selected):
            return True
        return exhaustive_stop and all(
            election.project(pid).cost > left for pid in eligible if pid not in selected
        )

    assert stops_at(outcome.selected) or (
        cost_of(election, mes_selected(election, budget + (raised + 1) * voters, **call)) > budget
    )
    for earlier in range(raised):
        selected = mes_selected(election, budget + earlier * voters, **call)
        assert cost_of(election, selected) <= budget
        assert not stops_at(selected)


# -- greedy variants -----------------------------------------------------------------


def greedy_line(election: Election, utility: str, tie_break: str) -> list[str]:
    """Return the project ids in the order greedy considers them, worked out from scratch."""
    points = dict.fromkeys((p.id for p in election.projects), 0)
    votes = dict.fromkeys(points, 0)
    scoring = election.scoring()
    for ballot in election.ballots:
        for place, pid in enumerate(ballot.projects):
            if election.kind == "approval":
                given_points = 1
            elif election.kind == "ordinal":
                given_points = scoring[place]
            else:
                given_points = ballot.points[place]
            if given_points > 0:
                points[pid] += given_points * ballot.weight
                votes[pid] += ballot.weight

    def tie(pid: str):
        if tie_break == "text-id":
            return (pid,)
        return (election.project(pid).cost, -votes[pid], pid)

    def key(pid: str):
        cost = election.project(pid).cost
        if cost == 0:
            return (0, 0, tie(pid))
        value = points[pid] if utility == "cost" else Fraction(points[pid], cost)
        return (1, -value, tie(pid))

    return sorted(points, key=key)


@SOME
@given(elections(), st.sampled_from(TIE_BREAKS), st.sampled_from(UTILITIES))
def test_greedy_no_skip_funds_a_prefix_of_the_vote_ranking(
    election: Election, tie_break: str, utility: str
):
    outcome = allocate(election, rule="greedy-no-skip", tie_break=tie_break, utility=utility)
    line = greedy_line(election, utility, tie_break)
    count = len(outcome.selected)
    assert outcome.selected == line[:count]
    if count < len(line):
        assert election.project(line[count]).cost > left_after(election, outcome)


@SOME
@given(elections(), st.sampled_from(TIE_BREAKS), st.sampled_from(UTILITIES))
def test_greedy_funds_in_ranking_order_everything_that_fits_when_reached(
    election: Election, tie_break: str, utility: str
):
    outcome = allocate(election, rule="greedy", tie_break=tie_break, utility=utility)
    left = election.budget
    expected = []
    for pid in greedy_line(election, utility, tie_break):
        if election.project(pid).cost <= left:
            expected.append(pid)
            left -= election.project(pid).cost
    assert outcome.selected == expected


@SOME
@given(elections(), st.integers(0, 25), st.sampled_from(TIE_BREAKS))
def test_greedy_threshold_funds_nothing_below_the_threshold(
    election: Election, threshold: int, tie_break: str
):
    outcome = allocate(election, rule="greedy-threshold", threshold=threshold, tie_break=tie_break)
    score = dict(zip((p.id for p in election.projects), election.tables.score, strict=True))
    assert all(score[pid] >= threshold for pid in outcome.selected)
    below = {e.project_id for e in outcome.explanations if e.reason == "below-threshold"}
    assert below == {pid for pid, s in score.items() if s < threshold}
    # Among the projects that pass, it is plain greedy on the money that is there.
    passing = [pid for pid in greedy_line(election, "cost", tie_break) if score[pid] >= threshold]
    left, expected = election.budget, []
    for pid in passing:
        if election.project(pid).cost <= left:
            expected.append(pid)
            left -= election.project(pid).cost
    assert outcome.selected == expected


# -- proportionality -----------------------------------------------------------------


def party_list(sizes: list[int], per_party: int, cost: int, budget: int) -> Election:
    """Return an election where party ``i``'s ``sizes[i]`` voters approve only its projects."""
    projects = tuple(
        Project(f"p{i}-{k}", cost) for i in range(len(sizes)) for k in range(per_party)
    )
    ballots = tuple(
        Ballot(tuple(f"p{i}-{k}" for k in range(per_party)), weight=size)
        for i, size in enumerate(sizes)
    )
    return Election(projects=projects, budget=budget, kind="approval", ballots=ballots)


def funded_per_party(outcome: Outcome, parties: int) -> list[int]:
    return [sum(pid.startswith(f"p{i}-") for pid in outcome.selected) for i in range(parties)]


def test_mes_spends_a_budget_that_divides_exactly():
    """Nine voters, 9 to spend, projects costing 1 each: they can buy nine (pabutools does)."""
    election = party_list([9], per_party=10, cost=1, budget=9)
    assert len(allocate(election, rule="mes").selected) == 9


@SOME
@given(
    st.lists(st.integers(1, 6), min_size=2, max_size=4),
    st.integers(1, 3),
    st.integers(1, 40),
    st.sampled_from(["mes", "mes-add1"]),
    st.sampled_from(["cost", "cardinality"]),
    st.sampled_from(TIE_BREAKS),
)
def test_mes_gives_each_party_exactly_its_share_when_shares_divide_evenly(
    shares: list[int], per_share: int, cost: int, rule: str, utility: str, tie_break: str
):
    """Exact: party ``i`` has ``shares[i] * u`` voters and the budget buys ``sum(shares) * t``
    projects, so its share of the budget buys exactly ``shares[i] * t`` projects: no
    tolerance is needed, and add1 has nothing to add because all money is spent."""
    unit = 3  # voters per share: the party sizes need not equal the share numbers
    sizes = [s * unit for s in shares]
    budget = cost * sum(shares) * per_share
    election = party_list(sizes, per_party=max(shares) * per_share + 2, cost=cost, budget=budget)
    outcome = allocate(election, rule=rule, utility=utility, tie_break=tie_break)
    assert funded_per_party(outcome, len(sizes)) == [s * per_share for s in shares]
    assert outcome.spent == budget


@SOME
@given(
    st.lists(st.integers(1, 9), min_size=2, max_size=4),
    st.integers(1, 30),
    st.integers(0, 60),
    st.sampled_from(["cost", "cardinality"]),
)
def test_mes_gives_each_party_the_whole_projects_its_share_of_the_budget_buys(
    sizes: list[int], cost: int, budget: int, utility: str
):
    """Party ``i``'s share is ``budget * sizes[i] / voters``; it gets ``floor(share / cost)``.

    Tolerance: less than one project, and only downwards. Parties cannot pool money
    across party lines, so the fraction of a project each share leaves over is lost;
    plain MES gives exactly the whole part. add1 raises every share equally, so each
    party gets at least that many. It can get more than one over its quota: parties
    of 2, 2, 4 and 7 voters, projects costing 9 and 36 to spend give the 7 voters
    three projects at 4.4 each (quota 1.87), as re-running MES at that share does.
    """
    voters = sum(sizes)
    election = party_list(sizes, per_party=budget // cost + 1, cost=cost, budget=budget)
    quota = [Fraction(budget * size, voters * cost) for size in sizes]
    plain = funded_per_party(allocate(election, rule="mes", utility=utility), len(sizes))
    assert plain == [q.numerator // q.denominator for q in quota]
    add1 = funded_per_party(allocate(election, rule="mes-add1", utility=utility), len(sizes))
    assert all(got >= base for got, base in zip(add1, plain, strict=True))
    assert sum(add1) * cost <= budget


# -- order of voters and projects ----------------------------------------------------


def one_ballot_per_voter(election: Election, rng: random.Random) -> Election:
    """Return the same election with every voter's ballot on its own, in a shuffled order."""
    singles = [dataclasses.replace(b, weight=1) for b in election.ballots for _ in range(b.weight)]
    rng.shuffle(singles)
    return dataclasses.replace(election, ballots=tuple(singles))


def essentials(outcome: Outcome) -> tuple:
    return (outcome.selected, outcome.spent, outcome.settings)


@FEW
@given(elections(), st.randoms(use_true_random=False))
def test_order_of_voters_and_grouping_of_ballots_never_change_the_outcome(
    election: Election, rng: random.Random
):
    shuffled = one_ballot_per_voter(election, rng)
    for call in runs(election):
        assert essentials(allocate(shuffled, **call)) == essentials(allocate(election, **call))


@FEW
@given(elections(), st.randoms(use_true_random=False))
def test_order_of_projects_never_changes_the_outcome_when_ids_differ(
    election: Election, rng: random.Random
):
    """Both tie-breaks look at ids (and costs and votes), never at a project's place in
    the file, and ids are unique, so the same projects come out in the same order."""
    projects = list(election.projects)
    rng.shuffle(projects)
    moved = dataclasses.replace(election, projects=tuple(projects))
    for call in runs(election):
        assert essentials(allocate(moved, **call)) == essentials(allocate(election, **call))


# -- determinism and selection order -------------------------------------------------


@SOME
@given(elections(kinds=("approval",)), st.sampled_from(TIE_BREAKS))
def test_phragmen_is_deterministic_and_its_rounds_follow_the_selection(
    election: Election, tie_break: str
):
    first = allocate(election, rule="phragmen", tie_break=tie_break)
    again = allocate(dataclasses.replace(election), rule="phragmen", tie_break=tie_break)
    assert first.to_json() == again.to_json()
    rounds = {e.project_id: e.details["round"] for e in first.explanations if e.funded}
    assert sorted(rounds, key=rounds.get) == first.selected
    assert sorted(rounds.values()) == list(range(1, len(first.selected) + 1))


@SOME
@given(
    elections(),
    st.sampled_from(["mes", "mes-add1"]),
    st.sampled_from(TIE_BREAKS),
    st.sampled_from(UTILITIES),
)
def test_mes_is_deterministic_and_its_rounds_follow_the_selection(
    election: Election, rule: str, tie_break: str, utility: str
):
    call = {"rule": rule, "tie_break": tie_break, "utility": utility}
    first = allocate(election, **call)
    again = allocate(dataclasses.replace(election), **call)
    assert first.to_json() == again.to_json()
    by_id = {e.project_id: e for e in first.explanations}
    free = [pid for pid in first.selected if by_id[pid].reason == "free"]
    assert first.selected[: len(free)] == free  # free projects come before any round
    rounds = [by_id[pid].details["round"] for pid in first.selected[len(free) :]]
    assert rounds == list(range(1, len(rounds) + 1))
    assert {e.project_id for e in first.explanations if e.funded} == set(first.selected)


# -- files ---------------------------------------------------------------------------


@FEW
@given(elections())
def test_writing_and_reading_a_file_keeps_every_outcome(election: Election):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "election.pb"
        write_pb(election, path)
        again = read_pb(path)
    assert [(p.id, p.cost, p.name) for p in again.projects] == [
        (p.id, p.cost, p.name) for p in election.projects
    ]
    assert again.budget == election.budget
    assert again.kind == election.kind
    assert again.num_voters == election.num_voters
    for call in runs(election):
        assert essentials(allocate(again, **call)) == essentials(allocate(election, **call))


@FEW
@given(elections(kinds=("ordinal",)), st.lists(st.integers(0, 9), min_size=6, max_size=6))
def test_writing_and_reading_an_ordinal_file_keeps_its_scoring(
    election: Election, points: list[int]
):
    longest = max(len(b.projects) for b in election.ballots)
    assume(longest > 0)
    scored = dataclasses.replace(election, ordinal_points=tuple(sorted(points, reverse=True)))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "election.pb"
        write_pb(scored, path)
        again = read_pb(path)
    assert again.scoring()[:longest] == scored.scoring()[:longest]
