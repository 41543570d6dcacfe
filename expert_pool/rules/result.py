"""What a solve returns, and the refusal raised when no assignment exists."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from expert_pool.rules.problem import FloatArray, IntArray, Problem
from xuehui.errors import Conflict


class AssignmentInfeasible(Conflict):
    """No assignment satisfies every hard rule; `reasons` say which items and why. Nothing was saved."""


@dataclass(frozen=True)
class Assignment:
    """Chosen pairs (pins included), sorted by (item, expert), with the numbers users look at."""

    problem: Problem = field(repr=False)
    item: IntArray
    expert: IntArray
    affinity: FloatArray
    mode: str
    seed: int | None = None
    expected_affinity: float | None = None  # random mode: the LP optimum under the cap
    marginals: FloatArray | None = field(default=None, repr=False)  # random mode: P(pair) per candidate pair
    weakest_upper_bound: float | None = None  # fair mode: proven bound on the weakest item's total
    fair_proven: bool | None = None  # fair mode: both stages proven optimal

    @property
    def total_affinity(self) -> float:
        return float(self.affinity.sum())

    def item_totals(self) -> FloatArray:
        return np.bincount(self.item, weights=self.affinity, minlength=self.problem.n_items).astype(np.float64)

    @property
    def weakest_affinity(self) -> float:
        totals = self.item_totals()
        return float(totals.min()) if len(totals) else 0.0

    def rows(self) -> list[tuple[str, str, float]]:
        items, experts = self.problem.item_ids, self.problem.expert_ids
        return [
            (items[i], experts[e], float(a))
            for i, e, a in zip(self.item.tolist(), self.expert.tolist(), self.affinity.tolist(), strict=True)
        ]


def make_assignment(problem: Problem, item: IntArray, expert: IntArray, mode: str, **extra: object) -> Assignment:
    order = np.lexsort((expert, item))
    item, expert = item[order].astype(np.int64), expert[order].astype(np.int64)
    return Assignment(
        problem=problem,
        item=item,
        expert=expert,
        affinity=problem.affinity_of(item, expert),
        mode=mode,
        **extra,  # type: ignore[arg-type]
    )
