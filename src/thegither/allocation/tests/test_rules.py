"""Rules reproduce official outcomes and keep their promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from thegither.allocation import RULES, Ballot, Election, Project, allocate, read_pb
from thegither.allocation.pabulib import parse_pb
from thegither.allocation.tests.samples import SMALL


def official(election) -> set[str]:
    return {p.id for p in election.projects if p.fields.get("selected", "").strip() == "1"}


@pytest.mark.parametrize(
    ("name", "rule", "exhaustive_stop"),
    [
        ("Netherlands_Assen_2024.pb", "mes-add1", True),
        ("Poland_Swiecie_2023.pb", "mes-add1", True),
        ("Poland_Wieliczka_2023_Green_Budget.pb", "mes-add1", False),
        ("Poland_Katowice_2023.pb", "greedy-threshold", True),
        ("Poland_Krakow_2024.pb", "greedy", True),
        ("Poland_Lodz_2022.pb", "greedy-threshold", True),
        ("Poland_Warszawa_2023_Mokotow.pb", "greedy", True),
        ("Poland_Warszawa_2026.pb", "greedy-threshold", True),
        ("Poland_Wroclaw_2018.pb", "greedy-no-skip", True),
    ],
)
def test_official_outcome_is_reproduced(
    pabulib_folder: Path, name: str, rule: str, exhaustive_stop: bool
):
    election = read_pb(pabulib_folder / name)
    outcome = allocate(election, rule=rule, exhaustive_stop=exhaustive_stop)
    assert set(outcome.selected) == official(election)


@pytest.mark.parametrize("rule", RULES)
def test_every_rule_stays_within_budget_and_explains_every_project(rule: str):
    election = parse_pb(SMALL)
    outcome = allocate(election, rule=rule, threshold=1)
    assert outcome.spent <= election.budget
    assert {e.project_id for e in outcome.explanations} == {"a", "b", "c"}
    funded = {e.project_id for e in outcome.explanations if e.funded}
    assert funded == set(outcome.selected)
    data = outcome.to_json()
    assert set(data) >= {"selected", "spent", "rule", "explanations"}


def test_greedy_skips_a_project_that_no_longer_fits_and_says_so():
    outcome = allocate(parse_pb(SMALL), rule="greedy")
    assert outcome.selected == ["a", "c"]
    why_b = next(e for e in outcome.explanations if e.project_id == "b")
    assert why_b.reason == "too-expensive"
    assert "only 40 was left" in why_b.text


# 6 voters, 100 to spend. Points: Trees 9 (cost 20), Pool 8 (cost 60), Bins 6 (cost 40).
# Equal shares with the points utility funds Trees and leaves 80; then greedy by total
# points takes Pool (8 points) before Bins (6), although Bins has more points per unit of
# cost (0.15 against 0.13).
FILL = Election(
    projects=(Project("p0", 40, "Bins"), Project("p1", 20, "Trees"), Project("p2", 60, "Pool")),
    budget=100,
    kind="cumulative",
    ballots=(
        Ballot(("p2",), (2,)),
        Ballot(("p2", "p1"), (2, 3), weight=3),
        Ballot(("p0",), (3,), weight=2),
    ),
)


@pytest.mark.parametrize("utility", ["score", "cost", "cardinality"])
def test_add1u_fills_up_by_total_support_whatever_utility_equal_shares_used(utility: str):
    plain = allocate(FILL, rule="mes-add1", utility=utility)
    topped = allocate(FILL, rule="mes-add1u", utility=utility)
    greedy_order = allocate(FILL, rule="greedy", utility="cost")
    # The top-up goes down the greedy rule's line (total points) from where MES stopped.
    assert topped.selected[: len(plain.selected)] == plain.selected
    ranked = sorted(greedy_order.explanations, key=lambda e: e.details["rank"])
    left = FILL.budget - plain.spent
    expected = list(plain.selected)
    for explanation in ranked:
        if explanation.project_id not in expected and explanation.cost <= left:
            expected.append(explanation.project_id)
            left -= explanation.cost
    assert topped.selected == expected


def test_add1u_with_the_points_utility_tops_up_as_pabutools_completion_does():
    # pabutools: MES with the points utility, then greedy by total points.
    assert allocate(FILL, rule="mes-add1", utility="score").selected == ["p1"]
    assert allocate(FILL, rule="mes-add1u", utility="score").selected == ["p1", "p2"]
