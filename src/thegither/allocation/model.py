"""Data model for participatory budgeting: projects, ballots, elections and outcomes.

Everything here is plain data. The rules read an :class:`Election` through its
:attr:`Election.tables`, a set of numpy arrays built once and cached.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np

BallotKind = Literal["approval", "score", "cumulative", "ordinal"]
BALLOT_KINDS: tuple[str, ...] = ("approval", "score", "cumulative", "ordinal")

Utility = Literal["cost", "cardinality", "score"]
UTILITIES: tuple[str, ...] = ("cost", "cardinality", "score")

TieBreak = Literal["text-id", "cost-votes"]
TIE_BREAKS: tuple[str, ...] = ("text-id", "cost-votes")


class PabulibError(ValueError):
    """A Pabulib file, or an election built by hand, is malformed."""


@dataclass(frozen=True)
class Project:
    """A project people can vote for.

    ``fields`` keeps every other column of the Pabulib PROJECTS section as text
    (for example ``votes``, ``category`` or the official ``selected``), so that a
    file can be written back unchanged.
    """

    id: str
    cost: int
    name: str = ""
    fields: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not self.id:
            raise PabulibError("a project needs an id")
        if isinstance(self.cost, bool) or not isinstance(self.cost, int) or self.cost < 0:
            raise PabulibError(f"project {self.id}: cost must be a whole number, 0 or more")


@dataclass(frozen=True)
class Ballot:
    """One way of voting, and how many voters voted exactly that way.

    ``projects`` are project ids; for ordinal ballots they are in order of
    preference. ``points`` is given for score and cumulative ballots, one number
    per project.
    """

    projects: tuple[str, ...]
    points: tuple[int, ...] | None = None
    weight: int = 1

    def __post_init__(self) -> None:
        if self.weight < 1:
            raise PabulibError("a ballot's weight must be 1 or more")
        if self.points is not None and len(self.points) != len(self.projects):
            raise PabulibError("a ballot needs one number of points per project")


class BallotGroups(Sequence[Ballot]):
    """A file's ballots, kept as flat arrays and made into :class:`Ballot` objects on demand.

    A big file has tens of thousands of different ballots, and the rules never
    look at them one by one (they read :attr:`Election.tables`), so reading a
    file should not pay for building them. Compares equal to the same ballots
    given as a tuple.
    """

    def __init__(
        self,
        ids: Sequence[str],
        lengths: np.ndarray,
        columns: np.ndarray,
        points: np.ndarray | None,
        weight: np.ndarray,
    ) -> None:
        self._ids = ids
        self._lengths = lengths
        self._columns = columns
        self._points = points
        self._weight = weight

    @property
    def longest(self) -> int:
        """Return how many projects the longest ballot names."""
        return int(self._lengths.max()) if len(self._lengths) else 0

    @cached_property
    def _ballots(self) -> tuple[Ballot, ...]:
        ids = self._ids
        names = [ids[c] for c in self._columns.tolist()]
        points = self._points.tolist() if self._points is not None else None
        ends = np.cumsum(self._lengths).tolist()
        starts = [0, *ends[:-1]]
        return tuple(
            Ballot(
                tuple(names[a:b]),
                tuple(points[a:b]) if points is not None else None,
                weight,
            )
            for a, b, weight in zip(starts, ends, self._weight.tolist(), strict=True)
        )

    def __len__(self) -> int:
        return len(self._weight)

    def __getitem__(self, index):  # type: ignore[override]
        return self._ballots[index]

    def __iter__(self) -> Iterator[Ballot]:
        return iter(self._ballots)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (BallotGroups, tuple, list)):
            return self._ballots == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._ballots)

    def __repr__(self) -> str:
        return repr(self._ballots)


def longest_ballot(ballots: Sequence[Ballot]) -> int:
    """Return how many projects the longest ballot names (0 if there are none)."""
    if isinstance(ballots, BallotGroups):
        return ballots.longest
    return max((len(b.projects) for b in ballots), default=0)


@dataclass(frozen=True, eq=False)
class VoterRows:
    """The VOTES rows of a Pabulib file, kept as text so that files round-trip.

    ``fields`` holds every row's fields one after another (``len(header)`` a
    row): one flat list is far cheaper to build than a list per voter.
    ``ballot[i]`` is the index in :attr:`Election.ballots` of row ``i``'s ballot.
    When ``text`` is given instead (unquoted rows in UTF-8, one a line, ending
    in LF or CRLF), ``fields`` is empty and the rows are split from it only
    when asked for: most callers never need the columns the rules ignore.
    """

    header: tuple[str, ...]
    fields: list[str]
    ballot: np.ndarray
    text: bytes | None = None

    def __len__(self) -> int:
        return len(self.ballot)

    @cached_property
    def rows(self) -> list[list[str]]:
        """Return the rows, one list of fields per voter."""
        if self.text is not None:
            text = self.text.decode("utf-8", "surrogatepass")
            if "\r" in text:
                text = text.replace("\r\n", "\n")  # the file's line ends
            lines = text.split("\n")
            if lines[-1] == "":
                lines.pop()  # the text ends with a line end
            return [line.split(";") for line in lines]
        width, fields = len(self.header), self.fields
        return [fields[start : start + width] for start in range(0, len(fields), width)]


@dataclass(frozen=True)
class Election:
    """A budget, the projects and the ballots cast.

    ``voters`` and the ``*_columns`` fields only matter for writing a file back;
    an election built by hand can leave them empty.
    """

    projects: tuple[Project, ...]
    budget: int
    kind: BallotKind
    ballots: Sequence[Ballot]  # a tuple, or BallotGroups when read from a file
    meta: dict[str, str] = field(default_factory=dict, compare=False)
    voters: VoterRows | None = field(default=None, compare=False, repr=False)
    project_columns: tuple[str, ...] = field(default=(), compare=False, repr=False)
    ordinal_points: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if self.kind not in BALLOT_KINDS:
            raise PabulibError(f"unknown ballot kind {self.kind!r}")
        if self.budget < 0:
            raise PabulibError("the budget must be 0 or more")
        seen: set[str] = set()
        for project in self.projects:
            if project.id in seen:
                raise PabulibError(f"project id {project.id} is used twice")
            seen.add(project.id)

    @cached_property
    def project_index(self) -> dict[str, int]:
        """Map each project id to its position in :attr:`projects`."""
        return {p.id: i for i, p in enumerate(self.projects)}

    @property
    def num_voters(self) -> int:
        """Return how many voters there are, counting each ballot's weight."""
        return int(self.tables.weight.sum())

    def project(self, project_id: str) -> Project:
        """Return the project with this id."""
        return self.projects[self.project_index[project_id]]

    def scoring(self) -> tuple[int, ...]:
        """Return the points an ordinal ballot gives by position (first choice first)."""
        if self.ordinal_points is not None:
            return self.ordinal_points
        longest = longest_ballot(self.ballots)
        declared = self.meta.get("max_length", "")
        length = int(declared) if declared.isdigit() else longest
        length = max(length, longest)
        # Borda-like: with 3 places, 3 points for a first choice, 2 for a second, 1 for a third.
        return tuple(range(length, 0, -1))

    @cached_property
    def tables(self) -> Tables:
        """Return the numpy view of the ballots the rules work on (built once)."""
        return Tables.build(self)


@dataclass(frozen=True)
class Tables:
    """Ballots as numpy arrays: for each project, the ballot groups that support it.

    A "group" is one :class:`Ballot` (identical ballots already merged), with
    ``weight[g]`` voters in it. ``supporters[p]`` holds group indices and
    ``points[p]`` the matching points (1 for approval).
    """

    cost: np.ndarray  # int64, one per project
    weight: np.ndarray  # int64, one per ballot group
    supporters: tuple[np.ndarray, ...]  # int64 group indices, per project
    points: tuple[np.ndarray, ...]  # int64 points, per project
    votes: np.ndarray  # int64: voters who gave the project anything
    score: np.ndarray  # int64: total points (votes for approval)

    @classmethod
    def build(cls, election: Election) -> Tables:
        """Flatten hand-built ballots into per-project supporter arrays."""
        index = election.project_index
        parsed: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
        for ballot in election.ballots:
            try:
                cols = tuple(index[pid] for pid in ballot.projects)
            except KeyError as exc:
                raise PabulibError(f"a ballot names unknown project {exc.args[0]}") from None
            if len(set(cols)) != len(cols):
                raise PabulibError("a ballot names a project twice")
            if election.kind in ("score", "cumulative"):
                if ballot.points is None:
                    raise PabulibError("score and cumulative ballots need points")
                parsed.append((cols, ballot.points))
            else:
                parsed.append((cols, ()))
        weight = np.fromiter((b.weight for b in election.ballots), np.int64, len(election.ballots))
        return cls.from_indices(election, parsed, weight)

    @classmethod
    def from_indices(
        cls,
        election: Election,
        ballots: list[tuple[tuple[int, ...], tuple[int, ...]]],
        weight: np.ndarray,
    ) -> Tables:
        """Build the tables from ballots given as (project indices, points)."""
        lengths = np.fromiter((len(c) for c, _ in ballots), np.int64, len(ballots))
        total = int(lengths.sum())
        columns = np.fromiter((c for cols, _ in ballots for c in cols), np.int64, total)
        points = None
        if election.kind in ("score", "cumulative"):
            points = np.fromiter((q for _, pts in ballots for q in pts), np.int64, total)
        return cls.from_flat(election, lengths, columns, points, weight)

    @classmethod
    def from_flat(
        cls,
        election: Election,
        lengths: np.ndarray,
        column_arr: np.ndarray,
        points: np.ndarray | None,
        weight: np.ndarray,
    ) -> Tables:
        """Build the tables from ballots laid end to end.

        Ballot ``g`` names the ``lengths[g]`` projects that come next in
        ``column_arr`` (project indices); ``points`` gives their points for score
        and cumulative ballots.
        """
        num_projects = len(election.projects)
        group_arr = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        total = len(column_arr)
        if election.kind == "approval":
            point_arr = np.ones(total, dtype=np.int64)
        elif election.kind == "ordinal":
            scoring = np.asarray(election.scoring() or (0,), dtype=np.int64)
            starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
            point_arr = scoring[np.arange(total, dtype=np.int64) - starts]
        else:
            assert points is not None
            point_arr = points
        # A zero-point entry is not support: it must not make a voter a supporter.
        keep = point_arr > 0
        if not keep.all():
            group_arr, column_arr, point_arr = group_arr[keep], column_arr[keep], point_arr[keep]
        # Stable sorts of 16-bit numbers are radix sorts: far faster than int64.
        small = column_arr.astype(np.int16) if num_projects < 2**15 else column_arr
        order = np.argsort(small, kind="stable")
        counts = np.bincount(column_arr, minlength=num_projects)
        bounds = np.concatenate(([0], np.cumsum(counts)))
        group_sorted = group_arr[order]
        point_sorted = point_arr[order]
        supporters = tuple(group_sorted[bounds[p] : bounds[p + 1]] for p in range(num_projects))
        pts = tuple(point_sorted[bounds[p] : bounds[p + 1]] for p in range(num_projects))
        voters = weight[group_arr]
        votes = _totals(column_arr, voters, num_projects)
        if election.kind == "approval":
            score = votes  # a point per approval
        else:
            score = _totals(column_arr, voters * point_arr, num_projects)
        cost = np.array([p.cost for p in election.projects], dtype=np.int64)
        return cls(cost, weight, supporters, pts, votes, score)


def _totals(projects: np.ndarray, amounts: np.ndarray, num_projects: int) -> np.ndarray:
    """Return the sum of ``amounts`` per project index in ``projects``, as exact integers.

    bincount adds in floats, which is exact while every partial sum stays below
    2**53; past that (never in a real election), add in Python integers instead.
    """
    totals = np.bincount(projects, weights=amounts, minlength=num_projects)
    if float(np.abs(amounts).sum(dtype=np.float64)) < 2.0**53:
        return totals.astype(np.int64)
    exact = [0] * num_projects
    for p, amount in zip(projects.tolist(), amounts.tolist(), strict=True):
        exact[p] += amount
    return np.array(exact, dtype=np.int64)


@dataclass(frozen=True)
class Explanation:
    """Why one project was or was not funded, in plain words and as data."""

    project_id: str
    name: str
    cost: int
    funded: bool
    reason: str  # a short machine-readable code, e.g. "funded" or "too-expensive"
    text: str  # plain words a 12-year-old can follow
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the explanation as a JSON-serialisable dict."""
        return {
            "project_id": self.project_id,
            "name": self.name,
            "cost": self.cost,
            "funded": self.funded,
            "reason": self.reason,
            "text": self.text,
            "details": self.details,
        }


@dataclass(frozen=True)
class Outcome:
    """The projects a rule funded, in the order it chose them, and why."""

    rule: str
    selected: list[str]
    spent: int
    budget: int
    explanations: list[Explanation]
    settings: dict[str, Any] = field(default_factory=dict)
    # What holds for every project (how the rule works, each voter's money), said once.
    summary: list[str] = field(default_factory=list)
    # How much work the rule did (for MES add1: runs of MES worked out), for benchmarks;
    # not part of the outcome, so not in the JSON.
    work: dict[str, int] = field(default_factory=dict, compare=False)

    def to_json(self) -> dict[str, Any]:
        """Return the outcome as a JSON-serialisable dict."""
        return {
            "rule": self.rule,
            "selected": list(self.selected),
            "spent": self.spent,
            "budget": self.budget,
            "settings": dict(self.settings),
            "summary": list(self.summary),
            "explanations": [e.to_json() for e in self.explanations],
        }
