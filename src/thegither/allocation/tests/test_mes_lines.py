"""The proof by lines (mes_lines) proves only stretches where MES keeps one order."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thegither.allocation import Election, mes_add1, read_pb
from thegither.allocation.mes import method_of_equal_shares
from thegither.allocation.mes_lines import OrderLines
from thegither.allocation.mes_projects import Projects
from thegither.allocation.mes_rounds import Engine
from thegither.allocation.tests.samples import (
    long_add1_elections,
    tie_heavy_elections,
    tight_elections,
)
from thegither.allocation.tests.test_mes_add1 import plain_add1
from thegither.allocation.tiebreak import tie_rank


def _order_at(data: Projects, rank, start: Fraction) -> list[int]:
    return Engine(data, rank, start, record=False).run(data.eligible).selected


def _assert_proof_is_confirmed(election: Election, utility: str, first: int, span: int) -> bool:
    """Prove the stretch ``[first, first + span]`` of raises straight; if the proof holds,
    re-run MES at every whole start in it and at twelve fractional ones."""
    data = Projects(election, utility)
    rank = tie_rank(election, "text-id")
    initial = Fraction(election.budget, election.num_voters)
    run = Engine(data, rank, initial + first, record=False, trace=True).run(data.eligible)
    if not OrderLines(data, rank).holds(run, float(span)):
        return False
    starts = [initial + first + k for k in range(span + 1)]
    starts += [initial + first + Fraction(j * span, 13) for j in range(1, 13)]
    for start in starts:
        assert _order_at(data, rank, start) == run.selected, (first, start, span)
    return True


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    long_add1_elections(),
    st.sampled_from(["cost", "cardinality"]),
    st.integers(0, 40),
    st.integers(1, 80),
)
def test_the_proof_by_lines_proves_only_what_rerunning_mes_confirms(
    election: Election, utility: str, first: int, span: int
):
    _assert_proof_is_confirmed(election, utility, first, span)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(tight_elections(), tie_heavy_elections()),
    st.sampled_from(["cost", "cardinality"]),
    st.integers(0, 10),
    st.integers(1, 30),
)
def test_the_proof_by_lines_holds_only_where_mes_keeps_its_order_in_exact_ties(
    election: Election, utility: str, first: int, span: int
):
    # Exact ties at least prices (twins, as on Toulouse) and budgets that divide exactly:
    # the proof must settle them as the engine does, or fail.
    _assert_proof_is_confirmed(election, utility, first, span)


def test_the_proof_by_lines_is_not_tried_where_supporters_value_a_project_differently(
    pabulib_folder: Path,
):
    election = read_pb(pabulib_folder / "Switzerland_Zurich_D10.pb")
    assert not OrderLines(Projects(election, "score"), tie_rank(election, "text-id")).usable
    assert OrderLines(Projects(election, "cost"), tie_rank(election, "text-id")).usable


def _leap_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let add1 try proofs by lines from its first raise, on any election."""
    monkeypatch.setattr(mes_add1, "LEAP_AFTER", 0)
    monkeypatch.setattr(mes_add1, "LEAP_WEIGHT", 0.0)


@pytest.mark.parametrize("utility", ["cost", "cardinality"])
@pytest.mark.parametrize("name", ["Poland_Katowice_2023.pb", "Poland_Wroclaw_2018.pb"])
def test_every_raise_in_a_stretch_add1_proves_by_lines_funds_what_its_start_funds(
    pabulib_folder: Path, monkeypatch: pytest.MonkeyPatch, name: str, utility: str
):
    election = read_pb(pabulib_folder / name)
    rank = tie_rank(election, "text-id")
    _leap_everywhere(monkeypatch)
    proved: list[tuple[Fraction, float, list[int]]] = []
    holds = OrderLines.holds

    def spy(self, run, length):
        held = holds(self, run, length)
        if held:
            proved.append((run.start, length, list(run.selected)))
        return held

    monkeypatch.setattr(OrderLines, "holds", spy)
    fast = method_of_equal_shares(election, utility=utility, rank=rank, completion="add1")
    assert proved, "add1 proved no stretch by lines: this test checks nothing"
    data = Projects(election, utility)
    for start, length, selected in proved:
        for k in range(int(length) + 1):
            assert _order_at(data, rank, start + k) == selected, (start, k, length)
    assert (fast.selected, fast.start) == plain_add1(
        election, utility=utility, exhaustive_stop=True
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(long_add1_elections(), tie_heavy_elections()),
    st.sampled_from(["cost", "cardinality"]),
    st.booleans(),
)
def test_add1_with_proofs_by_lines_everywhere_matches_rerunning_mes_at_every_raise(
    election: Election, utility: str, exhaustive_stop: bool
):
    with pytest.MonkeyPatch.context() as monkeypatch:
        _leap_everywhere(monkeypatch)
        fast = method_of_equal_shares(
            election,
            utility=utility,
            rank=tie_rank(election, "text-id"),
            completion="add1",
            exhaustive_stop=exhaustive_stop,
        )
    assert (fast.selected, fast.start) == plain_add1(
        election, utility=utility, exhaustive_stop=exhaustive_stop
    )
