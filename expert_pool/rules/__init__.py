"""Pure expert-pool rules: assignment solver, affinity, units, conflicts, scores and ballots.

No database, no HTTP: services load rows, call these functions and save what they return.
"""

from expert_pool.rules.problem import PoolExpert, Problem, ReviewItem, build_problem, min_outside_for_share
from expert_pool.rules.result import Assignment, AssignmentInfeasible
from expert_pool.rules.solver import Mode, check_feasible, new_seed, solve
from expert_pool.rules.solver_incremental import Reassignment, reassign

__all__ = [
    "Assignment",
    "AssignmentInfeasible",
    "Mode",
    "PoolExpert",
    "Problem",
    "Reassignment",
    "ReviewItem",
    "build_problem",
    "check_feasible",
    "min_outside_for_share",
    "new_seed",
    "reassign",
    "solve",
]
