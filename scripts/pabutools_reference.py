"""Compute pabutools 1.2.3 reference outcomes for every Pabulib file and keep them as fixtures.

pabutools is the peer that Thegither's allocation engine is checked against. It is exact
(gmpy2 fractions) but slow: minutes and gigabytes on the large files. So each outcome is
computed once, here, and written to ``src/thegither/allocation/tests/fixtures/pabutools/``
as one small JSON file per (file, rule). The test suite compares against those files and
checks the small files live.

Each (file, rule) runs in its own fresh subprocess, one at a time, so that its peak memory
(``ru_maxrss`` from ``os.wait4``) is its own and is given back to the machine afterwards.
Fixtures that already exist are kept unless ``--force`` is given, so an interrupted run
resumes where it stopped.

Rules (the fixture's ``rule`` key) and the exact pabutools call behind each:

- ``greedy``: ``greedy_utilitarian_welfare`` ("greedy by votes"). It ranks projects by
  total satisfaction divided by cost, so with ``Cost_Sat`` (satisfaction = cost when
  approved) the rank is the number of votes. For cumulative ballots the satisfaction is
  points x cost (``PointsCostSat`` below) so that the rank is the total points; pabutools
  has no built-in for this (``Additive_Cardinal_Sat`` would rank by points per unit of
  cost). Ordinal ballots are first turned into cardinal ballots with the stated scoring
  3/2/1 (first, second, third choice; Kraków's rule) and then treated like cumulative ones.
- ``mes``: ``method_of_equal_shares`` with ``Cost_Sat``, no completion. ``Cost_Sat`` is
  the project's cost for any support, whatever the points (pabutools' own class, used as is
  for every ballot type).
- ``mes-cardinality``: the same with ``Cardinality_Sat`` (1 for any support).
- ``mes-score``: the same with ``Additive_Cardinal_Sat`` (utility = the points given); only
  for cumulative and ordinal ballots (pabutools refuses approval ballots, where it would
  equal ``mes-cardinality``).
- ``mes-add1``: ``method_of_equal_shares(..., voter_budget_increment=1)``: pabutools stops
  at the first exhaustive outcome, or returns the last feasible one when an outcome
  overspends.
- ``mes-add1-no-stop``: add1 without the exhaustive stop. pabutools has no option for it,
  so the instance is an ``Instance`` subclass whose ``is_exhaustive`` always answers
  ``False``; pabutools then raises the budget until the outcome overspends and returns the
  last feasible outcome. Nothing else in the rule reads ``is_exhaustive``.
- ``phragmen``: ``sequential_phragmen`` (approval ballots only; pabutools refuses others).

A fixture without an outcome (``"computed": false``) says why, in ``reason``, and of which
kind, in ``not_computed``:

- ``"does not apply"``: pabutools has no such rule for this ballot type (``mes-score`` on
  approval ballots, ``phragmen`` on points ballots); ``does_not_apply`` gives the reason.
- ``"too slow"``: pabutools ran past a time or memory limit without finishing; ``limits``
  says how far (``minutes``, ``gb``). Either this script stopped it (``--timeout``,
  ``--memory-cap-gb``), or the (file, rule) is in ``KNOWN_TOO_SLOW``: measured once, by
  hand, as too big to run here again, so the script records it without running it.
- ``"not attempted"``: a placeholder (``--not-attempted``); a later run tries it again.
  The test suite refuses it: only the first two kinds may stand for an outcome.

Tie-breaking is pabutools' default everywhere: ``lexico_tie_breaking``, project names
(Pabulib ids) compared as text.

Order: ``greedy_utilitarian_welfare`` and ``method_of_equal_shares`` return a
``BudgetAllocation`` (a ``list``) built by ``append`` in selection order, so their order is
the selection order. ``sequential_phragmen`` calls ``alloc.sort()`` before returning, so its
list is sorted by project name and carries no selection order; its fixtures say
``"order": "sorted-by-id"`` and are compared as sets.

Usage::

    .venv/bin/python scripts/pabutools_reference.py [--files NAME ...] [--rules RULE ...]
        [--force] [--timeout SECONDS] [--memory-cap-gb GB] [--list] [--try-known-too-slow]

The Pabulib folder is ``$THEGITHER_PABULIB_DIR``, by default ``<repo>/../shared/data/pabulib``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "src" / "thegither" / "allocation" / "tests" / "fixtures" / "pabutools"
RULES = (
    "greedy",
    "mes",
    "mes-cardinality",
    "mes-score",
    "mes-add1",
    "mes-add1-no-stop",
    "phragmen",
)
ORDINAL_SCORES = (3, 2, 1)

# How Thegither is asked for the same outcome (thegither.allocation.allocate keywords).
THEGITHER_CALL = {
    "greedy": {"rule": "greedy", "utility": "cost"},
    "mes": {"rule": "mes", "utility": "cost"},
    "mes-cardinality": {"rule": "mes", "utility": "cardinality"},
    "mes-score": {"rule": "mes", "utility": "score"},
    "mes-add1": {"rule": "mes-add1", "utility": "cost", "exhaustive_stop": True},
    "mes-add1-no-stop": {"rule": "mes-add1", "utility": "cost", "exhaustive_stop": False},
    "phragmen": {"rule": "phragmen", "utility": "cost"},
}

# The kinds of fixture without an outcome (the fixture's ``not_computed`` key).
DOES_NOT_APPLY = "does not apply"
TOO_SLOW = "too slow"
NOT_ATTEMPTED = "not attempted"

# (file, rule) that pabutools is known not to finish on a machine like this one. They are
# never run (a run would take the memory other jobs on the machine need); their fixtures
# record why. ``--try-known-too-slow`` runs them anyway, under --timeout and --memory-cap-gb.
_BUDAPEST_ADD1 = (
    "pabutools ran past 14 minutes and 21 GB without finishing (measured once, by hand, "
    "on this 24 GB machine shared with other jobs; stopped there)"
)
KNOWN_TOO_SLOW = {
    ("Hungary_Budapest_2024.pb", "mes-add1"): {
        "minutes": 14,
        "gb": 21,
        "reason": f"not computed: {_BUDAPEST_ADD1}",
    },
    ("Hungary_Budapest_2024.pb", "mes-add1-no-stop"): {
        "minutes": 14,
        "gb": 21,
        "reason": (
            "not computed: not run, because add1 without the exhaustive stop makes every "
            f"raise that mes-add1 makes, and for mes-add1 {_BUDAPEST_ADD1}"
        ),
    },
}


def pabulib_dir() -> Path:
    """Return the folder of shared Pabulib files."""
    env = os.environ.get("THEGITHER_PABULIB_DIR")
    if env:
        return Path(env)
    return (REPO / ".." / "shared" / "data" / "pabulib").resolve()


def fixture_path(file_name: str, rule: str) -> Path:
    """Return where the fixture for one (file, rule) lives."""
    return FIXTURES / f"{Path(file_name).stem}__{rule}.json"


def vote_type(path: Path) -> str:
    """Read ``vote_type`` from a Pabulib META section without parsing the votes."""
    with path.open(encoding="utf-8-sig") as handle:
        for line in handle:
            key, _, value = line.strip().partition(";")
            if key.strip().lower() == "vote_type":
                return value.strip().strip('"')
            if key.strip().upper() == "PROJECTS":
                break
    return "approval"


def sha256(path: Path) -> str:
    """Return the hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- child side (pabutools)


def _points_cost_sat_class():
    """Return a pabutools satisfaction class: points x cost (cost utilities for points)."""
    from pabutools.election.satisfaction import AdditiveSatisfaction

    def points_cost(instance, profile, ballot, project, precomputed_values):
        return ballot.get(project, 0) * project.cost

    class PointsCostSat(AdditiveSatisfaction):
        def __init__(self, instance, profile, ballot):
            AdditiveSatisfaction.__init__(self, instance, profile, ballot, points_cost)

    return PointsCostSat


def _ordinal_as_cardinal(instance, profile):
    """Turn ranked ballots into cardinal ballots scored 3/2/1 (first, second, third)."""
    from pabutools.election import CardinalBallot, CardinalProfile

    ballots = []
    for ballot in profile:
        if len(ballot) > len(ORDINAL_SCORES):
            raise ValueError(f"ballot ranks {len(ballot)} projects; scoring covers 3")
        ballots.append(
            CardinalBallot({p: ORDINAL_SCORES[i] for i, p in enumerate(ballot)}),
        )
    return CardinalProfile(ballots, instance=instance)


class _NeverExhaustive:
    """Mixin: an instance whose ``is_exhaustive`` is always ``False`` (add1 without stop)."""

    def is_exhaustive(self, projects, available_projects=None):
        return False


def does_not_apply(path: Path, rule: str) -> str | None:
    """Return why pabutools has no such rule for this file's ballots, or None if it has."""
    kind = vote_type(path)
    approval = kind in ("approval", "choose-1")
    if rule == "mes-score" and approval:
        return (
            "pabutools' Additive_Cardinal_Sat only takes points ballots; for approval "
            "ballots the score utility is the cardinality utility (see mes-cardinality)"
        )
    if rule == "phragmen" and not approval:
        return f"pabutools' sequential_phragmen only takes approval ballots; this file is {kind}"
    return None


def run_one(path: Path, rule: str) -> dict:
    """Parse one file and run one rule with pabutools; return the outcome and timings."""
    from pabutools.election import (
        Additive_Cardinal_Sat,
        Cardinality_Sat,
        Cost_Sat,
        Instance,
        parse_pabulib,
    )
    from pabutools.rules import (
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        sequential_phragmen,
    )

    reason = does_not_apply(path, rule)
    if reason:
        return {"computed": False, "not_computed": DOES_NOT_APPLY, "reason": reason}

    started = time.perf_counter()
    instance, profile = parse_pabulib(str(path))
    kind = instance.meta.get("vote_type", "approval")
    if kind == "ordinal":
        profile = _ordinal_as_cardinal(instance, profile)
    parse_seconds = time.perf_counter() - started

    approval = kind in ("approval", "choose-1")
    greedy_sat = Cost_Sat if approval else _points_cost_sat_class()
    greedy_sat_name = "Cost_Sat" if approval else "PointsCostSat (points x cost)"
    conversion = "ordinal ballots scored 3/2/1 as cardinal ballots" if kind == "ordinal" else None

    if rule == "mes-add1-no-stop":
        never = type("NeverExhaustiveInstance", (_NeverExhaustive, Instance), {})
        patched = never(instance, budget_limit=instance.budget_limit)
        patched.meta = instance.meta
        instance = patched

    calls = {
        "greedy": (
            lambda: greedy_utilitarian_welfare(instance, profile, sat_class=greedy_sat),
            f"greedy_utilitarian_welfare(instance, profile, sat_class={greedy_sat_name})",
            "selection",
        ),
        "mes": (
            lambda: method_of_equal_shares(instance, profile, sat_class=Cost_Sat),
            "method_of_equal_shares(instance, profile, sat_class=Cost_Sat)",
            "selection",
        ),
        "mes-cardinality": (
            lambda: method_of_equal_shares(instance, profile, sat_class=Cardinality_Sat),
            "method_of_equal_shares(instance, profile, sat_class=Cardinality_Sat)",
            "selection",
        ),
        "mes-score": (
            lambda: method_of_equal_shares(instance, profile, sat_class=Additive_Cardinal_Sat),
            "method_of_equal_shares(instance, profile, sat_class=Additive_Cardinal_Sat)",
            "selection",
        ),
        "mes-add1": (
            lambda: method_of_equal_shares(
                instance, profile, sat_class=Cost_Sat, voter_budget_increment=1
            ),
            "method_of_equal_shares(instance, profile, sat_class=Cost_Sat, "
            "voter_budget_increment=1)",
            "selection",
        ),
        "mes-add1-no-stop": (
            lambda: method_of_equal_shares(
                instance, profile, sat_class=Cost_Sat, voter_budget_increment=1
            ),
            "method_of_equal_shares(NeverExhaustiveInstance, profile, sat_class=Cost_Sat, "
            "voter_budget_increment=1) where Instance.is_exhaustive always returns False",
            "selection",
        ),
        "phragmen": (
            lambda: sequential_phragmen(instance, profile),
            "sequential_phragmen(instance, profile)",
            "sorted-by-id",
        ),
    }
    call, call_text, order = calls[rule]
    started = time.perf_counter()
    outcome = call()
    rule_seconds = time.perf_counter() - started
    return {
        "computed": True,
        "selected": [str(p.name) for p in outcome],
        "spent": int(sum(p.cost for p in outcome)),
        "order": order,
        "call": call_text,
        "ballot_conversion": conversion,
        "parse_seconds": parse_seconds,
        "rule_seconds": rule_seconds,
    }


def child_main(path: Path, rule: str, out: Path, memory_cap_gb: float) -> int:
    """Run in the subprocess: cap memory, compute, write the result JSON to ``out``."""
    if memory_cap_gb > 0:
        cap = int(memory_cap_gb * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        result = run_one(path, rule)
    except MemoryError:
        result = {
            "computed": False,
            "not_computed": TOO_SLOW,
            "limits": {"gb": memory_cap_gb},
            "reason": (
                f"not computed: pabutools ran past the {memory_cap_gb:g} GB memory cap "
                "without finishing"
            ),
        }
    out.write_text(json.dumps(result))
    return 0


# ---------------------------------------------------------------- parent side


class PabutoolsCrashed(RuntimeError):
    """The pabutools subprocess died without an outcome (not a property of the rule)."""


def pabutools_problem() -> str | None:
    """Return why pabutools 1.2.3 cannot be used here, or None when it can."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("pabutools")
    except PackageNotFoundError:
        return "pabutools is not installed: pip install -e '.[test]'"
    if installed != "1.2.3":
        return f"pabutools {installed} is installed; the fixtures are for 1.2.3"
    try:
        import pabutools.election  # noqa: F401
    except ImportError as exc:
        # pabutools 1.2.3 imports names that PuLP 4 removed (PULP_CBC_CMD, LpStatusOptimal).
        return (
            f"pabutools 1.2.3 cannot be imported ({exc}); it needs PuLP < 4: pip install 'pulp<4'"
        )
    return None


def run_measured(
    command: list[str], timeout: float, *, poll: float, cwd: Path | None = None
) -> tuple[int, bool, float, float]:
    """Run ``command``, killing it after ``timeout`` seconds.

    Return its exit code, whether it was stopped, its wall time in seconds, and its
    peak resident memory in MB (``ru_maxrss`` from ``os.wait4``, kibibytes on Linux).
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd)  # noqa: S603 (our own script, fixed arguments)
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
    wall = time.perf_counter() - started
    return os.waitstatus_to_exitcode(status), timed_out, wall, usage.ru_maxrss / 1024


def run_in_subprocess(path: Path, rule: str, timeout: float, memory_cap_gb: float) -> dict:
    """Run one (file, rule) in a fresh interpreter; add wall time and peak memory."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            str(path),
            rule,
            str(out),
            str(memory_cap_gb),
        ]
        returncode, timed_out, wall, peak_mb = run_measured(command, timeout, poll=0.2)
        if timed_out:
            result = {
                "computed": False,
                "not_computed": TOO_SLOW,
                "limits": {"minutes": round(timeout / 60, 1), "gb": round(peak_mb / 1024, 1)},
                "reason": (
                    f"not computed: pabutools ran past {timeout / 60:g} minutes "
                    f"({peak_mb / 1024:.1f} GB at peak) without finishing on this machine; "
                    "stopped so the other fixtures could be computed"
                ),
            }
        elif returncode != 0 or not out.exists():
            # A crash says nothing about pabutools' outcome: never store it as a fixture.
            raise PabutoolsCrashed(
                f"pabutools subprocess for {path.name} {rule} failed "
                f"(exit code {returncode}); see its traceback above"
            )
        else:
            result = json.loads(out.read_text())
    result["wall_seconds"] = round(wall, 3)
    result["peak_rss_mb"] = round(peak_mb, 1)
    return result


def write_fixture(path: Path, rule: str, result: dict) -> Path:
    """Write the fixture for one (file, rule) and return its path."""
    from importlib.metadata import version

    fixture = {
        "file": path.name,
        "file_sha256": sha256(path),
        "rule": rule,
        "computed": result.pop("computed"),
        **({"not_computed": result.pop("not_computed")} if "not_computed" in result else {}),
        **({"attempted": result.pop("attempted")} if "attempted" in result else {}),
        **({"reason": result.pop("reason")} if "reason" in result else {}),
        **({"limits": result.pop("limits")} if "limits" in result else {}),
        "selected": result.pop("selected", None),
        "spent": result.pop("spent", None),
        "order": result.pop("order", None),
        "pabutools_version": version("pabutools"),
        "call": result.pop("call", None),
        "parameters": {
            "tie_breaking": "lexico_tie_breaking (project ids compared as text)",
            "resoluteness": True,
            "ballot_conversion": result.pop("ballot_conversion", None),
            "thegither": THEGITHER_CALL[rule] | {"tie_break": "text-id"},
        },
        "seconds": {
            key: round(result[key], 3)
            for key in ("parse_seconds", "rule_seconds", "wall_seconds")
            if key in result
        },
        "peak_rss_mb": result.get("peak_rss_mb"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "computed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    target = fixture_path(path.name, rule)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(fixture, indent=1, ensure_ascii=False) + "\n")
    return target


def main(argv: list[str] | None = None) -> int:
    """Compute the missing fixtures, one (file, rule) at a time."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        path, rule, out, cap = argv[1:5]
        return child_main(Path(path), rule, Path(out), float(cap))

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", nargs="*", help="file names (or stems) to run; default all")
    parser.add_argument("--rules", nargs="*", choices=RULES, help="rules to run; default all")
    parser.add_argument("--force", action="store_true", help="recompute existing fixtures")
    parser.add_argument(
        "--timeout", type=float, default=1500, help="seconds per (file, rule); default 1500"
    )
    parser.add_argument(
        "--memory-cap-gb", type=float, default=14, help="address-space cap per run; default 14"
    )
    parser.add_argument("--list", action="store_true", help="print the plan and exit")
    parser.add_argument(
        "--try-known-too-slow",
        action="store_true",
        help="run the (file, rule) in KNOWN_TOO_SLOW too, instead of recording why not",
    )
    parser.add_argument(
        "--not-attempted",
        metavar="WHY",
        help="instead of running, record each missing fixture as not attempted, with WHY; "
        "a later run without this option tries them again",
    )
    args = parser.parse_args(argv)

    folder = pabulib_dir()
    if not folder.is_dir():
        print(f"Pabulib folder not found: {folder} (set THEGITHER_PABULIB_DIR)", file=sys.stderr)
        return 2
    problem = pabutools_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    files = sorted(folder.glob("*.pb"), key=lambda p: p.stat().st_size)
    if args.files:
        wanted = {Path(name).stem for name in args.files}
        files = [p for p in files if p.stem in wanted]
        missing = wanted - {p.stem for p in files}
        if missing:
            print(f"not in {folder}: {', '.join(sorted(missing))}", file=sys.stderr)
            return 2
    rules = args.rules or list(RULES)

    plan = [(p, r) for p in files for r in rules]
    failures = 0
    for path, rule in plan:
        target = fixture_path(path.name, rule)
        retry = target.exists() and json.loads(target.read_text()).get("attempted") is False
        if target.exists() and not args.force and (not retry or args.not_attempted):
            print(f"skip  {path.name:40} {rule:18} (fixture exists)", flush=True)
            continue
        if args.list:
            print(f"todo  {path.name:40} {rule}", flush=True)
            continue
        if args.not_attempted:
            write_fixture(
                path,
                rule,
                {
                    "computed": False,
                    "not_computed": NOT_ATTEMPTED,
                    "attempted": False,
                    "reason": args.not_attempted,
                },
            )
            print(f"NOT   {path.name:40} {rule:18} not attempted: {args.not_attempted}")
            continue
        known = KNOWN_TOO_SLOW.get((path.name, rule))
        if known and not args.try_known_too_slow:
            limits = {key: known[key] for key in ("minutes", "gb")}
            result = {"computed": False, "not_computed": TOO_SLOW, "reason": known["reason"]}
            write_fixture(path, rule, result | {"limits": limits})
            print(f"NOT   {path.name:40} {rule:18} {known['reason']}", flush=True)
            continue
        print(f"run   {path.name:40} {rule:18} ...", flush=True)
        try:
            result = run_in_subprocess(path, rule, args.timeout, args.memory_cap_gb)
        except PabutoolsCrashed as exc:
            print(f"FAIL  {path.name:40} {rule:18} {exc}; no fixture written", flush=True)
            failures += 1
            continue
        write_fixture(path, rule, result)
        shown = json.loads(target.read_text())
        if shown["computed"]:
            print(
                f"done  {path.name:40} {rule:18} {shown['seconds'].get('wall_seconds', 0):8.1f} s"
                f" {shown['peak_rss_mb']:8.0f} MB  {len(shown['selected'])} projects",
                flush=True,
            )
        else:
            print(f"NOT   {path.name:40} {rule:18} {shown['reason']}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
