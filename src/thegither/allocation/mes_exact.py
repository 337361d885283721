"""MES's exact arithmetic: budgets and prices as fractions, where floats cannot decide.

The engine works in floats. Whenever two prices, or a budget and what its voter
would pay, are within a relative :data:`~thegither.allocation.arrays.TOLERANCE`, the
question is settled here, exactly. Exact budgets are cheap to rebuild: a voter either
ran out of money in some round or has ``start - sum(rho_q * u_q)`` over the funded
projects ``q`` they support. Mixed into :class:`~thegither.allocation.mes_rounds.Engine`,
whose state (``steps``, ``b``, ``drained_at``, ``dropped``, ``at_floor``) it reads.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from thegither.allocation.arrays import TOLERANCE, smallest
from thegither.allocation.mes_records import NEVER


class ExactArithmetic:
    """Exact fractions for a run's budgets and prices (a mixin of the engine)."""

    def exact_rho_of(self, h: int) -> Fraction:
        """Return round ``h``'s rho as an exact fraction (computing earlier rounds first)."""
        step = self.steps[h]
        if step.exact is None:
            cost = int(self.data.cost[step.project])
            paid_all = self.exact_budget_sum(step.drained, h)
            step.exact = (cost - paid_all) / Fraction(step.denominator)
        return step.exact

    def exact_budget_sum(self, groups: np.ndarray, upto: int) -> Fraction:
        """Return the exact money the voters in ``groups`` have before round ``upto``.

        The groups must not have run out of money before that round.
        """
        if len(groups) == 0:
            return Fraction(0)
        weight = self.data.weight[groups]
        total = self.start * int(weight.sum())
        for h in range(upto):
            step = self.steps[h]
            spent = int(weight @ self.data.column(step.project)[groups])
            if spent:
                total -= self.exact_rho_of(h) * spent
        return total

    def exact_budget(self, g: int) -> Fraction:
        """Return one voter's exact money left in group ``g`` now."""
        if self.drained_at[g] != NEVER:
            return Fraction(0)
        return self.exact_budget_sum(np.array([g]), len(self.steps)) / int(self.data.weight[g])

    def exact_rho(self, p: int, r: float) -> tuple[Fraction, np.ndarray]:
        """Return project ``p``'s exact rho now and a mask of supporters who pay all they have.

        ``r`` is the float rho; only supporters whose budget is within the tolerance
        of paying ``r`` are looked at one by one. If the exact rho falls outside
        that band, ``r`` was no good guide (floats cancelled badly), so every
        supporter is looked at exactly.
        """
        low, high = r * (1 - TOLERANCE), r * (1 + TOLERANCE)
        rho, poor = self._exact_rho_between(p, low, high)
        if not r * (1 - TOLERANCE / 2) <= rho <= r * (1 + TOLERANCE / 2):
            rho, poor = self._exact_rho_between(p, -1.0, float("inf"))
        return rho, poor

    def _exact_rho_between(self, p: int, low: float, high: float) -> tuple[Fraction, np.ndarray]:
        """Return the exact rho, taking supporters whose float ratio is below ``low`` as
        paying all they have, those above ``high`` as paying rho, and sorting the rest
        exactly."""
        d = self.data
        sup = d.sup[p]
        ratio = self.b[sup] / d.util[p]
        clear_poor = ratio < low
        near = np.flatnonzero(~clear_poor & (ratio <= high))
        alive = self.drained_at[sup] == NEVER
        numerator = int(d.cost[p]) - self.exact_budget_sum(sup[clear_poor & alive], len(self.steps))
        denominator = d.total[p] - int(d.wu[p][clear_poor].sum())
        poor = clear_poor.copy()
        if len(near):
            exact_ratio = sorted(
                (self.exact_budget(int(sup[i])) / int(d.util_int[p][i]), int(i)) for i in near
            )
            for value, i in exact_ratio:
                rho = numerator / Fraction(denominator)
                if rho <= value:
                    return rho, poor
                poor[i] = True
                numerator -= value * int(d.wu[p][i])
                denominator -= int(d.wu[p][i])
        return numerator / Fraction(denominator), poor

    def exact_available(self, p: int) -> Fraction:
        sup = self.data.sup[p]
        alive = self.drained_at[sup] == NEVER
        return self.exact_budget_sum(sup[alive], len(self.steps))

    def exact_price(self, p: int, r: float) -> Fraction:
        """Return project ``p``'s exact rho now, given its float rho ``r``.

        If every supporter clearly has more than an equal share of the cost, nobody
        pays all they have and rho is exactly cost / total utility: no need to
        rebuild anyone's budget (:meth:`pay` then knows nobody is poor).
        """
        d = self.data
        if d.uniform[p] and not self.dropped[p]:
            least = d.cost_f[p] / d.weight_total[p]
            if float(smallest(self.b.take(d.sup[p]))) >= least * (1 + TOLERANCE):
                self.at_floor.add(p)
                return Fraction(int(d.cost[p]), d.total[p])
        return self.exact_rho(p, r)[0]
