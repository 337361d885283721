"""Bad input is refused at once, with one line naming the line of the file, never a traceback.

Each case was found by feeding crafted files to ``thegither allocate`` (issue 14): numbers
too large for the engine, a number written ``1e1000000`` (a million digits, which took a
minute to work out), a file with no projects or nobody voting, a file cut inside or just
after its last ballot, terminal escape codes in names, and META counts that do not match.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from thegither.allocation import Ballot, Election, PabulibError, Project, allocate, read_pb
from thegither.allocation.cli import main
from thegither.allocation.pabulib import LARGEST_NUMBER, parse_pb, parse_pb_carefully
from thegither.allocation.tests.samples import SMALL

CUMULATIVE = (
    SMALL.replace("vote_type;approval", "vote_type;cumulative")
    .replace("voter_id;vote\n", "voter_id;vote;points\n")
    .replace("1;a,b\n2;b,a\n3;c\n4;a\n", "1;a,b;2,1\n2;b,a;1,1\n3;c;3\n4;a;1\n")
)


def refused(tmp_path: Path, capsys, text: str, *argv: str) -> str:
    """Run the command on ``text``; assert it refuses in one line and return that line."""
    path = tmp_path / "election.pb"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    code = main([str(path), *argv])
    elapsed = time.perf_counter() - started
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""  # no partial result
    assert "Traceback" not in captured.err
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"thegither allocate: {path}: line ")
    # Not a timing target: a guard that the refusal does not work the number out first.
    assert elapsed < 30
    return lines[0]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "a;60;Park",
            "a;9223372036854775808;Park",
            "line 7: cost '9223372036854775808' is too large",
        ),
        (
            "budget;100",
            "budget;9223372036854775808",
            "line 3: budget '9223372036854775808' is too large",
        ),
        (
            "a;60;Park",
            f"a;{LARGEST_NUMBER + 1};Park",
            f"line 7: cost '{LARGEST_NUMBER + 1}' is too large",
        ),
        ("a;60;Park", "a;1e1000000;Park", "line 7: cost '1e1000000' is too large"),
        ("a;60;Park", "a;1e100000000;Park", "line 7: cost '1e100000000' is too large"),
        ("a;60;Park", "a;" + "9" * 100_000 + ";Park", "line 7: cost '9999999999"),
        ("budget;100", "budget;-1e99999999", "line 3: budget '-1e99999999' is too large"),
    ],
)
def test_a_number_too_large_is_refused_naming_its_line(tmp_path, capsys, old, new, message):
    assert message in refused(tmp_path, capsys, SMALL.replace(old, new))


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("9223372036854775808,1", "line 12: points '9223372036854775808' is too large"),
        ("1e1000000,1", "line 12: points '1e1000000' is too large"),
    ],
)
@pytest.mark.parametrize("parse", [parse_pb, parse_pb_carefully])
def test_points_too_large_are_refused_both_ways(parse, points: str, message: str):
    with pytest.raises(PabulibError, match=message):
        parse(CUMULATIVE.replace("1;a,b;2,1", f"1;a,b;{points}"))


def test_the_engine_refuses_numbers_whose_sums_would_not_fit(capsys):
    # Each number fits, but a cost times the voters who back it does not fit in 64 bits.
    election = Election(
        projects=(Project("a", LARGEST_NUMBER),),
        budget=LARGEST_NUMBER,
        kind="approval",
        ballots=(Ballot(("a",), weight=5000),),
    )
    with pytest.raises(PabulibError, match="too large to count exactly"):
        allocate(election, rule="mes-add1")


def test_a_file_with_no_projects_is_refused(tmp_path, capsys):
    text = SMALL.replace("a;60;Park\nb;50;Library\nc;40;Bikes\n", "").replace(
        "1;a,b\n2;b,a\n3;c\n4;a\n", ""
    )
    assert refused(tmp_path, capsys, text).endswith("line 6: the PROJECTS section lists no project")


@pytest.mark.parametrize("rule", ["greedy", "mes", "mes-add1", "phragmen"])
def test_a_file_where_nobody_voted_is_refused_by_the_command(tmp_path, capsys, rule: str):
    text = SMALL.replace("1;a,b\n2;b,a\n3;c\n4;a\n", "")
    message = refused(tmp_path, capsys, text, "--rule", rule)
    assert message.endswith("line 11: the VOTES section has no rows: nobody voted")


def test_the_library_still_reads_a_file_where_nobody_voted(tmp_path: Path):
    path = tmp_path / "election.pb"
    path.write_text(SMALL.replace("1;a,b\n2;b,a\n3;c\n4;a\n", ""), encoding="utf-8")
    assert len(read_pb(path).ballots) == 0


@pytest.mark.parametrize(
    ("ending", "what"),
    [
        ("4;", "just after the voter id"),
        ("4;a,", "inside the last ballot"),
        ("4;a", "a whole ballot, but no line end"),
    ],
)
def test_a_file_cut_inside_or_just_after_its_last_ballot_is_refused(
    tmp_path, capsys, ending: str, what: str
):
    text = SMALL.removesuffix("4;a\n") + ending
    message = refused(tmp_path, capsys, text)
    assert "line 15: the file ends inside this row's ballot" in message, what
    assert "cut short" in message


def test_a_file_cut_in_a_column_after_the_ballot_reads_as_its_whole_twin(tmp_path: Path):
    # Kraków 2024 and Warszawa 2026 end this way: the ballot is whole, a later column ends
    # the file with no line end.
    text = SMALL.replace("voter_id;vote\n", "voter_id;vote;sex\n")
    for row in ("1;a,b", "2;b,a", "3;c", "4;a"):
        text = text.replace(f"{row}\n", f"{row};F\n")
    path = tmp_path / "election.pb"
    path.write_text(text.removesuffix("\n"), encoding="utf-8")
    assert read_pb(path) == parse_pb(SMALL)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("budget;100", "budget;100\nnum_votes;5", "META says num_votes is 5 but VOTES has 4 rows"),
        ("budget;100", "budget;100\nnum_votes;3", "META says num_votes is 3 but VOTES has 4 rows"),
        (
            "budget;100",
            "budget;100\nnum_projects;4",
            "line 10: META says num_projects is 4 but PROJECTS lists 3",
        ),
        ("budget;100", "budget;100\nnum_votes;1e1000000", "line 4: num_votes '1e1000000' is too"),
    ],
)
def test_meta_counts_that_do_not_match_are_refused(tmp_path, capsys, old, new, message):
    assert message in refused(tmp_path, capsys, SMALL.replace(old, new))


def test_terminal_escape_codes_in_names_are_shown_escaped_in_text(tmp_path: Path, capsys):
    path = tmp_path / "election.pb"
    evil = "Park\x1b[2J\x1b]0;owned\x07"
    path.write_text(SMALL.replace("a;60;Park", f'a;60;"{evil}"'), encoding="utf-8")
    assert main([str(path), "--rule", "greedy"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "Park\\x1b[2J\\x1b]0;owned\\x07" in out


def test_escape_codes_are_kept_as_they_are_in_json(tmp_path: Path, capsys):
    import json

    path = tmp_path / "election.pb"
    path.write_text(SMALL.replace("a;60;Park", 'a;60;"Park\x1b[2J"'), encoding="utf-8")
    assert main([str(path), "--rule", "greedy", "--json"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out  # JSON escapes it as \u001b
    assert json.loads(out)["explanations"][0]["name"] == "Park\x1b[2J"


def test_escape_codes_in_an_error_message_are_shown_escaped(tmp_path, capsys):
    text = SMALL.replace("3;c\n", "3;c\x1b[2J\n")
    message = refused(tmp_path, capsys, text)
    assert "\x1b" not in message
    assert "line 14" in message
