"""The per-project arrays MES works on, built once per election and utility."""

from __future__ import annotations

import numpy as np

from thegither.allocation.model import Election


def utility_of(points: np.ndarray, cost: int, utility: str) -> np.ndarray:
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


class Projects:
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
            util = utility_of(pts, int(tables.cost[p]), utility)
            wu = tables.weight[sup] * util
            self.sup.append(sup)
            self.util.append(util.astype(np.float64))
            self.w.append(self.weight_f[sup])
            self.wu.append(wu)
            self.total.append(int(wu.sum()))
        self.util_int = [
            utility_of(tables.points[p], int(tables.cost[p]), utility)
            for p in range(len(tables.cost))
        ]
        # With approval ballots every supporter of a project has the same utility,
        # so rho can be found on budgets directly (see Engine.rho).
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
