"""Why no assignment exists: per item, then globally, then the exact bottleneck (a Hall violation).

Checks run from the most local to the most global, so the first reasons a user reads are the ones
they can fix on one item:

1. per item: eligible experts after conflicts, missing affinity (other discipline), the unit rule
   and fully booked experts, counted separately (`item_short_of_experts`);
2. per item: out-of-province units available versus the minimum (`item_short_of_outside_experts`);
3. total remaining capacity versus total demand (`total_capacity_short`);
4. otherwise a max-flow min cut names the group of items that compete for the same saturated
   experts (`experts_overbooked`): their demand exceeds what their experts can still give.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from ortools.graph.python import max_flow  # ships .pyi without py.typed

from expert_pool.rules.network import FlowNetwork, Residual, build_network, integer_costs
from expert_pool.rules.problem import IntArray, Problem
from xuehui.errors import Reason

MAX_LISTED_ITEMS = 20


def _distinct_units_per_item(problem: Problem, pairs: IntArray) -> IntArray:
    n_units = int(problem.unit.max()) + 1 if problem.n_experts else 1
    keys = np.unique(problem.pair_item[pairs] * n_units + problem.unit[problem.pair_expert[pairs]])
    return np.bincount(keys // n_units, minlength=problem.n_items).astype(np.int64)


def item_reasons(problem: Problem, residual: Residual) -> list[Reason]:
    n, m = problem.n_items, problem.n_experts
    pins = np.bincount(problem.pinned_item, minlength=n)
    conflicts = np.bincount(problem.conflict_item, minlength=n)
    pinned_pair = np.isin(problem.pair_keys(), problem.pinned_item * m + problem.pinned_expert)
    free = ~pinned_pair
    scored = np.bincount(problem.pair_item[free], minlength=n)
    no_affinity = m - pins - conflicts - scored  # neither scored nor conflicted: another discipline
    with_room = residual.capacity[problem.pair_expert] > 0
    full = np.bincount(problem.pair_item[free & ~with_room], minlength=n)
    usable = np.flatnonzero(residual.usable)
    units = _distinct_units_per_item(problem, usable)
    by_unit_rule = (scored - full) - units  # candidates with room that the unit rule (or a pinned unit) removes
    outside_usable = usable[~problem.in_province[problem.pair_expert[usable]]]
    outside_units = _distinct_units_per_item(problem, outside_usable)
    reasons: list[Reason] = []
    for i in np.flatnonzero(units < residual.demand).tolist():
        item, need = problem.item_ids[i], int(residual.demand[i])
        reasons.append(
            Reason(
                "item_short_of_experts",
                f"评审项目 {item} 还需 {need} 名专家，但只有 {int(units[i])} 名可用（来自不同单位）："
                f"共 {m} 名专家，已指定 {int(pins[i])} 名，回避排除 {int(conflicts[i])} 名，"
                f"学科不符或无匹配度 {int(max(no_affinity[i], 0))} 名，已满负荷 {int(full[i])} 名，"
                f"同单位限制去除 {int(max(by_unit_rule[i], 0))} 名",
                f"item {item} needs {need} more experts but only {int(units[i])} are eligible (from distinct units): "
                f"of {m} experts, {int(pins[i])} pinned, {int(conflicts[i])} removed by conflicts, "
                f"{int(max(no_affinity[i], 0))} have no affinity (other discipline), {int(full[i])} fully booked, "
                f"{int(max(by_unit_rule[i], 0))} removed by the one-per-unit rule",
                field=item,
            )
        )
    short_outside = (outside_units < residual.min_outside) | (residual.demand < residual.min_outside)
    for i in np.flatnonzero(short_outside).tolist():
        item = problem.item_ids[i]
        reasons.append(
            Reason(
                "item_short_of_outside_experts",
                f"评审项目 {item} 还需至少 {int(residual.min_outside[i])} 名省外专家，"
                f"但只有 {int(outside_units[i])} 个省外单位的专家可用，剩余名额 {int(residual.demand[i])} 个",
                f"item {item} needs at least {int(residual.min_outside[i])} more out-of-province experts but only "
                f"{int(outside_units[i])} out-of-province units are eligible, with {int(residual.demand[i])} "
                "places left",
                field=item,
            )
        )
    return reasons


def capacity_reason(residual: Residual) -> Reason | None:
    need, have = int(residual.demand.sum()), int(np.maximum(residual.capacity, 0).sum())
    if have >= need:
        return None
    return Reason(
        "total_capacity_short",
        f"所有专家剩余评审量合计 {have}，少于所需 {need}：请增加专家或提高最大评审量",
        f"the experts' remaining loads add up to {have}, less than the {need} reviews required: "
        "add experts or raise the maximum load",
    )


def bottleneck_reason(problem: Problem, network: FlowNetwork, scale: int = 1) -> Reason | None:
    """Exact certificate via max flow: the source side of a min cut is a set of items whose demand
    exceeds what the experts reachable from them can still absorb."""
    solver = max_flow.SimpleMaxFlow()
    source = len(network.supplies)
    solver.add_arcs_with_capacity(network.tails, network.heads, network.capacities)
    supplied = np.flatnonzero(network.supplies > 0)
    solver.add_arcs_with_capacity(
        np.full(len(supplied), source, dtype=np.int64), supplied.astype(np.int64), network.supplies[supplied]
    )
    if solver.solve(source, network.sink) != solver.OPTIMAL:
        return None
    need = int(network.supplies[supplied].sum())
    deficit = Fraction(need - int(solver.optimal_flow()), scale)  # scaled networks count 1/scale reviews
    if deficit <= 0:
        return None
    side = np.asarray(solver.get_source_side_min_cut(), dtype=np.int64)
    deficit_text = str(deficit) if deficit.denominator > 1 else str(deficit.numerator)
    item_nodes = side[side < 2 * network.n_items] % network.n_items
    items = sorted({problem.item_ids[i] for i in item_nodes.tolist()})
    shown = "、".join(items[:MAX_LISTED_ITEMS]) + ("等" if len(items) > MAX_LISTED_ITEMS else "")
    shown_en = ", ".join(items[:MAX_LISTED_ITEMS]) + (" and more" if len(items) > MAX_LISTED_ITEMS else "")
    return Reason(
        "experts_overbooked",
        f"{len(items)} 个评审项目（{shown}）争用同一批专家：可用评审量合计比需求少 {deficit_text} 人次",
        f"{len(items)} items ({shown_en}) compete for the same experts, whose remaining loads fall "
        f"{deficit_text} reviews short of what these items need",
    )


def diagnose(problem: Problem, residual: Residual) -> list[Reason]:
    """Every reason found, most local first. Empty only if the instance is in fact feasible."""
    reasons = item_reasons(problem, residual)
    total = capacity_reason(residual)
    if total is not None:
        reasons.append(total)
    if reasons:
        return reasons
    network = build_network(problem, residual, integer_costs(problem.pair_affinity))
    bottleneck = bottleneck_reason(problem, network)
    return [bottleneck] if bottleneck is not None else []


def cap_reasons(problem: Problem, residual: Residual, cap: Fraction, network: FlowNetwork) -> list[Reason]:
    """Random mode: with P(pair) <= cap an item needs at least k / cap eligible experts (a unit
    contributes at most 1 in expectation); else name the items that the cap starves together."""
    usable = np.flatnonzero(residual.usable)
    n_units = int(problem.unit.max()) + 1 if problem.n_experts else 1
    keys, sizes = np.unique(
        problem.pair_item[usable] * n_units + problem.unit[problem.pair_expert[usable]], return_counts=True
    )
    per_group = np.minimum(sizes * cap.numerator, cap.denominator)  # in units of 1/denominator
    reach = np.bincount(keys // n_units, weights=per_group, minlength=problem.n_items)
    reasons = []
    for i in np.flatnonzero(reach < residual.demand * cap.denominator).tolist():
        item, need = problem.item_ids[i], int(residual.demand[i])
        most = Fraction(int(reach[i]), cap.denominator)
        reasons.append(
            Reason(
                "item_short_under_cap",
                f"评审项目 {item} 需要 {need} 名专家，但在每位专家被抽中概率不超过 {cap} 的限制下，"
                f"可选专家最多只能提供 {most} 人次：请提高概率上限或增加可选专家",
                f"item {item} needs {need} experts but with each expert's chance capped at {cap} its eligible "
                f"experts cover at most {most}: raise the cap or add eligible experts",
                field=item,
            )
        )
    if reasons:
        return reasons
    bottleneck = bottleneck_reason(problem, network, scale=cap.denominator)
    return [bottleneck] if bottleneck is not None else []
