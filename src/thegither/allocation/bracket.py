"""Prove that a stretch of add1 raises all end the same way, without running MES at each.

add1 raises every voter's starting budget one unit at a time and stops at the first
raise whose outcome overspends or, with the exhaustive stop, funds all it can. Between
two raises ``k1 < k2`` the outcome may change order, or even which projects it funds,
and still never stop add1. This module proves that for a stretch, or gives up.

**Why it is sound.** Fix an order of selection. Along it, a higher start leaves every
voter at least as much after each round (a supporter keeps ``max(0, B - rho * u)``,
with ``B`` no lower and ``rho`` no higher), so each project's price at any start in
``[k1, k2]`` lies between its price at ``k2`` (lowest) and at ``k1`` (highest). More
precisely, each node of the tree below keeps, per ballot group, a lower bound ``low``
and an upper bound ``high`` on what a voter has left at *any* start in the stretch
whose run funded the node's projects in the node's order: the start's budgets are
between them at the root, and paying a project at its highest possible price from
``low`` and its lowest from ``high`` keeps them so. A candidate ``p`` can win the next
round at some start only if its least possible price (at ``high``) is no more than
the least of every candidate's greatest possible price (at ``low``): the tree
branches on every such candidate, and on "nothing more is funded" when no candidate
is sure to be affordable. Every run at a start in the stretch follows one path of the
tree to a leaf, so if every leaf's projects neither overspend nor stop add1, no raise
in the stretch stops add1.

Near-ties count as possible winners (a margin of twice the tolerance, as
:func:`thegither.allocation.mes_add1.certified` uses), except the one exact tie that is
common with cost utilities: a project that every supporter can clearly pay at its
least price, ``cost / total utility``, costs exactly that at every start, and beats
every rival whose least price is higher, or equal with a later tie rank.

The tree is small when the stretch holds few changes of order, and grows with them;
past ``max_nodes`` it gives up, and add1 runs raises one by one as before
(docs/decisions/0030-fast-mes-add1.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from thegither.allocation.arrays import TOLERANCE, dot, rho_by_sorting
from thegither.allocation.mes_projects import Projects

INFINITY = float("inf")
MAX_DEPTH = 400  # no run funds more projects than this in practice: give up past it
# Memory for the nodes held at once (two levels of the graph), each two arrays of
# budgets per ballot group: past it the tree gives up, as past its node limit.
MAX_LIVE_BYTES = 48 * 2**20


class _GiveUp(Exception):
    """The tree grew past its limit, or a leaf would stop add1."""


@dataclass(slots=True)
class _Node:
    """The projects funded so far, and bounds that hold at every start whose run got there.

    ``low`` and ``high`` bound, per ballot group, what a voter has left at any start in
    the stretch whose run funded exactly ``funded`` (in any order that reached this
    node); ``least`` and ``most_known`` bound the candidates' prices at ``high`` and
    ``low`` from below. ``orders`` are the orders that reached it, when recorded.
    """

    low: np.ndarray
    high: np.ndarray
    funded: frozenset[int]
    spent: int
    least: dict[int, float]
    most_known: dict[int, float]
    orders: list[list[int]]

    def merge(self, other: _Node) -> _Node:
        """Return a node whose bounds hold wherever either node's do.

        Both funded the same projects, in different orders. Budgets at any start that
        reached either are within the wider of the two bounds; a lower bound on a
        price that holds on both sides is the smaller of the two; a candidate one side
        found unaffordable everywhere stays a candidate, with the other side's bound.
        """
        least, most_known = (
            _smaller(self.least, other.least),
            _smaller(self.most_known, other.most_known),
        )
        return _Node(
            np.minimum(self.low, other.low),
            np.maximum(self.high, other.high),
            self.funded,
            self.spent,
            least,
            most_known,
            self.orders + other.orders,
        )


def _smaller(mine: dict[int, float], theirs: dict[int, float]) -> dict[int, float]:
    """Return, for every key of either, the smaller of the two bounds (one if only one)."""
    if mine is theirs:
        return mine
    merged = dict(theirs)
    for q, v in mine.items():
        other = merged.get(q)
        if other is None or v < other:
            merged[q] = v
    return merged


class Bracket:
    """The tree of orders MES may follow between two starting budgets per voter."""

    def __init__(
        self,
        data: Projects,
        rank: np.ndarray,
        spend_limit: int,
        raises_on: Callable[[list[int]], bool],
        *,
        record_orders: bool = False,
    ) -> None:
        """``raises_on(selected)`` says if add1 goes on after a run that funds ``selected``
        (in any order: add1's verdict depends only on which projects are funded)."""
        self.data, self.rank, self.spend_limit = data, rank, spend_limit
        self.raises_on = raises_on
        self.max_nodes = 0
        self.nodes = 0
        # The orders of selection at which a run may end, found by the last holds(),
        # kept only when asked for (the tests check them; add1 needs only the verdict).
        self.record_orders = record_orders
        self.orders: list[list[int]] = []
        # Every project's supporters laid end to end, for checking many at once.
        self.lengths = np.array([len(sup) for sup in data.sup], dtype=np.int64)
        self.offsets = np.cumsum(self.lengths) - self.lengths
        self.flat_sup = np.concatenate([*data.sup, np.zeros(0, dtype=np.int64)])
        self.flat_util = np.concatenate([*data.util, np.zeros(0)])
        self.flat_w = np.concatenate([*data.w, np.zeros(0)])

    def holds(self, low_start: float, high_start: float, max_nodes: int) -> bool:
        """Return whether every start in ``[low_start, high_start]`` lets add1 go on,
        or False if that takes a tree of more than ``max_nodes`` nodes."""
        d = self.data
        self.nodes, self.max_nodes = 0, max_nodes
        self.orders = []
        floors = {p: float(d.floor[p]) for p in d.eligible}
        root = _Node(
            np.full(d.num_groups, low_start),
            np.full(d.num_groups, high_start),
            frozenset(),
            0,
            floors,
            dict(floors),
            [[]] if self.record_orders else [],
        )
        level = [root]
        most_live = max(2, MAX_LIVE_BYTES // (16 * max(d.num_groups, 1)))
        try:
            # Level by level (the number of projects funded so far), so that every
            # path reaching the same projects is merged before either goes on.
            while level:
                merged: dict[frozenset[int], _Node] = {}
                for node in level:
                    for child in self._node(node):
                        same = merged.get(child.funded)
                        merged[child.funded] = child if same is None else same.merge(child)
                    if len(merged) + len(level) > most_live:
                        raise _GiveUp
                level = list(merged.values())
        except _GiveUp:
            return False
        return True

    # -- one node: the projects funded so far ----------------------------------
    def _node(self, node: _Node) -> list[_Node]:
        """Return the nodes one round further on, every way the round may go.

        ``node.least[p]`` is a lower bound on candidate ``p``'s price at ``high``,
        ``node.most_known[p]`` one on its price at ``low``: a parent node's prices, or
        the project's least price. Prices only rise down a path, as budgets fall.
        """
        self.nodes += 1
        if self.nodes > self.max_nodes or len(node.funded) > MAX_DEPTH:
            raise _GiveUp
        low, high, funded = node.low, node.high, node.funded
        # A node's bound dicts are shared with its siblings: leave out what it funded.
        least = {q: v for q, v in node.least.items() if q not in funded}
        most_known = node.most_known
        most, lower, best = self._greatest_prices(low, least, most_known)
        if best is None:
            if not self.raises_on(sorted(node.funded)):
                raise _GiveUp  # a run may end here, and that stops add1
            self.orders.extend(node.orders)
        limit = most[best] * (1 + 2 * TOLERANCE) if best is not None else INFINITY
        winners, least = self._possible_winners(high, least, best, limit, low)
        most_known = {p: max(lower.get(p, most_known[p]), least[p]) for p in least}
        children = []
        for p in winners:
            cost = int(self.data.cost[p])
            if node.spent + cost > self.spend_limit:
                raise _GiveUp  # a run may overspend (its leaf would say so, later)
            # Where ``p`` wins, it costs at most what ``best`` may cost: ``limit``.
            paid_most = min(most.get(p, INFINITY), limit)
            paid_least = _price(self.data, p, high, sure=False)
            children.append(
                _Node(
                    self._pay(low, p, paid_most),
                    self._pay(high, p, paid_least),
                    node.funded | {p},
                    node.spent + cost,
                    least,  # shared by the children, never changed: each leaves out p
                    most_known,
                    [[*order, p] for order in node.orders],
                )
            )
        return children

    def _greatest_prices(
        self, low: np.ndarray, least: dict[int, float], most_known: dict[int, float]
    ) -> tuple[dict[int, float], dict[int, float], int | None]:
        """Find a candidate sure to be affordable at ``low`` whose price there is,
        within the tolerance, the least of all candidates' prices there.

        Return the prices found at ``low``, lower bounds on them for the
        candidates looked at, and that candidate, or None if no
        candidate is sure to be affordable. Candidates are priced in order of
        their lower bounds; a later one is priced only if its supporters could
        pay its cost at a lower price than the best so far (one sum).
        """
        rank = self.rank
        d = self.data
        most: dict[int, float] = {}
        lower: dict[int, float] = {}
        best, best_price = None, INFINITY
        ordered = sorted(least, key=lambda q: (most_known[q], rank[q]))
        can: dict[int, bool] = {}
        for i, p in enumerate(ordered):
            if most_known[p] > best_price:
                break
            if best is not None and not can:
                # One pass for every candidate left that may still beat the best: whoever
                # cannot pay at this price has a price above it, so above any later best.
                below = best_price * (1 - 2 * TOLERANCE)
                rest = [q for q in ordered[i:] if most_known[q] <= best_price]
                can = dict(zip(rest, self._can_pay_all(low, rest, below).tolist(), strict=True))
                checked_below = below
            if best is not None and not can.get(p, True):
                lower[p] = checked_below  # its price at ``low`` is above this
                continue
            price = _price(d, p, low, sure=True)
            if price < best_price:
                best, best_price = p, price
            most[p] = lower[p] = price
        return most, lower, best

    def _possible_winners(
        self,
        high: np.ndarray,
        least: dict[int, float],
        best: int | None,
        limit: float,
        low: np.ndarray,
    ) -> tuple[list[int], dict[int, float]]:
        """Return the candidates that may win the next round at some start, and the
        candidates still affordable at some start with tighter lower bounds on their
        prices at ``high``.

        A candidate can win only if its price at ``high`` is at most ``limit``, the
        greatest price ``best`` may have; that its supporters can pay ``cost`` at
        ``limit`` is one sum, cheaper than finding the price.
        """
        d = self.data
        at_floor = best is not None and _clearly_at_floor(d, best, low)
        winners = []
        bounds = {}
        near = [p for p, bound in least.items() if bound <= limit]
        can = dict(zip(near, self._can_pay_all(high, near, limit).tolist(), strict=True))
        for p, bound in least.items():
            if bound > limit:
                bounds[p] = bound
                continue
            if not can[p]:
                if limit == INFINITY:
                    continue  # no start can afford it any more: gone
                bounds[p] = limit  # its price at ``high`` is above the limit
                continue
            bounds[p] = bound
            if at_floor and p != best and self._loses_at_floor(p, best):
                continue
            winners.append(p)
        winners.sort(key=lambda p: self.rank[p])
        return winners, bounds

    def _can_pay_all(self, budgets: np.ndarray, projects: list[int], price: float) -> np.ndarray:
        """Return :func:`_can_pay` for several projects at once, in one numpy pass.

        A node asks this of most candidates; each asked alone is a handful of numpy
        calls on a few hundred numbers, so the calls, not the numbers, were the cost.
        """
        if not projects:
            return np.zeros(0, dtype=bool)
        d = self.data
        chosen = np.asarray(projects, dtype=np.int64)
        lengths = self.lengths[chosen]
        # The positions in the flat arrays of every chosen project's supporters.
        ends = np.cumsum(lengths)
        where = np.arange(int(ends[-1]), dtype=np.int64)
        where += np.repeat(self.offsets[chosen] - (ends - lengths), lengths)
        money = budgets[self.flat_sup[where]]
        if price != INFINITY:
            np.minimum(money, price * self.flat_util[where], out=money)
        money *= self.flat_w[where]
        totals = np.add.reduceat(money, ends - lengths)
        return totals >= d.cost_arr[chosen] * (1 - TOLERANCE)

    def _loses_at_floor(self, p: int, best: int) -> bool:
        """Say if ``p`` can never beat ``best``, which costs exactly its least price."""
        d = self.data
        # Compare cost / total utility exactly: cost_p * total_best vs cost_best * total_p.
        mine = int(d.cost[p]) * d.total[best]
        theirs = int(d.cost[best]) * d.total[p]
        return mine > theirs or (mine == theirs and self.rank[p] > self.rank[best])

    def _pay(self, budgets: np.ndarray, p: int, price: float) -> np.ndarray:
        """Return the budgets after ``p``'s supporters pay ``price`` per unit of utility
        (all they have, where that is less; everything if the price is infinite)."""
        d = self.data
        after = budgets.copy()
        sup = d.sup[p]
        if price == INFINITY:
            after[sup] = 0.0
        else:
            after[sup] = np.maximum(budgets[sup] - price * d.util[p], 0.0)
        return after


def _price(data: Projects, p: int, budgets: np.ndarray, *, sure: bool) -> float:
    """Return project ``p``'s MES price per unit of utility at ``budgets``.

    With ``sure``, the price is meant as an upper bound: a project its supporters
    cannot clearly afford is infinite. Otherwise it is meant as a lower bound: a
    project they clearly cannot afford is infinite, and one on the edge is given
    its least price, ``cost / total utility``, which no price is below.
    """
    sup = data.sup[p]
    b = budgets[sup]
    w = data.w[p]
    cost = data.cost_f[p]
    total = dot(b, w)
    if sure and total < cost * (1 + TOLERANCE):
        return INFINITY
    if not sure and total < cost * (1 - TOLERANCE):
        return INFINITY
    if total < cost * (1 + TOLERANCE):
        return float(data.floor[p])
    ratio = b / data.util[p]
    price = rho_by_sorting(ratio, b * w, data.wu_f[p], cost)
    if price == INFINITY:  # only where floats and the sum above disagree
        return float(ratio.max()) if sure else float(data.floor[p])
    return price


def _can_pay(data: Projects, p: int, budgets: np.ndarray, price: float) -> bool:
    """Say if ``p``'s supporters may pay its cost at ``price`` per unit of utility
    (each all they have, where that is less): if so, its price is at most ``price``,
    give or take the tolerance."""
    sup = data.sup[p]
    b = budgets[sup]
    if price != INFINITY:
        b = np.minimum(b, price * data.util[p])
    return dot(b, data.w[p]) >= data.cost_f[p] * (1 - TOLERANCE)


def _clearly_at_floor(data: Projects, p: int, budgets: np.ndarray) -> bool:
    """Say if every supporter of ``p`` clearly has its share at ``p``'s least price."""
    sup = data.sup[p]
    need = float(data.floor[p]) * data.util[p] * (1 + TOLERANCE)
    return bool(np.all(budgets[sup] >= need))
