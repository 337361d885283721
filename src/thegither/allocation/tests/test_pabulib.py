"""Reading and writing Pabulib files, good and bad."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from thegither.allocation import PabulibError, pabulib, read_pb, write_pb
from thegither.allocation.model import Election
from thegither.allocation.pabulib import parse_pb, parse_pb_carefully

SHARED_FILES = [
    "France_Toulouse_2024.pb",
    "Hungary_Budapest_2024.pb",
    "Netherlands_Amsterdam_252.pb",
    "Netherlands_Assen_2024.pb",
    "Poland_Katowice_2023.pb",
    "Poland_Krakow_2024.pb",
    "Poland_Lodz_2022.pb",
    "Poland_Swiecie_2023.pb",
    "Poland_Warszawa_2023_Mokotow.pb",
    "Poland_Warszawa_2026.pb",
    "Poland_Wieliczka_2023_Green_Budget.pb",
    "Poland_Wroclaw_2018.pb",
    "Switzerland_Zurich_D10.pb",
]

GOOD = """META
key;value
budget;100
vote_type;approval
num_projects;3
num_votes;4
PROJECTS
project_id;cost;name
a;60;"Park; with ""swings""\"
b;50;Library
c;40;Bikes
VOTES
voter_id;vote
1;a,b
2;b,a
3;c
4;a
"""


def test_every_shared_file_parses_with_the_counts_its_meta_declares(pabulib_folder: Path):
    for name in SHARED_FILES:
        election = read_pb(pabulib_folder / name)
        assert len(election.projects) == int(election.meta["num_projects"])
        assert election.num_voters == int(election.meta["num_votes"])
        # Where the file states each project's votes or score, ours agree.
        tables = election.tables
        for p, project in enumerate(election.projects):
            if "score" in project.fields:
                assert int(tables.score[p]) == int(project.fields["score"]), (name, project.id)
            elif "votes" in project.fields:
                assert int(tables.votes[p]) == int(project.fields["votes"]), (name, project.id)


@pytest.mark.parametrize("name", ["Poland_Swiecie_2023.pb", "Switzerland_Zurich_D10.pb"])
def test_shared_file_round_trips(pabulib_folder: Path, tmp_path: Path, name: str):
    election = read_pb(pabulib_folder / name)
    write_pb(election, tmp_path / name)
    again = read_pb(tmp_path / name)
    assert again == election
    assert again.meta == election.meta
    assert [p.fields for p in again.projects] == [p.fields for p in election.projects]


def test_quoted_names_with_semicolons_and_doubled_quotes_are_read():
    election = parse_pb(GOOD)
    assert election.project("a").name == 'Park; with "swings"'


def test_identical_ballots_are_grouped_whatever_their_order():
    election = parse_pb(GOOD)
    weights = {b.projects: b.weight for b in election.ballots}
    assert weights == {("a", "b"): 2, ("c",): 1, ("a",): 1}


def test_bom_and_crlf_are_accepted(tmp_path: Path):
    path = tmp_path / "bom.pb"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode())
    assert read_pb(path) == parse_pb(GOOD)


def test_written_file_reads_back_equal(tmp_path: Path):
    election = parse_pb(GOOD)
    write_pb(election, tmp_path / "out.pb")
    assert read_pb(tmp_path / "out.pb") == election


def test_cumulative_points_are_kept_per_project():
    text = GOOD.replace("vote_type;approval", "vote_type;cumulative").replace(
        "voter_id;vote\n1;a,b\n2;b,a\n3;c\n4;a",
        "voter_id;vote;points\n1;a,b;2,1\n2;b,a;1,2\n3;c;3\n4;a;3",
    )
    election = parse_pb(text)
    assert election.tables.score.tolist() == [7, 2, 3]


def test_ordinal_ballots_score_by_position():
    text = GOOD.replace("vote_type;approval", "vote_type;ordinal")
    election = parse_pb(text)
    # Longest ballot has 2 places: 2 points for a first choice, 1 for a second.
    assert election.tables.score.tolist() == [2 + 1 + 2, 1 + 2, 2]


def _broken(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


@pytest.mark.parametrize("parse", [parse_pb, parse_pb_carefully])
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "section META is missing"),
        (_broken("PROJECTS\n", "PROJECTZ\n"), "line 7: a META row needs 2 fields"),
        (_broken("VOTES\nvoter_id;vote\n1;a,b\n2;b,a\n3;c\n4;a\n", ""), "VOTES is missing"),
        (_broken("budget;100", "budget;lots"), "budget 'lots' is not a number"),
        (_broken("b;50;Library", "b;5x;Library"), "line 10: cost '5x' is not a number"),
        (_broken("b;50;Library", "b;50.5;Library"), "is not a whole number"),
        (_broken("c;40;Bikes", "a;40;Bikes"), "line 11: project id 'a' is used twice"),
        (_broken("3;c\n", "3;z\n"), "line 16: the vote names project 'z'"),
        (_broken("3;c\n", "3;c;extra\n"), "line 16: a VOTES row needs 2 fields, found 3"),
        (_broken("b;50;Library", "b;50"), "line 10: a PROJECTS row needs 3 fields, found 2"),
        (_broken("4;a\n", "3;a\n"), "voter id '3' is used twice"),
        (_broken("num_votes;4", "num_votes;5"), "num_votes is 5"),
        (_broken("vote_type;approval", "vote_type;secret"), "unknown vote_type"),
        (_broken("project_id;cost;name", "project_id;price;name"), "no 'cost' column"),
        (_broken("3;c\n", "3;c,c\n"), "names a project twice"),
        (_broken("key;value\nbudget;100\n", "key;value\n"), "META has no 'budget'"),
        (_broken("META\n", "PROJECTS\n"), "expected section META"),
    ],
)
def test_malformed_file_names_the_line_and_the_problem(text: str, message: str, parse):
    with pytest.raises(PabulibError, match=message.replace("(", r"\(")):
        parse(text)


def test_missing_file_is_a_pabulib_error(tmp_path: Path):
    with pytest.raises(PabulibError, match="cannot open"):
        read_pb(tmp_path / "nope.pb")


def test_cumulative_ballot_needs_one_point_per_project():
    text = GOOD.replace("vote_type;approval", "vote_type;cumulative").replace(
        "voter_id;vote\n1;a,b", "voter_id;vote;points\n1;a,b;2"
    )
    text = text.replace("\n2;b,a\n3;c\n4;a", "\n2;b,a;1,1\n3;c;1\n4;a;1")
    with pytest.raises(PabulibError, match="line 14: the vote names 2 projects but gives 1"):
        parse_pb(text)


def _same(one: Election, other: Election) -> None:
    """Assert two elections are the same down to their tables and voter rows."""
    assert one == other
    assert one.meta == other.meta
    assert [p.fields for p in one.projects] == [p.fields for p in other.projects]
    assert one.voters is not None
    assert other.voters is not None
    assert one.voters.header == other.voters.header
    assert one.voters.rows == other.voters.rows
    assert one.voters.ballot.tolist() == other.voters.ballot.tolist()
    for name in ("cost", "weight", "votes", "score"):
        assert getattr(one.tables, name).tolist() == getattr(other.tables, name).tolist()
    for mine, theirs in zip(one.tables.supporters, other.tables.supporters, strict=True):
        assert mine.tolist() == theirs.tolist()
    for mine, theirs in zip(one.tables.points, other.tables.points, strict=True):
        assert mine.tolist() == theirs.tolist()


@pytest.mark.parametrize("name", SHARED_FILES)
def test_shortcut_and_careful_reading_give_the_same_election(pabulib_folder: Path, name: str):
    text = (pabulib_folder / name).read_text(encoding="utf-8-sig")
    _same(parse_pb(text), parse_pb_carefully(text))


def test_every_shared_file_takes_the_shortcut(pabulib_folder: Path, monkeypatch):
    def refuse(*args):
        raise AssertionError("the VOTES rows were read with csv")

    monkeypatch.setattr(pabulib, "_read_csv_rows", refuse)
    for name in SHARED_FILES:
        read_pb(pabulib_folder / name)


@pytest.mark.parametrize(
    "votes",
    [
        '1;"a,b"\n2;b,a\n3;c\n4;a\n',  # a quoted field
        "1;a,b\n\n2;b,a\n3;c\n4;a\n\n\n",  # blank lines
        "1;a,b\r\n2;b,a\r\n3;c\r\n4;a\r\n",  # CRLF handed to parse_pb directly
    ],
)
def test_unusual_votes_sections_read_the_same_as_plain_ones(votes: str):
    text = GOOD.replace("1;a,b\n2;b,a\n3;c\n4;a\n", votes)
    _same(parse_pb(text), parse_pb(GOOD))
    _same(parse_pb_carefully(text), parse_pb(GOOD))


def test_spaces_around_project_ids_are_ignored():
    spaced = parse_pb(GOOD.replace("1;a,b\n2;b,a\n", "1;a, b\n2; b ,a\n"))
    assert spaced == parse_pb(GOOD)
    assert spaced.voters is not None
    assert spaced.voters.rows[1] == ["2", " b ,a"]  # kept as written, for writing back


def test_a_vote_of_none_or_nothing_is_an_empty_ballot():
    text = GOOD.replace("3;c\n4;a\n", "3;none\n4;\n")
    election = parse_pb(text)
    assert {b.projects: b.weight for b in election.ballots} == {("a", "b"): 2, (): 2}


def test_cumulative_ballots_in_another_order_are_grouped():
    text = GOOD.replace("vote_type;approval", "vote_type;cumulative").replace(
        "voter_id;vote\n1;a,b\n2;b,a\n3;c\n4;a",
        "voter_id;vote;points\n1;a,b;2,1\n2;b,a;1,2\n3;c;3\n4;a;3",
    )
    election = parse_pb(text)
    assert {(b.projects, b.points): b.weight for b in election.ballots} == {
        (("a", "b"), (2, 1)): 2,
        (("c",), (3,)): 1,
        (("a",), (3,)): 1,
    }


CUMULATIVE = GOOD.replace("vote_type;approval", "vote_type;cumulative").replace(
    "voter_id;vote\n1;a,b\n2;b,a\n3;c\n4;a",
    "voter_id;vote;points\n1;a,b;2,1\n2;b,a;1,2\n3;c;3\n4;a;3",
)


@pytest.mark.parametrize("parse", [parse_pb, parse_pb_carefully])
@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("3;c;3\n", "3;c;x\n", "line 16: points 'x' is not a number"),
        ("3;c;3\n", "3;c;1.5\n", "line 16: points '1.5' is not a whole number"),
        ("3;c;3\n", "3;c;-1\n", "line 16: points must be 0 or more"),
        ("3;c;3\n", "3;c;1,1\n", "line 16: the vote names 1 projects but gives 2 points"),
        ("4;a;3\n", "4;a,a;1,1\n", "line 17: the vote names a project twice"),
    ],
)
def test_malformed_points_name_the_line_and_the_problem(old: str, new: str, message: str, parse):
    assert old in CUMULATIVE
    with pytest.raises(PabulibError, match=message):
        parse(CUMULATIVE.replace(old, new))


@pytest.mark.parametrize("parse", [parse_pb, parse_pb_carefully])
@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # Blank and multi-line rows must not throw the line count off.
        ("3;c\n4;a\n", "3;c\n\n3;a\n", "line 18: voter id '3' is used twice"),
        # A VOTES row is one line: a quote left open must not swallow the rows after it.
        ("2;b,a\n", '2;"b,a\n', "line 15: a quote opened in this row is not closed on its line"),
        ("2;b,a\n3;c\n", '2;"b,\na"\n3;c\n', "line 15: a quote opened in this row is not"),
        ("4;a\n", "4;a\nMETA\n", "line 18: section META after VOTES"),
        ("4;a\n", "4;a\n5\n", "line 18: a VOTES row needs 2 fields, found 1"),
    ],
)
def test_malformed_votes_rows_name_the_right_line(old: str, new: str, message: str, parse):
    with pytest.raises(PabulibError, match=message):
        parse(_broken(old, new))


def test_a_file_that_is_not_utf8_names_the_byte(tmp_path: Path):
    path = tmp_path / "latin.pb"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("Library", "Biblioth\xe8que").encode("latin-1"))
    offset = 3 + GOOD.index("Library") + len("Biblioth")
    with pytest.raises(PabulibError, match=f"is not UTF-8 text \\(byte {offset}\\)"):
        read_pb(path)


def test_a_file_with_no_voters_reads_as_no_ballots():
    election = parse_pb(
        GOOD.replace("num_votes;4", "num_votes;0").replace("1;a,b\n2;b,a\n3;c\n4;a\n", "")
    )
    assert len(election.ballots) == 0
    assert election.tables.votes.tolist() == [0, 0, 0]


@pytest.mark.parametrize("ending", ["\n", "", "\n\n"])
def test_a_cut_short_file_names_its_last_line_both_ways(ending: str):
    text = _broken("num_votes;4", "num_votes;5").removesuffix("\n") + ending
    messages = []
    for parse in (parse_pb, parse_pb_carefully):
        with pytest.raises(PabulibError) as caught:
            parse(text)
        messages.append(str(caught.value))
    last = 17 + ending.count("\n") - (1 if ending else 0)
    assert (
        messages
        == [f"line {last}: META says num_votes is 5 but VOTES has 4 rows (is the file cut short?)"]
        * 2
    )


def test_ballot_row_hashes_tell_many_similar_ballots_apart():
    """Merging identical ballots hashes each row; collisions would force the slow path."""
    from thegither.allocation.pabulib import _column_weights

    rng = np.random.default_rng(7)
    # Sorted, padded rows of small project numbers, like real ballots.
    table = np.unique(np.sort(rng.integers(0, 90, size=(20_000, 12)), axis=1), axis=0)

    keys = table.astype(np.uint64) @ _column_weights(table.shape[1])

    assert len(np.unique(keys)) == len(table)


@pytest.mark.parametrize("vote_type", ["approval", "cumulative"])
def test_ballots_whose_hashes_collide_are_still_told_apart(monkeypatch, vote_type: str):
    """With every hash weight 1, {a, d} and {b, c} share a hash: the check must catch it."""
    points = vote_type == "cumulative"
    votes = ["a,d", "b,c", "d,a", "c,b", "a,d"]
    text = "\n".join(
        [
            "META",
            "key;value",
            "budget;100",
            f"vote_type;{vote_type}",
            "PROJECTS",
            "project_id;cost",
            *(f"{pid};10" for pid in "abcd"),
            "VOTES",
            "voter_id;vote" + (";points" if points else ""),
            *(f"{i};{vote}" + (";2,2" if points else "") for i, vote in enumerate(votes)),
            "",
        ]
    )
    honest = parse_pb(text)
    monkeypatch.setattr(pabulib, "_column_weights", lambda count: np.ones(count, np.uint64))

    colliding = parse_pb(text)

    _same(colliding, honest)
    assert colliding.tables.weight.tolist() == [3, 2]
    assert colliding.voters.ballot.tolist() == [0, 1, 0, 1, 0]


def _numbered(ids: list[str], votes: list[str]) -> str:
    return "\n".join(
        [
            "META",
            "key;value",
            "budget;100",
            "vote_type;approval",
            "PROJECTS",
            "project_id;cost",
            *(f"{pid};10" for pid in ids),
            "VOTES",
            "voter_id;vote",
            *(f"v{i};{vote}" for i, vote in enumerate(votes)),
            "",
        ]
    )


@pytest.mark.parametrize(
    "ids",
    [
        ["3", "1", "20", "7"],  # small numbers: looked up in a table by number
        ["3000000", "1", "2000000000", "7"],  # large: looked up by binary search
        ["3", "01", "20", "7"],  # a leading zero: looked up as text
    ],
)
def test_numbered_projects_read_the_same_by_number_and_by_name(monkeypatch, ids: list[str]):
    votes = [f"{ids[1]},{ids[0]}", ids[2], f"{ids[3]},{ids[1]},{ids[2]}", f"{ids[0]},{ids[1]}"]
    text = _numbered(ids, votes)
    by_number = parse_pb(text)
    monkeypatch.setattr(pabulib, "_numeric_columns", lambda joined, ids: None)

    by_name = parse_pb(text)

    _same(by_number, by_name)
    assert [b.projects for b in by_number.ballots] == [(ids[0], ids[1]), (ids[2],), tuple(ids[1:])]


@pytest.mark.parametrize("unknown", ["8", "1048577", "30000000000"])
def test_a_vote_for_a_number_that_is_no_project_names_its_line(unknown: str):
    text = _numbered(["3", "1", "20", "7"], ["1,3", f"7,{unknown}"])

    with pytest.raises(PabulibError, match=f"line 14: .*project '{unknown}'"):
        parse_pb(text)


def _crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("", ""),  # CRLF throughout, VOTES by the shortcut
        ("2;b,a\n", "2;b,a\r"),  # a lone CR inside VOTES
        ("4;a\n", "4;a\r"),  # a lone CR ending the file
        ("1;a,b\n", '1;"a,b"\n'),  # VOTES by csv
        ("c;40;Bikes\n", 'c;40;"Bikes\nand more"\n'),  # ... and a quoted name
        ("budget;100\n", "budget;100\r"),  # a lone CR in META
    ],
)
def test_a_crlf_file_reads_like_its_lf_twin(tmp_path: Path, old: str, new: str):
    lf = _broken(old, new.replace("\r", "\n")) if old else GOOD
    path = tmp_path / "crlf.pb"
    path.write_bytes(_crlf(_broken(old, new) if old else GOOD).encode())
    _same(read_pb(path), parse_pb(lf))


def test_a_file_of_lone_crs_reads_like_its_lf_twin(tmp_path: Path):
    path = tmp_path / "cr.pb"
    path.write_bytes(GOOD.replace("\n", "\r").encode())
    _same(read_pb(path), parse_pb(GOOD))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("3;c\n", "3;c;extra\n", "line 16: a VOTES row needs 2 fields, found 3"),
        ("3;c\n4;a\n", "3;c\n\n3;a\n", "line 18: voter id '3' is used twice"),
        ("3;c\n", "3;z\n", "line 16: the vote names project 'z'"),
        ("num_votes;4", "num_votes;5", "line 17: META says num_votes is 5"),
        ("b;50;Library", "b;5x;Library", "line 10: cost '5x' is not a number"),
    ],
)
def test_a_crlf_file_names_the_same_line(tmp_path: Path, old: str, new: str, message: str):
    path = tmp_path / "crlf.pb"
    for text in (_broken(old, new), _broken(old, new).replace("2;b,a\n", "2;b,a\r")):
        path.write_bytes(_crlf(text).encode())
        with pytest.raises(PabulibError, match=message):
            read_pb(path)


@pytest.mark.parametrize("parse", [parse_pb, parse_pb_carefully])
def test_a_quote_left_open_in_a_free_text_column_is_refused_not_read_to_the_end(parse):
    # Without num_votes nothing would count the rows: csv would read the rest of the
    # file into the open field and the file would lose its last voters silently.
    text = (
        GOOD.replace("num_votes;4\n", "")
        .replace("voter_id;vote\n", "voter_id;vote;sex\n")
        .replace("1;a,b\n2;b,a\n3;c\n4;a\n", '1;a,b;F\n2;b,a;"M\n3;c;F\n4;a;M\n')
    )
    with pytest.raises(PabulibError, match="line 14: a quote opened in this row is not closed"):
        parse(text)
