"""Tie-breaking: which project goes first when a rule scores two projects the same.

* ``text-id`` is pabutools' default: project ids compared as text, so ``"10"``
  comes before ``"9"``.
* ``cost-votes`` is the order equalshares.net recommends: the cheaper project
  first, then the one with more votes, and as a fixed lot the project id
  compared as text.
"""

from __future__ import annotations

import numpy as np

from thegither.allocation.model import TIE_BREAKS, Election, PabulibError


def tie_rank(election: Election, tie_break: str) -> np.ndarray:
    """Return each project's place in the tie-break order (0 goes first)."""
    if tie_break not in TIE_BREAKS:
        raise PabulibError(f"unknown tie-break {tie_break!r}; use one of {', '.join(TIE_BREAKS)}")
    tables = election.tables
    ids = [p.id for p in election.projects]
    if tie_break == "text-id":
        order = sorted(range(len(ids)), key=ids.__getitem__)
    else:
        order = sorted(
            range(len(ids)),
            key=lambda p: (int(tables.cost[p]), -int(tables.votes[p]), ids[p]),
        )
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(ids), dtype=np.int64)
    return rank


def describe(tie_break: str) -> str:
    """Return the tie-break in plain words."""
    if tie_break == "text-id":
        return "projects with equal scores go in order of their id, read as text"
    return (
        "projects with equal scores go cheapest first, then the one with more votes,"
        " then in order of their id, read as text"
    )
