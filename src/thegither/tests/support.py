"""Helpers shared by the test packages (no Django needed)."""

import os

import pytest


def in_ci() -> bool:
    """Return True when running in CI (CI=true)."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def missing(message: str) -> None:
    """Stop a test whose component is missing: a failure in CI, a skip elsewhere."""
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
