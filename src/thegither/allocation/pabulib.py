"""Read and write Pabulib ``.pb`` files (https://pabulib.org/format).

A file has three sections, META, PROJECTS and VOTES, each a semicolon-separated
table with a header row. Fields may be quoted (names can hold ``;`` and doubled
quotes); files may start with a UTF-8 byte order mark and use CRLF line ends.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from thegither.allocation.model import (
    Ballot,
    BallotKind,
    Election,
    PabulibError,
    Project,
    Tables,
    VoterRows,
)

SECTIONS = ("meta", "projects", "votes")

# Pabulib's vote_type names, mapped to ours.
VOTE_TYPES: dict[str, BallotKind] = {
    "approval": "approval",
    "choose-1": "approval",
    "scoring": "score",
    "cumulative": "cumulative",
    "ordinal": "ordinal",
}
KIND_TO_VOTE_TYPE = {"approval": "approval", "score": "scoring", "cumulative": "cumulative"}
KIND_TO_VOTE_TYPE["ordinal"] = "ordinal"


def read_pb(path: str | PathLike[str]) -> Election:
    """Read a Pabulib file; raise :class:`PabulibError` naming the line and the problem."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise PabulibError(f"cannot open {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise PabulibError(f"{path} is not UTF-8 text (byte {exc.start})") from None
    return parse_pb(text)


def parse_pb(text: str) -> Election:
    """Parse the text of a Pabulib file."""
    return _Parser(text).parse()


def _whole_number(text: str, what: str, line: int) -> int:
    """Return ``text`` as a whole number, accepting ``12.0`` and ``12,0`` but not ``12.5``."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise PabulibError(f"line {line}: {what} {text!r} is not a number") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise PabulibError(f"line {line}: {what} {text!r} is not a whole number")
    return int(value)


def _is_section(row: list[str]) -> str | None:
    if row and row[0].strip().lower() in SECTIONS and all(not c.strip() for c in row[1:]):
        return row[0].strip().lower()
    return None


class _Parser:
    def __init__(self, text: str) -> None:
        self.reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")

    def _rows(self):
        """Yield (line number, row) for non-blank rows, turning csv errors into ours."""
        reader = self.reader
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise PabulibError(f"line {reader.line_num}: {exc}") from None
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            yield reader.line_num, row

    def parse(self) -> Election:
        rows = self._rows()
        meta: dict[str, str] = {}
        project_header: list[str] = []
        project_rows: list[tuple[int, list[str]]] = []
        section = None
        seen: list[str] = []
        header: list[str] | None = None
        vote_state: _Votes | None = None
        for line, row in rows:
            name = _is_section(row)
            if name is not None:
                expected = SECTIONS[len(seen)] if len(seen) < len(SECTIONS) else None
                if name in seen:
                    raise PabulibError(f"line {line}: section {name.upper()} appears twice")
                if name != expected:
                    raise PabulibError(
                        f"line {line}: expected section {expected.upper() if expected else 'none'}"
                        f" but found {name.upper()}"
                    )
                seen.append(name)
                section = name
                header = None
                continue
            if section is None:
                raise PabulibError(f"line {line}: the file must start with META")
            if header is None:
                header = [c.strip() for c in row]
                if section == "meta":
                    if header[:2] != ["key", "value"] or len(header) != 2:
                        raise PabulibError(f"line {line}: the META header must be 'key;value'")
                elif section == "projects":
                    project_header = header
                    _require(header, ("project_id", "cost"), "PROJECTS", line)
                else:
                    vote_state = _Votes(header, meta, project_rows, project_header, line)
                    vote_state.consume(self.reader)
                continue
            if section == "meta":
                if len(row) != 2:
                    raise PabulibError(
                        f"line {line}: a META row needs 2 fields (key;value), found {len(row)}"
                    )
                key = row[0].strip()
                if key in meta:
                    raise PabulibError(f"line {line}: META key {key!r} appears twice")
                meta[key] = row[1].strip()
            elif section == "projects":
                if len(row) != len(header):
                    raise PabulibError(
                        f"line {line}: a PROJECTS row needs {len(header)} fields, found {len(row)}"
                    )
                project_rows.append((line, row))
        for name in SECTIONS:
            if name not in seen:
                raise PabulibError(
                    f"line {self.reader.line_num}: section {name.upper()} is missing"
                )
        if vote_state is None:
            raise PabulibError(f"line {self.reader.line_num}: the VOTES section has no header")
        return vote_state.finish(self.reader.line_num)


def _require(header: list[str], names: tuple[str, ...], section: str, line: int) -> None:
    for name in names:
        if name not in header:
            raise PabulibError(f"line {line}: the {section} header has no {name!r} column")
    duplicated = {c for c in header if header.count(c) > 1}
    if duplicated:
        raise PabulibError(f"line {line}: the {section} header repeats {sorted(duplicated)}")


class _Votes:
    """Collect the VOTES section, merging identical ballots as they arrive."""

    def __init__(
        self,
        header: list[str],
        meta: dict[str, str],
        project_rows: list[tuple[int, list[str]]],
        project_header: list[str],
        line: int,
    ) -> None:
        self.meta = meta
        if "vote_type" not in meta:
            raise PabulibError(f"line {line}: META has no 'vote_type'")
        if "budget" not in meta:
            raise PabulibError(f"line {line}: META has no 'budget'")
        vote_type = meta["vote_type"].strip().lower()
        if vote_type not in VOTE_TYPES:
            raise PabulibError(f"line {line}: unknown vote_type {meta['vote_type']!r}")
        self.kind: BallotKind = VOTE_TYPES[vote_type]
        self.budget = _whole_number(meta["budget"], "budget", line)
        # Not a Pabulib key: write_pb adds it so that an ordinal election's own
        # scoring (say 5/3/1 instead of Borda's 3/2/1) survives a round trip.
        self.ordinal_points: tuple[int, ...] | None = None
        if self.kind == "ordinal" and meta.get("ordinal_points", "").strip():
            self.ordinal_points = tuple(
                _whole_number(q.strip(), "ordinal_points", line)
                for q in meta["ordinal_points"].split(",")
            )
        self.projects = self._projects(project_rows, project_header)
        self.index = {p.id: i for i, p in enumerate(self.projects)}
        needs = ("voter_id", "vote", "points") if self.kind in ("score", "cumulative") else ()
        _require(header, needs or ("voter_id", "vote"), "VOTES", line)
        self.header = header
        self.width = len(header)
        self.voter_col = header.index("voter_id")
        self.vote_col = header.index("vote")
        self.points_col = header.index("points") if "points" in header else None
        if self.kind in ("approval", "ordinal"):
            # Points are meaningless for these kinds; keep the column as plain text.
            self.points_col = None
        self.project_header = project_header
        self.first_votes_line = line + 1
        self.raw_groups: dict[Any, int] = {}
        self.raw_first_line: list[int] = []
        self.rows: list[list[str]] = []
        self.voter_groups: list[int] = []

    def _projects(self, rows: list[tuple[int, list[str]]], header: list[str]) -> list[Project]:
        id_col = header.index("project_id")
        cost_col = header.index("cost")
        name_col = header.index("name") if "name" in header else None
        projects: list[Project] = []
        seen: set[str] = set()
        for line, row in rows:
            pid = row[id_col].strip()
            if not pid:
                raise PabulibError(f"line {line}: a project has an empty project_id")
            if pid in seen:
                raise PabulibError(f"line {line}: project id {pid!r} is used twice")
            seen.add(pid)
            cost = _whole_number(row[cost_col], "cost", line)
            if cost < 0:
                raise PabulibError(f"line {line}: cost {cost} is below zero")
            fields = {header[i]: row[i] for i in range(len(header)) if i not in (id_col, cost_col)}
            name = row[name_col] if name_col is not None else ""
            projects.append(Project(pid, cost, name, fields))
        declared = self.meta.get("num_projects")
        if declared is not None and _whole_number(declared, "num_projects", 0) != len(projects):
            raise PabulibError(
                f"line {rows[-1][0] if rows else 0}: META says num_projects is {declared}"
                f" but PROJECTS lists {len(projects)}"
            )
        return projects

    def consume(self, reader: Any) -> None:
        """Read every VOTES row. This loop runs once per voter, so it is kept tight."""
        width = self.width
        vote_col = self.vote_col
        points_col = self.points_col
        raw_groups = self.raw_groups
        first_line = self.raw_first_line
        rows = self.rows
        groups = self.voter_groups
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise PabulibError(f"line {reader.line_num}: {exc}") from None
            if len(row) != width:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if _is_section(row):
                    raise PabulibError(
                        f"line {reader.line_num}: section {row[0].strip().upper()} after VOTES"
                    )
                raise PabulibError(
                    f"line {reader.line_num}: a VOTES row needs {width} fields, found {len(row)}"
                )
            # Group on the raw text first: a dict lookup is far cheaper than parsing
            # every ballot, and most files repeat ballots.
            key = row[vote_col] if points_col is None else (row[vote_col], row[points_col])
            group = raw_groups.get(key)
            if group is None:
                group = len(first_line)
                raw_groups[key] = group
                first_line.append(reader.line_num)
            rows.append(row)
            groups.append(group)

    def _columns(self, vote: str, line: int) -> list[int]:
        index = self.index
        try:
            return [index[n] for n in vote.split(",")] if vote else []
        except KeyError:
            pass
        names = [v.strip() for v in vote.split(",")] if vote.strip() else []
        if len(names) == 1 and names[0].lower() == "none":
            return []
        try:
            return [index[n] for n in names]
        except KeyError as exc:
            raise PabulibError(
                f"line {line}: the vote names project {exc.args[0]!r}, which is not in PROJECTS"
            ) from None

    def _ballot(self, vote: str, points: str, line: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Return (project indices, points) for one raw ballot, in a canonical order."""
        cols = self._columns(vote, line)
        if len(set(cols)) != len(cols):
            raise PabulibError(f"line {line}: the vote names a project twice")
        if self.points_col is None:
            if self.kind != "ordinal":
                # Approval ballots are sets: order does not matter.
                cols.sort()
            return tuple(cols), ()
        raw = points.split(",") if points.strip() else []
        if len(raw) != len(cols):
            raise PabulibError(
                f"line {line}: the vote names {len(cols)} projects but gives {len(raw)} points"
            )
        pts = [_whole_number(p.strip(), "points", line) for p in raw]
        if any(p < 0 for p in pts):
            raise PabulibError(f"line {line}: points must be 0 or more")
        order = sorted(range(len(cols)), key=cols.__getitem__)
        return tuple(cols[i] for i in order), tuple(pts[i] for i in order)

    def finish(self, last_line: int) -> Election:
        canonical: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {}
        remap: list[int] = []
        with_points = self.points_col is not None
        for key, line in zip(self.raw_groups, self.raw_first_line, strict=True):
            vote, points = key if with_points else (key, "")
            parsed = self._ballot(vote, points, line)
            remap.append(canonical.setdefault(parsed, len(canonical)))
        remap_arr = np.asarray(remap, dtype=np.int64)
        voter_groups = remap_arr[np.asarray(self.voter_groups, dtype=np.int64)]
        weights = np.bincount(voter_groups, minlength=len(canonical)).astype(np.int64)
        ids = [p.id for p in self.projects]
        ballots = tuple(
            Ballot(
                tuple([ids[c] for c in cols]),
                pts if with_points else None,
                int(weights[g]),
            )
            for g, (cols, pts) in enumerate(canonical)
        )
        voter_col = self.voter_col
        voter_ids = [row[voter_col] for row in self.rows]
        if len(set(voter_ids)) != len(voter_ids):
            seen: set[str] = set()
            for number, voter_id in enumerate(voter_ids):
                if voter_id in seen:
                    line = self.first_votes_line + number
                    raise PabulibError(f"line {line}: voter id {voter_id!r} is used twice")
                seen.add(voter_id)
        declared = self.meta.get("num_votes")
        if declared is not None and _whole_number(declared, "num_votes", 0) != len(voter_ids):
            raise PabulibError(
                f"line {last_line}: META says num_votes is {declared}"
                f" but VOTES has {len(voter_ids)} rows (is the file cut short?)"
            )
        election = Election(
            projects=tuple(self.projects),
            budget=self.budget,
            kind=self.kind,
            ballots=ballots,
            meta=dict(self.meta),
            voters=VoterRows(tuple(self.header), self.rows, voter_groups),
            project_columns=tuple(
                c for c in self.project_header if c not in ("project_id", "cost")
            ),
            ordinal_points=self.ordinal_points,
        )
        # Seed the cached numpy tables from the indices we already have, so the
        # ids are not looked up a second time.
        election.__dict__["tables"] = Tables.from_indices(election, list(canonical), weights)
        return election


def write_pb(election: Election, path: str | PathLike[str]) -> None:
    """Write ``election`` as a Pabulib file that :func:`read_pb` reads back equal."""
    Path(path).write_text(format_pb(election), encoding="utf-8")


def format_pb(election: Election) -> str:
    """Return ``election`` as the text of a Pabulib file."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    meta = dict(election.meta)
    vote_type = meta.get("vote_type", "").strip().lower()
    if VOTE_TYPES.get(vote_type) != election.kind:
        meta["vote_type"] = KIND_TO_VOTE_TYPE[election.kind]
    meta["budget"] = str(election.budget)
    if election.kind == "ordinal" and election.ordinal_points is not None:
        meta["ordinal_points"] = ",".join(str(q) for q in election.ordinal_points)
    meta["num_projects"] = str(len(election.projects))
    meta["num_votes"] = str(
        len(election.voters)
        if election.voters is not None
        else sum(b.weight for b in election.ballots)
    )
    out.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in meta.items():
        writer.writerow([key, value])
    out.write("PROJECTS\n")
    columns = list(election.project_columns)
    for project in election.projects:
        for key in project.fields:
            if key not in columns:
                columns.append(key)
    if "name" not in columns:
        columns.append("name")
    writer.writerow(["project_id", "cost", *columns])
    for project in election.projects:
        row = [project.id, str(project.cost)]
        for key in columns:
            if key == "name":
                row.append(project.fields.get("name", project.name))
            else:
                row.append(project.fields.get(key, ""))
        writer.writerow(row)
    out.write("VOTES\n")
    with_points = election.kind in ("score", "cumulative")
    if election.voters is not None:
        header = list(election.voters.header)
        rows, ballot_of = election.voters.rows, election.voters.ballot
    else:
        header = ["voter_id", "vote"] + (["points"] if with_points else [])
        rows, ballot_of = voters_default(election)
    vote_col = header.index("vote")
    points_col = header.index("points") if with_points else None
    writer.writerow(header)
    for row, index in zip(rows, ballot_of, strict=True):
        ballot = election.ballots[index]
        row = list(row)
        # Write the ballot held in the election, not the text it was read from.
        row[vote_col] = ",".join(ballot.projects)
        if points_col is not None:
            row[points_col] = ",".join(str(p) for p in ballot.points or ())
        writer.writerow(row)
    return out.getvalue()


def voters_default(election: Election) -> tuple[list[list[str]], list[int]]:
    """Number voters 1, 2, 3... when an election was built without voter rows."""
    with_points = election.kind in ("score", "cumulative")
    rows: list[list[str]] = []
    ballot_of: list[int] = []
    for index, ballot in enumerate(election.ballots):
        for _ in range(ballot.weight):
            rows.append([str(len(rows) + 1), ""] + ([""] if with_points else []))
            ballot_of.append(index)
    return rows, ballot_of
