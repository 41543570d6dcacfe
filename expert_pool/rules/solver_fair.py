"""Fair mode: raise the weakest item's total affinity first, then the total (lexicographic).

Max-min assignment is NP-hard in general (it contains makespan scheduling), so no single flow
solves it. Two parts:

* **Raise the weakest** (any size). Every candidate is an exact min-cost flow, so every hard rule
  holds in every candidate. Start from the optimal-mode weights (all items weight 1). After each
  flow, every item below `(1 + growth) x` the best minimum so far gets its weight multiplier
  doubled, which pulls experts towards weak items and away from strong ones. Keep the candidate
  that is best lexicographically (weakest item, then total). Then a short second stage restarts
  from weight 1 and boosts only the items below the reached minimum, to win back total affinity.
* **Exact finish** (instances with at most `exact_pair_limit` candidate pairs, the size of a
  panel or a small batch): CP-SAT solves the 0-1 program in two stages (maximise t with every
  item's affinity >= t; then fix t and maximise the total), hinted with the heuristic answer.
  When both stages are proven optimal `fair_proven` is True: the answer is the exact lexicographic
  optimum for the integer costs round(affinity x 10^4).

`weakest_upper_bound` is always a proven bound on the best possible weakest item: the smaller of
(a) the weakest item's best panel on its own (its top-k eligible affinities from distinct units)
and (b) Lagrangian bounds from the flows: for weights mu >= 0 summing to 1,
min_i W_i(x) <= sum_i mu_i W_i(x) <= max_x sum_i mu_i W_i(x), which a flow computes exactly (up to
the 10^-4 rounding, added as slack).
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from expert_pool.rules.network import COST_SCALE, Residual, build_network
from expert_pool.rules.problem import FloatArray, IntArray, Problem
from expert_pool.rules.result import Assignment, make_assignment
from expert_pool.rules.solver_flow import checked_residual, infeasible, run_min_cost_flow, solve_optimal

EXACT_PAIR_LIMIT = 3_000


class _FlowRunner:
    """Solves the assignment flow for per-item weight multipliers; returns chosen candidate pairs."""

    def __init__(self, problem: Problem, residual: Residual) -> None:
        self.problem, self.residual = problem, residual
        self.pinned_totals = np.bincount(
            problem.pinned_item, weights=residual.pinned_affinity, minlength=problem.n_items
        ).astype(np.float64)
        self.slack = float(residual.demand.sum()) / COST_SCALE  # rounding of the weighted costs

    def run(self, multiplier: FloatArray) -> tuple[IntArray, FloatArray, float]:
        """(chosen pairs, item totals, optimum of sum multiplier_i * W_i over flows)."""
        problem = self.problem
        weighted = problem.pair_affinity * multiplier[problem.pair_item]
        network = build_network(problem, self.residual, -np.rint(weighted * COST_SCALE).astype(np.int64))
        feasible, flows, _ = run_min_cost_flow(network)
        if not feasible:
            raise infeasible(problem, self.residual)
        chosen = network.pair_index[flows[network.pair_arc] > 0]
        totals = self.pinned_totals + np.bincount(
            problem.pair_item[chosen], weights=problem.pair_affinity[chosen], minlength=problem.n_items
        ).astype(np.float64)
        weighted_optimum = float(multiplier @ totals) + self.slack
        return chosen, totals, weighted_optimum


def _solo_ceiling(problem: Problem, residual: Residual, pinned_totals: FloatArray) -> float:
    """Best panel each item could get alone: top affinities from distinct units; min over items."""
    usable = np.flatnonzero(residual.usable)
    if problem.n_items == 0:
        return 0.0
    n_units = int(problem.unit.max()) + 1
    item, affinity = problem.pair_item[usable], problem.pair_affinity[usable]
    unit_key = item * n_units + problem.unit[problem.pair_expert[usable]]
    order = np.lexsort((-affinity, unit_key))  # best expert of each (item, unit) first
    first = np.ones(len(order), dtype=np.bool_)
    first[1:] = unit_key[order][1:] != unit_key[order][:-1]
    best_item, best_affinity = item[order][first], affinity[order][first]
    ranked = np.lexsort((-best_affinity, best_item))
    best_item, best_affinity = best_item[ranked], best_affinity[ranked]
    starts = np.searchsorted(best_item, best_item)
    rank = np.arange(len(best_item)) - starts
    keep = rank < residual.demand[best_item]
    ceiling = pinned_totals + np.bincount(best_item[keep], weights=best_affinity[keep], minlength=problem.n_items)
    return float(ceiling.min())


def _better(totals: FloatArray, best: tuple[float, float]) -> bool:
    return (float(totals.min()), float(totals.sum())) > best


def _raise_weakest(runner: _FlowRunner, iterations: int, growth: float) -> tuple[IntArray, float]:
    n = runner.problem.n_items
    boost = np.zeros(n)
    best: tuple[float, float] = (-np.inf, -np.inf)
    best_pairs = np.zeros(0, dtype=np.int64)
    bound = np.inf
    for _ in range(iterations):
        multiplier = 1.0 + boost
        chosen, totals, weighted = runner.run(multiplier)
        bound = min(bound, weighted / float(multiplier.sum()))
        if _better(totals, best):
            best, best_pairs = (float(totals.min()), float(totals.sum())), chosen
        target = best[0] + abs(best[0]) * growth
        boost = np.where(totals < target, (boost + 0.05) * 2.0, boost)
    # Second stage: keep the reached minimum, win back total affinity with gentler weights.
    floor, boost = best[0], np.zeros(n)
    for _ in range(max(iterations // 4, 1)):
        chosen, totals, _ = runner.run(1.0 + boost)
        if totals.min() >= floor and totals.sum() > best[1]:
            best, best_pairs = (float(totals.min()), float(totals.sum())), chosen
        boost = np.where(totals < floor, (boost + 0.05) * 2.0, boost)
    return best_pairs, bound


def _exact_finish(
    problem: Problem, residual: Residual, hint: IntArray, time_limit: float
) -> tuple[IntArray, float, bool] | None:
    """CP-SAT two-stage lexicographic solve. None when CP-SAT finds nothing (the hint stands)."""
    pairs = np.flatnonzero(residual.usable)
    item, expert = problem.pair_item[pairs], problem.pair_expert[pairs]
    weight = np.rint(problem.pair_affinity[pairs] * COST_SCALE).astype(np.int64).tolist()
    pinned_gain = np.zeros(problem.n_items, dtype=np.int64)
    np.add.at(pinned_gain, problem.pinned_item, np.rint(residual.pinned_affinity * COST_SCALE).astype(np.int64))
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{p}") for p in range(len(pairs))]
    n_units = int(problem.unit.max()) + 1

    def members_of(keys: IntArray) -> dict[int, list[int]]:
        groups: dict[int, list[int]] = {}
        for position, key in enumerate(keys.tolist()):
            groups.setdefault(key, []).append(position)
        return groups

    by_item = members_of(item)
    weakest = model.new_int_var(-(10**12), 10**12, "weakest")
    for i in range(problem.n_items):
        members = by_item.get(i, [])
        model.add(cp_model.LinearExpr.sum([x[p] for p in members]) == int(residual.demand[i]))
        outside = [x[p] for p in members if not problem.in_province[expert[p]]]
        if residual.min_outside[i] > 0:
            model.add(cp_model.LinearExpr.sum(outside) >= int(residual.min_outside[i]))
        gain = cp_model.LinearExpr.weighted_sum([x[p] for p in members], [weight[p] for p in members])
        model.add(gain + int(pinned_gain[i]) >= weakest)
    for j, members in members_of(expert).items():
        model.add(cp_model.LinearExpr.sum([x[p] for p in members]) <= int(residual.capacity[j]))
    for members in members_of(item * n_units + problem.unit[expert]).values():
        if len(members) > 1:
            model.add(cp_model.LinearExpr.sum([x[p] for p in members]) <= 1)
    hinted = set(np.flatnonzero(np.isin(pairs, hint)).tolist())
    for p, var in enumerate(x):
        model.add_hint(var, p in hinted)
    model.maximize(weakest)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1  # deterministic: the same input gives the same panel
    solver.parameters.random_seed = 0
    first = solver.solve(model)
    if first not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    bound = float(solver.best_objective_bound) / COST_SCALE
    model.add(weakest >= int(solver.value(weakest)))
    model.clear_hints()  # type: ignore[no-untyped-call]
    for var in x:
        model.add_hint(var, bool(solver.value(var)))
    model.maximize(cp_model.LinearExpr.weighted_sum(x, weight))
    second = solver.solve(model)
    if second not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen = pairs[[p for p, var in enumerate(x) if solver.value(var)]]
    return chosen, bound, first == cp_model.OPTIMAL and second == cp_model.OPTIMAL


def solve_fair(
    problem: Problem,
    *,
    iterations: int = 40,
    growth: float = 0.002,
    exact_pair_limit: int = EXACT_PAIR_LIMIT,
    time_limit: float = 10.0,
) -> Assignment:
    """Max-min then max-sum. Raises AssignmentInfeasible (with reasons) like the optimal mode."""
    residual = checked_residual(problem)
    if problem.n_items == 0:
        return solve_optimal(problem)
    runner = _FlowRunner(problem, residual)
    chosen, bound = _raise_weakest(runner, max(iterations, 1), growth)
    bound = min(bound, _solo_ceiling(problem, residual, runner.pinned_totals))
    proven = False
    if int(residual.usable.sum()) <= exact_pair_limit:
        exact = _exact_finish(problem, residual, chosen, time_limit)
        if exact is not None:
            chosen, exact_bound, proven = exact
            bound = min(bound, exact_bound)
    return make_assignment(
        problem,
        np.concatenate([problem.pair_item[chosen], problem.pinned_item]),
        np.concatenate([problem.pair_expert[chosen], problem.pinned_expert]),
        "fair",
        weakest_upper_bound=bound,
        fair_proven=proven,
    )
