"""The records MES runs pass between rounds and raises: named fields, no bare lists.

* :class:`Step`: one round, the project funded and who paid all they had;
* :class:`Price`: a price found once and what it rested on, for bounds later
  (:mod:`thegither.allocation.mes_bounds`);
* :class:`Round`: what a round of an add1 run leaves for the run one raise higher;
* :class:`Run`: one run of MES at one starting budget;
* :class:`Verdict`: what add1 does after a run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction

import numpy as np

NEVER = np.iinfo(np.int64).max  # the round a group that never paid all it had ran out in


@dataclass(slots=True)
class Step:
    """One round of MES: the project funded and who paid everything they had."""

    project: int
    rho: float  # price per unit of utility
    drained: np.ndarray  # groups that paid all they had left in this round
    denominator: int  # total weighted utility of the supporters who paid in full
    exact: Fraction | None = None


@dataclass(slots=True)
class Price:
    """A price found once, and what it rested on (see :meth:`PriceBounds.bound_from`).

    ``groups`` are the supporter groups it was found on, ``budgets`` their budgets
    then, ``weight`` their weights and ``pay`` what each would pay at ``rho``
    (None once only the poor are kept). ``outside`` is the project's index if
    supporters with nothing then were left out of ``groups``, else -1. ``groups``
    is None when nobody was poor: ``rho`` was the least price there can be.
    """

    rho: float  # price per unit of utility
    rich: float  # the rich supporters' weighted utility at rho
    groups: np.ndarray | None
    budgets: np.ndarray | None
    weight: np.ndarray | None
    pay: np.ndarray | float | None
    outside: int = -1


@dataclass(slots=True)
class Round:
    """What one round of an add1 run leaves for the run at the next raise."""

    project: int  # the project funded
    prices: list[tuple[int, Price]]  # the latest price known for projects, as of this round
    gone: list[int]  # projects found unaffordable in this round
    rho: float = 0.0  # the funded project's price: where the next raise starts looking


@dataclass(slots=True)
class Run:
    """One run of MES at a given starting budget per voter."""

    start: Fraction
    selected: list[int]
    steps: list[Step]
    budgets: np.ndarray | None = None  # per-voter money left at the end (float)
    payments: np.ndarray | None = None  # groups x steps, per-voter payment (float)
    removed_at: dict[int, int] = field(default_factory=dict)
    rounds: list[Round] | None = None  # for the next add1 raise
    priced: int = 0  # how many prices the run worked out
    # Per round, the funded project's price and a lower bound on every other
    # candidate's: what a bracketing certificate compares (see mes_add1.certified).
    prices: list[float] = field(default_factory=list)
    rivals: list[float] = field(default_factory=list)
    floors: list[bool] = field(default_factory=list)  # funded at its least price (no one poor)
    overspent: bool = False  # stopped early: spent more than the add1 limit
    cleared: Run | None = None  # a lower run this one is certified against (see Engine.run)


@dataclass
class MesResult:
    selected: list[int]
    run: Run
    start: Fraction  # the starting budget per voter of the run returned
    initial_start: Fraction
    increments: int  # how many times add1 raised the budget
    free: list[int]  # projects of cost 0 funded before any round
    runs: int = 1  # how many runs of MES add1 worked out (not counting the final one)


class Verdict(Enum):
    """What add1 does after a run: raise the budget again, or stop and keep which run."""

    RAISES = "raises"  # neither overspent nor done: raise every voter's budget again
    STOPS = "stops"  # done (exhaustive, or everything funded): keep this run
    OVERSPENDS = "overspends"  # spent more than the budget: keep the run one raise lower
