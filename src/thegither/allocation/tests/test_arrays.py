"""The shared numpy helpers give what numpy's own products give."""

from __future__ import annotations

import numpy as np
import pytest

from thegither.allocation.arrays import BLAS_THREADS_ABOVE, dot, dot_rows


@pytest.mark.parametrize("size", [0, 5, BLAS_THREADS_ABOVE + 1])
def test_dot_matches_numpy_for_short_and_long_vectors(size: int):
    rng = np.random.default_rng(size)
    values = rng.random(size)
    weights = rng.integers(1, 9, size).astype(np.float64)
    mask = rng.random(size) < 0.5
    assert dot(values, weights) == pytest.approx(float(np.dot(values, weights)))
    assert dot(values, mask) == pytest.approx(float(values[mask].sum()))


@pytest.mark.parametrize("size", [0, 5, BLAS_THREADS_ABOVE + 1])
def test_dot_rows_matches_numpy_for_short_and_long_vectors(size: int):
    rng = np.random.default_rng(size)
    weights = rng.random(size)
    table = rng.random((size, 3))
    assert dot_rows(weights, table) == pytest.approx(weights @ table)
