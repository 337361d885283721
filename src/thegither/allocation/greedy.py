"""Greedy rules: fund the most popular projects first while money lasts.

The three variants are the ones cities use: ``greedy`` skips a project that no
longer fits and carries on, ``greedy-no-skip`` stops at the first project that
does not fit, and ``greedy-threshold`` only lets in projects with at least a
minimum score (Pabulib's META ``min_project_score_threshold``).

With ``utility="cost"`` projects are ranked by their score (votes for approval
ballots, points otherwise), which is pabutools' ``greedy_utilitarian_welfare``
with ``Cost_Sat``. With ``utility="cardinality"`` they are ranked by score per
unit of cost, pabutools' ``greedy_utilitarian_welfare`` with ``Cardinality_Sat``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from thegither.allocation.model import Election


@dataclass
class GreedyStep:
    """What happened to one project when its turn came."""

    rank: int  # 1 = first in line
    score: int
    left_before: int  # money left when its turn came
    outcome: str  # funded, too-expensive, below-threshold, stopped, stopper


@dataclass
class GreedyResult:
    selected: list[int]
    spent: int
    steps: dict[int, GreedyStep] = field(default_factory=dict)
    stopped_at: int | None = None


def greedy_order(election: Election, utility: str, rank: np.ndarray) -> list[int]:
    """Return project indices, best first, ties settled by ``rank``."""
    tables = election.tables
    score = tables.score.tolist()
    cost = tables.cost.tolist()

    def key(p: int) -> tuple[int, Fraction | int, int]:
        # pabutools gives a free project infinite value per unit of cost.
        if cost[p] == 0:
            return (0, 0, int(rank[p]))
        # "cost" ranks by score; "cardinality" and "score" by score per unit of cost.
        value: Fraction | int = score[p] if utility == "cost" else Fraction(score[p], cost[p])
        return (1, -value, int(rank[p]))

    return sorted(range(len(cost)), key=key)


def greedy(
    election: Election,
    *,
    variant: str,
    utility: str,
    rank: np.ndarray,
    threshold: int | None = None,
    budget: int | None = None,
    start: list[int] | None = None,
) -> GreedyResult:
    """Run a greedy variant; ``start`` lists projects already funded (for completions)."""
    tables = election.tables
    left = election.budget if budget is None else budget
    chosen = list(start or [])
    taken = set(chosen)
    left -= sum(int(tables.cost[p]) for p in chosen)
    result = GreedyResult(selected=chosen, spent=0)
    stopped = False
    for place, p in enumerate(greedy_order(election, utility, rank), start=1):
        if p in taken:
            continue
        cost = int(tables.cost[p])
        step = GreedyStep(rank=place, score=int(tables.score[p]), left_before=left, outcome="")
        result.steps[p] = step
        if stopped:
            step.outcome = "stopped"
        elif threshold is not None and step.score < threshold:
            step.outcome = "below-threshold"
        elif cost <= left:
            step.outcome = "funded"
            chosen.append(p)
            left -= cost
        elif variant == "greedy-no-skip":
            step.outcome = "stopper"
            result.stopped_at = p
            stopped = True
        else:
            step.outcome = "too-expensive"
    result.spent = int(sum(int(tables.cost[p]) for p in chosen))
    return result
