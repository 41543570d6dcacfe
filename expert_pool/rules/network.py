"""The flow network shared by every mode.

Nodes: for each item an "any" node and an "outside" node, one node per expert, one sink, and one
node per (item, unit) group that has two or more candidates. Arcs:

    item_any --(k - m_out)--> item_out          (only when the item needs out-of-province experts)
    item_any / item_out --1--> (item, unit) --1--> expert --max load--> sink
    item_any / item_out --1--> expert           (a unit with a single candidate needs no group node)

Supplies: item_any gets k - m_out, item_out gets m_out, the sink takes the total. Out-of-province
pairs of an item with m_out > 0 hang under item_out, every other pair under item_any, so at least
m_out units of flow reach out-of-province experts: the lower bound is exact without lower-bound
arcs. The capacity-1 group node is the "at most one expert per unit" rule. Both families (units,
out-of-province set) are laminar when no unit has experts on both sides of the provincial border,
which we require for items with m_out > 0; then every integral flow is a valid assignment and back.

Pins are applied first: they reduce k, m_out and loads, and remove their expert's unit from the
item. `scale` multiplies every capacity and supply (random mode uses it to express a fractional
flow in integers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from expert_pool.rules.problem import BoolArray, FloatArray, IntArray, Problem
from xuehui.errors import InvalidInput, Reason

COST_SCALE = 10_000  # affinities become integers with 4 decimals; the optimum is exact for these costs


def integer_costs(affinity: FloatArray) -> IntArray:
    """Min-cost flow minimises, so the cost of a pair is minus its scaled, rounded affinity."""
    return -np.rint(affinity * COST_SCALE).astype(np.int64)


@dataclass(frozen=True)
class Residual:
    """What remains to decide once pins are placed."""

    demand: IntArray
    min_outside: IntArray
    capacity: IntArray
    usable: BoolArray  # per candidate pair: still allowed after pins, and its expert has room
    pinned_affinity: FloatArray  # per pin


def residual_after_pins(problem: Problem) -> Residual:
    n, m = problem.n_items, problem.n_experts
    p_item, p_expert = problem.pinned_item, problem.pinned_expert
    outside_pins = np.bincount(p_item[~problem.in_province[p_expert]], minlength=n)
    capacity = problem.capacity - np.bincount(p_expert, minlength=m)
    n_units = int(problem.unit.max()) + 1 if m else 1
    pinned_units = p_item * n_units + problem.unit[p_expert]
    pair_units = problem.pair_item * n_units + problem.unit[problem.pair_expert]
    usable = (capacity[problem.pair_expert] > 0) & ~np.isin(pair_units, pinned_units)
    return Residual(
        demand=problem.demand - np.bincount(p_item, minlength=n),
        min_outside=np.maximum(problem.min_outside - outside_pins, 0),
        capacity=capacity,
        usable=usable,
        pinned_affinity=problem.affinity_of(p_item, p_expert),
    )


@dataclass(frozen=True)
class FlowNetwork:
    tails: IntArray
    heads: IntArray
    capacities: IntArray
    costs: IntArray
    supplies: IntArray  # one per node
    pair_index: IntArray  # candidate pairs that have an arc (indices into problem.pair_*)
    pair_arc: IntArray  # the arc of each such pair
    n_items: int
    n_experts: int

    @property
    def sink(self) -> int:
        return 2 * self.n_items + self.n_experts

    def expert_node(self, expert: IntArray) -> IntArray:
        return 2 * self.n_items + expert


def mixed_unit_reason(problem: Problem, residual: Residual) -> Reason | None:
    """A unit with experts on both sides of the border breaks laminarity for items with m_out > 0."""
    needs_outside = residual.min_outside[problem.pair_item] > 0
    pairs = np.flatnonzero(residual.usable & needs_outside)
    if len(pairs) == 0:
        return None
    n_units = int(problem.unit.max()) + 1
    group = problem.pair_item[pairs] * n_units + problem.unit[problem.pair_expert[pairs]]
    flagged = group * 2 + problem.in_province[problem.pair_expert[pairs]]
    if len(np.unique(group)) == len(np.unique(flagged)):
        return None
    return Reason(
        "unit_mixed_province",
        "同一单位的专家既有省内也有省外，无法同时满足“同单位至多一人”和“省外专家最少人数”：请统一该单位的省内外标记",
        "a unit has experts both inside and outside the province; fix its in-province flag so the unit rule "
        "and the out-of-province minimum can be solved together",
    )


def build_network(
    problem: Problem,
    residual: Residual,
    pair_costs: IntArray,
    *,
    scale: int = 1,
    pair_capacity: int = 1,
) -> FlowNetwork:
    reason = mixed_unit_reason(problem, residual)
    if reason is not None:
        raise InvalidInput(reason)
    n, m = problem.n_items, problem.n_experts
    sink = 2 * n + m
    pairs = np.flatnonzero(residual.usable)
    item, expert = problem.pair_item[pairs], problem.pair_expert[pairs]
    outside_parent = (residual.min_outside[item] > 0) & ~problem.in_province[expert]
    parent = np.where(outside_parent, n + item, item)

    # Group candidates of one item by unit; only groups of 2+ need a capacity-1 node.
    n_units = int(problem.unit.max()) + 1 if m else 1
    group_keys, group_of_pair, group_size = np.unique(
        item * n_units + problem.unit[expert], return_inverse=True, return_counts=True
    )
    grouped_ids = np.flatnonzero(group_size >= 2)
    group_node = np.full(len(group_keys), -1, dtype=np.int64)
    group_node[grouped_ids] = sink + 1 + np.arange(len(grouped_ids))
    group_parent = np.zeros(len(group_keys), dtype=np.int64)
    group_parent[group_of_pair] = parent  # members of a group share the parent (laminar check above)
    pair_tail = np.where(group_node[group_of_pair] >= 0, group_node[group_of_pair], parent)

    outside_items = np.flatnonzero(residual.min_outside > 0)
    experts_with_room = np.flatnonzero(residual.capacity > 0)

    def zeros(count: int) -> IntArray:
        return np.zeros(count, dtype=np.int64)

    tails = np.concatenate([outside_items, group_parent[grouped_ids], pair_tail, 2 * n + experts_with_room])
    heads = np.concatenate(
        [n + outside_items, group_node[grouped_ids], 2 * n + expert, np.full(len(experts_with_room), sink)]
    )
    capacities = np.concatenate(
        [
            (residual.demand[outside_items] - residual.min_outside[outside_items]) * scale,
            np.full(len(grouped_ids), scale),
            np.full(len(pairs), pair_capacity),
            residual.capacity[experts_with_room] * scale,
        ]
    )
    costs = np.concatenate(
        [
            zeros(len(outside_items)),
            zeros(len(grouped_ids)),
            pair_costs[pairs],
            zeros(len(experts_with_room)),
        ]
    )
    n_nodes = sink + 1 + len(grouped_ids)
    supplies = np.zeros(n_nodes, dtype=np.int64)
    supplies[:n] = (residual.demand - residual.min_outside) * scale
    supplies[n : 2 * n] = residual.min_outside * scale
    supplies[sink] = -int(residual.demand.sum()) * scale
    first_pair_arc = len(outside_items) + len(grouped_ids)
    return FlowNetwork(
        tails=tails.astype(np.int64),
        heads=heads.astype(np.int64),
        capacities=capacities.astype(np.int64),
        costs=costs.astype(np.int64),
        supplies=supplies,
        pair_index=pairs,
        pair_arc=first_pair_arc + np.arange(len(pairs), dtype=np.int64),
        n_items=n,
        n_experts=m,
    )
