"""MES in floats funds what MES in exact fractions funds, even when money divides exactly."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thegither.allocation import Ballot, Election, Project, allocate
from thegither.allocation.mes_projects import Projects
from thegither.allocation.mes_rounds import Engine
from thegither.allocation.tests.samples import tie_heavy_elections, tight_elections
from thegither.allocation.tiebreak import tie_rank


def exact_mes(data: Projects, rank, start: Fraction) -> list[int]:
    """Return MES's selection the slow, obvious way: every sum an exact fraction."""
    money = [Fraction(start)] * data.num_groups
    candidates = set(data.eligible)
    selected: list[int] = []
    while True:
        best = None
        for p in sorted(candidates):
            sup, util, weight = data.sup[p], data.util_int[p], data.weight[data.sup[p]]
            if sum(money[g] * int(w) for g, w in zip(sup, weight, strict=True)) < data.cost[p]:
                candidates.discard(p)  # budgets only fall: never affordable again
                continue
            rho = price(money, sup, util, weight, int(data.cost[p]))
            if best is None or (rho, rank[p]) < best[0]:
                best = ((rho, rank[p]), p)
        if best is None:
            return selected
        (rho, _), p = best
        for g, u in zip(data.sup[p], data.util_int[p], strict=True):
            money[g] = max(Fraction(0), money[g] - rho * int(u))
        selected.append(p)
        candidates.discard(p)


def price(money, sup, util, weight, cost: int) -> Fraction:
    """Return the lowest rho at which the supporters pay ``cost`` (poorest pay all first)."""
    ratios = sorted(
        (money[g] / int(u), int(u) * int(w)) for g, u, w in zip(sup, util, weight, strict=True)
    )
    left, utility = Fraction(cost), sum(wu for _, wu in ratios)
    for ratio, wu in ratios:
        if left / utility <= ratio:
            return left / utility
        left -= ratio * wu
        utility -= wu
    raise AssertionError("an affordable project always has a price")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tight_elections(), st.sampled_from(["cost", "cardinality", "score"]), st.integers(0, 2))
def test_float_mes_selects_what_exact_mes_selects(election: Election, utility: str, raise_by: int):
    rank = tie_rank(election, "text-id")
    data = Projects(election, utility)
    start = Fraction(election.budget, election.num_voters) + raise_by
    run = Engine(data, rank, start, record=False).run(data.eligible)
    assert run.selected == exact_mes(data, rank, start)


def test_score_ballots_spend_a_budget_that_divides_exactly():
    """Three voters, 33 to spend, five projects costing 33 together: all five are funded."""
    ballot = Ballot(("p1", "p4", "p3", "p2", "p0"), (3, 3, 1, 3, 1), weight=3)
    costs = (5, 6, 2, 10, 10)
    projects = tuple(Project(f"p{i}", c) for i, c in enumerate(costs))
    election = Election(projects=projects, budget=33, kind="score", ballots=(ballot,))
    assert len(allocate(election, rule="mes", utility="score").selected) == 5


class _EveryTieChecked(Engine):
    """An engine that, in every round, checks the exact price shortcut against the long way."""

    def settle(self, best):
        for r, _, q in self.fresh:
            assert self.exact_price(q, r) == self.exact_rho(q, r)[0], (q, len(self.steps))
        self.at_floor = set()  # leave the round as the shortcut found it
        return super().settle(best)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tight_elections(), st.sampled_from(["cost", "cardinality", "score"]), st.integers(0, 2))
def test_the_exact_least_price_shortcut_agrees_with_rebuilding_budgets(
    election: Election, utility: str, raise_by: int
):
    # exact_price skips rebuilding budgets when every supporter clearly has more than an
    # equal share; whatever the round, it must give the exact rho the long way gives.
    rank = tie_rank(election, "text-id")
    data = Projects(election, utility)
    start = Fraction(election.budget, election.num_voters) + raise_by
    run = _EveryTieChecked(data, rank, start, record=False).run(data.eligible)
    assert run.selected == exact_mes(data, rank, start)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tie_heavy_elections(), st.sampled_from(["cost", "cardinality", "score"]), st.integers(0, 3))
def test_float_mes_selects_what_exact_mes_selects_when_projects_tie_exactly(
    election: Election, utility: str, raise_by: int
):
    rank = tie_rank(election, "text-id")
    data = Projects(election, utility)
    start = Fraction(election.budget, election.num_voters) + raise_by
    run = Engine(data, rank, start, record=False).run(data.eligible)
    assert run.selected == exact_mes(data, rank, start)
