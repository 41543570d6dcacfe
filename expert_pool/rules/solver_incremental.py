"""Incremental re-assignment after an expert declines or declares a conflict on one item.

Accepted pairs become pins (hard); the withdrawn pair becomes a conflict; every other existing pair
gets a keep bonus larger than any possible affinity difference. One min-cost flow then maximises,
lexicographically, (number of existing pairs kept, total affinity). When one replacement suffices
it keeps every existing pair and picks the best replacement exactly; otherwise it moves as few
non-accepted pairs as possible, never an accepted one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from expert_pool.rules.network import COST_SCALE, integer_costs
from expert_pool.rules.problem import Problem, validate_pins
from expert_pool.rules.result import Assignment
from expert_pool.rules.solver_flow import solve_flow
from xuehui.errors import InvalidInput, Reason


@dataclass(frozen=True)
class Reassignment:
    assignment: Assignment
    added: list[tuple[str, str]]  # (item_id, expert_id) pairs that are new
    removed: list[tuple[str, str]]  # existing pairs dropped (the withdrawn one first)


def reassign(
    problem: Problem,
    current: Iterable[tuple[str, str]],
    accepted: Iterable[tuple[str, str]],
    withdrawn: tuple[str, str],
) -> Reassignment:
    """Replace `withdrawn` (item_id, expert_id); raises AssignmentInfeasible with reasons if impossible."""
    item_index = {item: i for i, item in enumerate(problem.item_ids)}
    expert_index = {expert: j for j, expert in enumerate(problem.expert_ids)}
    m = problem.n_experts

    def key(pair: tuple[str, str]) -> int:
        try:
            return item_index[pair[0]] * m + expert_index[pair[1]]
        except KeyError:
            raise InvalidInput(
                Reason("unknown_pair", f"未知的分配：{pair[0]} / {pair[1]}", f"unknown pair: {pair[0]} / {pair[1]}")
            ) from None

    current_keys = {key(pair) for pair in current}
    accepted_keys = {key(pair) for pair in accepted} - {key(withdrawn)}
    withdrawn_key = key(withdrawn)
    pins = np.array(sorted(accepted_keys | set((problem.pinned_item * m + problem.pinned_expert).tolist())))
    pins = pins.astype(np.int64)
    conflicts = np.concatenate([problem.conflict_item * m + problem.conflict_expert, [withdrawn_key]])
    keep = np.isin(problem.pair_keys(), np.array(sorted(current_keys - accepted_keys - {withdrawn_key})))
    keep = keep & (problem.pair_keys() != withdrawn_key)
    base = problem.pair_affinity
    spread = float(base.max() - min(base.min(), 0.0)) if len(base) else 0.0
    bonus = int(np.ceil(spread * COST_SCALE)) * (int(problem.demand.sum()) + 1) + 1
    pair_costs = integer_costs(base) - bonus * keep.astype(np.int64)

    keys_left = problem.pair_keys() != withdrawn_key
    updated = replace(
        problem,
        pair_item=problem.pair_item[keys_left],
        pair_expert=problem.pair_expert[keys_left],
        pair_affinity=problem.pair_affinity[keys_left],
        conflict_item=np.unique(conflicts) // m,
        conflict_expert=np.unique(conflicts) % m,
        pinned_item=pins // m,
        pinned_expert=pins % m,
    )
    validate_pins(updated)  # accepted pairs are hard: refuse them if they now break a rule
    assignment = replace(solve_flow(updated, pair_costs[keys_left], "incremental"), problem=problem)
    new_keys = set((assignment.item * m + assignment.expert).tolist())

    def as_ids(k: int) -> tuple[str, str]:
        return problem.item_ids[k // m], problem.expert_ids[k % m]

    removed = [withdrawn_key, *sorted(current_keys - new_keys - {withdrawn_key})]
    return Reassignment(
        assignment=assignment,
        added=[as_ids(k) for k in sorted(new_keys - current_keys)],
        removed=[as_ids(k) for k in removed if k in current_keys or k == withdrawn_key],
    )
