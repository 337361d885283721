"""The allocation benchmark's target checks, on made-up measurements, and one real run."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from thegither.tests.support import missing

HERE = Path(__file__).resolve().parent
SPEC = importlib.util.spec_from_file_location("allocation_benchmark", HERE / "allocation.py")
bench = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(bench)

MOKOTOW = "Poland_Warszawa_2023_Mokotow.pb"


def measured(total: float, peak_mb: float = 60.0, source: str = "live") -> dict:
    return {
        "computed": True,
        "parse_seconds": 0.05,
        "rule_seconds": total - 0.05,
        "peak_mb": peak_mb,
        "source": source,
    }


def test_a_slower_machine_is_allowed_for_by_pabutools_measured_alongside():
    # pabutools took twice the 320 s here, so 2.4 s counts as 1.2 s there.
    item = bench.warsaw_target(MOKOTOW, measured(2.4), measured(640.0, 9000.0))
    assert item["met_as_measured"] is False
    assert item["machine_factor"] == pytest.approx(2.0)
    assert item["scaled_total_s"] == pytest.approx(1.2)
    assert item["met_scaled"] is True
    assert item["met"] is True


def test_a_scaled_time_over_the_target_fails():
    item = bench.warsaw_target(MOKOTOW, measured(3.4), measured(640.0, 9000.0))
    assert item["scaled_total_s"] == pytest.approx(1.7)
    assert item["met"] is False


def test_memory_is_held_against_300_mb_whatever_the_speed():
    item = bench.warsaw_target(MOKOTOW, measured(1.0, peak_mb=310.0), measured(640.0, 9000.0))
    assert item["met_scaled"] is False
    assert item["met_as_measured"] is False


def test_recorded_peer_timings_never_scale_the_target():
    # A fixture was timed on another machine at another time: it says nothing about now.
    item = bench.warsaw_target(MOKOTOW, measured(2.4), measured(1137.0, source="fixture"))
    assert "machine_factor" not in item
    assert item["met"] is item["met_as_measured"] is False


def test_targets_count_only_what_was_measured():
    rows = [
        {
            "file": MOKOTOW,
            "rule": "mes-add1",
            "thegither": measured(1.2),
            "pabutools": measured(700.0, 9000.0),
        }
    ]
    targets = bench.check_targets(rows, [MOKOTOW, "Poland_Warszawa_2026.pb"], ["mes-add1"])
    warsaw = targets["mes_add1_warsaw_under_1.5s_and_300MB"]
    # Warszawa 2026 was asked for but not measured: the target is not met yet.
    assert warsaw["met"] is False
    assert warsaw["checked"] == 1
    assert warsaw["expected"] == 2
    speedup = targets["50x_faster_where_pabutools_needs_1s"]
    assert speedup["met"] is True
    assert speedup["checked"] == 1


@pytest.mark.slow
def test_one_command_prints_a_table_and_a_json_line():
    files = Path(bench.load_reference().pabulib_dir())
    if not (files / "Poland_Swiecie_2023.pb").exists():
        missing(f"Pabulib files not found in {files} (set THEGITHER_PABULIB_DIR)")
    args = ["--files", "Poland_Swiecie_2023", "--rules", "greedy", "mes", "--peer-from-fixtures"]
    done = subprocess.run(
        [sys.executable, str(HERE / "allocation.py"), *args, "--repeat", "1"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    lines = done.stdout.strip().splitlines()
    assert lines[0].split()[:3] == ["file", "rule", "impl"]
    summary = json.loads(lines[-1])
    result = summary["results"]["Poland_Swiecie_2023.pb"]
    assert set(result) == {"greedy", "mes"}
    assert result["mes"]["same_selection"] is True
    assert result["mes"]["pabutools"]["source"] == "fixture"
    assert summary["targets"]["greedy_and_mes_rule_under_0.1s"]["checked"] == 2


def test_the_50x_scope_is_also_read_at_this_machines_speed():
    # pabutools took 2.5 times the 320 s on Mokotów here: a case where it needs
    # 1.1 s here would have needed 0.44 s on the machine, under its 1 s line.
    rows = [
        {
            "file": MOKOTOW,
            "rule": "mes-add1",
            "thegither": measured(2.0),
            "pabutools": measured(800.0, 9000.0),
        },
        {
            "file": "Netherlands_Assen_2024.pb",
            "rule": "mes-add1",
            "thegither": measured(0.044),
            "pabutools": measured(1.1),
        },
    ]
    targets = bench.check_targets(rows, [MOKOTOW], ["mes-add1"])
    speedup = targets["50x_faster_where_pabutools_needs_1s"]
    assert speedup["met"] is False  # as measured: 25 times on Assen
    assert [f["file"] for f in speedup["failures"]] == ["Netherlands_Assen_2024.pb"]
    assert speedup["scaled"]["machine_factor"] == pytest.approx(2.5)
    assert speedup["scaled"]["checked"] == 1  # Mokotów only
    assert speedup["scaled"]["met"] is True


def too_slow_fixture() -> dict:
    return {"computed": False, "not_computed": "too slow", "reason": "ran past 14 minutes"}


def test_a_peer_run_recorded_as_too_slow_is_never_started_unless_asked_for():
    recorded = too_slow_fixture()
    for limit in (None, 20.0):
        plan = bench.peer_plan(recorded, from_fixtures=False, limit=limit, live=False)
        assert plan == "fixture"
    assert bench.peer_plan(recorded, from_fixtures=False, limit=None, live=True) == "live"


def test_the_peer_runs_live_within_the_limit_or_from_its_fixture_over_it():
    fast = measured(5.0) | {"source": "fixture"}
    slow = measured(500.0) | {"source": "fixture"}
    assert bench.peer_plan(fast, from_fixtures=False, limit=20.0, live=False) == "live"
    assert bench.peer_plan(slow, from_fixtures=False, limit=20.0, live=False) == "fixture"
    assert bench.peer_plan(None, from_fixtures=False, limit=20.0, live=False) == "limited"
    assert bench.peer_plan(None, from_fixtures=False, limit=None, live=False) == "live"
    assert bench.peer_plan(slow, from_fixtures=True, limit=None, live=True) == "fixture"


def row(file: str, rule: str, ours: float, peer: float | None = None, **extra) -> dict:
    return {
        "file": file,
        "rule": rule,
        "thegither": measured(ours),
        "pabutools": measured(peer) if peer else {"computed": False, "source": "none"},
        **extra,
    }


def test_budapest_is_held_to_2s_and_300mb_for_each_add1_variant():
    rows = [
        row(bench.BUDAPEST, "mes-add1", 1.5),
        row(bench.BUDAPEST, "mes-add1-cardinality", 2.5),
    ]
    targets = bench.check_targets(rows, [bench.BUDAPEST], list(bench.BUDAPEST_RULES))
    budapest = targets["mes_add1_budapest_under_2s_and_300MB"]
    assert budapest["met"] is False
    assert budapest["expected"] == 4  # both variants, both utilities
    assert [f["rule"] for f in budapest["failures"]] == ["mes-add1-cardinality"]


def test_add1_must_be_100x_pabutools_on_toulouse_and_wherever_pabutools_needs_10s():
    rows = [
        row("France_Toulouse_2024.pb", "mes-add1", 1.0, 205.0),  # 205 times
        row("Poland_Lodz_2022.pb", "mes-add1", 2.0, 160.0),  # 80 times
        row("Netherlands_Assen_2024.pb", "mes-add1", 0.1, 2.0),  # pabutools under 10 s
    ]
    target = bench.check_targets(rows, [], ["mes-add1"])[
        "mes_add1_100x_pabutools_toulouse_and_where_it_needs_10s"
    ]
    assert target["checked"] == 2
    assert [f["file"] for f in target["failures"]] == ["Poland_Lodz_2022.pb"]


def test_muoblp_counts_when_it_finished_or_was_stopped_at_its_limit():
    stopped = {"computed": False, "reason": "stopped after 900 s", "limit_s": 900.0}
    rows = [
        row("a.pb", "mes", 0.2, muoblp=measured(0.1)),  # muoblp faster: a failure
        row("b.pb", "mes-add1", 5.0, muoblp=stopped),  # at least 900 s: met
        row("c.pb", "greedy", 0.1, muoblp=None),  # no such rule: not counted
    ]
    target = bench.check_targets(rows, [], ["mes", "mes-add1"])[
        "faster_than_muoblp_everywhere_both_run"
    ]
    assert target["checked"] == 2
    assert [f["file"] for f in target["failures"]] == ["a.pb"]


def test_nothing_slower_than_the_baseline_allows_only_noise():
    rows = [
        row("a.pb", "mes", 1.05, baseline=measured(1.0)),  # within 10 %
        row("b.pb", "mes", 1.3, baseline=measured(1.0)),  # slower
    ]
    target = bench.check_targets(rows, [], ["mes"])["nothing_slower_than_baseline"]
    assert [f["file"] for f in target["failures"]] == ["b.pb"]


def test_muoblp_arguments_have_one_voter_per_ballot_voter_and_the_cost_utility():
    from thegither.allocation import Ballot, Election, Project

    election = Election(
        projects=(Project("a", 60), Project("b", 40)),
        budget=100,
        kind="approval",
        ballots=(Ballot(("a", "b"), weight=2), Ballot(("b",))),
    )
    voters, ids, cost, approvals, total, budget = bench.muoblp_arguments(election)
    assert voters == ["v0", "v1", "v2"]
    assert ids == ["a", "b"]
    assert cost == {"a": 60.0, "b": 40.0}
    assert approvals == {"a": [("v0", 1), ("v1", 1)], "b": [("v0", 1), ("v1", 1), ("v2", 1)]}
    assert total == {"a": 2, "b": 3}
    assert budget == 100.0
