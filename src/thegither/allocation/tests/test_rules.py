"""Rules reproduce official outcomes and keep their promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from thegither.allocation import RULES, allocate, read_pb
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
