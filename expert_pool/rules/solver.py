"""Expert assignment: one entry point over the three modes.

Hard rules in every mode: exactly k experts per item, at most the max load per expert, no
conflicted pair, at most one expert per unit on an item, at least the required number of
out-of-province experts, and every pin kept. Modes:

* ``optimal`` - maximum total affinity, exact (min-cost flow, `solver_flow`);
* ``fair``    - max-min item total, then total (CP-SAT, `solver_fair`);
* ``random``  - best expected affinity with P(pair) <= cap, a seeded draw (`solver_random`).

An infeasible instance raises `AssignmentInfeasible` whose reasons name the items and the causes;
nothing is returned, so nothing can be saved.
"""

from __future__ import annotations

import secrets
from fractions import Fraction
from typing import Literal

from expert_pool.rules.problem import Problem
from expert_pool.rules.result import Assignment, AssignmentInfeasible
from expert_pool.rules.solver_fair import solve_fair
from expert_pool.rules.solver_flow import solve_optimal
from expert_pool.rules.solver_random import solve_random
from xuehui.errors import Reason

Mode = Literal["optimal", "fair", "random"]


def new_seed() -> int:
    """A fresh seed to record with a random draw (63 bits, fits a BIGINT column)."""
    return secrets.randbits(63)


def solve(
    problem: Problem,
    mode: Mode = "optimal",
    *,
    cap: float | Fraction = Fraction(1, 2),
    seed: int | None = None,
    time_limit: float = 10.0,
) -> Assignment:
    """Assign experts in the chosen mode. Random mode draws a seed when none is given (see `.seed`)."""
    if mode == "optimal":
        return solve_optimal(problem)
    if mode == "fair":
        return solve_fair(problem, time_limit=time_limit)
    return solve_random(problem, cap, new_seed() if seed is None else seed)


def check_feasible(problem: Problem) -> list[Reason]:
    """Empty when an assignment exists (for the hard rules, without a probability cap); else why not.
    Costs one min-cost flow, so a page can show the reasons before anyone presses "assign"."""
    try:
        solve_optimal(problem)
    except AssignmentInfeasible as refused:
        return refused.reasons
    return []
