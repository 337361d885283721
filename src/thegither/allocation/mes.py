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
  price is found exactly (:meth:`Engine._unaffordable`), and when a float
  guess is too far off for :meth:`Engine.exact_rho` to trust, every supporter
  is sorted exactly.

add1 re-runs MES at every whole raise, as pabutools does, and makes each run
cheap instead of skipping runs (docs/decisions/0030-fast-mes-add1.md):

* the lazy evaluation goes through projects in (lower bound, tie rank) order;
* supporters who paid all they had keep a budget of exactly zero for the rest
  of the run, so they are dropped from a project's arrays (at most every
  ``COMPACT_EVERY`` rounds from the run's start: the arrays only shrink by about
  5 %) and their weight is counted as poor with no money, which gives the same rho;
* the poor/rich iteration may start anywhere, from above as well as below
  (:meth:`Engine.rho`): it starts at the price the project had one raise lower,
  which usually gives the answer in one pass instead of three;
* paying the funded project reuses the poor/rich split its price just found;
* a run that has already spent more than the budget stops: add1 discards it;
* long dot products avoid BLAS, whose threads cost milliseconds a call on a
  busy machine (see :func:`thegither.allocation.arrays.dot`).

add1 skips a raise only when a proof says it would not stop add1: a certificate
that it funds what its neighbours fund
(:func:`~thegither.allocation.mes_add1.certified`, :func:`~thegither.allocation.mes_add1.add1`), or,
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
out, :class:`Round`, :meth:`Engine.bound_from`):

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
  (:meth:`Engine.bounds_from`): with a few hundred numbers per test, the
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

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from thegither.allocation.bracket import Bracket
from thegither.allocation.mes_add1 import Raises, add1, exhaustive
from thegither.allocation.mes_projects import Projects
from thegither.allocation.mes_records import Run, Verdict
from thegither.allocation.mes_rounds import Engine
from thegither.allocation.model import Election


@dataclass(slots=True)
class MesResult:
    selected: list[int]
    run: Run
    start: Fraction  # the starting budget per voter of the run returned
    initial_start: Fraction
    increments: int  # how many times add1 raised the budget
    free: list[int]  # projects of cost 0 funded before any round
    runs: int = 1  # how many runs of MES add1 worked out (not counting the final one)


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
    data = Projects(election, utility)
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

    def verdict(run: Run) -> Verdict:
        """Return what add1 does after ``run``."""
        return verdict_of(run.selected)

    def verdict_of(selected: list[int]) -> Verdict:
        outcome = free + selected
        spent = int(sum(int(cost[p]) for p in outcome))
        if spent > election.budget:
            return Verdict.OVERSPENDS
        chosen = set(outcome)
        if everything <= chosen or (
            exhaustive_stop and exhaustive(spent, election.budget, chosen, data.eligible, cost)
        ):
            return Verdict.STOPS
        return Verdict.RAISES

    tracing = completion is not None
    run = Engine(data, rank, start, record=not tracing, trace=tracing).run(data.eligible)
    if completion is None:
        return MesResult(free + run.selected, run, start, initial, 0, free)
    everything = set(data.eligible)
    spend_limit = election.budget - int(sum(int(cost[p]) for p in free))
    bracket = Bracket(
        data, rank, spend_limit, lambda selected: verdict_of(selected) is Verdict.RAISES
    )
    raises = Raises(data, rank, start, spend_limit, run, bracket)
    previous = add1(raises, verdict)
    if previous is None:  # the very first run overspent: cannot happen with exact budgets
        previous = Run(initial, [], [])
    # Re-run the returned budget once more, recording payments for the explanations.
    final = Engine(data, rank, previous.start, record=True).run(data.eligible)
    raised = int(previous.start - initial)
    return MesResult(
        free + final.selected, final, previous.start, initial, raised, free, raises.count
    )
