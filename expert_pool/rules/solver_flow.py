"""Optimal mode: maximum total affinity, exact, by one min-cost flow (OR-Tools SimpleMinCostFlow).

The constraint matrix of the network in `network.py` is totally unimodular, so the integral
min-cost flow is an optimum of the assignment problem for the integer costs
`-round(affinity * 10^4)`: exact for affinities with four decimals, and within
n_pairs * 0.5e-4 of the real-valued optimum otherwise.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow  # ships .pyi without py.typed

from expert_pool.rules.diagnostics import diagnose
from expert_pool.rules.network import FlowNetwork, Residual, build_network, integer_costs, residual_after_pins
from expert_pool.rules.problem import IntArray, Problem
from expert_pool.rules.result import Assignment, AssignmentInfeasible, make_assignment
from xuehui.errors import Reason

UNEXPLAINED = Reason(
    "assignment_infeasible",
    "无法完成分配：各项硬性约束无法同时满足",
    "no assignment satisfies all hard rules at once",
)


def infeasible(problem: Problem, residual: Residual) -> AssignmentInfeasible:
    return AssignmentInfeasible(diagnose(problem, residual) or [UNEXPLAINED])


def checked_residual(problem: Problem) -> Residual:
    """Residual after pins, refusing early when pins leave too few places for out-of-province experts."""
    residual = residual_after_pins(problem)
    if (residual.demand < residual.min_outside).any():
        raise infeasible(problem, residual)
    return residual


def run_min_cost_flow(network: FlowNetwork) -> tuple[bool, IntArray, int]:
    """Solve; return (feasible, flow on every arc, optimal cost)."""
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(network.tails, network.heads, network.capacities, network.costs)
    solver.set_nodes_supplies(np.arange(len(network.supplies), dtype=np.int64), network.supplies)
    if solver.solve() != solver.OPTIMAL:
        return False, np.zeros(0, dtype=np.int64), 0
    flows = np.asarray(solver.flows(np.arange(len(network.tails), dtype=np.int64)), dtype=np.int64)
    return True, flows, int(solver.optimal_cost())


def solve_flow(problem: Problem, pair_costs: IntArray, mode: str) -> Assignment:
    """Min-cost flow with the given per-pair costs plus the pins."""
    residual = checked_residual(problem)
    network = build_network(problem, residual, pair_costs)
    feasible, flows, _ = run_min_cost_flow(network)
    if not feasible:
        raise infeasible(problem, residual)
    chosen = network.pair_index[flows[network.pair_arc] > 0]
    item = np.concatenate([problem.pair_item[chosen], problem.pinned_item])
    expert = np.concatenate([problem.pair_expert[chosen], problem.pinned_expert])
    return make_assignment(problem, item, expert, mode)


def solve_optimal(problem: Problem) -> Assignment:
    """Maximum total affinity under every hard rule; raises AssignmentInfeasible with reasons."""
    return solve_flow(problem, integer_costs(problem.pair_affinity), "optimal")
