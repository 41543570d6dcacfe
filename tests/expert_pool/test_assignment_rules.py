"""Hard rules, pins, diagnostics and incremental re-assignment on hand-made instances."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from expert_pool.rules import (
    AssignmentInfeasible,
    PoolExpert,
    ReviewItem,
    build_problem,
    check_feasible,
    min_outside_for_share,
    reassign,
    solve,
)
from xuehui.errors import InvalidInput


def codes(error: AssignmentInfeasible) -> list[str]:
    return [reason.code for reason in error.reasons]


def test_same_unit_experts_never_share_an_item_even_when_they_score_best() -> None:
    items = [ReviewItem("a", 2)]
    experts = [PoolExpert("x", 1, "U"), PoolExpert("y", 1, "U"), PoolExpert("z", 1, "V")]
    problem = build_problem(items, experts, [("a", "x", 0.9), ("a", "y", 0.8), ("a", "z", 0.1)])
    assert solve(problem).rows() == [("a", "x", 0.9), ("a", "z", 0.1)]


def test_out_of_province_minimum_is_met_at_the_best_total() -> None:
    items = [ReviewItem("a", 2, min_outside=1)]
    experts = [PoolExpert("x", 1), PoolExpert("y", 1), PoolExpert("far", 1, "F", in_province=False)]
    problem = build_problem(items, experts, [("a", "x", 0.9), ("a", "y", 0.8), ("a", "far", 0.2)])
    assert solve(problem).rows() == [("a", "x", 0.9), ("a", "far", 0.2)]
    assert min_outside_for_share(5, Fraction(1, 3)) == 2


def test_a_pin_is_kept_even_without_affinity_and_blocks_its_unit() -> None:
    items = [ReviewItem("a", 2)]
    experts = [PoolExpert("x", 1, "U"), PoolExpert("y", 1, "U"), PoolExpert("z", 1, "V"), PoolExpert("w", 1, "W")]
    scores = [("a", "x", 0.9), ("a", "z", 0.5), ("a", "w", 0.4)]
    problem = build_problem(items, experts, scores, pinned=[("a", "y")])
    assignment = solve(problem)
    assert assignment.rows() == [("a", "y", 0.0), ("a", "z", 0.5)]
    assert assignment.total_affinity == 0.5


@pytest.mark.parametrize(
    ("pinned", "conflicts", "code"),
    [
        ([("a", "x")], [("a", "x")], "pin_conflicted"),
        ([("a", "x"), ("a", "y")], [], "pins_same_unit"),
        ([("a", "x"), ("b", "x")], [], "pins_exceed_load"),
    ],
)
def test_pins_that_break_a_hard_rule_are_refused(
    pinned: list[tuple[str, str]], conflicts: list[tuple[str, str]], code: str
) -> None:
    items = [ReviewItem("a", 2), ReviewItem("b", 1)]
    experts = [PoolExpert("x", 1, "U"), PoolExpert("y", 1, "U")]
    with pytest.raises(InvalidInput) as refused:
        build_problem(items, experts, [], conflicts, pinned)
    assert [reason.code for reason in refused.value.reasons] == [code]


def test_an_item_short_of_experts_is_named_with_every_cause_counted() -> None:
    items = [ReviewItem("a", 3), ReviewItem("b", 1)]
    experts = [
        PoolExpert("x", 1, "U"),
        PoolExpert("y", 1, "U"),
        PoolExpert("c", 1, "C"),
        PoolExpert("n", 1, "N"),
        PoolExpert("f", 1, "F"),
    ]
    scores = [("a", "x", 0.9), ("a", "y", 0.8), ("a", "c", 0.7), ("a", "f", 0.5), ("b", "f", 0.9)]
    problem = build_problem(items, experts, scores, conflicts=[("a", "c")], pinned=[("b", "f")])
    with pytest.raises(AssignmentInfeasible) as refused:
        solve(problem)
    (reason,) = refused.value.reasons
    assert reason.code == "item_short_of_experts"
    assert reason.field == "a"
    assert reason.en == (
        "item a needs 3 more experts but only 1 are eligible (from distinct units): of 5 experts, 0 pinned, "
        "1 removed by conflicts, 1 have no affinity (other discipline), 1 fully booked, "
        "1 removed by the one-per-unit rule"
    )
    assert "回避排除 1 名" in reason.zh


def test_out_of_province_shortage_and_total_capacity_are_reported() -> None:
    items = [ReviewItem("a", 2, min_outside=1), ReviewItem("b", 2)]
    experts = [PoolExpert("x", 2), PoolExpert("y", 1)]
    scores = [("a", "x", 1.0), ("a", "y", 1.0), ("b", "x", 1.0), ("b", "y", 1.0)]
    with pytest.raises(AssignmentInfeasible) as refused:
        solve(build_problem(items, experts, scores))
    assert codes(refused.value) == ["item_short_of_outside_experts", "total_capacity_short"]
    assert refused.value.reasons[1].en.startswith("the experts' remaining loads add up to 3, less than the 4")


def test_items_competing_for_the_same_experts_get_an_exact_bottleneck_reason() -> None:
    items = [ReviewItem("a", 1), ReviewItem("b", 1), ReviewItem("c", 1)]
    experts = [PoolExpert("x", 1), PoolExpert("spare", 5)]
    scores = [("a", "x", 1.0), ("b", "x", 1.0), ("c", "spare", 1.0)]
    problem = build_problem(items, experts, scores)
    with pytest.raises(AssignmentInfeasible) as refused:
        solve(problem)
    (reason,) = refused.value.reasons
    assert check_feasible(problem) == [reason]
    assert reason.code == "experts_overbooked"
    assert reason.en.startswith("2 items (a, b) compete for the same experts")
    assert "1 reviews short" in reason.en


def test_a_unit_on_both_sides_of_the_border_is_refused_when_a_minimum_applies() -> None:
    items = [ReviewItem("a", 1, min_outside=1)]
    experts = [PoolExpert("x", 1, "U"), PoolExpert("y", 1, "U", in_province=False)]
    with pytest.raises(InvalidInput) as refused:
        solve(build_problem(items, experts, [("a", "x", 1.0), ("a", "y", 1.0)]))
    assert refused.value.reasons[0].code == "unit_mixed_province"


def test_incremental_keeps_every_pair_and_picks_the_best_free_replacement() -> None:
    items = [ReviewItem("a", 2), ReviewItem("b", 2)]
    experts = [PoolExpert(name, 1, name.upper()) for name in "wxyz"] + [PoolExpert("v", 2)]
    scores = [
        ("a", "w", 0.9),
        ("a", "x", 0.8),
        ("b", "y", 0.7),
        ("b", "z", 0.6),
        ("a", "v", 0.3),
        ("b", "v", 0.5),
    ]
    problem = build_problem(items, experts, scores)
    current = solve(problem)
    assert current.rows() == [("a", "w", 0.9), ("a", "x", 0.8), ("b", "y", 0.7), ("b", "z", 0.6)]
    pairs = [(i, e) for i, e, _ in current.rows()]
    result = reassign(problem, pairs, accepted=[("a", "w")], withdrawn=("a", "x"))
    assert result.added == [("a", "v")]
    assert result.removed == [("a", "x")]
    assert result.assignment.rows() == [("a", "w", 0.9), ("a", "v", 0.3), ("b", "y", 0.7), ("b", "z", 0.6)]


def test_incremental_moves_an_unaccepted_pair_only_when_it_must_and_never_an_accepted_one() -> None:
    items = [ReviewItem("a", 1), ReviewItem("b", 1)]
    experts = [PoolExpert("x", 1), PoolExpert("y", 1), PoolExpert("z", 1)]
    scores = [("a", "x", 0.9), ("a", "y", 0.5), ("b", "y", 0.8), ("b", "z", 0.1)]
    problem = build_problem(items, experts, scores)
    result = reassign(problem, [("a", "x"), ("b", "y")], accepted=[], withdrawn=("a", "x"))
    assert result.assignment.rows() == [("a", "y", 0.5), ("b", "z", 0.1)]
    assert result.removed == [("a", "x"), ("b", "y")]
    with pytest.raises(AssignmentInfeasible):
        reassign(problem, [("a", "x"), ("b", "y")], accepted=[("b", "y")], withdrawn=("a", "x"))


def test_every_mode_returns_k_pairs_per_item_on_the_same_instance() -> None:
    rng = np.random.default_rng(5)
    items = [ReviewItem(f"i{i}", 3) for i in range(10)]
    experts = [PoolExpert(f"e{j}", 3, f"u{j // 2}") for j in range(20)]
    scores = [(f"i{i}", f"e{j}", float(rng.random())) for i in range(10) for j in range(20)]
    problem = build_problem(items, experts, scores)
    optimal, fair, drawn = solve(problem), solve(problem, "fair"), solve(problem, "random", seed=3)
    for assignment in (optimal, fair, drawn):
        assert np.array_equal(np.bincount(assignment.item, minlength=10), np.full(10, 3))
    assert optimal.total_affinity >= fair.total_affinity
    assert fair.weakest_affinity >= optimal.weakest_affinity
    assert drawn.seed == 3
    assert drawn.expected_affinity is not None
    assert drawn.expected_affinity <= optimal.total_affinity + 1e-9


def test_a_probability_cap_too_tight_for_an_item_is_explained() -> None:
    items = [ReviewItem("a", 2)]
    experts = [PoolExpert("x", 1), PoolExpert("y", 1), PoolExpert("z", 1)]
    problem = build_problem(items, experts, [("a", "x", 1.0), ("a", "y", 1.0), ("a", "z", 1.0)])
    assert len(solve(problem, "random", cap=Fraction(2, 3), seed=1).item) == 2
    with pytest.raises(AssignmentInfeasible) as refused:
        solve(problem, "random", cap=Fraction(1, 2), seed=1)
    (reason,) = refused.value.reasons
    assert reason.code == "item_short_under_cap"
    assert reason.en == (
        "item a needs 2 experts but with each expert's chance capped at 1/2 its eligible experts cover at most 3/2: "
        "raise the cap or add eligible experts"
    )
