"""``thegither allocate``: what people see, every option, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from thegither.allocation import RULES, read_pb
from thegither.allocation.cli import main
from thegither.allocation.tests.samples import SMALL

# x has the most votes (3 for 100); y and z give more votes per unit of cost (2 for 50).
UTILITY = """META
key;value
budget;100
vote_type;approval
PROJECTS
project_id;cost;name
x;100;Pool
y;50;Trees
z;50;Bins
VOTES
voter_id;vote
1;x,y,z
2;x,y,z
3;x
"""

# Equal votes: the text-id tie-break puts "10" before "9"; cost-votes puts cheaper "9" first.
TIE = """META
key;value
budget;50
vote_type;approval
PROJECTS
project_id;cost;name
10;50;Benches
9;40;Lights
VOTES
voter_id;vote
1;10,9
"""

BAD_COST = SMALL.replace("b;50;Library", "b;fifty;Library")
THEGITHER = Path(sys.executable).with_name("thegither")


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.pb"
    path.write_text(SMALL, encoding="utf-8")
    return path


def write(tmp_path: Path, text: str, name: str = "election.pb") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_json(capsys, *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_human_output_lists_funded_ids_names_costs_total_and_a_reason_for_every_project(
    small: Path, capsys
):
    assert main([str(small), "--rule", "greedy"]) == 0
    out = capsys.readouterr().out
    assert "1. a  Park  (cost 60)" in out
    assert "2. c  Bikes  (cost 40)" in out
    assert "Total spent: 100 of 100" in out
    for project_id, name in (("a", "Park"), ("b", "Library"), ("c", "Bikes")):
        assert f"- {project_id} {name}" in out
    assert "It costs 50, but when its turn came only 40 was left" in out


def test_json_prints_one_object_with_selected_spent_rule_and_explanations(small: Path, capsys):
    assert main([str(small), "--rule", "greedy", "--json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)  # fails if there is anything but one JSON value
    assert out.count("\n") == 1
    assert data["selected"] == ["a", "c"]
    assert data["spent"] == 100
    assert data["rule"] == "greedy"
    assert [e["project_id"] for e in data["explanations"]] == ["a", "b", "c"]
    assert all(e["text"] for e in data["explanations"])


@pytest.mark.parametrize(
    ("rule", "selected"),
    [
        # Votes: a 3, b 2, c 1. Greedy takes a (40 left), skips b (50), takes c (40).
        ("greedy", ["a", "c"]),
        # No skip: the count stops at b.
        ("greedy-no-skip", ["a"]),
        # Threshold 2 leaves c out; then b does not fit.
        ("greedy-threshold", ["a"]),
        # 25 each: a's 3 voters pay 20 each; b's 2 voters have 5 each left; c's 1 has 25.
        ("mes", ["a"]),
        # Raised to 40 each, c's voter can pay 40: everything is spent.
        ("mes-add1", ["a", "c"]),
        ("mes-add1u", ["a", "c"]),
        # Loads: a 60/3 = 20; then c 40/1 = 40 beats b (20+20+50)/2 = 45; b no longer fits.
        ("phragmen", ["a", "c"]),
    ],
)
def test_every_rule_gives_its_own_outcome(small: Path, capsys, rule: str, selected: list[str]):
    data = run_json(capsys, str(small), "--rule", rule, "--threshold", "2")
    assert data["rule"] == rule
    assert data["selected"] == selected


def test_the_rules_offered_are_exactly_the_library_rules():
    from thegither.allocation.cli import build_parser

    rule_action = next(a for a in build_parser()._actions if a.dest == "rule")
    assert tuple(rule_action.choices) == RULES


def test_no_exhaustive_stop_reproduces_wieliczkas_official_outcome(pabulib_folder: Path, capsys):
    path = pabulib_folder / "Poland_Wieliczka_2023_Green_Budget.pb"
    official = {p.id for p in read_pb(path).projects if p.fields.get("selected") == "1"}
    with_stop = run_json(capsys, str(path), "--rule", "mes-add1")
    without = run_json(capsys, str(path), "--rule", "mes-add1", "--no-exhaustive-stop")
    assert set(without["selected"]) == official
    assert set(with_stop["selected"]) != official
    assert without["settings"]["exhaustive_stop"] is False


def test_threshold_option_overrides_the_files_threshold(pabulib_folder: Path, capsys):
    path = pabulib_folder / "Poland_Katowice_2023.pb"
    from_file = run_json(capsys, str(path), "--rule", "greedy-threshold")
    raised = run_json(capsys, str(path), "--rule", "greedy-threshold", "--threshold", "5000")
    assert from_file["settings"]["threshold"] == 200
    assert raised["settings"]["threshold"] == 5000
    assert set(raised["selected"]) < set(from_file["selected"])


def test_threshold_option_changes_greedy_thresholds_outcome(small: Path, capsys):
    low = run_json(capsys, str(small), "--rule", "greedy-threshold", "--threshold", "1")
    high = run_json(capsys, str(small), "--rule", "greedy-threshold", "--threshold", "2")
    assert low["selected"] == ["a", "c"]
    assert high["selected"] == ["a"]


def test_greedy_threshold_without_any_threshold_is_refused_clearly(small: Path, capsys):
    assert main([str(small), "--rule", "greedy-threshold"]) == 2
    err = capsys.readouterr().err
    assert "greedy-threshold needs a threshold" in err


def test_utility_option_changes_what_greedy_counts(tmp_path: Path, capsys):
    path = write(tmp_path, UTILITY)
    by_votes = run_json(capsys, str(path), "--rule", "greedy", "--utility", "cost")
    per_cost = run_json(capsys, str(path), "--rule", "greedy", "--utility", "cardinality")
    assert by_votes["selected"] == ["x"]
    assert per_cost["selected"] == ["y", "z"]
    assert per_cost["settings"]["utility"] == "cardinality"


def test_tie_break_option_changes_which_equal_project_goes_first(tmp_path: Path, capsys):
    path = write(tmp_path, TIE)
    text_id = run_json(capsys, str(path), "--rule", "greedy", "--tie-break", "text-id")
    cost_votes = run_json(capsys, str(path), "--rule", "greedy", "--tie-break", "cost-votes")
    assert text_id["selected"] == ["10"]
    assert cost_votes["selected"] == ["9"]


def test_a_malformed_file_names_the_line_and_exits_2_without_a_traceback(tmp_path: Path, capsys):
    path = write(tmp_path, BAD_COST)
    assert main([str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "line 8" in captured.err
    assert "'fifty' is not a number" in captured.err
    assert "Traceback" not in captured.err


def test_a_missing_file_is_reported_and_exits_2(tmp_path: Path, capsys):
    missing = tmp_path / "nowhere.pb"
    assert main([str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "nowhere.pb" in captured.err
    assert "cannot open" in captured.err


def test_an_unknown_rule_is_refused_by_the_option_parser(small: Path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([str(small), "--rule", "lottery"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'lottery'" in capsys.readouterr().err


# -- the installed command -------------------------------------------------------------


def run_command(*argv: str) -> subprocess.CompletedProcess[str]:
    # make test installs the package, console script included: its absence is a failure.
    assert THEGITHER.exists(), f"no thegither console script next to {sys.executable}"
    return subprocess.run(
        [str(THEGITHER), "allocate", *argv], capture_output=True, text=True, timeout=120
    )


def test_thegither_allocate_prints_the_funded_projects(small: Path):
    result = run_command(str(small), "--rule", "greedy")
    assert result.returncode == 0, result.stderr
    assert "1. a  Park  (cost 60)" in result.stdout
    assert "Total spent: 100 of 100" in result.stdout


def test_thegither_allocate_json_is_one_object(small: Path):
    result = run_command(str(small), "--rule", "mes", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["selected"] == ["a"]


def test_thegither_allocate_reports_a_bad_file_on_stderr_with_exit_2(tmp_path: Path):
    result = run_command(str(write(tmp_path, BAD_COST)))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "line 8" in result.stderr
    assert "Traceback" not in result.stderr


def test_thegither_allocate_reports_a_missing_file_with_exit_2(tmp_path: Path):
    result = run_command(str(tmp_path / "nowhere.pb"))
    assert result.returncode == 2
    assert "nowhere.pb" in result.stderr
    assert "Traceback" not in result.stderr


def test_python_m_runs_the_same_command(small: Path):
    result = subprocess.run(
        [sys.executable, "-m", "thegither.allocation", str(small), "--rule", "greedy", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["selected"] == ["a", "c"]


def test_human_output_says_how_the_rule_works_and_each_voters_share(small: Path, capsys):
    assert main([str(small), "--rule", "mes-add1"]) == 0
    out = capsys.readouterr().out
    assert "How it works: Equal shares: the budget is split equally between the voters" in out
    # 100 among 4 voters is 25 each; raised to 40 so that c's one voter can pay for it.
    assert "we gave everyone a little more to spend, 15 times" in out
    assert "In the end every voter had 40 to spend." in out
    assert out.count("we gave everyone a little more") == 1  # said once, not per project


def test_every_option_has_help_text():
    from thegither.allocation.cli import build_parser

    for action in build_parser()._actions:
        assert action.help, action.dest


def test_the_currency_option_goes_on_every_amount(small: Path, capsys):
    assert main([str(small), "--rule", "greedy", "--currency", "EUR"]) == 0
    out = capsys.readouterr().out
    assert "Budget: 100 EUR." in out
    assert "1. a  Park  (cost 60 EUR)" in out
    assert "Total spent: 100 EUR of 100 EUR" in out
    assert "Left over: 0 EUR" in out
