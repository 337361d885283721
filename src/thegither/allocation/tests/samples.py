"""Small elections that tests share.

``SMALL``, worked out by hand: three projects (Park 60, Library 50, Bikes 40), a budget
of 100 and four voters. ``tight_elections``: random ones whose money divides exactly.
"""

from hypothesis import strategies as st

from thegither.allocation import Ballot, Election, Project

SMALL = """META
key;value
budget;100
vote_type;approval
PROJECTS
project_id;cost;name
a;60;Park
b;50;Library
c;40;Bikes
VOTES
voter_id;vote
1;a,b
2;b,a
3;c
4;a
"""


@st.composite
def tight_elections(draw) -> Election:
    """Draw a small election whose budget often divides exactly among voters and costs."""
    kind = draw(st.sampled_from(["approval", "score"]))
    costs = draw(st.lists(st.sampled_from([1, 2, 3, 5, 6, 7, 10]), min_size=1, max_size=6))
    projects = tuple(Project(f"p{i}", c) for i, c in enumerate(costs))
    ids = [p.id for p in projects]
    ballots = []
    for _ in range(draw(st.integers(1, 5))):
        chosen = draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
        points = tuple(draw(st.integers(1, 4)) for _ in chosen) if kind == "score" else None
        ballots.append(Ballot(tuple(chosen), points, weight=draw(st.sampled_from([1, 3, 7, 9]))))
    voters = sum(b.weight for b in ballots)
    budget = draw(st.sampled_from([voters, 3 * voters, sum(costs), 11 * voters]))
    return Election(projects=projects, budget=budget, kind=kind, ballots=tuple(ballots))


@st.composite
def long_add1_elections(draw) -> Election:
    """Draw a small election that add1 raises many times, with changes of order on the way.

    Few voters and a small budget per voter against costly projects: add1 has hundreds
    of raises to go, long enough stretches for its shortcuts to be tried.
    """
    kind = draw(st.sampled_from(["approval", "score"]))
    costs = draw(st.lists(st.integers(20, 400), min_size=3, max_size=8))
    projects = tuple(Project(f"p{i}", c) for i, c in enumerate(costs))
    ids = [p.id for p in projects]
    ballots = []
    for _ in range(draw(st.integers(2, 8))):
        chosen = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=4, unique=True))
        points = tuple(draw(st.integers(1, 4)) for _ in chosen) if kind == "score" else None
        ballots.append(Ballot(tuple(chosen), points, weight=draw(st.integers(1, 4))))
    budget = draw(st.integers(max(costs), sum(costs)))
    return Election(projects=projects, budget=budget, kind=kind, ballots=tuple(ballots))


@st.composite
def tie_heavy_elections(draw) -> Election:
    """Draw an election full of exact ties, as Toulouse 2024 is.

    Projects come in pairs or triples with the same cost and the same number of
    supporters (so, with the cost utility, the same least price, 1 / supporters), ballots
    repeat with equal weights, and the budget often divides exactly: rounds are settled by
    exact comparison and the tie-break, again and again, as add1 raises the budget.
    """
    kind = draw(st.sampled_from(["approval", "approval", "score"]))
    shapes = draw(st.lists(st.sampled_from([10, 20, 30, 60]), min_size=2, max_size=4))
    projects = []
    for cost in shapes:
        for _ in range(draw(st.integers(2, 3))):
            projects.append(Project(f"p{len(projects)}", cost))
    ids = [p.id for p in projects]
    ballots = []
    for _ in range(draw(st.integers(2, 6))):
        # A ballot and its mirror image (each project swapped with its twin) get the same
        # weight, so twins have the same supporters' count.
        chosen = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        weight = draw(st.sampled_from([1, 2, 3]))
        mirror = tuple(ids[(ids.index(p) + 1) % len(ids)] for p in chosen)
        for ballot in (tuple(chosen), mirror):
            points = tuple(2 for _ in ballot) if kind == "score" else None
            ballots.append(Ballot(ballot, points, weight=weight))
    voters = sum(b.weight for b in ballots)
    total = sum(p.cost for p in projects)
    budget = draw(st.sampled_from([voters * 5, voters * 10, total // 2, total]))
    return Election(projects=tuple(projects), budget=budget, kind=kind, ballots=tuple(ballots))
