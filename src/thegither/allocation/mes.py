"""The Method of Equal Shares (MES), with the add1 and add1u completions.

Every voter gets an equal share of the budget. In each round, MES funds the
project whose supporters can pay for it with the lowest price per unit of
utility ("rho"), each supporter paying ``rho`` times their utility, or all they
have left if that is less. It stops when no project's supporters can still
afford it. See equalshares.net and Peters & Skowron (2020).

This follows pabutools 1.2.3's ``method_of_equal_shares`` exactly (same
selections, same order, ties settled by the tie-break order), but works on
numpy arrays of ballot groups instead of one Python object per voter:

* rho only goes up as budgets fall, so a project's last rho is a lower bound;
  each round re-evaluates projects in order of that bound and stops as soon as
  the bound exceeds the best fresh rho (lazy evaluation);
* rho is found by the poor/rich iteration, O(k) per pass over a project's k
  supporter groups, falling back to a sort when it needs many passes;
* arithmetic is in floats. Whenever two projects' rho are within a relative
  ``TOLERANCE``, or a voter's budget is that close to what they would pay, or a
  project's supporters have almost exactly its cost, the question is settled
  exactly with :class:`fractions.Fraction`. Exact budgets are cheap to rebuild
  because a voter either ran out of money in some round or has
  ``b0 - sum(rho_q * u_q)`` over the funded projects ``q`` they support.
  The exact answer always wins over the floats: when the exact sums say a
  project's supporters can pay but the floats found no price (nine voters with
  1/9 left each, in floats a hair under the 1/9 a project costing 1 needs), the
  price is found exactly (:meth:`_Engine._unaffordable`), and when a float
  guess is too far off for :meth:`_Engine.exact_rho` to trust, every supporter
  is sorted exactly.

add1 re-runs MES at every whole raise, as pabutools does, and makes each run
cheap instead of skipping runs (docs/decisions/0030-fast-mes-add1.md):

* the lazy evaluation goes through projects in (lower bound, tie rank) order;
* supporters who paid all they had keep a budget of exactly zero for the rest
  of the run, so they are dropped from a project's arrays (at most every
  ``COMPACT_EVERY`` rounds from the run's start: the arrays only shrink by about
  5 %) and their weight is counted as poor with no money, which gives the same rho;
* the poor/rich iteration may start anywhere, from above as well as below
  (:meth:`_Engine.rho`): it starts at the price the project had one raise lower,
  which usually gives the answer in one pass instead of three;
* paying the funded project reuses the poor/rich split its price just found;
* a run that has already spent more than the budget stops: add1 discards it;
* long dot products avoid BLAS, whose threads cost milliseconds a call on a
  busy machine (see :func:`thegither.allocation.arrays.dot`).

add1 skips a raise only when a proof says it would not stop add1: a certificate
that it funds what its neighbours fund (:func:`_certified`, :func:`_add1`), or,
where the order changes in between, the tree of every order MES may follow there
(:mod:`thegither.allocation.bracket`, docs/decisions/0033-add1-tree-of-orders.md).

Along a fixed order of selection, a higher start ``b`` leaves every voter at least
as much after every round (their budget becomes ``max(0, B - rho * u)``, with ``B``
no lower and ``rho`` no higher, by induction), so every project's price in every
round is at most what it was at a lower start, and a project unaffordable at a
higher start is unaffordable at a lower one. Say the runs at raises ``k1 < k2`` fund
the same projects ``p_1 .. p_R`` in the same order and, in every round ``r``,
``p_r``'s price at ``k1`` is below a lower bound on every other candidate's price at
``k2`` by more than twice the tolerance (so floats cannot fake it and near-ties
never count). Then at any start in between, round ``r`` (after the same ``r - 1``
rounds, by induction) prices ``p_r`` at most as at ``k1`` and every rival at least
as at ``k2``: ``p_r`` wins; projects gone at ``k2`` are gone there too, and the run
ends after round ``R`` as the run at ``k2`` does. So every raise in between funds
the same projects, reaches the same add1 verdict (no overspending, not exhaustive,
since ``k1``'s run went on) and can be skipped. One exact tie is allowed: if ``p_r``
cost the least it ever can at ``k1`` (no supporter poor: ``cost / total utility``),
a rival whose least price is higher, or equal with a later tie rank, can never beat
it. A run's rounds record the funded price and the least bound on the others
(:attr:`Run.rivals`, from the lazy evaluation's bounds); when a run is meant as the
right end of a certificate (``beat``), the candidates whose bound is too low are
priced after the round is decided, which only tightens their bounds. add1 gallops:
double the step while certificates hold, halve it when one fails, and run every
raise one by one where two raises already change the outcome (as on the Warsaw
files, where the order changes at about one raise in three). With the tree too,
Assen needs 20 runs for 843 raises, Świecie 18 for 226.

Each run reuses the prices a run at a lower raise found (the nearest one worked
out, :class:`Round`, :meth:`_Engine.bound_from`):

* a price ``rho`` found at budgets ``B`` bounds the price at any other budgets
  ``B'`` (another raise, another round, even another path) from below:
  ``rho - G / R``, where ``G`` is what the supporters poor at ``rho`` (``B < rho * u``)
  have gained, ``sum w * max(0, B' - B)``, and ``R`` the rich weighted utility at
  ``rho``. Proof: with ``f(x) = sum w * min(B, x * u)`` (``f(rho) = cost``), at a
  price ``x < rho`` a supporter rich then gives at most ``x * u`` now, as then, and
  a poor one at most ``B'``; so ``f'(x) <= f(x) + G``, while ``f(rho) - f(x) >=
  (rho - x) * R``; ``f'(x) >= cost`` then needs ``x >= rho - G / R``. Supporters
  within the tolerance of ``rho`` count as poor, which only loosens the bound;
* each round first prices the project the lower raise funded in that round,
  then goes through the other candidates in order of their bound as before; a
  candidate not priced in this run is first tested with its latest price from
  the lower raise (a few array operations on its poor supporters, against about
  ten for a price) and skipped only if that bound is above the best price by more
  than twice the tolerance, so near-ties are always priced and settled exactly.
  All the candidates a round may test are tested in one numpy pass
  (:meth:`_Engine.bounds_from`): with a few hundred numbers per test, the
  number of numpy calls, not the numbers, was the cost;
* a project the lower raise found unaffordable in a round is dropped in the
  same round here only if its supporters' money is clearly below its cost.

Which projects get priced never changes a round's outcome: every project within
the tolerance of the best price is priced, whatever the bounds. On
Poland_Warszawa_2023_Mokotow.pb this prices 21,000 times instead of 75,600.
``tests/test_mes_add1.py`` checks the loop against re-running MES from scratch
at every raise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import accumulate

import numpy as np

from thegither.allocation.arrays import TOLERANCE, dot, rho_by_sorting
from thegither.allocation.bracket import Bracket
from thegither.allocation.model import Election

# ndarray.min and .max go through a Python wrapper; rounds call these thousands of times.
_smallest = np.minimum.reduce
_largest = np.maximum.reduce
NEVER = np.iinfo(np.int64).max
WARM_START_MARGIN = 1e-6  # how far below a known lower bound rho's iteration starts
MAX_PATIENCE = 16  # most plain raises add1 takes before trying a certificate again
COMPACT_EVERY = 32  # rounds between two clean-ups of one project's supporters (a run has ~50)


@dataclass(slots=True)
class Step:
    """One round of MES: the project funded and who paid everything they had."""

    project: int
    rho: float  # price per unit of utility
    drained: np.ndarray  # groups that paid all they had left in this round
    denominator: int  # total weighted utility of the supporters who paid in full
    exact: Fraction | None = None


# A price found once, and what it rested on: (rho, rich weighted utility, groups,
# their budgets then, their weights, what each would pay at rho, and the project's
# index if supporters with nothing then were left out, else -1). See _Engine.bound_from.
Price = list


@dataclass(slots=True)
class Round:
    """What one round of an add1 run leaves for the run at the next raise."""

    project: int  # the project funded
    prices: list[tuple[int, Price]]  # the latest price known for projects, as of this round
    gone: list[int]  # projects found unaffordable in this round
    rho: float = 0.0  # the funded project's price: where the next raise starts looking


@dataclass
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
    # candidate's: what a bracketing certificate compares (see _certified).
    prices: list[float] = field(default_factory=list)
    rivals: list[float] = field(default_factory=list)
    floors: list[bool] = field(default_factory=list)  # funded at its least price (no one poor)
    overspent: bool = False  # stopped early: spent more than the add1 limit
    cleared: Run | None = None  # a lower run this one is certified against (see _Engine.run)


@dataclass
class MesResult:
    selected: list[int]
    run: Run
    start: Fraction  # the starting budget per voter of the run returned
    initial_start: Fraction
    increments: int  # how many times add1 raised the budget
    free: list[int]  # projects of cost 0 funded before any round
    runs: int = 1  # how many runs of MES add1 worked out (not counting the final one)


def _utility(points: np.ndarray, cost: int, utility: str) -> np.ndarray:
    """Return each supporter's utility for a project.

    As in pabutools' ``Cost_Sat`` and ``Cardinality_Sat``, "cost" and
    "cardinality" count any support the same whatever the points; "score" uses
    the points (pabutools' ``Additive_Cardinal_Sat``).
    """
    if utility == "cost":
        return np.full(len(points), cost, dtype=np.int64)
    if utility == "cardinality":
        return np.ones(len(points), dtype=np.int64)
    return points


class _Projects:
    """Per-project arrays MES needs, built once per election and utility."""

    def __init__(self, election: Election, utility: str) -> None:
        tables = election.tables
        self.weight = tables.weight
        self.weight_f = tables.weight.astype(np.float64)
        self.cost = tables.cost
        self.cost_f = [float(c) for c in tables.cost]
        self.num_groups = len(tables.weight)
        self.mark = np.zeros(self.num_groups, dtype=bool)  # scratch, always left all False
        self.sup: list[np.ndarray] = []
        self.util: list[np.ndarray] = []  # utility per voter, float
        self.w: list[np.ndarray] = []  # weight per supporter group, float
        self.wu: list[np.ndarray] = []  # weight * utility, int64 (exact)
        self.total: list[int] = []  # total weighted utility
        self.columns: dict[int, np.ndarray] = {}
        for p in range(len(tables.cost)):
            sup = tables.supporters[p]
            pts = tables.points[p]
            util = _utility(pts, int(tables.cost[p]), utility)
            wu = tables.weight[sup] * util
            self.sup.append(sup)
            self.util.append(util.astype(np.float64))
            self.w.append(self.weight_f[sup])
            self.wu.append(wu)
            self.total.append(int(wu.sum()))
        self.util_int = [
            _utility(tables.points[p], int(tables.cost[p]), utility)
            for p in range(len(tables.cost))
        ]
        # With approval ballots every supporter of a project has the same utility,
        # so rho can be found on budgets directly (see _Engine.rho).
        self.uniform = [
            float(u[0]) if len(u) and bool((u == u[0]).all()) else 0.0 for u in self.util
        ]
        self.weight_total = [float(w.sum()) for w in self.w]
        self.wu_f = [wu.astype(np.float64) for wu in self.wu]
        self.cost_arr = self.cost.astype(np.float64)
        self.weight_arr = np.array(self.weight_total, dtype=np.float64)
        # No price can be below cost / total utility: everyone paying their share.
        with np.errstate(divide="ignore", invalid="ignore"):
            self.floor = self.cost_arr / np.array(self.total, dtype=np.float64)
        # MES only considers projects someone supports and that cost something.
        self.eligible = [
            p for p in range(len(tables.cost)) if self.total[p] > 0 and tables.cost[p] > 0
        ]
        self.free = [
            p for p in range(len(tables.cost)) if self.total[p] > 0 and tables.cost[p] == 0
        ]

    def column(self, p: int) -> np.ndarray:
        """Return project ``p``'s utility for every group (0 for non-supporters), int64."""
        col = self.columns.get(p)
        if col is None:
            col = np.zeros(self.num_groups, dtype=np.int64)
            col[self.sup[p]] = self.util_int[p]
            self.columns[p] = col
        return col


class _Engine:
    """Run MES at one starting budget; keep enough history to settle ties exactly."""

    def __init__(
        self, data: _Projects, rank: np.ndarray, start: Fraction, record: bool, trace: bool = False
    ) -> None:
        self.data = data
        self.rank = rank
        self.ranks = rank.tolist()  # the same, for sorting a few projects in Python
        self.trace = trace
        self.price: Price = []  # what the last finite rho rested on
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

    # -- exact arithmetic -------------------------------------------------
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

    # -- float arithmetic -------------------------------------------------
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
            self.price = [least / unit, 0.0, None, None, None, 0.0, -1]  # no one was poor
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
                self.price = [x / unit, rich, self.live_sup[p], bp, w, x, outside]
                return self._checked(p, x / unit, float(_largest(bp)) / unit)
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
        self.price = [r, dot(d.wu_f[p], bp >= pay), sup, bp, d.w[p], pay, -1]

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

    # -- the rounds -------------------------------------------------------
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
        that :func:`_certified` can compare the two.
        """
        d = self.data
        # Each candidate's lower bound on rho (infinity once funded or dropped):
        # rho only goes up as budgets fall, so a project's last rho is a bound.
        self.bound = np.full(len(d.cost), np.inf)
        self.bound[eligible] = d.floor[eligible]
        self.active = len(eligible)
        self.removed_at: dict[int, int] = {}
        self.known: dict[int, Price] = {}  # the latest price found at a lower start
        self.own: set[int] = set()  # projects priced in this run
        self.priced = 0
        self.rounds: list[Round] | None = [] if self.trace else None
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
            rivals.append(float(_smallest(self.bound)))
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
        near = sorted([(low, q) for q, low in enumerate(self.bound.tolist()) if low <= threshold])
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
        rho, rich, groups, budgets, weight, pay = price[:6]
        if groups is None:
            return rho  # no supporter was poor: rho is the least price there can be
        if pay is not None:
            self._keep_poor(price)
            groups, budgets, weight = price[2:5]
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
            if price[2] is not None and price[5] is not None:
                self._keep_poor(price)
            groups = price[2]
            if groups is None or not len(groups) or price[1] <= 0:
                lows.append(price[0] if groups is None or not len(groups) else float("-inf"))
            else:
                lows.append(0.0)
                parts.append(i)
        if parts:
            chosen = [prices[i] for i in parts]
            groups = np.concatenate([price[2] for price in chosen])
            gained = self.b.take(groups)
            gained -= np.concatenate([price[3] for price in chosen])
            np.maximum(gained, 0.0, out=gained)
            gained *= np.concatenate([price[4] for price in chosen])
            starts = list(accumulate((len(price[2]) for price in chosen[:-1]), initial=0))
            gains = np.add.reduceat(gained, starts).tolist()
            for i, price, gain in zip(parts, chosen, gains, strict=True):
                lows[i] = price[0] - gain / price[1]
        return lows

    def _keep_poor(self, price: Price) -> None:
        """Keep only the supporters poor at the price, once: prices are kept for later raises.

        Supporters left out of the price (``outside``: they had paid all they had,
        see :meth:`_compact`) were poor with nothing: add them back.
        """
        groups, budgets, weight, pay, outside = price[2:7]
        poor = budgets < pay
        groups, budgets, weight = groups[poor], budgets[poor], weight[poor]
        if outside >= 0:
            d = self.data
            # A mark per group: np.isin would sort both arrays.
            d.mark[price[2]] = True
            left_out = ~d.mark[d.sup[outside]]
            d.mark[price[2]] = False
            groups = np.concatenate((groups, d.sup[outside][left_out]))
            budgets = np.concatenate((budgets, np.zeros(int(left_out.sum()))))
            weight = np.concatenate((weight, d.w[outside][left_out]))
        price[2:7] = groups, budgets, weight, None, -1

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
                guess = self.known[q][0]
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

    def exact_price(self, p: int, r: float) -> Fraction:
        """Return project ``p``'s exact rho now, given its float rho ``r``.

        If every supporter clearly has more than an equal share of the cost, nobody
        pays all they have and rho is exactly cost / total utility: no need to
        rebuild anyone's budget (:meth:`pay` then knows nobody is poor).
        """
        d = self.data
        if d.uniform[p] and not self.dropped[p]:
            least = d.cost_f[p] / d.weight_total[p]
            if float(_smallest(self.b.take(d.sup[p]))) >= least * (1 + TOLERANCE):
                self.at_floor.add(p)
                return Fraction(int(d.cost[p]), d.total[p])
        return self.exact_rho(p, r)[0]

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
        ranked = sorted(
            [(low, ranks[q], q) for q, low in enumerate(self.bound.tolist()) if low <= limit]
        )
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
        if len(diff) and float(_smallest(diff)) > x * TOLERANCE:
            # Everyone can clearly pay x (often so in a run's first rounds).
            if self.record:
                column = np.zeros(self.data.num_groups, dtype=np.float64)
                column[sup] = x
                self.payments.append(column)
            self.b[sup] = diff
            denominator = self.data.total[p] - self.wu_dropped[p]
            self.steps.append(Step(p, r, sup[:0], denominator, exact))
            return
        if len(diff) and float(_smallest(np.abs(diff))) <= x * TOLERANCE:
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


class _Raises:
    """add1's runs by raise, each worked out once, on demand, following a lower one."""

    def __init__(
        self,
        data: _Projects,
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

    def bracketed(self, k: int, end: int, run: Run, verdict) -> bool:
        """Return whether no raise in ``(k, end]`` stops add1, by the tree of orders
        (:mod:`thegither.allocation.bracket`) from ``run``, the run at ``k``.

        Not tried when a run already worked out in the stretch stops add1: the
        tree would only find that out.
        """
        if self.trees_failed > 2 * self.trees_held:
            return False  # here trees fail more often than they pay off
        if any(k < j <= end and verdict(other) != "raises" for j, other in self.runs.items()):
            return False
        # A node costs about what a round of a run costs, and locating a change of
        # outcome in the stretch by bisection costs about two runs per halving.
        nodes = (len(run.selected) + 1) * ((end - k).bit_length() - 2)
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

        Only a lower run: its rounds are what :meth:`_Engine.run` follows, and its
        prices bound the prices at any other budgets (:meth:`_Engine.bound_from`).
        ``beat`` is the run a certificate will compare it with (:meth:`_Engine.run`).
        """
        run = self.runs.get(k)
        if run is None:
            below = self.runs[max(j for j in self.runs if j < k)]
            engine = _Engine(self.data, self.rank, self.initial + k, record=False, trace=True)
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


def _certified(low: Run, high: Run) -> bool:
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


def _add1(raises: _Raises, verdict) -> Run | None:
    """Return the run add1 ends with, or None if the very first run overspends.

    Gallop over the raises: from the last raise accepted, try one ``step``
    further; if the certificate (:func:`_certified`) covers the raises in
    between, they all fund what the last one funds (so none of them stops add1):
    accept them at once and double the step, else halve it. Where the order
    changes in between, the tree of orders (:mod:`thegither.allocation.bracket`)
    may still prove that none of them stops add1. A step of one is checked like
    any raise: add1 stops at the first raise that overspends (returning the one
    before) or, per ``verdict``, that stops it.
    """
    run = raises.at(0)
    first = verdict(run)
    if first != "raises":
        return run if first == "stops" else None
    k, step = 0, 1
    wait, patience = 0, 1  # plain raises before the next try, and how many after a failure
    while True:
        if step > 1 and raises.differs_within(k, k + step, run):
            candidate = None  # a run in between is known to fund otherwise: no certificate
        else:
            candidate = raises.at(k + step, run if step > 1 else None)
        if (
            step > 1
            and (candidate is None or not _certified(run, candidate))
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
        if outcome == "overspends":
            return run
        if step > 1:
            patience = 1
        k, run = k + step, candidate
        raises.forget_below(k)
        if outcome == "stops":
            return run
        if wait:
            wait -= 1
        else:
            step *= 2


def exhaustive(spent: int, budget: int, chosen: set[int], candidates: list[int], cost) -> bool:
    """Return whether no candidate outside ``chosen`` still fits in what is left."""
    left = budget - spent
    return not any(p not in chosen and int(cost[p]) <= left for p in candidates)


def method_of_equal_shares(
    election: Election,
    *,
    utility: str,
    rank: np.ndarray,
    completion: str | None,
    exhaustive_stop: bool = True,
) -> MesResult:
    """Run MES; with ``completion="add1"`` raise every voter's budget by 1 until done.

    add1 follows pabutools' ``voter_budget_increment=1``: after each run, if the
    outcome overspends, return the previous outcome; if it is exhaustive (no
    supported project fits in what is left) and ``exhaustive_stop`` is set,
    return it; otherwise add one unit to every voter's starting budget and run
    again. Without the exhaustive stop the budget keeps rising until the next
    outcome would overspend (or every supported project is funded).
    """
    data = _Projects(election, utility)
    voters = election.num_voters
    free = sorted(data.free, key=lambda p: rank[p])
    start = Fraction(election.budget, voters) if voters else Fraction(0)
    initial = start
    cost = data.cost
    if voters == 0:
        # No ballots: nothing is funded, and the run still records (empty) budgets and
        # payments, so the explanations can say "Nobody voted for it" for every project.
        run = Run(
            start,
            [],
            [],
            budgets=np.zeros(data.num_groups, dtype=np.float64),
            payments=np.zeros((data.num_groups, 0), dtype=np.float64),
        )
        return MesResult(free, run, start, initial, 0, free)

    def verdict(run: Run) -> str:
        """Return what add1 does after ``run``: "overspends", "stops" or "raises"."""
        return verdict_of(run.selected)

    def verdict_of(selected: list[int]) -> str:
        outcome = free + selected
        spent = int(sum(int(cost[p]) for p in outcome))
        if spent > election.budget:
            return "overspends"
        chosen = set(outcome)
        if everything <= chosen or (
            exhaustive_stop and exhaustive(spent, election.budget, chosen, data.eligible, cost)
        ):
            return "stops"
        return "raises"

    tracing = completion is not None
    run = _Engine(data, rank, start, record=not tracing, trace=tracing).run(data.eligible)
    if completion is None:
        return MesResult(free + run.selected, run, start, initial, 0, free)
    everything = set(data.eligible)
    spend_limit = election.budget - int(sum(int(cost[p]) for p in free))
    bracket = Bracket(data, rank, spend_limit, lambda selected: verdict_of(selected) == "raises")
    raises = _Raises(data, rank, start, spend_limit, run, bracket)
    previous = _add1(raises, verdict)
    if previous is None:  # the very first run overspent: cannot happen with exact budgets
        previous = Run(initial, [], [])
    # Re-run the returned budget once more, recording payments for the explanations.
    final = _Engine(data, rank, previous.start, record=True).run(data.eligible)
    raised = int(previous.start - initial)
    return MesResult(
        free + final.selected, final, previous.start, initial, raised, free, raises.count
    )
