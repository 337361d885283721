"""The fast add1 loop gives exactly what re-running MES at every raise gives."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thegither.allocation import Election, mes, read_pb
from thegither.allocation.mes import _Engine, _Projects, exhaustive, method_of_equal_shares
from thegither.allocation.tests.samples import tight_elections
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
    data = _Projects(election, utility)
    free = sorted(data.free, key=lambda p: rank[p])
    start = Fraction(election.budget, election.num_voters)
    previous: tuple[list[int], Fraction] | None = None
    while True:
        outcome = free + _Engine(data, rank, start, record=False).run(data.eligible).selected
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


@pytest.mark.parametrize("utility", ["cost", "cardinality"])
@pytest.mark.parametrize("exhaustive_stop", [True, False])
@pytest.mark.parametrize("name", FILES)
def test_fast_add1_matches_rerunning_mes_at_every_raise(
    pabulib_folder: Path, name: str, exhaustive_stop: bool, utility: str
):
    election = read_pb(pabulib_folder / name)
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
@pytest.mark.parametrize("name", ["Netherlands_Assen_2024.pb", "Poland_Swiecie_2023.pb"])
def test_every_raise_a_certificate_skips_funds_what_both_ends_fund(
    pabulib_folder: Path, monkeypatch: pytest.MonkeyPatch, name: str, utility: str
):
    election = read_pb(pabulib_folder / name)
    rank = tie_rank(election, "text-id")
    accepted = []
    certify = mes._certified

    def spy(low, high):
        certified = certify(low, high)
        if certified:
            accepted.append((low, high))
        return certified

    monkeypatch.setattr(mes, "_certified", spy)
    method_of_equal_shares(election, utility=utility, rank=rank, completion="add1")
    assert any(high.start - low.start > 1 for low, high in accepted)
    data = _Projects(election, utility)
    for low, high in accepted:
        assert high.selected == low.selected
        inside = {low.start + 1, (low.start + high.start) // 2, high.start - 1} - {high.start}
        for start in inside:
            plain = _Engine(data, rank, start, record=False).run(data.eligible)
            assert plain.selected == low.selected, (low.start, start, high.start)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tight_elections(), st.sampled_from(["cost", "cardinality"]), st.booleans())
def test_fast_add1_matches_rerunning_mes_on_small_tight_elections(
    election: Election, utility: str, exhaustive_stop: bool
):
    # Budgets that divide exactly make exact ties at projects' least prices, near-ties
    # in payments and certificates tried across changes of order: every shortcut.
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
