"""Thegither's budgeting rules select what pabutools, the peer implementation, selects.

pabutools 1.2.3 is exact but slow, so its outcomes on the shared Pabulib files are kept as
fixtures (``fixtures/pabutools/<file>__<rule>.json``, made by
``scripts/pabutools_reference.py``). The small files are also run through pabutools live,
here, so the comparison does not rest on stored files alone.

Order: pabutools' greedy and MES report projects in selection order, so Thegither must
select in the same order; pabutools' Phragmén sorts its result by id, so only the set is
compared there (each fixture says which, under ``order``).

A fixture may stand without an outcome for two reasons only (its ``not_computed`` key):
pabutools has no such rule for the file's ballots ("does not apply"), or pabutools ran past
a time or memory limit without finishing ("too slow", with ``limits`` saying how far; e.g.
MES add1 on Budapest's billion-forint budget, docs/decisions/0034). Every rule that has an
outcome is compared.

Without the Pabulib folder these tests skip, except in CI (``CI=true``), where they fail
(the ``pabulib_folder`` fixture in conftest.py).
pabutools runs in-process for the live checks; the fixtures come from the same code
(``run_one`` in the reference script), so a live check and a fixture cannot drift apart.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[4]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pabutools"
REFERENCE_SCRIPT = REPO / "scripts" / "pabutools_reference.py"
LIVE_FILES = (
    "Netherlands_Assen_2024.pb",
    "Poland_Swiecie_2023.pb",
    "Switzerland_Zurich_D10.pb",
    "Poland_Wieliczka_2023_Green_Budget.pb",
)
# pabutools needs tens of seconds (up to a minute) for add1 on the two larger "small"
# files; the fixtures cover those, and add1 is checked live on Assen and Zurich D10.
LIVE_SLOW = {
    ("Poland_Swiecie_2023.pb", "mes-add1"),
    ("Poland_Swiecie_2023.pb", "mes-add1-no-stop"),
    ("Poland_Wieliczka_2023_Green_Budget.pb", "mes-add1"),
    ("Poland_Wieliczka_2023_Green_Budget.pb", "mes-add1-no-stop"),
}


def _load_reference():
    spec = importlib.util.spec_from_file_location("pabutools_reference", REFERENCE_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reference = _load_reference()


def _fixtures() -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(FIXTURES.glob("*.json"))]


FIXTURE_DATA = _fixtures()
COMPUTED = [f for f in FIXTURE_DATA if f["computed"]]


@functools.cache
def _election(path: Path):
    from thegither.allocation import read_pb

    return read_pb(path)


def thegither_selected(path: Path, thegither_call: dict) -> list[str]:
    """Run Thegither's rule with the keywords a fixture names; return the ids selected."""
    from thegither.allocation import allocate

    outcome = allocate(_election(path), **thegither_call)
    return [str(project_id) for project_id in outcome.selected]


def assert_same_selection(ours: list[str], theirs: list[str], order: str, context: str) -> None:
    """Assert both outcomes hold the same projects, in the same order where it matters."""
    if order == "selection":
        first = next(
            (i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b),
            min(len(ours), len(theirs)),
        )
        assert ours == theirs, (
            f"{context}: first difference at position {first}: "
            f"Thegither {ours[first : first + 3]} vs pabutools {theirs[first : first + 3]}; "
            f"Thegither {ours}, pabutools {theirs}"
        )
    else:
        assert sorted(ours) == sorted(theirs), (
            f"{context}: only Thegither {sorted(set(ours) - set(theirs))}, "
            f"only pabutools {sorted(set(theirs) - set(ours))}"
        )


ACCEPTED_WITHOUT_OUTCOME = (reference.DOES_NOT_APPLY, reference.TOO_SLOW)
NOT_COMPUTED = [f for f in FIXTURE_DATA if not f["computed"]]


def test_every_shared_file_has_a_fixture_for_every_rule(pabulib_folder: Path) -> None:
    missing = [
        f"{path.name} {rule}"
        for path in sorted(pabulib_folder.glob("*.pb"))
        for rule in reference.RULES
        if not reference.fixture_path(path.name, rule).exists()
    ]
    assert not missing, (
        "run scripts/pabutools_reference.py; no pabutools outcome for: " + ", ".join(missing)
    )


def test_a_fixture_without_an_outcome_is_only_a_rule_that_does_not_apply_or_ran_too_long():
    # A placeholder ("not attempted") or a reason of no known kind must not turn CI green.
    unaccepted = [
        f"{f['file']} {f['rule']}: {f.get('not_computed')!r}"
        for f in NOT_COMPUTED
        if f.get("not_computed") not in ACCEPTED_WITHOUT_OUTCOME
    ]
    assert not unaccepted, (
        "run scripts/pabutools_reference.py for these; no outcome and no accepted reason: "
        + ", ".join(unaccepted)
    )


@pytest.mark.parametrize(
    "fixture",
    [f for f in NOT_COMPUTED if f.get("not_computed") == reference.DOES_NOT_APPLY],
    ids=lambda f: f"{f['file']}-{f['rule']}",
)
def test_a_rule_said_not_to_apply_is_one_pabutools_has_no_such_rule_for(
    pabulib_folder: Path, fixture: dict
) -> None:
    path = pabulib_folder / fixture["file"]
    assert fixture["reason"] == reference.does_not_apply(path, fixture["rule"])
    assert fixture["selected"] is None


@pytest.mark.parametrize(
    "fixture",
    [f for f in NOT_COMPUTED if f.get("not_computed") == reference.TOO_SLOW],
    ids=lambda f: f"{f['file']}-{f['rule']}",
)
def test_a_rule_pabutools_did_not_finish_says_how_far_it_ran(
    pabulib_folder: Path, fixture: dict
) -> None:
    path = pabulib_folder / fixture["file"]
    assert reference.does_not_apply(path, fixture["rule"]) is None
    assert hashlib.sha256(path.read_bytes()).hexdigest() == fixture["file_sha256"]
    limits = fixture["limits"]
    assert limits.get("minutes", 0) > 0 or limits.get("gb", 0) > 0, limits
    assert fixture["reason"].startswith("not computed: "), fixture["reason"]
    assert "pabutools ran past" in fixture["reason"], fixture["reason"]
    assert fixture["selected"] is None


@pytest.mark.parametrize("fixture", COMPUTED, ids=lambda f: f"{f['file']}-{f['rule']}")
def test_outcome_matches_pabutools_fixture(pabulib_folder: Path, fixture: dict) -> None:
    path = pabulib_folder / fixture["file"]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == fixture["file_sha256"], (
        f"{path.name} changed since its pabutools fixture was made; rerun "
        "scripts/pabutools_reference.py --force --files " + path.stem
    )
    ours = thegither_selected(path, fixture["parameters"]["thegither"])
    assert_same_selection(
        ours, fixture["selected"], fixture["order"], f"{fixture['file']} {fixture['rule']}"
    )


LIVE_CASES = [
    pytest.param(name, rule, marks=pytest.mark.slow, id=f"{name}-{rule}")
    for name in LIVE_FILES
    for rule in reference.RULES
    if (name, rule) not in LIVE_SLOW
]


@pytest.mark.parametrize(("name", "rule"), LIVE_CASES)
def test_outcome_matches_pabutools_live(pabulib_folder: Path, name: str, rule: str) -> None:
    problem = reference.pabutools_problem()
    if problem:
        pytest.fail(problem)
    path = pabulib_folder / name
    theirs = reference.run_one(path, rule)
    if not theirs["computed"]:
        # pabutools has no such rule for this ballot type (Phragmén on points ballots);
        # the stored fixture must say the same thing.
        stored = json.loads(reference.fixture_path(name, rule).read_text())
        assert not stored["computed"]
        assert stored["reason"] == theirs["reason"]
        return
    fixture = reference.fixture_path(name, rule)
    if fixture.exists():
        stored = json.loads(fixture.read_text())
        assert stored["selected"] == theirs["selected"], f"{fixture.name} is stale"
    call = reference.THEGITHER_CALL[rule] | {"tie_break": "text-id"}
    ours = thegither_selected(path, call)
    assert_same_selection(ours, theirs["selected"], theirs["order"], f"{name} {rule} (live)")


# Files whose META names the Method of Equal Shares: the official `selected` column is an
# outcome made by the cities' own MES implementation. test_rules.py checks that Thegither
# reproduces it; here the peer must reproduce it too, so the two peers back each other.
OFFICIAL_MES = [
    ("Netherlands_Assen_2024.pb", "mes-add1"),
    ("Poland_Swiecie_2023.pb", "mes-add1"),
    # equalshares/add1-comparison: Wieliczka raised budgets until the outcome overspent.
    ("Poland_Wieliczka_2023_Green_Budget.pb", "mes-add1-no-stop"),
]


def official_selected(path: Path) -> set[str]:
    """Return the ids the city funded, from the PROJECTS section's ``selected`` column."""
    election = _election(path)
    return {p.id for p in election.projects if p.fields.get("selected", "").strip() == "1"}


@pytest.mark.parametrize(("name", "rule"), OFFICIAL_MES, ids=[f"{n}-{r}" for n, r in OFFICIAL_MES])
def test_pabutools_fixture_agrees_with_official_outcome(
    pabulib_folder: Path, name: str, rule: str
) -> None:
    stored = json.loads(reference.fixture_path(name, rule).read_text())
    assert stored["computed"], stored.get("reason")
    assert set(stored["selected"]) == official_selected(pabulib_folder / name)
