"""MES's rounds: one run at one starting budget, lazily, in floats settled exactly.

Each round prices candidates in order of a lower bound on their price (a
project's last price, as prices only rise as budgets fall) and stops once the
bound exceeds the best price found; within the tolerance, the winner is settled
exactly, then by tie rank. Following a run one raise lower, it prices first the
project that run funded in the round and rules others out with that run's prices
(:mod:`thegither.allocation.mes_bounds`). Pricing is in
:mod:`thegither.allocation.mes_prices`, exact arithmetic in
:mod:`thegither.allocation.mes_exact`.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from thegither.allocation.arrays import TOLERANCE, dot, smallest
from thegither.allocation.mes_bounds import PriceBounds
from thegither.allocation.mes_exact import ExactArithmetic
from thegither.allocation.mes_prices import FloatPrices
from thegither.allocation.mes_projects import Projects
from thegither.allocation.mes_records import NEVER, Price, Round, Run, Step


class Engine(ExactArithmetic, FloatPrices, PriceBounds):
    """Run MES at one starting budget; keep enough history to settle ties exactly."""

    def __init__(
        self, data: Projects, rank: np.ndarray, start: Fraction, record: bool, trace: bool = False
    ) -> None:
        self.data = data
        self.rank = rank
        self.ranks = rank.tolist()  # the same, for sorting a few projects in Python
        self.trace = trace
        self.price: Price | None = None  # what the last finite rho rested on
        self.start = start
        self.b = np.full(data.num_groups, float(start))
        self.drained_at = np.full(data.num_groups, NEVER, dtype=np.int64)
        self.alive = np.ones(data.num_groups, dtype=bool)
        self.steps: list[Step] = []
        self.record = record
        self.payments: list[np.ndarray] = []
        # Each project's supporters who may still have money in this run. Voters
        # who paid all they had stay at zero, so dropping them only shrinks the
        # arrays the rounds scan; their weight still counts as poor (see _compact).
        self.live_sup = list(data.sup)
        self.live_w = list(data.w)
        self.live_weight = list(data.weight_total)
        self.dropped = [0] * len(data.sup)  # how many supporter groups were dropped
        self.wu_dropped = [0] * len(data.sup)  # and their weight * utility
        self.compacted_at = [0] * len(data.sup)  # nobody has paid all they had yet
        # This round's converged poor/rich split per project priced (budgets, poor
        # mask, poor weight), so paying the chosen one need not redo it.
        self.converged: dict[int, tuple[np.ndarray, np.ndarray, float]] = {}
        # Projects settled this round at their least price, cost / total utility,
        # by exact_price: every supporter can clearly pay their share, so that price
        # is exact and nobody pays all they have.
        self.at_floor: set[int] = set()
        # The state of one run (set again by run()): each candidate's lower bound on
        # its price (infinity once funded or dropped) and how many are left.
        self.bound = np.full(len(data.cost), np.inf)
        self.active = 0
        self.removed_at: dict[int, int] = {}  # round in which a project was dropped
        self.known: dict[int, Price] = {}  # the latest price found at a lower start
        self.own: set[int] = set()  # projects priced in this run
        self.priced = 0  # how many prices this run worked out
        self.rounds: list[Round] | None = None  # what each round leaves the next raise
        # The round being decided: prices found in it (price, tie rank, project), the
        # prices to pass on to the next raise, and projects found unaffordable.
        self.fresh: list[tuple[float, int, int]] = []
        self.noted: list[tuple[int, Price]] = []
        self.noted_gone: list[int] = []

    def run(
        self,
        eligible: list[int],
        spend_limit: int | None = None,
        previous: Run | None = None,
        beat: Run | None = None,
    ) -> Run:
        """Run the rounds; with ``spend_limit``, stop as soon as more than that is spent.

        An add1 run that overspends is thrown away whatever else it would fund,
        so it need not be finished. With ``previous`` (a run at a lower start,
        made with ``trace``), use its prices as bounds (:meth:`bound_from`) and
        price the project it funded in each round first. With ``beat`` (a run at
        a lower start), while this run funds what it funded, also price every
        candidate whose bound does not clear that run's price in the round, so
        that :func:`~thegither.allocation.mes_add1.certified` can compare the two.
        """
        d = self.data
        # Each candidate's lower bound on rho (infinity once funded or dropped):
        # rho only goes up as budgets fall, so a project's last rho is a bound.
        self.bound = np.full(len(d.cost), np.inf)
        self.bound[eligible] = d.floor[eligible]
        self.active = len(eligible)
        self.removed_at = {}
        self.known = {}
        self.own = set()
        self.priced = 0
        self.rounds = [] if self.trace else None
        path = previous.rounds if previous is not None and previous.rounds else []
        selected: list[int] = []
        prices: list[float] = []
        rivals: list[float] = []
        floors: list[bool] = []
        spent = 0
        overspent = False
        while self.active:
            followed = path[len(selected)] if len(selected) < len(path) else None
            chosen = self.lazy_round(followed)
            if chosen is None:
                break
            p, r, exact = chosen
            if beat is not None and not self._clears(beat, len(selected), p):
                beat = None  # no certificate: price no more than the round needs
            self.pay(p, r, exact)
            self.bound[p] = np.inf
            self.active -= 1
            selected.append(p)
            spent += int(d.cost[p])
            # Every other candidate's bound is a lower bound on its price now
            # (its fresh price if priced this round); dropped ones are infinite.
            rivals.append(float(smallest(self.bound)))
            prices.append(self.steps[-1].rho)
            floors.append(self.steps[-1].denominator == d.total[p])
            if self.rounds is not None:
                noted = [entry for entry in self.noted if entry[0] != p]
                self.rounds.append(Round(p, noted, self.noted_gone, r))
            if spend_limit is not None and spent > spend_limit:
                overspent = True
                break
        result = Run(self.start, selected, self.steps, removed_at=self.removed_at)
        result.rounds = self.rounds
        result.priced = self.priced
        result.prices, result.rivals, result.overspent = prices, rivals, overspent
        result.floors = floors
        if beat is not None and not overspent and len(selected) == len(beat.selected):
            result.cleared = beat
        if self.record:
            result.budgets = self.b
            result.payments = (
                np.stack(self.payments, axis=1)
                if self.payments
                else np.zeros((d.num_groups, 0), dtype=np.float64)
            )
        return result

    def _follow(self, followed: Round) -> None:
        """Take the lower start's prices of this round, and drop what it found unaffordable
        if its supporters still clearly cannot pay."""
        d = self.data
        own = self.own
        self.noted = [entry for entry in followed.prices if entry[0] not in own]
        self.known.update(self.noted)
        for q in followed.gone:
            if self.bound[q] == np.inf:
                continue
            # Supporters dropped from the live arrays have nothing left: sum the others.
            money = dot(self.b.take(self.live_sup[q]), self.live_w[q])
            if money < d.cost_f[q] * (1 - 2 * TOLERANCE):
                self._drop(q)
                self.noted_gone.append(q)

    def _price(self, p: int, guess: float = 0.0) -> float:
        """Return project ``p``'s rho now; note it for the next raise, drop it if unaffordable."""
        self.priced += 1
        r = self.rho(p, guess)
        if r == float("inf"):
            # Budgets only fall, so it can never be afforded again this run.
            self._drop(p)
            self.noted_gone.append(p)
            return r
        self.bound[p] = r
        self.own.add(p)
        if self.trace:
            self.noted.append((p, self.price))
        self.fresh.append((r, int(self.rank[p]), p))
        return r

    def _drop(self, p: int) -> None:
        if self.bound[p] != np.inf:
            self.bound[p] = np.inf
            self.active -= 1
            self.removed_at[p] = len(self.steps)

    def lazy_round(self, followed: Round | None) -> tuple[int, float, Fraction | None] | None:
        """Return the project to fund in this round, its rho and its exact rho if settled.

        Price candidates in order of their lower bound (ties in tie-break order)
        and stop once the bound exceeds the best fresh rho (lazy evaluation).
        Following a lower start's run, price the project it funded first, and
        before pricing another, try to rule it out with that run's price
        (:meth:`bound_from`), which is far cheaper.
        """
        self.fresh, self.noted, self.noted_gone = [], [], []
        self.converged = {}
        self.at_floor = set()
        best = float("inf")
        if followed is not None:
            self._follow(followed)
            if self.bound[followed.project] != np.inf:
                best = self._price(followed.project, followed.rho)
        fresh = self.fresh
        priced = {entry[2] for entry in fresh}
        order, bounds = self._candidates(best)
        checked = self._check_known(order, bounds, best, priced)
        for q, low in zip(order, bounds, strict=True):
            if low > best * (1 + TOLERANCE):
                break
            if q in priced:
                continue
            guess = 0.0
            if q not in self.own and q in self.known:
                low = checked.get(q)
                if low is None:
                    low = self.bound_from(self.known[q])
                if low > self.bound[q]:
                    self.bound[q] = low
                # A margin over the tolerance: near-ties are always priced and settled.
                if low > best * (1 + 2 * TOLERANCE):
                    continue
                guess = self.known[q].rho
            r = self._price(q, guess)
            if r < best:
                best = r
        return self.settle(best)

    def settle(self, best: float) -> tuple[int, float, Fraction | None] | None:
        """Return the round's winner among the projects priced (``fresh``), best price ``best``.

        Prices within the tolerance of the best are compared exactly, then by tie rank.
        """
        fresh = self.fresh
        if not fresh:
            return None
        limit = best * (1 + TOLERANCE)
        tied = [entry for entry in fresh if entry[0] <= limit]
        if len(tied) == 1:
            return tied[0][2], tied[0][0], None
        values = {entry: self.exact_price(entry[2], entry[0]) for entry in tied}
        low = min(values.values())
        chosen = min((e for e in tied if values[e] == low), key=lambda e: e[1])
        return chosen[2], chosen[0], low

    def _candidates(self, best: float) -> tuple[list[int], list[float]]:
        """Return the projects that may still win this round, in (bound, tie rank) order,
        and their bounds.

        Once a first price is known, only projects whose bound is within the
        tolerance of it can win: a handful, picked and sorted in Python, which
        on a hundred numbers is faster than numpy's calls.
        """
        if best == float("inf"):
            order = np.lexsort((self.rank, self.bound))[: self.active]
            return order.tolist(), self.bound[order].tolist()
        limit = best * (1 + TOLERANCE)
        ranks = self.ranks
        # Pick them in numpy (one call), then sort the few in Python.
        near = (self.bound <= limit).nonzero()[0].tolist()
        lows = self.bound.take(near).tolist()
        ranked = sorted([(low, ranks[q], q) for q, low in zip(near, lows, strict=True)])
        return [q for _, _, q in ranked], [low for low, _, _ in ranked]

    def _check_known(
        self, order: list[int], bounds: list[float], best: float, priced: set[int]
    ) -> dict[int, float]:
        """Return the bounds from the lower start's prices of every candidate the round may check.

        ``best`` only falls while the round prices, so the candidates it will
        reach are among those whose bound is within the tolerance of ``best`` now.
        """
        if best == float("inf"):
            return {}
        limit = best * (1 + TOLERANCE)
        wanted = []
        for q, low in zip(order, bounds, strict=True):
            if low > limit:
                break
            if q not in priced and q not in self.own and q in self.known:
                wanted.append(q)
        if len(wanted) < 2:
            return {}
        lows = self.bounds_from([self.known[q] for q in wanted])
        return dict(zip(wanted, lows, strict=True))

    def pay(self, p: int, r: float, exact: Fraction | None) -> None:
        """Charge project ``p``'s supporters at rho ``r`` and record the round."""
        unit = self.data.uniform[p]
        if exact is not None and p in self.at_floor:
            r = float(exact)  # settled at its least price: nobody pays all they have
        elif not unit or exact is not None:
            self._pay_exactly(p, r, exact)
            return
        sup = self.live_sup[p]
        # Budgets have not changed since the round priced p: reuse what rho found.
        bp, poor, poor_weight = self.converged.get(p) or (self.b.take(sup), None, 0.0)
        x = r * unit
        diff = bp - x
        if len(diff) and float(smallest(diff)) > x * TOLERANCE:
            # Everyone can clearly pay x (often so in a run's first rounds).
            if self.record:
                column = np.zeros(self.data.num_groups, dtype=np.float64)
                column[sup] = x
                self.payments.append(column)
            self.b[sup] = diff
            denominator = self.data.total[p] - self.wu_dropped[p]
            self.steps.append(Step(p, r, sup[:0], denominator, exact))
            return
        if len(diff) and float(smallest(np.abs(diff))) <= x * TOLERANCE:
            # Someone has almost exactly their share: decide who pays everything
            # exactly, since it changes later budgets.
            self._pay_exactly(p, r, exact)
            return
        if poor is None:
            poor = diff < 0
            poor_weight = dot(self.live_w[p], poor)
        # else: no budget is that close to x, so rho's poor set (budget below its x,
        # a rounding away from this x) is exactly those with diff < 0.
        poor_weight = round(poor_weight)
        new = np.maximum(diff, 0.0)  # the poor pay all they have
        drained = sup[poor & self.alive[sup]]
        denominator = (
            self.data.total[p] - self.wu_dropped[p] - poor_weight * int(self.data.util_int[p][0])
        )
        if self.record:
            column = np.zeros(self.data.num_groups, dtype=np.float64)
            column[sup] = bp - new
            self.payments.append(column)
        self.b[sup] = new
        self.drained_at[drained] = len(self.steps)
        self.alive[drained] = False
        self.steps.append(Step(p, r, drained, denominator, exact))

    def _pay_exactly(self, p: int, r: float, exact: Fraction | None) -> None:
        """Charge project ``p``'s supporters, settling near-ties with exact fractions."""
        d = self.data
        sup = d.sup[p]
        bp = self.b[sup]
        util = d.util[p]
        ratio = bp / util
        if exact is not None:
            r = float(exact)
        near = (ratio >= r * (1 - TOLERANCE)) & (ratio <= r * (1 + TOLERANCE))
        if near.any() or exact is not None:
            # Who pays everything must be decided exactly: it changes later budgets.
            exact, poor = self.exact_rho(p, r)
            r = float(exact)
        else:
            poor = ratio < r
        alive = self.drained_at[sup] == NEVER
        drained = sup[poor & alive]
        denominator = d.total[p] - int(d.wu[p][poor].sum())
        new = np.where(poor, 0.0, np.maximum(bp - r * util, 0.0))
        if self.record:
            column = np.zeros(d.num_groups, dtype=np.float64)
            column[sup] = bp - new
            self.payments.append(column)
        self.b[sup] = new
        self.drained_at[drained] = len(self.steps)
        self.alive[drained] = False
        self.steps.append(Step(p, r, drained, denominator, exact))
