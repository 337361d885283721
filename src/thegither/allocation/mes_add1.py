"""add1's driver: which raises to run, and which stretches of raises a proof skips.

add1 raises every voter's budget one unit at a time and re-runs MES until a run
overspends (keep the one before) or, with the exhaustive stop, funds all it can.
:func:`add1` gallops over the raises: a certificate (:func:`certified`), the tree
of orders (:mod:`thegither.allocation.bracket`) or, where the gallop struggles on a
long election, a proof by lines (:mod:`thegither.allocation.mes_lines`, decision
0085) proves that a stretch of raises neither overspends nor stops, so its runs are
skipped; anything else is run (:class:`Raises`). The proofs are in
:mod:`thegither.allocation.mes`'s docstring and those modules'.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction

import numpy as np

from thegither.allocation.arrays import TOLERANCE
from thegither.allocation.bracket import Bracket
from thegither.allocation.mes_lines import OrderLines
from thegither.allocation.mes_projects import Projects
from thegither.allocation.mes_records import Run, Verdict
from thegither.allocation.mes_rounds import Engine

MAX_PATIENCE = 16  # most plain raises add1 takes before trying a certificate again
FIRST_LEAP = 16  # the least length a proof by lines tries first (mes_lines)
LEAP_TRIES = 3  # proofs by lines tried from one raise
LEAP_PATIENCE = 3  # failed leaps allowed beyond those that held, before giving up
LEAP_AFTER = 256  # raises add1 makes before it tries proofs by lines
LEAP_WEIGHT = 3.0  # the least node_weight (dear trees) at which it tries them
LEAP_BELOW = 2  # proofs by lines are tried where the gallop's step is at most this
LEAP_SHORTER = 0.9  # how much shorter than a failing proof's guess the next try is
TUNED_WEIGHT = 2.5  # node_weight's raw value on Assen, Zurich and Świecie (2.1 to 2.3)


def node_weight(data: Projects) -> float:
    """Return about how many rounds of a run one node of the tree of orders costs.

    A node copies two budgets per ballot group and sums over the supporters of
    every candidate, twice; a round prices one or two projects over their
    supporters. Both have a fixed Python cost besides. Fitted to the timings of
    decision 0080 (a node costs about 0.7 ms on Toulouse, 4.5 ms on Budapest; a round
    0.15 ms and 0.2 ms): one node is worth 2 rounds on Assen, 4 on Toulouse, 22 on
    Budapest, where trees cost several times what they saved. Relative to the small
    files the tree's limit was tuned on (``TUNED_WEIGHT``), where it pays off.
    """
    supporters = sum(len(data.sup[p]) for p in data.eligible)
    average = supporters / max(len(data.eligible), 1)
    node = 0.3 + 1.5e-5 * (supporters + data.num_groups)  # milliseconds
    round_ = 0.145 + 3.6e-5 * average
    return max(1.0, node / round_ / TUNED_WEIGHT)


class Raises:
    """add1's runs by raise, each worked out once, on demand, following a lower one."""

    def __init__(
        self,
        data: Projects,
        rank: np.ndarray,
        initial: Fraction,
        spend_limit: int,
        first: Run,
        bracket: Bracket,
    ) -> None:
        self.data, self.rank, self.initial, self.spend_limit = data, rank, initial, spend_limit
        self.runs = {0: first}
        self.count = 1
        self.bracket = bracket  # proves stretches whose order changes
        self.trees_held = self.trees_failed = 0
        self.node_weight = node_weight(data)
        self.lines: OrderLines | None = None  # proves stretches where the order holds
        self.reach = FIRST_LEAP  # the length the next proof by lines tries first
        self.leaps = self.leaps_failed = 0

    def leap(self, k: int, run: Run) -> tuple[int, Run]:
        """Return the last raise up to which ``run``'s order of selection surely holds
        (:mod:`thegither.allocation.mes_lines`), and ``run`` with that start; ``k``
        and ``run`` if no stretch of two raises or more is shown.

        Every raise in between funds what ``run`` funds, so reaches its verdict. Try
        the length that held last time; then, while tries are left, the length the
        proof guessed it would reach (:attr:`OrderLines.reach`), a little shorter
        (or longer, after a proof that held, if the guess is well beyond it).
        """
        if k < LEAP_AFTER or self.node_weight < LEAP_WEIGHT:
            # A proof costs a few runs: worth it only where the raises are many and
            # trees of orders dear (Budapest), not where runs are cheap (Katowice)
            # or trees do well (Wieliczka with the cardinality utility).
            return k, run
        if self.leaps_failed > self.leaps + LEAP_PATIENCE:
            return k, run  # here proofs by lines fail more often than they pay off
        if self.lines is None:
            self.lines = OrderLines(self.data, self.rank)  # only where add1 struggles
        lines = self.lines
        if not lines.usable:
            return k, run
        length, best = self.reach, 0
        for _ in range(LEAP_TRIES):
            if lines.holds(run, float(length)):
                best = length
            # No line of the proof rose towards its limit: try much further.
            reach = lines.reach if lines.reach < float("inf") else 4 * length
            guess = int(reach * LEAP_SHORTER)
            if guess < 2 or (best and guess < 2 * best):
                break
            length = guess
        if not best:
            self.leaps_failed += 1
            return k, run
        self.leaps += 1
        # The next proof starts past this one's end, in the same order most likely:
        # the distance left to where this one guessed it would fail is its best try.
        left = reach - best
        self.reach = max(2, int(left * LEAP_SHORTER)) if left >= 2 else FIRST_LEAP
        end = k + best
        run = replace(run, start=self.initial + end, cleared=None)
        self.runs[end] = run
        return end, run

    def bracketed(self, k: int, end: int, run: Run, verdict) -> bool:
        """Return whether no raise in ``(k, end]`` stops add1, by the tree of orders
        (:mod:`thegither.allocation.bracket`) from ``run``, the run at ``k``.

        Not tried when a run already worked out in the stretch stops add1: the
        tree would only find that out.
        """
        if self.trees_failed > 2 * self.trees_held:
            return False  # here trees fail more often than they pay off
        if any(
            k < j <= end and verdict(other) is not Verdict.RAISES for j, other in self.runs.items()
        ):
            return False
        # Locating a change of outcome in the stretch by bisection costs about two
        # runs per halving; a node costs ``node_weight`` rounds of a run.
        rounds = (len(run.selected) + 1) * ((end - k).bit_length() - 2)
        nodes = int(rounds / self.node_weight)
        if nodes <= 0:
            return False
        held = self.bracket.holds(float(self.initial + k), float(self.initial + end), nodes)
        if held:
            self.trees_held += 1
        else:
            self.trees_failed += 1
        return held

    def at(self, k: int, beat: Run | None = None) -> Run:
        """Return the run at raise ``k``, reusing the prices of the nearest lower run worked out.

        Only a lower run: its rounds are what :meth:`Engine.run` follows, and its
        prices bound the prices at any other budgets (:meth:`Engine.bound_from`).
        ``beat`` is the run a certificate will compare it with (:meth:`Engine.run`).
        """
        run = self.runs.get(k)
        if run is None:
            below = self.runs[max(j for j in self.runs if j < k)]
            engine = Engine(self.data, self.rank, self.initial + k, record=False, trace=True)
            run = engine.run(self.data.eligible, self.spend_limit, below, beat)
            self.runs[k] = run
            self.count += 1
        return run

    def differs_within(self, k: int, end: int, run: Run) -> bool:
        """Return whether a run already worked out in ``(k, end]`` funds otherwise than ``run``.

        Then no certificate from ``k`` can reach ``end`` (it would prove that run funds
        what ``run`` funds), so it need not be tried.
        """
        return any(
            k < j <= end and (other.overspent or other.selected != run.selected)
            for j, other in self.runs.items()
        )

    def forget_below(self, k: int) -> None:
        """Drop the runs below raise ``k``: the search never goes back."""
        for j in [j for j in self.runs if j < k]:
            del self.runs[j]


def certified(low: Run, high: Run) -> bool:
    """Return whether every raise between two runs funds what both fund, in the same order.

    Along a fixed order of selection, a higher start leaves every voter at least
    as much after each round, so every price is at most what it was at a lower
    start. If both runs fund the same projects in the same order, and in every
    round the funded project's price in the lower run is clearly below a lower
    bound on every other candidate's price in the higher run, then at any start
    in between the same project wins each round (by induction over the rounds),
    and the run ends where both end. The margin of twice the tolerance keeps
    near-ties, which are settled exactly, out. See the module docstring.
    """
    if low.overspent or high.overspent or low.selected != high.selected:
        return False
    if high.cleared is low:
        return True
    margin = 1 + 2 * TOLERANCE
    return all(price * margin < rival for price, rival in zip(low.prices, high.rivals, strict=True))


def add1(raises: Raises, verdict: Callable[[Run], Verdict]) -> Run | None:
    """Return the run add1 ends with, or None if the very first run overspends.

    Gallop over the raises: from the last raise accepted, try one ``step``
    further; if the certificate (:func:`certified`) covers the raises in
    between, they all fund what the last one funds (so none of them stops add1):
    accept them at once and double the step, else halve it. Where the order
    changes in between, the tree of orders (:mod:`thegither.allocation.bracket`)
    may still prove that none of them stops add1. A step of one is checked like
    any raise: add1 stops at the first raise that overspends (returning the one
    before) or, per ``verdict``, that stops it.
    """
    run = raises.at(0)
    first = verdict(run)
    if first is not Verdict.RAISES:
        return run if first is Verdict.STOPS else None
    k, step = 0, 1
    wait, patience = 0, 1  # plain raises before the next try, and how many after a failure
    while True:
        if step > 1 and raises.differs_within(k, k + step, run):
            candidate = None  # a run in between is known to fund otherwise: no certificate
        else:
            candidate = raises.at(k + step, run if step > 1 else None)
        if (
            step > 1
            and (candidate is None or not certified(run, candidate))
            and not raises.bracketed(k, k + step, run, verdict)
        ):
            if step == 2:
                # Where even two raises change the outcome, the prices a try adds
                # are wasted: try again later, the later the more tries failed.
                wait, patience = patience, min(2 * patience, MAX_PATIENCE)
            step //= 2
            continue
        if candidate is None:
            candidate = raises.at(k + step)
        outcome = verdict(candidate)
        if outcome is Verdict.OVERSPENDS:
            return run
        if step > 1:
            patience = 1
        k, run = k + step, candidate
        raises.forget_below(k)
        if outcome is Verdict.STOPS:
            return run
        if wait and step <= LEAP_BELOW:
            # Certificates come short here (the prices near a change of order move
            # too much): prove a stretch by lines, which follow the prices.
            end, run = raises.leap(k, run)
            if end > k:
                k = end
                raises.forget_below(k)
                continue
        if wait:
            wait -= 1
        else:
            step *= 2


def exhaustive(spent: int, budget: int, chosen: set[int], candidates: list[int], cost) -> bool:
    """Return whether no candidate outside ``chosen`` still fits in what is left."""
    left = budget - spent
    return not any(p not in chosen and int(cost[p]) <= left for p in candidates)
