"""Sequential Phragmén, as in pabutools 1.2.3's ``sequential_phragmen``.

Voters earn money at the same steady speed. As soon as the supporters of a
project have earned its cost between them, it is bought and they spend all
they have. In numbers: each round buys the project whose supporters would end
with the lowest "load" ``(their loads + cost) / supporters``. The rule stops
when the next project to buy costs more than what is left (it does not skip).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from thegither.allocation.arrays import TOLERANCE, dot
from thegither.allocation.model import Election, PabulibError


@dataclass
class PhragmenResult:
    selected: list[int]
    spent: int
    loads: dict[int, float] = field(default_factory=dict)  # load each funded project set
    last_seen: dict[int, float] = field(default_factory=dict)  # load a project needed last round
    stopped_at: int | None = None
    too_expensive: list[int] = field(default_factory=list)


def sequential_phragmen(election: Election, *, rank: np.ndarray) -> PhragmenResult:
    """Run sequential Phragmén on approval ballots."""
    if election.kind != "approval":
        raise PabulibError("Phragmén needs approval ballots")
    tables = election.tables
    weight = tables.weight.astype(np.float64)
    load = np.zeros(len(weight), dtype=np.float64)
    level = np.full(len(weight), -1, dtype=np.int64)  # index into maxloads; -1 = no load yet
    maxloads: list[Fraction] = []
    budget = election.budget
    remaining = [p for p in range(len(tables.cost)) if int(tables.cost[p]) <= budget]
    result = PhragmenResult([], 0)
    result.too_expensive = [p for p in range(len(tables.cost)) if int(tables.cost[p]) > budget]

    def exact_new_load(p: int) -> Fraction:
        sup = tables.supporters[p]
        counts = np.bincount(level[sup] + 1, weights=tables.weight[sup], minlength=1)
        total = sum(
            (maxloads[k - 1] * round(c) for k, c in enumerate(counts) if k and c),
            Fraction(0),
        )
        return (total + int(tables.cost[p])) / int(tables.votes[p])

    while remaining:
        values = {}
        for p in remaining:
            votes = int(tables.votes[p])
            if votes == 0:
                values[p] = float("inf")
            else:
                sup = tables.supporters[p]
                values[p] = (dot(load[sup], weight[sup]) + float(tables.cost[p])) / votes
        best = min(values.values())
        tied = [p for p in remaining if values[p] <= best * (1 + TOLERANCE)]
        if len(tied) > 1 and best != float("inf"):
            exact = {p: exact_new_load(p) for p in tied}
            low = min(exact.values())
            tied = [p for p in tied if exact[p] == low]
            best_exact: Fraction | None = low
        else:
            best_exact = exact_new_load(tied[0]) if best != float("inf") else None
        for p in remaining:
            result.last_seen[p] = values[p]
        if any(result.spent + int(tables.cost[p]) > budget for p in tied):
            result.stopped_at = min(tied, key=lambda p: rank[p])
            break
        chosen = min(tied, key=lambda p: rank[p])
        sup = tables.supporters[chosen]
        if best_exact is not None:
            maxloads.append(best_exact)
            load[sup] = float(best_exact)
            level[sup] = len(maxloads) - 1
        result.selected.append(chosen)
        result.loads[chosen] = values[chosen]
        result.spent += int(tables.cost[chosen])
        remaining.remove(chosen)
    return result
