"""Budgeting rules for participatory budgets, with Pabulib files and explanations.

A pure library: it imports nothing from Django or from other Thegither apps.
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
