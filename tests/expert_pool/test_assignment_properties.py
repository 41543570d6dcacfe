"""Property tests of the assignment engine against independent checks (scipy HiGHS, brute force)."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from expert_pool.rules import Assignment, AssignmentInfeasible, PoolExpert, Problem, ReviewItem, build_problem, solve
from expert_pool.rules.network import COST_SCALE
from expert_pool.rules.solver_fair import solve_fair

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def random_problem(seed: int, *, max_items: int = 5, max_experts: int = 8, pins: bool = True) -> Problem:
    """A small random instance. A unit lies on one side of the border, as the network requires."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, max_items + 1)), int(rng.integers(2, max_experts + 1))
    unit_count = int(rng.integers(1, m + 1))
    unit_outside = rng.random(unit_count) < 0.3
    expert_unit = rng.integers(0, unit_count, m)
    experts = [
        PoolExpert(
            f"e{j}",
            int(rng.integers(1, 4)),
            None if rng.random() < 0.3 else f"u{expert_unit[j]}",
            in_province=not bool(unit_outside[expert_unit[j]]),
        )
        for j in range(m)
    ]
    # Experts without a unit are their own unit; give them their own border side too.
    items = []
    for i in range(n):
        k = int(rng.integers(1, 4))
        items.append(ReviewItem(f"i{i}", k, min_outside=int(rng.integers(0, 2)) if rng.random() < 0.4 else 0))
    scored = [
        (f"i{i}", f"e{j}", round(float(rng.random()), 4)) for i in range(n) for j in range(m) if rng.random() < 0.75
    ]
    conflicts = [(f"i{i}", f"e{j}") for i in range(n) for j in range(m) if rng.random() < 0.1]
    pinned: list[tuple[str, str]] = []
    if pins and rng.random() < 0.5:
        conflicted = set(conflicts)
        options = [(i, e) for i, e, _ in scored if (i, e) not in conflicted]
        if options:
            pinned.append(options[int(rng.integers(0, len(options)))])
    return build_problem(items, experts, scored, conflicts, pinned)


def violations(problem: Problem, assignment: Assignment) -> list[str]:
    """Every hard rule, checked directly on the chosen pairs."""
    found = []
    counts = np.bincount(assignment.item, minlength=problem.n_items)
    if not np.array_equal(counts, problem.demand):
        found.append("k per item")
    if (np.bincount(assignment.expert, minlength=problem.n_experts) > problem.capacity).any():
        found.append("load")
    keys = set((assignment.item * problem.n_experts + assignment.expert).tolist())
    if len(keys) != len(assignment.item):
        found.append("duplicate pair")
    conflicts = set((problem.conflict_item * problem.n_experts + problem.conflict_expert).tolist())
    if keys & conflicts:
        found.append("conflict")
    pins = set((problem.pinned_item * problem.n_experts + problem.pinned_expert).tolist())
    if not pins <= keys:
        found.append("pin missing")
    candidates = set(problem.pair_keys().tolist())
    if not keys <= candidates | pins:
        found.append("unscored pair")
    units = list(zip(assignment.item.tolist(), problem.unit[assignment.expert].tolist(), strict=True))
    if len(set(units)) != len(units):
        found.append("two experts of one unit")
    outside = np.bincount(assignment.item[~problem.in_province[assignment.expert]], minlength=problem.n_items)
    if (outside < problem.min_outside).any():
        found.append("too few out-of-province")
    return found


def integer_value(problem: Problem, item: np.ndarray, expert: np.ndarray) -> int:
    return int(np.rint(problem.affinity_of(item, expert) * COST_SCALE).sum())


def milp_model(problem: Problem, cap: float | None = None) -> tuple[np.ndarray, LinearConstraint, Bounds, list]:
    """Dense 0-1 model over every (item, expert) pair, written independently of the flow network."""
    n, m = problem.n_items, problem.n_experts
    variables = [(i, j) for i in range(n) for j in range(m)]
    allowed = set(problem.pair_keys().tolist())
    pinned = set((problem.pinned_item * m + problem.pinned_expert).tolist())
    weight = np.rint(problem.affinity_of(np.repeat(np.arange(n), m), np.tile(np.arange(m), n)) * COST_SCALE)
    lower = np.array([1.0 if i * m + j in pinned else 0.0 for i, j in variables])
    upper_one = cap if cap is not None else 1.0
    upper = np.array(
        [1.0 if i * m + j in pinned else (upper_one if i * m + j in allowed else 0.0) for i, j in variables]
    )
    rows, lo, hi = [], [], []
    for i in range(n):
        rows.append([1.0 if a == i else 0.0 for a, _ in variables])
        lo.append(problem.demand[i])
        hi.append(problem.demand[i])
        rows.append([1.0 if a == i and not problem.in_province[b] else 0.0 for a, b in variables])
        lo.append(problem.min_outside[i])
        hi.append(np.inf)
        for u in np.unique(problem.unit):
            rows.append([1.0 if a == i and problem.unit[b] == u else 0.0 for a, b in variables])
            lo.append(0)
            hi.append(1)
    for j in range(m):
        rows.append([1.0 if b == j else 0.0 for _, b in variables])
        lo.append(0)
        hi.append(problem.capacity[j])
    matrix = lil_matrix(np.array(rows))
    return -weight, LinearConstraint(matrix, lo, hi), Bounds(lower, upper), variables


@FAST
@given(st.integers(0, 2**32 - 1))
def test_optimal_mode_respects_every_rule_and_equals_the_milp_optimum(seed: int) -> None:
    problem = random_problem(seed)
    cost, constraint, bounds, _ = milp_model(problem)
    reference = milp(cost, constraints=constraint, bounds=bounds, integrality=np.ones(len(cost)))
    if reference.status == 2:  # infeasible: we must refuse, with reasons that name the cause
        with pytest.raises(AssignmentInfeasible) as refused:
            solve(problem)
        assert refused.value.reasons
        assert all(reason.code != "assignment_infeasible" for reason in refused.value.reasons)
        return
    assert reference.status == 0
    assignment = solve(problem)
    assert violations(problem, assignment) == []
    assert integer_value(problem, assignment.item, assignment.expert) == round(-reference.fun)


@FAST
@given(st.integers(0, 2**32 - 1), st.sampled_from([Fraction(1, 2), Fraction(1, 3), Fraction(2, 3), Fraction(1)]))
def test_random_mode_draws_valid_panels_with_capped_marginals_at_the_lp_optimum(seed: int, cap: Fraction) -> None:
    problem = random_problem(seed)
    cost, constraint, bounds, _variables = milp_model(problem, cap=float(cap))
    relaxed = milp(cost, constraints=constraint, bounds=bounds, integrality=np.zeros(len(cost)))  # the HiGHS LP
    if relaxed.status == 2:
        with pytest.raises(AssignmentInfeasible) as refused:
            solve(problem, "random", cap=cap, seed=seed)
        assert all(reason.code != "assignment_infeasible" for reason in refused.value.reasons)
        return
    first = solve(problem, "random", cap=cap, seed=seed)
    again = solve(problem, "random", cap=cap, seed=seed)
    assert first.rows() == again.rows()  # a recorded seed replays the draw exactly
    assert violations(problem, first) == []
    assert first.marginals is not None
    pinned = np.isin(problem.pair_keys(), problem.pinned_item * problem.n_experts + problem.pinned_expert)
    assert (first.marginals[~pinned] <= float(cap) + 1e-12).all()
    expected_integer = float(np.rint(problem.pair_affinity * COST_SCALE) @ first.marginals)
    assert expected_integer == pytest.approx(-relaxed.fun, abs=1e-6)


def test_random_mode_pair_frequencies_match_marginals_and_stay_under_the_cap() -> None:
    items = [ReviewItem(f"i{i}", 2) for i in range(4)]
    experts = [PoolExpert(f"e{j}", 2, unit=f"u{j % 5}") for j in range(8)]
    rng = np.random.default_rng(11)
    scored = [(f"i{i}", f"e{j}", float(rng.random())) for i in range(4) for j in range(8)]
    problem = build_problem(items, experts, scored, conflicts=[("i0", "e1")])
    draws = 800
    counts = np.zeros(len(problem.pair_item))
    index = {key: pos for pos, key in enumerate(problem.pair_keys().tolist())}
    marginals = None
    for seed in range(draws):
        draw = solve(problem, "random", cap=Fraction(1, 2), seed=seed)
        assert violations(problem, draw) == []
        for key in (draw.item * problem.n_experts + draw.expert).tolist():
            counts[index[key]] += 1
        marginals = draw.marginals
    assert marginals is not None
    frequency = counts / draws
    tolerance = 4.5 * np.sqrt(np.maximum(marginals * (1 - marginals), 0.01) / draws)
    assert (np.abs(frequency - marginals) <= tolerance).all()
    assert (frequency <= 0.5 + 4.5 * np.sqrt(0.25 / draws)).all()
    assert np.isclose(marginals.sum(), 8)


def brute_force_fair(problem: Problem) -> tuple[int, int] | None:
    """Best (weakest item, total) in integer costs over every assignment that meets the rules."""
    best = None
    weights = np.rint(problem.pair_affinity * COST_SCALE).astype(int)
    for choice in itertools.product([0, 1], repeat=len(problem.pair_item)):
        chosen = np.flatnonzero(choice)
        candidate = Assignment(
            problem, problem.pair_item[chosen], problem.pair_expert[chosen], problem.pair_affinity[chosen], "brute"
        )
        if violations(problem, candidate):
            continue
        totals = np.bincount(problem.pair_item[chosen], weights=weights[chosen], minlength=problem.n_items)
        value = (int(totals.min()), int(totals.sum()))
        best = value if best is None or value > best else best
    return best


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_fair_mode_equals_brute_force_on_tiny_instances(seed: int) -> None:
    problem = random_problem(seed, max_items=3, max_experts=4, pins=False)
    if len(problem.pair_item) > 12:
        problem = random_problem(seed + 1, max_items=2, max_experts=4, pins=False)
    if len(problem.pair_item) > 12:
        return
    best = brute_force_fair(problem)
    if best is None:
        with pytest.raises(AssignmentInfeasible):
            solve(problem, "fair")
        return
    fair = solve(problem, "fair")
    weights = np.rint(fair.affinity * COST_SCALE).astype(int)
    totals = np.bincount(fair.item, weights=weights, minlength=problem.n_items)
    assert violations(problem, fair) == []
    assert fair.fair_proven is True
    assert (int(totals.min()), int(totals.sum())) == best


@FAST
@given(st.integers(0, 2**32 - 1))
def test_fair_heuristic_never_loses_to_optimal_mode_on_the_weakest_item_and_its_bound_holds(seed: int) -> None:
    problem = random_problem(seed, pins=False)
    try:
        optimal = solve(problem)
    except AssignmentInfeasible:
        return
    heuristic = solve_fair(problem, exact_pair_limit=0, iterations=12)
    exact = solve_fair(problem)
    assert violations(problem, heuristic) == []
    assert heuristic.weakest_affinity >= optimal.weakest_affinity - 1e-9
    assert exact.weakest_affinity >= heuristic.weakest_affinity - 1e-9
    assert heuristic.weakest_upper_bound is not None
    assert exact.weakest_affinity <= heuristic.weakest_upper_bound + 1e-6
