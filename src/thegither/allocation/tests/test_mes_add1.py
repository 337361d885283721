"""The fast add1 loop gives exactly what re-running MES at every raise gives."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thegither.allocation import Election, bracket, mes_add1, read_pb
from thegither.allocation.mes import method_of_equal_shares
from thegither.allocation.mes_add1 import exhaustive
from thegither.allocation.mes_projects import Projects
from thegither.allocation.mes_rounds import Engine
from thegither.allocation.tests.samples import (
    long_add1_elections,
    tie_heavy_elections,
    tight_elections,
)
from thegither.allocation.tiebreak import tie_rank

FILES = (
    "Netherlands_Assen_2024.pb",
    "Poland_Swiecie_2023.pb",
    "Poland_Wieliczka_2023_Green_Budget.pb",
    "Switzerland_Zurich_D10.pb",
    "Poland_Warszawa_2023_Mokotow.pb",
)


def plain_add1(election, *, utility: str, exhaustive_stop: bool) -> tuple[list[int], Fraction]:
    """Return add1's selection and final start the slow, obvious way.

    Run MES from scratch, to the end, at every whole raise of the budget, and
    stop as pabutools does: before the first outcome that overspends, or at
    the first exhaustive outcome when ``exhaustive_stop`` is set.
    """
    rank = tie_rank(election, "text-id")
    data = Projects(election, utility)
    free = sorted(data.free, key=lambda p: rank[p])
    start = Fraction(election.budget, election.num_voters)
    previous: tuple[list[int], Fraction] | None = None
    while True:
        outcome = free + Engine(data, rank, start, record=False).run(data.eligible).selected
        spent = sum(int(data.cost[p]) for p in outcome)
        if spent > election.budget:
            break
        previous = (outcome, start)
        chosen = set(outcome)
        if set(data.eligible) <= chosen:
            break
        if exhaustive_stop and exhaustive(spent, election.budget, chosen, data.eligible, data.cost):
            break
        start += 1
    assert previous is not None
    return previous


def _assert_fast_add1_is_plain_add1(election: Election, utility: str, exhaustive_stop: bool):
    """Assert the fast add1 ends with what re-running MES at every raise ends with."""
    fast = method_of_equal_shares(
        election,
        utility=utility,
        rank=tie_rank(election, "text-id"),
        completion="add1",
        exhaustive_stop=exhaustive_stop,
    )
    selected, start = plain_add1(election, utility=utility, exhaustive_stop=exhaustive_stop)
    assert fast.selected == selected
    assert fast.start == start


@pytest.mark.parametrize("utility", ["cost", "cardinality"])
@pytest.mark.parametrize("exhaustive_stop", [True, False])
@pytest.mark.parametrize("name", FILES)
def test_fast_add1_matches_rerunning_mes_at_every_raise(
    pabulib_folder: Path, name: str, exhaustive_stop: bool, utility: str
):
    election = read_pb(pabulib_folder / name)
    _assert_fast_add1_is_plain_add1(election, utility, exhaustive_stop)


@pytest.mark.parametrize("utility", ["cost", "cardinality"])
@pytest.mark.parametrize("name", ["Netherlands_Assen_2024.pb", "Poland_Swiecie_2023.pb"])
def test_every_raise_a_certificate_skips_funds_what_both_ends_fund(
    pabulib_folder: Path, monkeypatch: pytest.MonkeyPatch, name: str, utility: str
):
    election = read_pb(pabulib_folder / name)
    rank = tie_rank(election, "text-id")
    accepted = []
    certify = mes_add1.certified

    def spy(low, high):
        certified = certify(low, high)
        if certified:
            accepted.append((low, high))
        return certified

    monkeypatch.setattr(mes_add1, "certified", spy)
    method_of_equal_shares(election, utility=utility, rank=rank, completion="add1")
    assert any(high.start - low.start > 1 for low, high in accepted)
    data = Projects(election, utility)
    for low, high in accepted:
        assert high.selected == low.selected
        inside = {low.start + 1, (low.start + high.start) // 2, high.start - 1} - {high.start}
        for start in inside:
            plain = Engine(data, rank, start, record=False).run(data.eligible)
            assert plain.selected == low.selected, (low.start, start, high.start)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tight_elections(), st.sampled_from(["cost", "cardinality"]), st.booleans())
def test_fast_add1_matches_rerunning_mes_on_small_tight_elections(
    election: Election, utility: str, exhaustive_stop: bool
):
    # Budgets that divide exactly make exact ties at projects' least prices, near-ties
    # in payments and certificates tried across changes of order: every shortcut.
    _assert_fast_add1_is_plain_add1(election, utility, exhaustive_stop)


def _stretches_the_tree_proves(monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, float]]:
    """Spy on the tree of orders: return every stretch of starts it proved."""
    proved: list[tuple[float, float]] = []
    holds = bracket.Bracket.holds

    def spy(self, low_start: float, high_start: float, max_nodes: int) -> bool:
        held = holds(self, low_start, high_start, max_nodes)
        if held:
            proved.append((low_start, high_start))
        return held

    monkeypatch.setattr(bracket.Bracket, "holds", spy)
    return proved


def _goes_on_after(election: Election, data: Projects, rank, selected: list[int], stop: bool):
    """Return whether add1 goes on after a run that funds ``selected``."""
    outcome = sorted(data.free, key=lambda p: rank[p]) + selected
    spent = sum(int(data.cost[p]) for p in outcome)
    chosen = set(outcome)
    return not (
        spent > election.budget
        or set(data.eligible) <= chosen
        or (stop and exhaustive(spent, election.budget, chosen, data.eligible, data.cost))
    )


def _goes_on(election: Election, data: Projects, rank, start: Fraction, stop: bool) -> bool:
    """Return whether add1 goes on after re-running MES from scratch at ``start``."""
    selected = Engine(data, rank, start, record=False).run(data.eligible).selected
    return _goes_on_after(election, data, rank, selected, stop)


@pytest.mark.parametrize("utility", ["cost", "cardinality"])
@pytest.mark.parametrize("name", ["Netherlands_Assen_2024.pb", "Poland_Swiecie_2023.pb"])
def test_every_raise_in_a_stretch_the_tree_proves_lets_add1_go_on(
    pabulib_folder: Path, monkeypatch: pytest.MonkeyPatch, name: str, utility: str
):
    election = read_pb(pabulib_folder / name)
    rank = tie_rank(election, "text-id")
    proved = _stretches_the_tree_proves(monkeypatch)
    initial = Fraction(election.budget, election.num_voters)

    method_of_equal_shares(election, utility=utility, rank=rank, completion="add1")

    assert proved, "the tree proved no stretch: this test checks nothing"
    data = Projects(election, utility)
    changes_order = []
    for low, high in proved:
        first, last = round(low - float(initial)), round(high - float(initial))
        for k in range(first + 1, last + 1):
            assert _goes_on(election, data, rank, initial + k, True), (first, k, last)
        ends = [
            Engine(data, rank, initial + k, record=False).run(data.eligible).selected
            for k in (first, last)
        ]
        changes_order.append(ends[0] != ends[1])
    # The tree is there for stretches whose ends fund differently: some must.
    assert any(changes_order), "every stretch the tree proved keeps one order"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(long_add1_elections(), st.sampled_from(["cost", "cardinality"]), st.booleans())
def test_fast_add1_matches_rerunning_mes_on_elections_with_many_raises(
    election: Election, utility: str, exhaustive_stop: bool
):
    # Long stretches of raises, with changes of order: where the tree of orders is tried.
    _assert_fast_add1_is_plain_add1(election, utility, exhaustive_stop)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(long_add1_elections(), st.sampled_from(["cost", "cardinality"]), st.booleans())
def test_every_raise_the_tree_proves_lets_add1_go_on_in_elections_with_many_raises(
    election: Election, utility: str, exhaustive_stop: bool
):
    with pytest.MonkeyPatch.context() as monkeypatch:
        proved = _stretches_the_tree_proves(monkeypatch)
        rank = tie_rank(election, "text-id")
        method_of_equal_shares(
            election, utility=utility, rank=rank, completion="add1", exhaustive_stop=exhaustive_stop
        )
    initial = Fraction(election.budget, election.num_voters)
    data = Projects(election, utility)
    for low, high in proved:
        first, last = round(low - float(initial)), round(high - float(initial))
        for k in range(first + 1, last + 1):
            assert _goes_on(election, data, rank, initial + k, exhaustive_stop), (first, k, last)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tie_heavy_elections(), st.sampled_from(["cost", "cardinality"]), st.booleans())
def test_fast_add1_matches_rerunning_mes_on_elections_full_of_exact_ties(
    election: Election, utility: str, exhaustive_stop: bool
):
    # Twins with the same cost and supporters tie exactly at their least price, round
    # after round (as half of Toulouse 2024's projects do): the tie-break decides.
    _assert_fast_add1_is_plain_add1(election, utility, exhaustive_stop)


# Each example re-runs MES at every start a tree proves; since the tree merges paths
# (decision 0080) it proves more stretches, so fewer examples check as much as before.
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    long_add1_elections(),
    st.sampled_from(["cost", "cardinality"]),
    st.booleans(),
    st.integers(0, 40),
    st.integers(1, 60),
)
def test_the_tree_of_orders_proves_only_what_rerunning_mes_confirms(
    election: Election, utility: str, exhaustive_stop: bool, first: int, span: int
):
    # Straight at the tree, on any stretch, not only those the add1 loop would try.
    data = Projects(election, utility)
    rank = tie_rank(election, "text-id")
    initial = Fraction(election.budget, election.num_voters)
    spend_limit = election.budget - sum(int(data.cost[p]) for p in data.free)

    def goes_on(selected: list[int]) -> bool:
        return _goes_on_after(election, data, rank, selected, exhaustive_stop)

    tree = bracket.Bracket(data, rank, spend_limit, goes_on, record_orders=True)
    last = first + span
    if tree.holds(float(initial + first), float(initial + last), max_nodes=2000):
        # The proof covers every start in the stretch, whole raises or not.
        starts = [initial + k for k in range(first, last + 1)]
        starts += [initial + first + Fraction(j * span, 13) for j in range(1, 13)]
        for start in starts:
            assert _goes_on(election, data, rank, start, exhaustive_stop), (first, start, last)
            order = Engine(data, rank, start, record=False).run(data.eligible).selected
            assert order in tree.orders, (first, start, last)


def test_a_tree_deeper_than_its_limit_gives_up_and_add1_still_ends_the_same(
    pabulib_folder: Path, monkeypatch: pytest.MonkeyPatch
):
    election = read_pb(pabulib_folder / "Netherlands_Assen_2024.pb")
    rank = tie_rank(election, "text-id")
    expected = method_of_equal_shares(election, utility="cost", rank=rank, completion="add1")
    monkeypatch.setattr(bracket, "MAX_DEPTH", 2)  # shallower than any of Assen's runs
    proved = _stretches_the_tree_proves(monkeypatch)

    shallow = method_of_equal_shares(election, utility="cost", rank=rank, completion="add1")

    assert proved == []
    assert (shallow.selected, shallow.start) == (expected.selected, expected.start)
    assert shallow.runs > expected.runs
