"""Small numpy helpers the rules share."""

from __future__ import annotations

import numpy as np

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
