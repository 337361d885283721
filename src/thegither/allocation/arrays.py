"""Small numpy helpers the rules share."""

from __future__ import annotations

import numpy as np

# ndarray.min and .max go through a Python wrapper; rounds call these thousands of times.
smallest = np.minimum.reduce
largest = np.maximum.reduce
BLAS_THREADS_ABOVE = 8192
# Relative gap under which two float prices or budgets count as a near-tie, which
# the rules then settle exactly.
TOLERANCE = 1e-9


def dot(values: np.ndarray, weights: np.ndarray) -> float:
    """Return the sum of ``values * weights`` as a float (``weights`` may be boolean).

    ``np.dot`` is the fastest call for short vectors, but hands long ones to
    BLAS, which (OpenBLAS, above 10,000 numbers) starts threads: on a busy
    machine that costs milliseconds a call. The einsum loop stays in this thread.
    """
    if len(values) < BLAS_THREADS_ABOVE:
        return float(np.dot(values, weights))
    return float(np.einsum("i,i->", values, weights))


def dot_rows(weights: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Return ``weights @ table``: the rows of ``table`` summed with these weights.

    Kept out of BLAS for long ``weights``, as :func:`dot` is, and for the same reason.
    """
    if len(weights) < BLAS_THREADS_ABOVE:
        return weights @ table
    return np.einsum("i,ij->j", weights, table)


def rho_by_sorting(
    ratio: np.ndarray, money: np.ndarray, wu: np.ndarray, cost: float, slack: float = 0.0
) -> float:
    """Return the MES price per unit of utility by sorting supporters, or infinity if none fits.

    ``ratio`` is each supporter group's budget per unit of utility, ``money`` what the
    group has (budget times weight) and ``wu`` its weight times utility. With
    ``slack``, a price up to that relative amount over a group's ratio still fits.
    """
    order = np.argsort(ratio, kind="stable")
    paid_before = np.concatenate(([0.0], np.cumsum(money[order])[:-1]))
    util_after = wu[order][::-1].cumsum()[::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        candidates = (cost - paid_before) / util_after
    fits = np.flatnonzero(candidates <= ratio[order] * (1 + slack))
    return float(candidates[fits[0]]) if len(fits) else float("inf")
