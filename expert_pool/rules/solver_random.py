"""Random mode (随机抽取): best expected affinity with every pair's probability capped at q.

Jecmen et al. (NeurIPS 2020). Step 1 is the LP "max sum w x, x in the assignment polytope,
x_pair <= q". With q = a/S in lowest terms we multiply every capacity and supply by S and give
pair arcs capacity a: the scaled polytope is a network-flow polytope with integer data, so its
integral min-cost flow is an exact LP optimum, read back as x = flow / S.

Step 2 samples an integral flow whose arc marginals equal x (dependent rounding on the flow
network): while some arc carries a fractional flow, walk along fractional arcs to an undirected
cycle (every node has supply divisible by S, so a node never has exactly one fractional arc), and
push flow around it one way or the other with probabilities that keep every arc's expectation.
Each step makes at least one arc integral; arcs stay between the floor and ceiling of their value,
so loads, group (unit) capacities and the out-of-province split hold in every draw, and a pair
is drawn with probability x_pair <= q. The generator is numpy PCG64 seeded with the recorded seed
and the walk order is deterministic, so a seed replays the same draw exactly.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from expert_pool.rules.diagnostics import cap_reasons, diagnose
from expert_pool.rules.network import build_network, integer_costs
from expert_pool.rules.problem import IntArray, Problem
from expert_pool.rules.result import Assignment, AssignmentInfeasible, make_assignment
from expert_pool.rules.solver_flow import UNEXPLAINED, checked_residual, run_min_cost_flow
from xuehui.errors import InvalidInput, Reason

MAX_CAP_DENOMINATOR = 1000


def cap_fraction(cap: float | Fraction) -> Fraction:
    q = Fraction(cap).limit_denominator(MAX_CAP_DENOMINATOR)
    if not 0 < q <= 1:
        raise InvalidInput(
            Reason("cap_out_of_range", "抽取概率上限须在 (0, 1] 之间", "the probability cap must be in (0, 1]", "cap")
        )
    return q


def _find_cycle(adjacency: dict[int, dict[int, int]], start: int) -> list[tuple[int, int]]:
    """Walk fractional arcs from `start` until a node repeats; return the cycle as (arc, direction)
    with direction +1 when the arc is traversed tail -> head."""
    path_nodes = [start]
    path_arcs: list[tuple[int, int]] = []
    seen = {start: 0}
    came_by = -1
    node = start
    while True:
        # adjacency[node][arc] = neighbour * 2 + 1 when the arc leaves `node` (traversed forward)
        arc, encoded = next((a, e) for a, e in adjacency[node].items() if a != came_by)
        neighbour, forward = encoded >> 1, encoded & 1
        path_arcs.append((arc, 1 if forward else -1))
        if neighbour in seen:
            return path_arcs[seen[neighbour] :]
        seen[neighbour] = len(path_nodes)
        path_nodes.append(neighbour)
        came_by, node = arc, neighbour


def dependent_round(
    tails: IntArray, heads: IntArray, flows: IntArray, scale: int, rng: np.random.Generator
) -> IntArray:
    """Round a flow whose values are multiples of 1/scale to an integral one with the same marginals."""
    flows = flows.copy()
    adjacency: dict[int, dict[int, int]] = {}
    for arc in np.flatnonzero(flows % scale).tolist():
        tail, head = int(tails[arc]), int(heads[arc])
        adjacency.setdefault(tail, {})[arc] = head * 2 + 1
        adjacency.setdefault(head, {})[arc] = tail * 2
    while adjacency:
        start = next(iter(adjacency))
        cycle = _find_cycle(adjacency, start)
        # up: how far we can push along the cycle direction; down: against it.
        up = min((scale - flows[a] % scale) if d > 0 else flows[a] % scale for a, d in cycle)
        down = min(flows[a] % scale if d > 0 else (scale - flows[a] % scale) for a, d in cycle)
        step = int(up) if rng.random() * (up + down) < down else -int(down)
        for arc, direction in cycle:
            flows[arc] += step * direction
            if flows[arc] % scale == 0:
                for end in (int(tails[arc]), int(heads[arc])):
                    del adjacency[end][arc]
                    if not adjacency[end]:
                        del adjacency[end]
    return flows


def solve_random(problem: Problem, cap: float | Fraction, seed: int) -> Assignment:
    """Draw an assignment; `marginals` holds each candidate pair's probability, `seed` replays it."""
    q = cap_fraction(cap)
    scale = q.denominator
    residual = checked_residual(problem)
    network = build_network(
        problem, residual, integer_costs(problem.pair_affinity), scale=scale, pair_capacity=q.numerator
    )
    feasible, flows, _ = run_min_cost_flow(network)
    if not feasible:
        structural = diagnose(problem, residual)  # reasons that hold without the cap come first
        raise AssignmentInfeasible(structural or cap_reasons(problem, residual, q, network) or [UNEXPLAINED])
    marginals = np.zeros(len(problem.pair_item), dtype=np.float64)
    marginals[network.pair_index] = flows[network.pair_arc] / scale
    pinned_keys = problem.pinned_item * problem.n_experts + problem.pinned_expert
    marginals[np.isin(problem.pair_keys(), pinned_keys)] = 1.0  # a pin is drawn with certainty
    rounded = dependent_round(network.tails, network.heads, flows, scale, np.random.Generator(np.random.PCG64(seed)))
    chosen = network.pair_index[rounded[network.pair_arc] == scale]
    return make_assignment(
        problem,
        np.concatenate([problem.pair_item[chosen], problem.pinned_item]),
        np.concatenate([problem.pair_expert[chosen], problem.pinned_expert]),
        "random",
        seed=seed,
        expected_affinity=float(marginals @ problem.pair_affinity),
        marginals=marginals,
    )
