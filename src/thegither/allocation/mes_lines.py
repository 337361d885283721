"""Prove that MES keeps one run's order of selection over a stretch of starts, by lines.

Fix the order of a run at start ``s`` and a length ``T``; write ``t`` in ``[0, T]``
for how far a start is above ``s``. Along that order, every voter's budget before
each round lies between two lines in ``t``, ``lo`` and ``hi`` (at the root both are
``s + t``), and the funded project's pay per voter ``x(t)`` between two lines,
``down`` and ``up``. Lines are kept by their values at ``0`` and at ``T``.

* *The price.* With budgets that are lines (concave in ``t``), the pay that covers a
  cost, ``min { x : sum w * min(B(t), x) >= cost }``, is convex in ``t`` (the lower
  edge of a convex set). So the pay at ``lo`` lies under its chord, ``up``, and the
  pay at ``hi`` above its tangent at ``0``, ``down`` (with supporters exactly at the
  pay counted as poor, which only steepens it; the chord needs the pay at ``lo`` to
  be finite at both ends). Less money means a higher pay, so
  the true pay lies between ``down`` and ``up``.
* *Paying.* A supporter keeps ``max(0, B - x)``. Under it: ``lo - up`` where that is
  not below zero at ``0`` (``lo`` only rises with ``t`` and ``up`` only falls, so it
  stays so), else ``0``: a line either way. Over it: ``max(0, hi - down)``, which is
  convex, so under its chord, a line again. The winner is affordable all along: its
  supporters' money at ``lo`` (a line) covers its cost at both ends.
* *Rivals.* A rival ``q`` loses the round if its supporters cannot pay its cost at
  a pay a little above ``up`` (scaled to its utility): ``f(t) = sum w * min(hi(t),
  cap(t)) < cost``. Each term is at most either of its two lines; taking, for each
  supporter, the one that is lower at ``0`` gives a line above ``f``, and a line is
  below the cost on ``[0, T]`` if it is at both ends. Cheaper tests come first: a
  rival whose least price is above the winner's, or whose supporters' money at
  ``hi`` (a line, kept for every project as the rounds pay) stays below its cost,
  cannot win; a winner that every supporter pays in full at its least price (at both
  ends of ``lo``, so everywhere) costs exactly that, and beats every rival whose
  least price is no lower, by rank where equal (compared exactly).
* *The end.* The run ends where it ended at ``s``: every project left has
  supporters whose money stays below its cost.

If every round passes, every start in ``[s, s + T]`` funds the run's projects in
the run's order, so add1 reaches the same verdict at every whole raise in it. The
margins (a few times the tolerance) keep every comparison clear of float rounding,
so the real engine, which settles near-ties exactly, decides every round alike;
a near-tie anywhere fails the proof. Only for elections where every supporter of a
project has the same utility (approval ballots, or the cost and cardinality
utilities); elsewhere the proof is never tried.
"""

from __future__ import annotations

import numpy as np

from thegither.allocation.arrays import TOLERANCE, dot, rho_by_sorting
from thegither.allocation.mes_projects import Projects
from thegither.allocation.mes_records import Run

MARGIN = 4 * TOLERANCE  # how clearly a rival must lose, relative to the price
INFINITY = float("inf")


class OrderLines:
    """Prove by lines that a run's order of selection holds over a stretch of starts."""

    def __init__(self, data: Projects, rank: np.ndarray) -> None:
        self.data, self.rank = data, rank
        d = data
        n = len(d.cost)
        self.usable = bool(d.eligible) and all(d.uniform[p] for p in d.eligible)
        self.unit = np.array([d.uniform[p] or 1.0 for p in range(n)])
        self.total = np.array(d.total, dtype=np.float64)
        self.cost = d.cost_arr
        lengths = np.array([len(s) for s in d.sup], dtype=np.int64)
        self.lengths = lengths
        self.offsets = np.cumsum(lengths) - lengths
        self.flat_sup = np.concatenate([*d.sup, np.zeros(0, dtype=np.int64)])
        self.flat_w = np.concatenate([*d.w, np.zeros(0)])
        self.flat_project = np.repeat(np.arange(n, dtype=np.int64), lengths)
        # Each group's projects, to update every project's money after a payment.
        order = np.argsort(self.flat_sup, kind="stable")
        self.by_group = self.flat_project[order]
        counts = np.bincount(self.flat_sup, minlength=d.num_groups)
        self.group_start = np.cumsum(counts) - counts
        self.group_count = counts
        self.touched: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.tries = self.held = 0

    def _touched(self, p: int) -> tuple[np.ndarray, np.ndarray]:
        """Return, for ``p``'s supporters, each (position in ``sup[p]``, project they support)."""
        found = self.touched.get(p)
        if found is None:
            sup = self.data.sup[p]
            counts = self.group_count[sup]
            ends = np.cumsum(counts)
            where = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64)
            where += np.repeat(self.group_start[sup] - (ends - counts), counts)
            row = np.repeat(np.arange(len(sup), dtype=np.int64), counts)
            found = (row, self.by_group[where])
            self.touched[p] = found
        return found

    def holds(self, run: Run, length: float) -> bool:
        """Return whether every start in ``[run.start, run.start + length]`` funds
        ``run``'s projects in ``run``'s order (False if that cannot be shown).

        Either way, ``reach`` is the length at which the first test would fail, were
        every line it compared straight in the length: a guess for the next try.
        """
        self.reach = INFINITY
        if not self.usable or run.overspent or length <= 0:
            return False
        self.tries += 1
        self.length = length
        d = self.data
        n = len(d.cost)
        start = float(run.start)
        # Budgets per group at t = 0 and t = length: lower and upper lines.
        lo0 = np.full(d.num_groups, start)
        lo1 = np.full(d.num_groups, start + length)
        hi0, hi1 = lo0.copy(), lo1.copy()
        open_ = np.zeros(n, dtype=bool)
        open_[d.eligible] = True
        # Every project's supporters' money at hi, at both ends (the start, at first).
        money0 = d.weight_arr * start
        money1 = d.weight_arr * (start + length)
        state = (lo0, lo1, hi0, hi1, money0, money1)
        guesses = run.prices if len(run.prices) == len(run.selected) else [0.0] * len(run.selected)
        for p, guess in zip(run.selected, guesses, strict=True):
            open_[p] = False
            if not self._round(p, guess * d.uniform[p], state, open_):
                return False
        # The run ended: every project left must stay out of its supporters' reach.
        left = np.flatnonzero(open_)
        target = self.cost[left] * (1 - MARGIN)
        if len(left) and not self._below(money0[left], money1[left], target):
            return False
        self.held += 1
        return True

    def _round(self, p: int, guess: float, state: tuple, open_: np.ndarray) -> bool:
        """Check the round that funds ``p`` (paid about ``guess`` per voter at the run's
        start); pay it; say if it passed."""
        lo0, lo1, hi0, hi1, money0, money1 = state
        d = self.data
        sup, w = d.sup[p], d.w[p]
        cost = d.cost_f[p]
        least = cost / d.weight_total[p]
        a0, a1 = lo0[sup], lo1[sup]
        b0, b1 = hi0[sup], hi1[sup]
        at_floor = min(float(a0.min()), float(a1.min())) >= least * (1 + MARGIN)
        if at_floor:
            up0 = up1 = down0 = down1 = least
        else:
            total_weight = d.weight_total[p]
            up0 = _pay_per_voter(a0, w, total_weight, cost, guess)
            up1 = _pay_per_voter(a1, w, total_weight, cost, up0)
            if up0 == INFINITY or up1 == INFINITY:
                self.reach = self.length / 2 if up0 != INFINITY else 0.0
                return False
            down0 = _pay_per_voter(b0, w, total_weight, cost, up0)
            if down0 == INFINITY:
                return False
            poor = b0 <= down0 * (1 + MARGIN)
            rich_weight = float(w[~poor].sum())
            if rich_weight <= 0:
                return False
            rise = float((w[poor] * (b1[poor] - b0[poor])).sum())
            down1 = down0 - rise / rich_weight
        unit = d.uniform[p]
        if not self._rivals(p, up0 / unit, up1 / unit, at_floor, state, open_):
            return False
        # Pay: hi keeps max(0, hi - down) (its chord), lo keeps lo - up or 0.
        new_b0 = np.maximum(b0 - down0, 0.0)
        new_b1 = np.maximum(b1 - down1, 0.0)
        l0, l1 = a0 - up0, a1 - up1
        keep = l0 >= 0  # then l1 >= l0 >= 0 too: lo rises, up falls
        lo0[sup] = np.where(keep, l0, 0.0)
        lo1[sup] = np.where(keep, l1, 0.0)
        row, projects = self._touched(p)
        n = len(money0)
        money0 -= np.bincount(projects, weights=((b0 - new_b0) * w)[row], minlength=n)
        money1 -= np.bincount(projects, weights=((b1 - new_b1) * w)[row], minlength=n)
        hi0[sup] = new_b0
        hi1[sup] = new_b1
        return True

    def _rivals(
        self,
        p: int,
        top0: float,
        top1: float,
        at_floor: bool,
        state: tuple,
        open_: np.ndarray,
    ) -> bool:
        """Say if every open rival loses to ``p``, whose price is at most ``top0 .. top1``."""
        _, _, hi0, hi1, money0, money1 = state
        d = self.data
        rivals = np.flatnonzero(open_)
        if not len(rivals):
            return True
        cap0, cap1 = top0 * (1 + MARGIN), top1 * (1 + MARGIN)
        # A least price above the winner's greatest: it can never win.
        maybe = self.cost[rivals] / self.total[rivals] <= max(cap0, cap1)
        if at_floor:
            # p costs exactly its least price: a rival whose least price is no lower
            # loses (by rank where equal), compared exactly.
            mine = int(d.cost[p])
            for i in np.flatnonzero(maybe).tolist():
                q = int(rivals[i])
                left, right = int(d.cost[q]) * d.total[p], mine * d.total[q]
                if left > right or (left == right and self.rank[q] > self.rank[p]):
                    maybe[i] = False
        rivals = rivals[maybe]
        if not len(rivals):
            return True
        # Money that stays below the cost (a line: both ends): it cannot pay at all.
        target = self.cost[rivals] * (1 - MARGIN)
        short = (money0[rivals] < target) & (money1[rivals] < target)
        rivals, target = rivals[~short], target[~short]
        if not len(rivals):
            return True
        # Each term of f is the smaller of two lines; its tangent at 0 follows the
        # smaller one (the budget's, which rises, where they meet): its value at the
        # far end is that line's there.
        groups, weight, units, starts = self._supporters(rivals)
        b0, b1 = hi0[groups], hi1[groups]
        c0 = cap0 * units
        capped = b0 > c0
        f0 = np.add.reduceat(np.minimum(b0, c0) * weight, starts)
        f1 = np.add.reduceat(np.where(capped, cap1 * units, b1) * weight, starts)
        return self._below(f0, f1, target)

    def _supporters(self, projects: np.ndarray) -> tuple:
        """Return the supporters of ``projects`` end to end: groups, weights, utilities,
        and where each project's begin."""
        lengths = self.lengths[projects]
        ends = np.cumsum(lengths)
        starts = ends - lengths
        where = np.arange(int(ends[-1]), dtype=np.int64)
        where += np.repeat(self.offsets[projects] - starts, lengths)
        units = np.repeat(self.unit[projects], lengths)
        return self.flat_sup[where], self.flat_w[where], units, starts

    def _below(self, at0: np.ndarray, at1: np.ndarray, target: np.ndarray) -> bool:
        """Say if lines with these ends stay below ``target``; lower ``reach`` to where
        the first would meet it, were it straight in the length."""
        if np.any(at0 >= target):
            self.reach = 0.0
            return False
        rising = at1 > at0
        if rising.any():
            gap = (target[rising] - at0[rising]) / (at1[rising] - at0[rising])
            self.reach = min(self.reach, self.length * float(gap.min()))
        return bool(np.all(at1 < target))


def _pay_per_voter(budgets: np.ndarray, w: np.ndarray, total: float, cost: float, guess: float):
    """Return what each supporter pays (all they have, where that is less) to cover
    ``cost``, or infinity if they cannot; by the poor/rich iteration from ``guess``.

    After its first step the poor only join as the pay rises, and weights are whole
    numbers, so an unchanged poor weight means an unchanged set: the answer. Budgets
    may be below zero here (lower bounds): they count as poor, as in the sort.
    """
    money = budgets * w
    if float(money.sum()) < cost:
        return INFINITY
    poor = budgets < guess
    weight = dot(w, poor)
    for _ in range(8):
        rich = total - weight
        if rich <= 0:
            break
        x = (cost - dot(money, poor)) / rich
        poor = budgets < x
        new = dot(w, poor)
        if new == weight and _ > 0:
            return x
        weight = new
    return rho_by_sorting(budgets, money, w, cost)
