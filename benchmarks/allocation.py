"""Time Thegither's budgeting rules against pabutools, side by side, on the shared Pabulib files.

Every (file, rule, implementation) runs in its own fresh subprocess, one at a time. Inside
the subprocess the parse and the rule are timed separately (``time.perf_counter``); outside,
the peak resident memory of that subprocess is read from ``os.wait4`` (``ru_maxrss``). So
"total" is parse + rule inside the process (interpreter start-up and imports excluded) and
"peak MB" is everything the process ever held, imports included.

Usage::

    .venv/bin/python benchmarks/allocation.py [--files NAME ...] [--rules RULE ...]
        [--skip-peer-over SECONDS] [--peer-from-fixtures] [--peer-timeout SECONDS]
        [--no-muoblp] [--muoblp-timeout SECONDS] [--baseline SRC_DIR]

A second peer, ``muoblpbindings`` (C++, by Skowron and Sznajd; a benchmark-only extra,
``pip install -e '.[peers]'``: its package declares no licence), runs live on every file
for the rules it has: MES (``equal_shares_utils``) and MES add1 with the exhaustive stop
(``equal_shares_add1``), both with the cost utility (its utilities are per unit of cost,
so 1 for every supporter is Thegither's cost utility). It takes no parser and no voter
weights: its "parse" is Thegither's ``read_pb`` plus building its arguments, one entry per
voter. ``--baseline SRC_DIR`` also runs Thegither from another checkout's ``src`` (say the
commit before a change), side by side, for "nothing slower than before".

By default pabutools runs live next to Thegither. ``--skip-peer-over S`` leaves out the
pabutools runs whose stored fixture (``scripts/pabutools_reference.py``) took longer than S
seconds and uses the fixture's timing instead; where there is no fixture yet, pabutools runs
live but is stopped after S seconds. ``--peer-from-fixtures`` takes every pabutools timing
from the fixtures instead of running it. Such rows are labelled ``pabutools*`` (recorded,
not run now) in the table and ``"source": "fixture"`` in the JSON. The last line printed
is one JSON summary.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REFERENCE_SCRIPT = REPO / "scripts" / "pabutools_reference.py"
DEFAULT_RULES = ("greedy", "mes", "mes-add1", "phragmen")
# Rules only Thegither is asked for (no pabutools fixture): Budapest's add1 target covers
# the cardinality utility too.
THEGITHER_ONLY = {
    "mes-add1-cardinality": {"rule": "mes-add1", "utility": "cardinality", "exhaustive_stop": True},
    "mes-add1-no-stop-cardinality": {
        "rule": "mes-add1",
        "utility": "cardinality",
        "exhaustive_stop": False,
    },
}
# muoblpbindings' functions for our rules (cost utility only; see the module docstring).
MUOBLP_RULES = {"mes": "equal_shares_utils", "mes-add1": "equal_shares_add1"}
BUDAPEST = "Hungary_Budapest_2024.pb"
BUDAPEST_RULES = (
    "mes-add1",
    "mes-add1-no-stop",
    "mes-add1-cardinality",
    "mes-add1-no-stop-cardinality",
)
TARGET_BUDAPEST_SECONDS = 2.0
TARGET_BUDAPEST_MB = 300
TARGET_ADD1_SPEEDUP = 100
TARGET_ADD1_SPEEDUP_FROM_SECONDS = 10.0
# "Nothing slower than before": within this share and these seconds of the baseline (noise).
BASELINE_SLACK = 0.10
BASELINE_SLACK_SECONDS = 0.005
WARSAW_FILES = ("Poland_Warszawa_2026.pb", "Poland_Warszawa_2023_Mokotow.pb")
TARGET_WARSAW_SECONDS = 1.5
TARGET_WARSAW_MB = 300
# What the issue measured pabutools 1.2.3 at for MES add1 on its machine, next to the 1.5 s
# target. pabutools measured live in the same run tells how this machine compares, so the
# target can also be read on a slower or busier machine (docs/decisions/0032).
ISSUE_PEER_SECONDS = {"Poland_Warszawa_2026.pb": 365.0, "Poland_Warszawa_2023_Mokotow.pb": 320.0}
TARGET_SPEEDUP = 50
TARGET_SPEEDUP_FROM_SECONDS = 1.0
TARGET_FAST_RULES = ("greedy", "mes")
TARGET_FAST_SECONDS = 0.1


@functools.cache
def load_reference():
    """Import scripts/pabutools_reference.py once (rule definitions, fixture paths)."""
    spec = importlib.util.spec_from_file_location("pabutools_reference", REFERENCE_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- inside the subprocess


def run_thegither(path: Path, rule: str) -> dict:
    """Parse and allocate with Thegither; return ids selected and the two timings."""
    from thegither.allocation import PabulibError, allocate, read_pb

    calls = load_reference().THEGITHER_CALL | THEGITHER_ONLY
    call = calls[rule] | {"tie_break": "text-id"}
    started = time.perf_counter()
    election = read_pb(path)
    parse_seconds = time.perf_counter() - started
    started = time.perf_counter()
    try:
        outcome = allocate(election, **call)
    except PabulibError as exc:  # the rule does not apply, e.g. Phragmén on points ballots
        return {"computed": False, "reason": str(exc), "parse_seconds": parse_seconds}
    rule_seconds = time.perf_counter() - started
    return {
        "computed": True,
        "selected": [str(p) for p in outcome.selected],
        "order": "selection",
        "parse_seconds": parse_seconds,
        "rule_seconds": rule_seconds,
        **getattr(outcome, "work", {}),  # code from before issue 14 (--baseline) has none
    }


def muoblp_arguments(election) -> tuple:
    """Return equal_shares_*'s arguments for an election: one voter per ballot's voter,
    utility 1 for any support (its cost utility), the cost and the budget as floats."""
    import numpy as np

    tables = election.tables
    ids = [p.id for p in election.projects]
    starts = np.concatenate(([0], np.cumsum(tables.weight))).tolist()
    voters = [f"v{i}" for i in range(starts[-1])]
    cost = {ids[p]: float(tables.cost[p]) for p in range(len(ids))}
    approvals: dict[str, list[tuple[str, int]]] = {}
    total: dict[str, int] = {}
    for p, pid in enumerate(ids):
        entries = [
            (voters[v], 1)
            for g in tables.supporters[p].tolist()
            for v in range(starts[g], starts[g + 1])
        ]
        approvals[pid] = entries
        total[pid] = len(entries)
    return voters, ids, cost, approvals, total, float(election.budget)


def run_muoblp(path: Path, rule: str) -> dict:
    """Read with Thegither, build muoblpbindings' arguments (its "parse"), run its rule."""
    if rule not in MUOBLP_RULES:
        return {"computed": False, "reason": "muoblpbindings has no such rule"}
    try:
        import muoblpbindings
    except ImportError:
        return {
            "computed": False,
            "reason": "muoblpbindings is not installed (pip install -e '.[peers]')",
        }
    from thegither.allocation import read_pb

    started = time.perf_counter()
    arguments = muoblp_arguments(read_pb(path))
    parse_seconds = time.perf_counter() - started
    started = time.perf_counter()
    selected = getattr(muoblpbindings, MUOBLP_RULES[rule])(*arguments)
    rule_seconds = time.perf_counter() - started
    return {
        "computed": True,
        "selected": [str(p) for p in selected],
        # Its order among exact ties is its own (not pabutools' text-id): compare sets.
        "order": "set",
        "parse_seconds": parse_seconds,
        "rule_seconds": rule_seconds,
    }


def child_main(impl: str, path: Path, rule: str, out: Path) -> int:
    """Run one implementation on one (file, rule) and write the result to ``out``."""
    if impl in ("thegither", "baseline"):
        result = run_thegither(path, rule)
    elif impl == "muoblp":
        result = run_muoblp(path, rule)
    else:
        result = load_reference().run_one(path, rule)
    out.write_text(json.dumps(result))
    return 0


# ---------------------------------------------------------------- the parent


BASELINE_SRC: Path | None = None  # --baseline: the other checkout's src folder


def measure(impl: str, path: Path, rule: str, timeout: float) -> dict:
    """Run one measurement in a fresh subprocess; add its peak memory."""
    environment = None
    if impl == "baseline":
        # The other checkout's package comes first on the path, before the editable install.
        environment = os.environ | {"PYTHONPATH": str(BASELINE_SRC)}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        command = [sys.executable, str(Path(__file__).resolve())]
        command += ["--child", impl, str(path), rule, str(out)]
        returncode, timed_out, _wall, peak_mb = run_measured(
            command, timeout, poll=0.05, cwd=REPO, env=environment
        )
        if timed_out:
            result = {"computed": False, "reason": f"stopped after {timeout:.0f} s"}
        elif returncode != 0 or not out.exists():
            result = {"computed": False, "reason": f"exit code {returncode}"}
        else:
            result = json.loads(out.read_text())
    result["peak_mb"] = peak_mb
    result["source"] = "live"
    return result


def run_measured(command: list[str], timeout: float, *, poll: float, cwd: Path, env=None):
    """Run ``command`` as scripts/pabutools_reference.py does, with an environment."""
    import signal

    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env)
    timed_out = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - started > timeout:
            os.kill(process.pid, signal.SIGKILL)
            _, status, usage = os.wait4(process.pid, 0)
            timed_out = True
            break
        time.sleep(poll)
    return (
        os.waitstatus_to_exitcode(status),
        timed_out,
        time.perf_counter() - started,
        (usage.ru_maxrss / 1024),
    )


def measure_best(
    impl: str, path: Path, rule: str, timeout: float, repeat: int, repeat_under: float
) -> dict:
    """Measure up to ``repeat`` times in fresh subprocesses; keep the fastest timings.

    The machine is shared, so one run can be slowed by another job. As ``timeit``
    does, the minimum is the best estimate of what the code itself costs. Only runs
    quicker than ``repeat_under`` seconds are repeated, and both implementations are
    treated alike. Peak memory is the largest seen.
    """
    runs = [measure(impl, path, rule, timeout)]
    while len(runs) < repeat and runs[0].get("computed") and total(runs[0]) < repeat_under:
        again = measure(impl, path, rule, timeout)
        if not again.get("computed"):
            break
        runs.append(again)
    best = dict(runs[0])
    for key in ("parse_seconds", "rule_seconds"):
        if best.get(key) is not None:
            best[key] = min(run[key] for run in runs)
    best["peak_mb"] = max(run["peak_mb"] for run in runs)
    best["runs"] = len(runs)
    return best


def from_fixture(reference, path: Path, rule: str) -> dict | None:
    """Return pabutools' recorded timing for (file, rule), or None when there is none."""
    fixture = reference.fixture_path(path.name, rule)
    if not fixture.exists():
        return None
    data = json.loads(fixture.read_text())
    seconds = data.get("seconds", {})
    result = {
        "computed": data["computed"],
        "selected": data.get("selected"),
        "order": data.get("order"),
        "parse_seconds": seconds.get("parse_seconds"),
        "rule_seconds": seconds.get("rule_seconds"),
        "peak_mb": data.get("peak_rss_mb"),
        "source": "fixture",
        "recorded_at": data.get("computed_at"),
    }
    if not data["computed"]:
        result["reason"] = data.get("reason")
        result["not_computed"] = data.get("not_computed")
        result["wall_seconds"] = seconds.get("wall_seconds")
    return result


def peer_plan(
    recorded: dict | None, *, from_fixtures: bool, limit: float | None, live: bool
) -> str:
    """Say how to get pabutools' side: ``"fixture"``, ``"limited"`` (live, stopped after
    ``limit`` seconds) or ``"live"``.

    A fixture that records pabutools running past a time or memory limit is used as is
    unless ``--live`` names it: such a run (MES add1 on Budapest grew past 21 GB) must
    never start by surprise.
    """
    if from_fixtures:
        return "fixture"
    if recorded and recorded.get("not_computed") == load_reference().TOO_SLOW and not live:
        return "fixture"
    recorded_seconds = recorded and (total(recorded) or recorded.get("wall_seconds"))
    if limit is not None and recorded_seconds and recorded_seconds > limit:
        return "fixture"
    if limit is not None and recorded is None:
        return "limited"
    return "live"


def total(result: dict | None) -> float | None:
    """Return parse + rule seconds, or None if the run did not finish."""
    if not result or not result.get("computed") or result.get("rule_seconds") is None:
        return None
    return (result.get("parse_seconds") or 0) + result["rule_seconds"]


def same_selection(ours: dict, theirs: dict | None) -> bool | None:
    """Say whether both implementations selected the same projects (order where reported)."""
    if not theirs or not theirs.get("computed") or not ours.get("computed"):
        return None
    if theirs.get("order") == "selection" and ours.get("order") == "selection":
        return ours["selected"] == theirs["selected"]
    return sorted(ours["selected"]) == sorted(theirs["selected"])


def thegither_source() -> dict:
    """Say which Thegither code is measured: where it is imported from, and its commit."""
    import thegither

    where = Path(thegither.__file__).resolve().parent
    info: dict = {"path": str(where)}
    try:
        top = subprocess.run(
            ["git", "-C", str(where), "rev-parse", "--show-toplevel", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        dirty = subprocess.run(
            ["git", "-C", top[0], "status", "--porcelain", "--", str(where / "allocation")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        info |= {"commit": top[1][:12], "uncommitted_changes": bool(dirty)}
    except (OSError, subprocess.CalledProcessError, IndexError):
        info["commit"] = None  # e.g. a `git archive` snapshot on PYTHONPATH
    return info


def ratio_text(theirs: dict | None, ours: dict) -> str:
    """Return "12x" for their total over ours, or ">12x" for a run stopped at its limit."""
    if total(theirs) is not None and total(ours):
        return f"{total(theirs) / total(ours):.0f}x"
    if theirs and theirs.get("limit_s") and total(ours):
        return f">{theirs['limit_s'] / total(ours):.0f}x"
    return "-"


def fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_row(name: str, rule: str, impl: str, result: dict | None, ratio: str, agree: str):
    if result is None or not result.get("computed"):
        reason = (result or {}).get("reason", "not run")
        print(f"{name:38} {rule:28} {impl:11} {'':>9} {'':>9} {'':>9} {'':>8}  {reason}")
        return
    work = ""
    if "raises" in result:
        work = f"  raises {result['raises']:,}, MES runs {result['mes_runs']:,}"
    print(
        f"{name:38} {rule:28} {impl:11} {fmt(result.get('parse_seconds')):>9} "
        f"{fmt(result.get('rule_seconds')):>9} {fmt(total(result)):>9} "
        f"{fmt(result.get('peak_mb'), 0):>8} {ratio:>14} {agree}{work}",
        flush=True,
    )


def warsaw_target(name: str, ours: dict, theirs: dict | None) -> dict:
    """Check MES add1 on a Warsaw file against 1.5 s and 300 MB, as measured and as scaled.

    The issue set 1.5 s where pabutools took ``ISSUE_PEER_SECONDS``. When pabutools ran
    live in this run, ``machine_factor`` is how much slower this machine is than that one
    right now, and ``scaled_total_s`` is Thegither's time divided by it: the figure to
    hold against 1.5 s. Memory does not scale with speed: it is held against 300 MB as is.
    """
    ours_total = total(ours)
    memory_met = ours["peak_mb"] < TARGET_WARSAW_MB
    item = {
        "file": name,
        "total_s": round(ours_total, 4),
        "peak_mb": round(ours["peak_mb"], 1),
        "met_as_measured": ours_total < TARGET_WARSAW_SECONDS and memory_met,
    }
    peer_total = total(theirs)
    if peer_total is not None and theirs.get("source") == "live":
        factor = peer_total / ISSUE_PEER_SECONDS[name]
        scaled = ours_total / factor
        item |= {
            "pabutools_live_s": round(peer_total, 1),
            "pabutools_in_issue_s": ISSUE_PEER_SECONDS[name],
            "machine_factor": round(factor, 3),
            "scaled_total_s": round(scaled, 4),
            "met_scaled": scaled < TARGET_WARSAW_SECONDS and memory_met,
        }
    item["met"] = item.get("met_scaled", item["met_as_measured"])
    return item


def check_targets(rows: list[dict], files: list[str], rules: list[str]) -> dict:
    """Compare the measured rows with the issue's speed targets."""
    warsaw, speedup, fast = [], [], []
    add1_speedup, budapest, muoblp, baseline = [], [], [], []
    for row in rows:
        ours, theirs = row["thegither"], row["pabutools"]
        if not ours.get("computed"):
            continue
        ours_total = total(ours)
        peer_total = total(theirs)
        if row["file"] == BUDAPEST and row["rule"] in BUDAPEST_RULES:
            budapest.append(
                {
                    "rule": row["rule"],
                    "total_s": round(ours_total, 4),
                    "peak_mb": round(ours["peak_mb"], 1),
                    "met": ours_total < TARGET_BUDAPEST_SECONDS
                    and ours["peak_mb"] < TARGET_BUDAPEST_MB,
                }
            )
        if row["rule"] == "mes-add1" and (
            row["file"] == "France_Toulouse_2024.pb"
            or (peer_total or 0) >= TARGET_ADD1_SPEEDUP_FROM_SECONDS
        ):
            ratio = peer_total / ours_total if peer_total else None
            add1_speedup.append(
                {
                    "file": row["file"],
                    "pabutools_s": None if peer_total is None else round(peer_total, 3),
                    "pabutools_source": (theirs or {}).get("source"),
                    "thegither_s": round(ours_total, 4),
                    "ratio": None if ratio is None else round(ratio, 1),
                    "met": ratio is not None and ratio >= TARGET_ADD1_SPEEDUP,
                }
            )
        other = row.get("muoblp") or {}
        if other.get("computed") or str(other.get("reason", "")).startswith("stopped after"):
            other_total = total(other)
            muoblp.append(
                {
                    "file": row["file"],
                    "rule": row["rule"],
                    "muoblp_s": None if other_total is None else round(other_total, 4),
                    "muoblp_rule_s": other.get("rule_seconds"),
                    "thegither_s": round(ours_total, 4),
                    "thegither_rule_s": round(ours["rule_seconds"], 4),
                    # A run stopped at its time limit took at least that long.
                    "met": ours_total < (other_total or other.get("limit_s") or 0),
                    "same_selection": row.get("muoblp_same_selection"),
                }
            )
        before = row.get("baseline") or {}
        if total(before) is not None:
            allowed = total(before) * (1 + BASELINE_SLACK) + BASELINE_SLACK_SECONDS
            baseline.append(
                {
                    "file": row["file"],
                    "rule": row["rule"],
                    "before_s": round(total(before), 4),
                    "now_s": round(ours_total, 4),
                    "met": ours_total <= allowed,
                }
            )
        if row["file"] in WARSAW_FILES and row["rule"] == "mes-add1":
            warsaw.append(warsaw_target(row["file"], ours, theirs))
        if peer_total is not None and peer_total >= TARGET_SPEEDUP_FROM_SECONDS:
            ratio = peer_total / total(ours)
            speedup.append(
                {
                    "file": row["file"],
                    "rule": row["rule"],
                    "pabutools_s": round(peer_total, 3),
                    "ratio": round(ratio, 1),
                    "met": ratio >= TARGET_SPEEDUP,
                }
            )
        if row["rule"] in TARGET_FAST_RULES:
            fast.append(
                {
                    "file": row["file"],
                    "rule": row["rule"],
                    "rule_s": round(ours["rule_seconds"], 4),
                    "met": ours["rule_seconds"] < TARGET_FAST_SECONDS,
                }
            )
    warsaw_expected = len([f for f in WARSAW_FILES if f in files]) if "mes-add1" in rules else 0
    fast_expected = len(files) * len([r for r in rules if r in TARGET_FAST_RULES])

    def verdict(items: list[dict], expected: int | None) -> dict:
        failures = [i for i in items if not i["met"]]
        complete = expected is None or len(items) >= expected
        # None: nothing this target covers was measured in this run.
        met = None if not items else (not failures and complete)
        return {
            "met": met,
            "checked": len(items),
            **({"expected": expected} if expected is not None else {}),
            "failures": failures,
        }

    speedup_target = verdict(speedup, None)
    factors = [item["machine_factor"] for item in warsaw if "machine_factor" in item]
    if factors:
        # On a machine slower than the issue's, "pabutools needs a second" on the issue's
        # machine is pabutools needing machine_factor seconds here (the smallest factor
        # measured, which leaves out the fewest cases).
        factor = min(factors)
        scoped = [i for i in speedup if i["pabutools_s"] >= TARGET_SPEEDUP_FROM_SECONDS * factor]
        speedup_target["scaled"] = verdict(scoped, None) | {
            "machine_factor": factor,
            "pabutools_needs_s": round(TARGET_SPEEDUP_FROM_SECONDS * factor, 3),
        }
    budapest_expected = len([r for r in rules if r in BUDAPEST_RULES]) if BUDAPEST in files else 0
    return {
        "mes_add1_budapest_under_2s_and_300MB": verdict(budapest, budapest_expected or None)
        | {"measured": budapest},
        "mes_add1_100x_pabutools_toulouse_and_where_it_needs_10s": verdict(add1_speedup, None),
        "faster_than_muoblp_everywhere_both_run": verdict(muoblp, None),
        "nothing_slower_than_baseline": verdict(baseline, None)
        | {"slack": f"{BASELINE_SLACK:.0%} + {BASELINE_SLACK_SECONDS} s"},
        "mes_add1_warsaw_under_1.5s_and_300MB": verdict(warsaw, warsaw_expected)
        | {"measured": warsaw},
        "50x_faster_where_pabutools_needs_1s": speedup_target,
        "greedy_and_mes_rule_under_0.1s": verdict(fast, fast_expected),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table and the JSON summary line."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        impl, path, rule, out = argv[1:5]
        return child_main(impl, Path(path), rule, Path(out))

    reference = load_reference()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", nargs="*", help="Pabulib file names or stems; default all")
    parser.add_argument(
        "--rules",
        nargs="*",
        choices=(*reference.RULES, *THEGITHER_ONLY),
        help=f"default: {' '.join(DEFAULT_RULES)}",
    )
    parser.add_argument(
        "--no-muoblp", action="store_true", help="do not run muoblpbindings, the second peer"
    )
    parser.add_argument(
        "--muoblp-timeout",
        type=float,
        default=900,
        metavar="SECONDS",
        help="stop a muoblpbindings run after this long (it then took at least that); default 900",
    )
    parser.add_argument(
        "--baseline",
        metavar="SRC_DIR",
        help="also run Thegither from this src folder (another checkout), for 'nothing slower'",
    )
    parser.add_argument(
        "--skip-peer-over",
        type=float,
        metavar="SECONDS",
        help="take pabutools' timing from its fixture when the fixture took longer than this",
    )
    parser.add_argument(
        "--peer-from-fixtures",
        action="store_true",
        help="take every pabutools timing from the fixtures (labelled) instead of running it",
    )
    parser.add_argument(
        "--live",
        nargs="*",
        default=[],
        metavar="FILE:RULE",
        help="run pabutools live for these (file stem:rule) even over --skip-peer-over",
    )
    parser.add_argument("--peer-timeout", type=float, default=1800, help="seconds per peer run")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs per measurement, fastest kept (both implementations alike); default 3",
    )
    parser.add_argument(
        "--repeat-under",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="repeat only measurements whose first run took less than this; default 10",
    )
    args = parser.parse_args(argv)

    folder = reference.pabulib_dir()
    if not folder.is_dir():
        print(f"Pabulib folder not found: {folder} (set THEGITHER_PABULIB_DIR)", file=sys.stderr)
        return 2
    problem = None if args.peer_from_fixtures else reference.pabutools_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    paths = sorted(folder.glob("*.pb"), key=lambda p: p.stat().st_size)
    if args.files:
        wanted = {Path(name).stem for name in args.files}
        paths = [p for p in paths if p.stem in wanted]
    rules = args.rules or list(DEFAULT_RULES)
    global BASELINE_SRC
    BASELINE_SRC = Path(args.baseline).resolve() if args.baseline else None
    if BASELINE_SRC is not None and not (BASELINE_SRC / "thegither" / "allocation").is_dir():
        print(f"--baseline {BASELINE_SRC}: no thegither/allocation there", file=sys.stderr)
        return 2

    print(
        f"{'file':38} {'rule':28} {'impl':11} {'parse s':>9} {'rule s':>9} {'total s':>9} "
        f"{'peak MB':>8} {'ratio t/mem':>14} same"
    )
    rows = []
    for path in paths:
        for rule in rules:
            best_of = (args.repeat, args.repeat_under)
            ours = measure_best("thegither", path, rule, args.peer_timeout, *best_of)
            recorded = None if rule in THEGITHER_ONLY else from_fixture(reference, path, rule)
            live = f"{path.stem}:{rule}" in args.live
            limit = None if live else args.skip_peer_over
            plan = peer_plan(
                recorded, from_fixtures=args.peer_from_fixtures, limit=limit, live=live
            )
            if rule in THEGITHER_ONLY:
                theirs = {"computed": False, "reason": "Thegither only", "source": "none"}
            elif plan == "fixture":
                theirs = recorded
            elif plan == "limited":
                # Nothing recorded: give pabutools the limit and no more, so one run can
                # never turn into a 10 GB, many-minute job by surprise.
                theirs = measure_best("pabutools", path, rule, limit, *best_of)
                if not theirs["computed"]:
                    theirs["reason"] = f"over {limit:.0f} s (--skip-peer-over); no fixture yet"
            else:
                theirs = measure_best("pabutools", path, rule, args.peer_timeout, *best_of)
            agree = same_selection(ours, theirs)
            time_ratio = memory_ratio = None
            if total(theirs) is not None and total(ours):
                time_ratio = total(theirs) / total(ours)
                memory_ratio = theirs["peak_mb"] / ours["peak_mb"]
            label = "pabutools" if theirs and theirs["source"] == "live" else "pabutools*"
            print_row(path.name, rule, label, theirs, "", "")
            other = None
            if rule in MUOBLP_RULES and not args.no_muoblp:
                other = measure_best("muoblp", path, rule, args.muoblp_timeout, *best_of)
                if str(other.get("reason", "")).startswith("stopped after"):
                    other["limit_s"] = args.muoblp_timeout
                same = {True: "yes", False: "NO", None: "-"}[same_selection(ours, other)]
                print_row(path.name, rule, "muoblp", other, ratio_text(other, ours), same)
            before = None
            if BASELINE_SRC is not None:
                before = measure_best("baseline", path, rule, args.peer_timeout, *best_of)
                print_row(path.name, rule, "before", before, "", "")
            print_row(
                path.name,
                rule,
                "thegither",
                ours,
                "-" if time_ratio is None else f"{time_ratio:.0f}x/{memory_ratio:.0f}x",
                {True: "yes", False: "NO", None: "-"}[agree],
            )
            rows.append(
                {
                    "file": path.name,
                    "rule": rule,
                    "thegither": ours,
                    "pabutools": theirs or {"computed": False, "source": "none"},
                    "muoblp": other,
                    "muoblp_same_selection": same_selection(ours, other),
                    "baseline": before,
                    "time_ratio": time_ratio,
                    "memory_ratio": memory_ratio,
                    "same_selection": agree,
                }
            )
    if any(r["pabutools"].get("source") == "fixture" for r in rows):
        print("pabutools* = timing recorded by scripts/pabutools_reference.py, not run now")
    if any(r["muoblp"] for r in rows):
        print("muoblp = muoblpbindings (C++), live; its ratio is its total over Thegither's;")
        print(
            "  its 'same' compares the projects selected as a set (its order among ties is its own)"
        )

    def summary(result: dict) -> dict:
        keys = ("parse_seconds", "rule_seconds")
        out = {k.replace("_seconds", "_s"): round(result[k], 4) for k in keys if result.get(k)}
        if total(result) is not None:
            out["total_s"] = round(total(result), 4)
        if result.get("peak_mb") is not None:
            out["peak_mb"] = round(result["peak_mb"], 1)
        out["source"] = result.get("source")
        for key in ("raises", "mes_runs"):
            if key in result:
                out[key] = result[key]
        if not result.get("computed"):
            out["not_computed"] = result.get("reason", "not run")
        return out

    results: dict[str, dict] = {}
    for row in rows:
        results.setdefault(row["file"], {})[row["rule"]] = {
            "time_ratio": None if row["time_ratio"] is None else round(row["time_ratio"], 1),
            "memory_ratio": None if row["memory_ratio"] is None else round(row["memory_ratio"], 1),
            "same_selection": row["same_selection"],
            "thegither": summary(row["thegither"]),
            "pabutools": summary(row["pabutools"]),
        }
        if row["muoblp"] is not None:
            results[row["file"]][row["rule"]] |= {
                "muoblp": summary(row["muoblp"]),
                "muoblp_same_selection": row["muoblp_same_selection"],
            }
        if row["baseline"] is not None:
            results[row["file"]][row["rule"]]["before"] = summary(row["baseline"])
    line = {
        "benchmark": "allocation",
        "ratios": "pabutools / thegither; total = parse + rule inside the process",
        "timings": f"fastest of up to {args.repeat} fresh processes (runs under "
        f"{args.repeat_under:g} s), both implementations alike",
        "peer": "fixture"
        if args.peer_from_fixtures
        else ("live, fixture over threshold" if args.skip_peer_over is not None else "live"),
        "cpus": os.cpu_count(),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "thegither": thegither_source(),
        "baseline": None if BASELINE_SRC is None else str(BASELINE_SRC),
        "results": results,
        "targets": check_targets(rows, [p.name for p in paths], rules),
    }
    print(json.dumps(line, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
