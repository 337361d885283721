"""MES's float prices: the poor/rich iteration, and when floats must defer to fractions.

A project's price ``rho`` is the least price per unit of utility at which its
supporters pay its cost, each paying ``rho`` times their utility or all they have
left if that is less. Found by pabutools' poor/rich iteration, O(k) per pass over
the project's k supporter groups, falling back to a sort when it needs many passes;
each price found is remembered as a :class:`~thegither.allocation.mes_records.Price`
for the bounds of :mod:`thegither.allocation.mes_bounds`. Mixed into
:class:`~thegither.allocation.mes_rounds.Engine`.
"""

from __future__ import annotations

import numpy as np

from thegither.allocation.arrays import TOLERANCE, dot, largest, rho_by_sorting
from thegither.allocation.mes_records import Price

WARM_START_MARGIN = 1e-6  # how far below a known lower bound rho's iteration starts
COMPACT_EVERY = 32  # rounds between two clean-ups of one project's supporters (a run has ~50)


class FloatPrices:
    """Prices in floats, checked exactly at the edges (a mixin of the engine)."""

    def rho(self, p: int, guess: float = 0.0) -> float:
        """Return project ``p``'s rho now, in floats, or infinity if its supporters cannot pay.

        Uses pabutools' poor/rich iteration: assume everyone pays the same share,
        mark those who cannot afford it as paying all they have, recompute, repeat.
        ``guess`` (a price found at other budgets) is where to start.
        """
        unit = self.data.uniform[p]
        if not unit:
            return self._rho_weighted(p)
        # Equal utilities: work with the pay per voter x = rho * unit, and only on
        # the supporters who still have money (the others are poor with nothing).
        cost = self.data.cost_f[p]
        least = cost / self.data.weight_total[p]
        # The iteration reaches rho's poor set, and so the same float, from any
        # start: from below it climbs; from above, its first step lands at or below
        # rho (each step solves a line that lies above the supporters' money),
        # and an unchanged poor weight still means an unchanged set. So start at
        # the guess, else a little under the lower bound.
        x = max(least, guess * unit or self.bound[p] * unit * (1 - WARM_START_MARGIN))
        bp = self.b.take(self.live_sup[p])
        poor = bp < x
        w = self.live_w[p]
        total_weight = self.live_weight[p]
        # Masked sums (see arrays.dot), because boolean indexing is several times slower.
        poor_weight = dot(w, poor)
        if not poor_weight and not self.dropped[p]:
            self.price = Price(least / unit, 0.0, None, None, None, 0.0)  # no one was poor
            return least / unit
        if poor_weight * 4 > total_weight and self.compacted_at[p] + COMPACT_EVERY <= len(
            self.steps
        ):
            bp = self.b.take(self._compact(p))
            poor = bp < x
            w = self.live_w[p]
            total_weight = self.live_weight[p]
            poor_weight = dot(w, poor)
        money = bp * w
        for _ in range(8):
            rich_weight = total_weight - poor_weight
            if rich_weight <= 0:
                return self._unaffordable(p)
            x = (cost - dot(money, poor)) / rich_weight
            poor = bp < x
            # After the first step the poor only ever join as x rises, and weights
            # are whole numbers (exact in floats): an unchanged weight means an
            # unchanged set.
            new_weight = dot(w, poor)
            if new_weight == poor_weight:
                self.converged[p] = (bp, poor, poor_weight)
                outside = p if self.dropped[p] else -1
                rich = rich_weight * unit
                self.price = Price(x / unit, rich, self.live_sup[p], bp, w, x, outside)
                return self._checked(p, x / unit, float(largest(bp)) / unit)
            poor_weight = new_weight
        ratio = bp / unit
        r = rho_by_sorting(ratio, money, w * unit, cost)
        self._note_price(p, r)
        return self._checked(p, r, float(ratio.max()))

    def _compact(self, p: int) -> np.ndarray:
        """Drop project ``p``'s supporters who have paid all they had; return who is left.

        Their budget stays exactly zero for the rest of the run, so they only ever
        count as poor supporters with no money: keep their weight aside instead.
        """
        sup = self.live_sup[p]
        keep = self.alive[sup]
        w = self.live_w[p]
        gone = self.live_weight[p] - dot(w, keep)  # whole numbers: exact in floats
        self.live_sup[p] = sup = sup[keep]
        self.live_w[p] = w[keep]
        self.live_weight[p] -= gone
        self.dropped[p] += len(keep) - len(sup)
        self.wu_dropped[p] += round(gone) * int(self.data.util_int[p][0])
        self.compacted_at[p] = len(self.steps)
        return sup

    def _rho_weighted(self, p: int) -> float:
        """Return rho for a project whose supporters have different utilities (score ballots)."""
        d = self.data
        bp = self.b[d.sup[p]]
        ratio = bp / d.util[p]
        r = rho_by_sorting(ratio, bp * d.w[p], d.wu_f[p], float(d.cost[p]))
        self._note_price(p, r)
        return self._checked(p, r, float(ratio.max()))

    def _note_price(self, p: int, r: float) -> None:
        """Remember what price ``r`` rested on, over all supporters, erring safe.

        Supporters within the tolerance of ``r`` count as poor, not rich: that
        only loosens the bound :meth:`bound_from` derives from it.
        """
        if r == float("inf"):
            return
        d = self.data
        sup = d.sup[p]
        bp = self.b[sup]
        pay = d.util[p] * (r * (1 + TOLERANCE))
        self.price = Price(r, dot(d.wu_f[p], bp >= pay), sup, bp, d.w[p], pay)

    def _checked(self, p: int, r: float, top: float) -> float:
        """Return ``r``, or infinity if the supporters' money only just covers the cost.

        When rho is within the tolerance of the richest supporter's ratio, the
        supporters have almost exactly the cost between them: decide exactly.
        """
        if r == float("inf"):
            return self._unaffordable(p)
        if r > top * (1 - TOLERANCE):
            available = self.exact_available(p)
            if available < int(self.data.cost[p]):
                return float("inf")
        return r

    def _unaffordable(self, p: int) -> float:
        """Return infinity when the floats found no price and the supporters truly cannot pay.

        When their money is within the tolerance of the cost, decide exactly; if
        they can pay after all, the floats lost the price to rounding (nine voters
        with 1/9 left each and a project costing 1), so find it exactly.
        """
        d = self.data
        bp = self.b[d.sup[p]]
        cost = float(d.cost[p])
        if dot(bp, d.w[p]) <= cost * (1 - TOLERANCE):
            return float("inf")
        if self.exact_available(p) < int(d.cost[p]):
            return float("inf")
        ratio = bp / d.util[p]
        guess = rho_by_sorting(ratio, bp * d.w[p], d.wu_f[p], cost, TOLERANCE)
        if guess == float("inf"):
            guess = float(ratio.max())
        r = float(self.exact_rho(p, guess)[0])
        self._note_price(p, r)
        return r
