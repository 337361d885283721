"""Shared fixtures: where the Pabulib sample files are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from thegither.tests.support import missing

REPO_ROOT = Path(__file__).resolve().parents[4]


def pabulib_dir() -> Path:
    """Return the folder of shared Pabulib files (THEGITHER_PABULIB_DIR or ../shared)."""
    configured = os.environ.get("THEGITHER_PABULIB_DIR")
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "data" / "pabulib"


def pabulib_files() -> list[Path]:
    """Return every .pb file in the shared folder (empty if the folder is missing)."""
    folder = pabulib_dir()
    return sorted(folder.glob("*.pb")) if folder.is_dir() else []


@pytest.fixture
def pabulib_folder() -> Path:
    """Return the Pabulib folder; fail on CI and skip elsewhere when it is missing."""
    folder = pabulib_dir()
    if not folder.is_dir():
        missing(f"Pabulib files not found in {folder} (set THEGITHER_PABULIB_DIR)")
    return folder
