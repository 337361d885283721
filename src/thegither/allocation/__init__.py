"""Budgeting rules for participatory budgets, with Pabulib files and explanations.

A pure library: it imports nothing from Django or from other Thegither apps.

Which module to open for which change:

- reading or writing ``.pb`` files, and refusing bad ones: ``pabulib``;
- projects, ballots, elections, outcomes, and the numpy tables the rules read: ``model``;
- which rule runs, with which settings, and the size checks: ``rules`` (``allocate``);
- greedy and its variants: ``greedy``; sequential Phragmén: ``phragmen``;
- who goes first among equals: ``tiebreak``;
- the plain-words explanations: ``explain``; the command line: ``cli``.

The Method of Equal Shares, by concern (each a few hundred lines at most):

- ``mes``: the entry point, ``method_of_equal_shares``, and why add1 may skip raises
  (the proofs, in its docstring);
- ``mes_records``: the named records passed around (``Step``, ``Price``, ``Round``,
  ``Run``, and add1's ``Verdict``);
- ``mes_projects``: the per-project arrays a run reads (supporters, utilities, weights);
- ``mes_rounds``: one run, round by round (``Engine``: lazy evaluation, settling a round,
  paying);
- ``mes_prices``: a project's price in floats (the poor/rich iteration);
- ``mes_exact``: exact fractions, where floats are too close to call;
- ``mes_bounds``: lower bounds on prices from earlier prices, and certificates;
- ``mes_add1``: add1's driver (which raises to run, which a proof skips);
- ``bracket``: the tree of orders that proves a stretch of raises lets add1 go on;
- ``mes_lines``: the proof by lines that a run's order of selection holds over a
  stretch of starts (where the prices move too much for a certificate).

Imports go one way, down this list's reverse: ``mes`` -> ``mes_add1`` -> ``bracket``,
``mes_lines``, ``mes_rounds`` -> ``mes_prices``, ``mes_exact``, ``mes_bounds`` ->
``mes_records``, ``mes_projects``; ``lint-imports`` checks that no module imports one
above it.
"""

from thegither.allocation.model import (
    Ballot,
    Election,
    Explanation,
    Outcome,
    PabulibError,
    Project,
)
from thegither.allocation.pabulib import read_pb, write_pb
from thegither.allocation.rules import RULES, allocate

__all__ = [
    "RULES",
    "Ballot",
    "Election",
    "Explanation",
    "Outcome",
    "PabulibError",
    "Project",
    "allocate",
    "read_pb",
    "write_pb",
]
