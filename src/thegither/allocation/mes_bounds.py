"""Lower bounds on MES prices from prices found before, and add1's certificates.

A price ``rho`` found at budgets ``B`` bounds the price at any other budgets ``B'``
from below: ``rho - G / R`` (:meth:`PriceBounds.bound_from`, proof there). A run one
raise higher uses the lower run's prices so to rule candidates out without pricing
them; a run meant as the right end of a certificate prices the candidates whose
bound does not clear the lower run's price (:meth:`PriceBounds._clears`). Mixed into
:class:`~thegither.allocation.mes_rounds.Engine`.
"""

from __future__ import annotations

from itertools import accumulate

import numpy as np

from thegither.allocation.arrays import TOLERANCE, dot
from thegither.allocation.mes_records import Price, Run


class PriceBounds:
    """Bounds from earlier prices, and the certificate check (a mixin of the engine)."""

    def _clears(self, beat: Run, h: int, p: int) -> bool:
        """Return whether round ``h``, funding ``p``, passes the certificate against ``beat``.

        It does if ``beat`` funded ``p`` in this round too, and every other
        candidate's price here is clearly above ``p``'s price there (or, if ``p``
        cost the least it ever can there, is never below it and loses the tie).
        Candidates whose bound does not show it are priced: the round's project is
        chosen already, so that only raises their bounds to their prices now,
        which stay lower bounds for the rest of the run.
        """
        if h >= len(beat.selected) or beat.selected[h] != p:
            return False
        threshold = beat.prices[h] * (1 + 2 * TOLERANCE)
        least = beat.floors[h]
        fresh = {entry[2] for entry in self.fresh}
        # Lowest bound first (then the lower index, as a stable sort gives): a price
        # this round below the threshold fails at once.
        below = (self.bound <= threshold).nonzero()[0].tolist()
        near = sorted(zip(self.bound.take(below).tolist(), below, strict=True))
        for _, q in near:
            if q == p or (least and self._never_below(q, p)):
                continue
            if q in fresh:
                return False  # its bound is its price now
            if q not in self.own and q in self.known:
                low = self.bound_from(self.known[q])  # far cheaper than a price
                if low > threshold:
                    self.bound[q] = max(self.bound[q], low)
                    continue
            if self._price(q) <= threshold:
                return False
        return True

    def _never_below(self, q: int, p: int) -> bool:
        """Return whether ``q`` loses to ``p`` whenever ``p`` costs the least it can.

        No price is below cost / total utility; compare those exactly, then ranks.
        """
        d = self.data
        mine = int(d.cost[p]) * d.total[q]
        theirs = int(d.cost[q]) * d.total[p]
        return theirs > mine or (theirs == mine and self.rank[q] > self.rank[p])

    def bound_from(self, price: Price) -> float:
        """Return a lower bound on a project's rho now, from a price found at another time.

        Say the price was rho, with budgets ``B`` then and ``B'`` now, and
        ``f(x) = sum w * min(B, x * u)`` the money the supporters give at price ``x``
        (``f(rho) = cost``). Now the price ``x < rho`` must reach ``f'(x) >= cost``.
        A supporter rich at ``x`` then (``B >= x * u``) gives ``x * u`` at most now,
        as then; a poor one gives ``B'`` at most, so ``f'(x) <= f(x) + G`` where ``G``
        is what the supporters poor at rho then have gained since (``sum w * max(0,
        B' - B)``). And ``f(rho) - f(x) >= (rho - x) * R``, ``R`` the rich weighted
        utility at rho. So ``x >= rho - G / R``.
        """
        rho, rich, groups = price.rho, price.rich, price.groups
        if groups is None:
            return rho  # no supporter was poor: rho is the least price there can be
        if price.pay is not None:
            self._keep_poor(price)
        groups, budgets, weight = price.groups, price.budgets, price.weight
        gain = dot(np.maximum(self.b[groups] - budgets, 0.0), weight)
        return rho - gain / rich if rich > 0 else float("-inf")

    def bounds_from(self, prices: list[Price]) -> list[float]:
        """Return :meth:`bound_from` for several prices, in one pass over their poor supporters.

        A round checks a few bounds, each a handful of numpy calls on a few
        hundred numbers, so the calls, not the numbers, are the cost: gather them.
        """
        lows = []
        parts = []
        for i, price in enumerate(prices):
            if price.groups is not None and price.pay is not None:
                self._keep_poor(price)
            groups = price.groups
            if groups is None or not len(groups) or price.rich <= 0:
                lows.append(price.rho if groups is None or not len(groups) else float("-inf"))
            else:
                lows.append(0.0)
                parts.append(i)
        if parts:
            chosen = [prices[i] for i in parts]
            groups = np.concatenate([price.groups for price in chosen])
            gained = self.b.take(groups)
            gained -= np.concatenate([price.budgets for price in chosen])
            np.maximum(gained, 0.0, out=gained)
            gained *= np.concatenate([price.weight for price in chosen])
            starts = list(accumulate((len(price.groups) for price in chosen[:-1]), initial=0))
            gains = np.add.reduceat(gained, starts).tolist()
            for i, price, gain in zip(parts, chosen, gains, strict=True):
                lows[i] = price.rho - gain / price.rich
        return lows

    def _keep_poor(self, price: Price) -> None:
        """Keep only the supporters poor at the price, once: prices are kept for later raises.

        Supporters left out of the price (``outside``: they had paid all they had,
        see :meth:`_compact`) were poor with nothing: add them back.
        """
        groups, budgets, weight = price.groups, price.budgets, price.weight
        pay, outside = price.pay, price.outside
        poor = budgets < pay
        groups, budgets, weight = groups[poor], budgets[poor], weight[poor]
        if outside >= 0:
            d = self.data
            # A mark per group: np.isin would sort both arrays.
            d.mark[price.groups] = True
            left_out = ~d.mark[d.sup[outside]]
            d.mark[price.groups] = False
            groups = np.concatenate((groups, d.sup[outside][left_out]))
            budgets = np.concatenate((budgets, np.zeros(int(left_out.sum()))))
            weight = np.concatenate((weight, d.w[outside][left_out]))
        price.groups, price.budgets, price.weight = groups, budgets, weight
        price.pay, price.outside = None, -1
