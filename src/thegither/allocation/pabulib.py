"""Read and write Pabulib ``.pb`` files (https://pabulib.org/format).

A file has three sections, META, PROJECTS and VOTES, each a semicolon-separated
table with a header row. Fields may be quoted (names can hold ``;`` and doubled
quotes); files may start with a UTF-8 byte order mark and use CRLF line ends.
A VOTES row is one line: a quote left open there is an error, not a field that
runs on to the end of the file (docs/decisions/0031-fast-pabulib-reading.md).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import repeat
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from thegither.allocation.model import (
    BallotGroups,
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
BOM = b"\xef\xbb\xbf"
# The largest cost, budget, points or count a file may give: every whole number up
# to it is exact in the engine's floats, and sums of a few of them stay inside int64.
LARGEST_NUMBER = 2**53 - 1
# Numeric project ids below this are looked up in a table indexed by number.
LOOKUP_TABLE_LIMIT = 1 << 20


def read_pb(path: str | PathLike[str], *, need_voters: bool = False) -> Election:
    """Read a Pabulib file; raise :class:`PabulibError` naming the line and the problem.

    With ``need_voters``, a file whose VOTES section has no rows is refused too
    (the command line does: there is nothing to decide).
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise PabulibError(f"cannot open {path}: {exc.strerror or exc}") from None
    bom = len(BOM) if data.startswith(BOM) else 0
    raw = data[bom:]
    # Line ends are left as they are: normalising CRLF over the whole file
    # costs more than the rest of reading it. The parser reads CRLF and a
    # lone CR as line ends the way text mode does, line by line in the
    # header and in one pass over the VOTES rows.
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PabulibError(f"{path} is not UTF-8 text (byte {bom + exc.start})") from None
    # Hand over the bytes too: the VOTES shortcut reads them, and encoding the
    # text again would cost more than the bytes already in hand.
    return _Parser(text, fast=True, raw=raw, need_voters=need_voters).parse()


def parse_pb(text: str) -> Election:
    """Parse the text of a Pabulib file."""
    return _Parser(text, fast=True).parse()


def parse_pb_carefully(text: str) -> Election:
    """Parse like :func:`parse_pb`, but read every VOTES row with the csv module.

    :func:`parse_pb` takes a shortcut for a VOTES section with no quotes and rows
    of one shape; this is the path it falls back to, kept callable so tests can
    check that both read every file the same.
    """
    return _Parser(text, fast=False).parse()


def _whole_number(text: str, what: str, line: int) -> int:
    """Return ``text`` as a whole number, accepting ``12.0`` and ``12,0`` but not ``12.5``.

    Numbers over :data:`LARGEST_NUMBER` are refused at once, before they are
    worked out: ``1e1000000`` is a million digits, and making it a number
    would take a minute.
    """
    try:
        number = int(text)
    except ValueError:
        number = None
    if number is None:
        try:
            value = Decimal(text.strip().replace(",", "."))
        except InvalidOperation:
            raise PabulibError(f"line {line}: {what} {_shown(text)} is not a number") from None
        if not value.is_finite():
            raise PabulibError(f"line {line}: {what} {_shown(text)} is not a whole number")
        if value.adjusted() > 18:  # 19 digits or more before the point: far too large
            raise _too_large(what, text, line)
        if value != value.to_integral_value():
            raise PabulibError(f"line {line}: {what} {_shown(text)} is not a whole number")
        number = int(value)
    if abs(number) > LARGEST_NUMBER:
        raise _too_large(what, text, line)
    return number


def _too_large(what: str, text: str, line: int) -> PabulibError:
    return PabulibError(
        f"line {line}: {what} {_shown(text)} is too large (the largest allowed is"
        f" {LARGEST_NUMBER:,})"
    )


def _shown(text: str, limit: int = 40) -> str:
    """Return ``text`` quoted for a message, cut short if it is long."""
    text = text.strip()
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _is_section(row: list[str]) -> str | None:
    if row and row[0].strip().lower() in SECTIONS and all(not c.strip() for c in row[1:]):
        return row[0].strip().lower()
    return None


@dataclass
class _VoteRows:
    """The VOTES rows as one flat list of fields, with where each row sits in the file."""

    fields: list[str]
    width: int
    first_line: int  # line of row 0 when ``lines`` is None (rows on consecutive lines)
    last_line: int  # the file's last line, for "is the file cut short?"
    lines: list[int] | None = None
    # The unsplit rows, in UTF-8, when ``fields`` holds only each row's first ``width`` fields.
    text: bytes | None = None
    ends_in_line_end: bool = True  # whether the file's last line ends in a line end

    def __len__(self) -> int:
        return len(self.fields) // self.width

    def line(self, row: int) -> int:
        """Return the line number of row ``row``."""
        return self.lines[row] if self.lines is not None else self.first_line + row

    def column(self, col: int) -> list[str]:
        """Return one column, a field per row."""
        return self.fields[col :: self.width]


def _split_plain_rows(
    body: bytes, width: int, first_line: int, needed: int, *, crlf: bool = False
) -> _VoteRows | None:
    """Split a VOTES section (in UTF-8) with plain split, or return None if it needs csv.

    The shortcut holds when no field is quoted, every line has ``width`` fields
    and no line is blank: then splitting on ";" is exactly what csv would do.
    Anything else (quotes, a lone CR, a short row, a blank line) goes to csv,
    which reads it carefully and names the line of any problem.

    With ``crlf``, lines may end in CRLF (the CR is no part of the last field);
    otherwise any CR goes to csv.

    Only the first ``needed`` columns are split out when that leaves columns
    over; the whole rows stay in ``text`` for writing the file back.
    """
    if b'"' in body or (not crlf and b"\r" in body):
        return None
    if not body:
        return _VoteRows([], width, first_line, first_line - 1)
    # Find the line ends and semicolons with numpy: a string per line would
    # cost as much as the split itself.
    data = np.frombuffer(body, dtype=np.uint8)
    line_ends = np.flatnonzero(data == ord("\n"))
    if crlf:
        # A lone CR ends a line too, which csv reads: go on only if every CR
        # is the CR of a CRLF, counting the CRs before each LF.
        returns = np.count_nonzero(data == ord("\r"))
        before_lf = line_ends[line_ends > 0] - 1
        if returns != np.count_nonzero(data[before_lf] == ord("\r")):
            return None
        crlf = returns > 0
    if not body.endswith(b"\n"):
        line_ends = np.append(line_ends, len(data))  # the last line has no line end
    semicolons = np.flatnonzero(data == ord(";"))
    per_line = np.diff(np.searchsorted(semicolons, line_ends), prepend=0)
    if np.any(per_line != width - 1):
        return None
    last_line = first_line - 1 + len(line_ends)
    if needed < width:
        cuts = semicolons[needed - 1 :: width - 1]  # the ";" after each line's last needed field
        fields = _leading_fields(data, line_ends, cuts)
        return _VoteRows(fields, needed, first_line, last_line, text=body)
    rows = body.decode("utf-8", "surrogatepass")
    if crlf:
        rows = rows.replace("\r\n", "\n")
    fields = rows.replace("\n", ";").split(";")
    if body.endswith(b"\n"):
        fields.pop()  # the empty "field" after the last line's end
    return _VoteRows(fields, width, first_line, last_line)


def _leading_fields(data: np.ndarray, line_ends: np.ndarray, cuts: np.ndarray) -> list[str]:
    """Return the fields of each line up to its cut, one flat list.

    ``data`` is UTF-8 text, ``line_ends`` and ``cuts`` are positions in it, a
    line end and a ";" per line. A string per field is what makes splitting
    slow, so each line's bytes from the cut on are dropped before splitting.
    """
    starts = np.concatenate(([0], line_ends[:-1] + 1))
    sizes = cuts + 1 - starts  # keep the ";": it parts this line's last field from the next's first
    # The position in ``data`` of each kept byte: its line's start, plus its
    # place among the kept bytes less the kept bytes of the lines before. The
    # kept bytes are few, so this beats a mask over every byte; 32-bit
    # positions, where they fit, halve the memory written.
    kind = np.int32 if len(data) < 2**31 else np.int64
    kept = np.repeat((starts - (np.cumsum(sizes) - sizes)).astype(kind), sizes)
    kept += np.arange(len(kept), dtype=kind)
    fields = data[kept].tobytes().decode("utf-8", "surrogatepass").split(";")
    fields.pop()  # the empty "field" after the last line's kept ";"
    return fields


def _read_csv_rows(reader: Any, width: int, lines_before: int) -> _VoteRows:
    """Read the VOTES rows left in ``reader`` one at a time, checking each.

    ``lines_before`` is how many lines of the file come before the first line
    ``reader`` reads (0 when it reads the file from its start).
    """
    fields: list[str] = []
    lines: list[int] = []
    while True:
        first = lines_before + reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return _VoteRows(fields, width, 0, lines_before + reader.line_num, lines)
        except csv.Error as exc:
            raise PabulibError(f"line {lines_before + reader.line_num}: {exc}") from None
        line = lines_before + reader.line_num
        if line > first:
            # A VOTES field never holds a line break: a quote was left open, and csv
            # would read on to the next quote, or to the end of the file.
            raise PabulibError(
                f"line {first}: a quote opened in this row is not closed on its line"
            )
        if len(row) != width:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if _is_section(row):
                raise PabulibError(f"line {line}: section {row[0].strip().upper()} after VOTES")
            raise PabulibError(f"line {line}: a VOTES row needs {width} fields, found {len(row)}")
        fields.extend(row)
        lines.append(line)


class _Lines:
    """Iterate over the lines of a text, each ending in LF, as text mode would read them.

    CRLF and a lone CR end a line too and are read as LF, like
    ``StringIO(text.replace("\r\n", "\n").replace("\r", "\n"), newline="")``.
    That copies the whole text up front, most of which is VOTES rows that the
    parser reads apart; this reads only as far as it is asked to.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        # The next LF and CR at or after ``pos`` (or the text's end), kept so
        # that a file with few of either is not searched to its end every line.
        self.next_lf = -1
        self.next_cr = -1 if "\r" in text else len(text)

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        text, start = self.text, self.pos
        if start >= len(text):
            raise StopIteration
        if self.next_lf < start:
            self.next_lf = text.find("\n", start) % (len(text) + 1)  # -1 becomes the end
        if self.next_cr < start:
            self.next_cr = text.find("\r", start) % (len(text) + 1)
        if self.next_lf < self.next_cr:
            self.pos = self.next_lf + 1
            return text[start : self.pos]
        if self.next_cr == len(text):
            self.pos = len(text)  # the last line, with no line end
            return text[start:]
        # CRLF or a lone CR: one line end either way.
        self.pos = self.next_cr + (2 if text.startswith("\n", self.next_cr + 1) else 1)
        return text[start : self.next_cr] + "\n"

    def tell(self) -> int:
        """Return the position of the next line."""
        return self.pos


class _Parser:
    def __init__(
        self, text: str, *, fast: bool, raw: bytes | None = None, need_voters: bool = False
    ) -> None:
        self.text = text
        self.need_voters = need_voters
        self.raw = raw  # ``text`` in UTF-8, if the caller has it (read_pb does)
        self.fast = fast
        # A file's CRs are read as line ends, as text mode reads them; text
        # handed over as a string is read as it is, CRs kept in quoted fields.
        read_as_file = raw is not None or "\r" not in text
        self.stream = _Lines(text) if read_as_file else io.StringIO(text, newline="")
        self.reader = csv.reader(self.stream, delimiter=";")

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

    def _vote_rows(self, width: int, needed: int, header_line: int) -> _VoteRows:
        """Read every VOTES row, by the shortcut where it holds."""
        if self.fast:
            # The csv reader reads whole lines and no further, so the stream's
            # position is where the VOTES rows start.
            start = self.stream.tell()
            if self.raw is not None:
                # The lines before VOTES are few: encoding them finds the byte offset.
                body = self.raw[len(self.text[:start].encode("utf-8", "surrogatepass")) :]
            else:
                body = self.text[start:].encode("utf-8", "surrogatepass")
            crlf = self.raw is not None  # only a file's CRs are line ends
            rows = _split_plain_rows(body, width, header_line + 1, needed, crlf=crlf)
            if rows is not None:
                return rows
        if isinstance(self.stream, _Lines):
            # Read the rows through StringIO, in C, not line by line in Python.
            rest = self.text[self.stream.tell() :]
            if "\r" in rest:
                # Only a file's text reaches here with CRs: read them as _Lines does.
                rest = rest.replace("\r\n", "\n").replace("\r", "\n")
            stream = io.StringIO(rest, newline="")
            return _read_csv_rows(csv.reader(stream, delimiter=";"), width, header_line)
        return _read_csv_rows(self.reader, width, 0)

    def parse(self) -> Election:
        rows = self._rows()
        meta: dict[str, str] = {}
        meta_lines: dict[str, int] = {}
        project_header: list[str] = []
        projects_line = 0
        project_rows: list[tuple[int, list[str]]] = []
        section = None
        seen: list[str] = []
        header: list[str] | None = None
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
                    projects_line = line
                    _require(header, ("project_id", "cost"), "PROJECTS", line)
                else:
                    if not project_rows:
                        raise PabulibError(
                            f"line {projects_line}: the PROJECTS section lists no project"
                        )
                    votes = _Votes(
                        header,
                        meta,
                        project_rows,
                        project_header,
                        line,
                        meta_lines,
                        self.need_voters,
                    )
                    rows = self._vote_rows(votes.width, votes.needed, line)
                    if self.raw is not None:
                        rows.ends_in_line_end = self.raw.endswith((b"\n", b"\r"))
                    else:
                        rows.ends_in_line_end = self.text.endswith(("\n", "\r"))
                    return votes.finish(rows)
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
                meta_lines[key] = line
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
        raise PabulibError(f"line {self.reader.line_num}: the VOTES section has no header")


def _require(header: list[str], names: tuple[str, ...], section: str, line: int) -> None:
    for name in names:
        if name not in header:
            raise PabulibError(f"line {line}: the {section} header has no {name!r} column")
    duplicated = {c for c in header if header.count(c) > 1}
    if duplicated:
        raise PabulibError(f"line {line}: the {section} header repeats {sorted(duplicated)}")


@dataclass
class _Flat:
    """Ballots laid end to end: ballot ``g`` is the next ``lengths[g]`` entries.

    ``columns`` are project indices in canonical order (sorted, except ordinal
    ballots, whose order is the voter's); ``points`` match them, or are None.
    """

    lengths: np.ndarray
    columns: np.ndarray
    points: np.ndarray | None

    def owners(self) -> np.ndarray:
        """Return, for each entry, the ballot it belongs to."""
        return np.repeat(np.arange(len(self.lengths), dtype=np.int64), self.lengths)


class _Votes:
    """Turn the VOTES rows into ballot groups (identical ballots merged) and check them."""

    def __init__(
        self,
        header: list[str],
        meta: dict[str, str],
        project_rows: list[tuple[int, list[str]]],
        project_header: list[str],
        line: int,
        meta_lines: dict[str, int] | None = None,
        need_voters: bool = False,
    ) -> None:
        self.meta = meta
        self.need_voters = need_voters
        self.line = line  # the VOTES header's line
        self.meta_lines = meta_lines or {}
        if "vote_type" not in meta:
            raise PabulibError(f"line {line}: META has no 'vote_type'")
        if "budget" not in meta:
            raise PabulibError(f"line {line}: META has no 'budget'")
        vote_type = meta["vote_type"].strip().lower()
        if vote_type not in VOTE_TYPES:
            raise PabulibError(f"line {line}: unknown vote_type {meta['vote_type']!r}")
        self.kind: BallotKind = VOTE_TYPES[vote_type]
        self.budget = _whole_number(meta["budget"], "budget", self.meta_line("budget"))
        # Not a Pabulib key: write_pb adds it so that an ordinal election's own
        # scoring (say 5/3/1 instead of Borda's 3/2/1) survives a round trip.
        self.ordinal_points: tuple[int, ...] | None = None
        if self.kind == "ordinal" and meta.get("ordinal_points", "").strip():
            self.ordinal_points = tuple(
                _whole_number(q.strip(), "ordinal_points", self.meta_line("ordinal_points"))
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
        # How many leading columns the ballots and checks read.
        used = (self.voter_col, self.vote_col, self.points_col or 0)
        self.needed = max(used) + 1
        self.project_header = project_header

    def meta_line(self, key: str) -> int:
        """Return the line of a META key (the VOTES header's if it has none)."""
        return self.meta_lines.get(key, self.line)

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
        where = self.meta_line("num_projects")
        if declared is not None and _whole_number(declared, "num_projects", where) != len(projects):
            raise PabulibError(
                f"line {rows[-1][0] if rows else where}: META says num_projects is {declared}"
                f" but PROJECTS lists {len(projects)}"
            )
        return projects

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

    def _parse_fast(self, votes: list[str], points: list[str] | None) -> _Flat | None:
        """Parse every distinct raw ballot at once, or return None if any needs care.

        Only the common case is handled here: names that are exact project ids,
        whole numbers of points, one point per project, no project twice. Any
        other ballot (empty, "none", spaces, a mistake) sends all of them to
        :meth:`_parse_each`, which reads them one by one and names the line of
        the first mistake.
        """
        index = self.index
        joined = ",".join(votes)
        lengths = np.fromiter(map(str.count, votes, repeat(",")), np.int64, len(votes)) + 1
        total = int(lengths.sum())
        columns = _numeric_columns(joined, list(index))
        if columns is None:
            try:
                columns = np.fromiter(map(index.__getitem__, joined.split(",")), np.int64, total)
            except KeyError:
                return None
        owners = np.repeat(np.arange(len(votes), dtype=np.int64), lengths)
        order = _order_within_ballots(columns, owners, len(index))
        in_order = columns[order]
        if np.any((in_order[1:] == in_order[:-1]) & (owners[1:] == owners[:-1])):
            return None
        if points is None:
            return _Flat(lengths, columns if self.kind == "ordinal" else in_order, None)
        given = np.fromiter(map(str.count, points, repeat(",")), np.int64, len(points)) + 1
        if not np.array_equal(given, lengths):
            return None
        try:
            numbers = np.fromiter(map(int, ",".join(points).split(",")), np.int64, total)
        except (ValueError, OverflowError):
            return None
        if np.any(numbers < 0) or np.any(numbers > LARGEST_NUMBER):
            return None
        return _Flat(lengths, in_order, numbers[order])

    def _parse_each(self, votes: list[str], points: list[str] | None, lines: list[int]) -> _Flat:
        """Parse the distinct raw ballots one by one, raising on the first mistake."""
        parsed = [
            self._ballot(vote, points[g] if points is not None else "", lines[g])
            for g, vote in enumerate(votes)
        ]
        lengths = np.fromiter((len(c) for c, _ in parsed), np.int64, len(parsed))
        total = int(lengths.sum())
        columns = np.fromiter((c for cols, _ in parsed for c in cols), np.int64, total)
        numbers = None
        if points is not None:
            numbers = np.fromiter((q for _, pts in parsed for q in pts), np.int64, total)
        return _Flat(lengths, columns, numbers)

    def finish(self, rows: _VoteRows) -> Election:
        """Check the rows and build the election."""
        if self.need_voters and not len(rows):
            raise PabulibError(f"line {self.line}: the VOTES section has no rows: nobody voted")
        declared = self.meta.get("num_votes")
        where = self.meta_line("num_votes")
        if declared is not None and _whole_number(declared, "num_votes", where) != len(rows):
            raise PabulibError(
                f"line {rows.last_line}: META says num_votes is {declared}"
                f" but VOTES has {len(rows)} rows (is the file cut short?)"
            )
        ballot_columns = {self.vote_col, self.points_col}
        if not rows.ends_in_line_end and self.width - 1 in ballot_columns:
            # The last row ends in its ballot with no line end after it: a file cut
            # short there (inside the last ballot, or just before it) reads as a
            # shorter or empty ballot. A whole file ends its last line.
            raise PabulibError(
                f"line {rows.line(len(rows) - 1)}: the file ends inside this row's ballot,"
                " with no line end after it: is the file cut short?"
            )
        votes = rows.column(self.vote_col)
        with_points = self.points_col is not None
        points = rows.column(self.points_col) if self.points_col is not None else None
        # Group on the raw text first: a dict lookup is far cheaper than parsing
        # a ballot, and most files repeat ballots.
        keys = list(zip(votes, points, strict=True)) if points is not None else votes
        # dict.fromkeys keeps first appearances in order; both passes run in C.
        raw_groups = {key: g for g, key in enumerate(dict.fromkeys(keys))}
        row_group = np.fromiter(map(raw_groups.__getitem__, keys), np.int64, len(keys))
        raw_votes = [k[0] for k in raw_groups] if with_points else list(raw_groups)
        raw_points = [k[1] for k in raw_groups] if with_points else None
        flat = self._parse_fast(raw_votes, raw_points)
        if flat is None:
            # Groups are numbered in order of first appearance, so np.unique's
            # first indices are each group's first row.
            first_rows = np.unique(row_group, return_index=True)[1].tolist()
            lines = [rows.line(r) for r in first_rows]
            flat = self._parse_each(raw_votes, raw_points, lines)
        merged, flat = _merge_identical(flat, len(self.projects))
        voter_groups = merged[row_group]
        weights = np.bincount(voter_groups, minlength=len(flat.lengths)).astype(np.int64)
        self._check_voter_ids(rows)
        ids = [p.id for p in self.projects]
        election = Election(
            projects=tuple(self.projects),
            budget=self.budget,
            kind=self.kind,
            ballots=BallotGroups(ids, flat.lengths, flat.columns, flat.points, weights),
            meta=dict(self.meta),
            voters=VoterRows(
                tuple(self.header),
                rows.fields if rows.text is None else [],
                voter_groups,
                rows.text,
            ),
            project_columns=tuple(
                c for c in self.project_header if c not in ("project_id", "cost")
            ),
            ordinal_points=self.ordinal_points,
        )
        # Seed the cached numpy tables from the indices we already have, so the
        # ids are not looked up a second time.
        election.__dict__["tables"] = Tables.from_flat(
            election, flat.lengths, flat.columns, flat.points, weights
        )
        return election

    def _check_voter_ids(self, rows: _VoteRows) -> None:
        voter_ids = rows.column(self.voter_col)
        if len(set(voter_ids)) == len(voter_ids):
            return
        seen: set[str] = set()
        for row, voter_id in enumerate(voter_ids):
            if voter_id in seen:
                raise PabulibError(f"line {rows.line(row)}: voter id {voter_id!r} is used twice")
            seen.add(voter_id)


def _numeric_columns(joined: str, ids: list[str]) -> np.ndarray | None:
    """Return the index in ``ids`` of each comma-separated name, or None.

    This is a shortcut for files whose project ids are numbers: it reads the
    names as numbers with numpy instead of making a string of each. It holds
    only when every id and every name is plain digits with no leading zero, so
    that equal numbers mean equal text; otherwise (or for a name that is not
    an id) the caller looks the names up one by one.
    """
    if not ids or not all(map(_is_plain_number, ids)):
        return None
    values = _plain_numbers(joined)
    if values is None:
        return None
    numbers = np.array(list(map(int, ids)), dtype=np.int64)
    largest = int(numbers.max())
    if largest < LOOKUP_TABLE_LIMIT:
        # Ids are small numbers: look each name up in a table indexed by number.
        table = np.full(largest + 1, -1, dtype=np.int64)
        table[numbers] = np.arange(len(ids), dtype=np.int64)
        if not len(values) or int(values.max()) > largest:
            return None
        found = table[values]
        return None if np.any(found < 0) else found
    by_number = np.argsort(numbers)
    sorted_numbers = numbers[by_number]
    found = np.minimum(np.searchsorted(sorted_numbers, values), len(ids) - 1)
    if not np.array_equal(sorted_numbers[found], values):
        return None
    return by_number[found]


def _is_plain_number(text: str) -> bool:
    """Say if ``text`` is 1 to 18 digits with no leading zero (fits in an int64)."""
    if not (0 < len(text) <= 18 and text.isascii() and text.isdigit()):
        return False
    return text == "0" or text[0] != "0"


def _plain_numbers(joined: str) -> np.ndarray | None:
    """Return the numbers in a comma-separated text, or None unless each is plain."""
    if not joined.isascii():
        return None
    data = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    is_comma = data == ord(",")
    digits = data - np.uint8(ord("0"))  # wraps round for bytes below "0"
    if np.any((digits > 9) & ~is_comma):
        return None
    size = joined.find(",") if "," in joined else len(joined)
    count = (len(data) + 1) // (size + 1)
    if (
        0 < size <= 18
        and count * (size + 1) == len(data) + 1
        and np.count_nonzero(is_comma) == count - 1
        and is_comma[size :: size + 1].all()
    ):
        return _same_size_numbers(digits, count, size)
    return _numbers_of_any_size(digits, is_comma)


def _same_size_numbers(digits: np.ndarray, count: int, size: int) -> np.ndarray | None:
    """Read ``count`` numbers of ``size`` digits each, parted by one byte each."""
    # Pad the last number with a byte so that each number fills one table row.
    table = np.append(digits, np.uint8(0)).reshape(count, size + 1)
    if size > 1 and np.any(table[:, 0] == 0):
        return None  # a leading zero
    # A digit column at a time: converting the whole table to int64 first
    # writes eight times the bytes. Nine digits always fit in 32 bits.
    values = table[:, 0].astype(np.int32 if size <= 9 else np.int64)
    for place in range(1, size):
        values *= 10
        values += table[:, place]
    return values


def _numbers_of_any_size(digits: np.ndarray, is_comma: np.ndarray) -> np.ndarray | None:
    """Read the numbers between commas, of 1 to 18 digits each with no leading zero."""
    commas = np.flatnonzero(is_comma)
    starts = np.concatenate(([0], commas + 1))
    sizes = np.append(commas, len(digits)) - starts
    if np.any(sizes < 1) or np.any(sizes > 18) or np.any(digits[starts[sizes > 1]] == 0):
        return None
    # Read the numbers a digit at a time: there are far fewer numbers than bytes.
    values = np.zeros(len(starts), dtype=np.int64)
    for place in range(int(sizes.max())):
        live = sizes > place
        values[live] = values[live] * 10 + digits[starts[live] + place]
    return values


def _order_within_ballots(columns: np.ndarray, owners: np.ndarray, num_projects: int):
    """Return the order that sorts each ballot's projects, the ballots staying in place.

    Many files list each ballot's projects in order already; then the order is
    a plain slice and nothing is sorted.
    """
    ascending = (columns[1:] > columns[:-1]) | (owners[1:] != owners[:-1])
    if ascending.all():
        return slice(None)
    return np.argsort(owners * num_projects + columns, kind="stable")


def _merge_identical(flat: _Flat, num_projects: int) -> tuple[np.ndarray, _Flat]:
    """Merge raw ballots that are the same once parsed (say ``a,b`` and ``b,a``).

    Return the merged ballot of each raw ballot and the merged ballots, in order
    of first appearance (as merging them one by one would give).
    """
    count = len(flat.lengths)
    owners = flat.owners()
    starts = np.cumsum(flat.lengths) - flat.lengths
    place = np.arange(len(flat.columns), dtype=np.int64) - starts[owners]
    first, inverse = _unique_ballots(flat, owners, starts, place)
    by_appearance = np.argsort(first)
    merged_of = np.empty(len(first), dtype=np.int64)
    merged_of[by_appearance] = np.arange(len(first), dtype=np.int64)
    kept = np.zeros(count, dtype=bool)
    kept[first] = True
    keep = kept[owners]
    merged = _Flat(
        flat.lengths[first[by_appearance]],
        flat.columns[keep],
        flat.points[keep] if flat.points is not None else None,
    )
    return merged_of[inverse], merged


def _column_weights(count: int) -> np.ndarray:
    """Return ``count`` fixed, well-mixed odd 64-bit weights (SplitMix64 of 1, 2, ...).

    They must look random: weights in arithmetic progression make many rows
    share a sum. SplitMix64 is used instead of ``np.random``, whose import alone
    costs about 10 ms of the first parse. Arithmetic wraps around 2**64.
    """
    z = np.arange(1, count + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return (z ^ (z >> np.uint64(31))) | np.uint64(1)


def _unique_ballots(
    flat: _Flat, owners: np.ndarray, starts: np.ndarray, place: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return np.unique's ``return_index`` and ``return_inverse`` for the ballots of ``flat``.

    Sorting ballots is slow, so each is first reduced to one 64-bit number, a
    sum over its entries with random-looking odd weights by place (which wraps
    around), and ballots are compared as those numbers. This works on the
    entries as they are, with no table of ballots padded to the longest one
    (which one long ballot makes large). Different ballots could share a
    number, so the result is checked against the ballots themselves first.
    """
    widest = int(flat.lengths.max()) if len(flat.lengths) else 0
    weights = _column_weights(2 * widest + 1)
    entry = flat.columns.astype(np.uint64)
    entry += np.uint64(1)
    entry *= weights[place]
    if flat.points is not None:
        entry += flat.points.astype(np.uint64) * weights[widest + place]
    # A ballot's sum is the difference of two running totals (0 for an empty
    # one); its length counts too.
    running = np.concatenate(([np.uint64(0)], np.cumsum(entry, dtype=np.uint64)))
    keys = running[starts + flat.lengths] - running[starts]
    keys += flat.lengths.astype(np.uint64) * weights[-1]
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    if _same_ballots(flat, first[inverse], owners, starts, place):
        return first, inverse
    table = _padded_rows(flat, owners, place, widest)
    _, first, inverse = np.unique(table, axis=0, return_index=True, return_inverse=True)
    return first, inverse.ravel()


def _same_ballots(
    flat: _Flat, like: np.ndarray, owners: np.ndarray, starts: np.ndarray, place: np.ndarray
) -> bool:
    """Say if every ballot ``g`` holds what ballot ``like[g]`` holds, entry for entry."""
    if not np.array_equal(flat.lengths[like], flat.lengths):
        return False
    twin = starts[like][owners]
    twin += place  # the same entry in the ballot it is said to equal
    if not np.array_equal(flat.columns[twin], flat.columns):
        return False
    return flat.points is None or np.array_equal(flat.points[twin], flat.points)


def _padded_rows(flat: _Flat, owners: np.ndarray, place: np.ndarray, widest: int) -> np.ndarray:
    """Return a row per ballot: its project indices shifted up by one and padded
    with 0, then its points, if any."""
    table = np.zeros((len(flat.lengths), widest), dtype=np.int64)
    table[owners, place] = flat.columns + 1
    if flat.points is not None:
        numbers = np.zeros((len(flat.lengths), widest), dtype=np.int64)
        numbers[owners, place] = flat.points
        table = np.hstack((table, numbers))
    return table


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
