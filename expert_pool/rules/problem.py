"""The assignment instance: generic review items, experts, sparse affinities, conflicts and pins.

Everything the solvers need is held as index arrays (items 0..n-1, experts 0..m-1), so a
2,000 x 10,000 instance with 600k candidate pairs is a handful of numpy arrays, never a dense
matrix. `build_problem` takes ids and plain tuples (the service path); `problem_from_arrays`
takes arrays (the CSV path) and does the same validation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from xuehui.errors import InvalidInput, Reason

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A generic review item (a nomination, an evaluation item, a standard draft)."""

    id: str
    required: int
    excluded: frozenset[str] = frozenset()
    min_outside: int = 0  # minimum number of out-of-province experts on this item


@dataclass(frozen=True, slots=True)
class PoolExpert:
    """An expert as the solver sees them: a load limit, a unit and where they work."""

    id: str
    max_load: int
    unit: str | None = None  # normalised unit name; None = a unit of their own
    in_province: bool = True


def min_outside_for_share(required: int, share: Fraction) -> int:
    """Smallest number of out-of-province experts that reaches `share` of `required` (rounded up)."""
    return math.ceil(share * required)


@dataclass(frozen=True)
class Problem:
    """A validated instance. Candidate pairs are unique, sorted by (item, expert), conflict-free."""

    item_ids: tuple[str, ...]
    expert_ids: tuple[str, ...]
    demand: IntArray
    min_outside: IntArray
    capacity: IntArray
    unit: IntArray  # unit code per expert; experts without a unit get a code of their own
    in_province: BoolArray
    pair_item: IntArray
    pair_expert: IntArray
    pair_affinity: FloatArray
    conflict_item: IntArray
    conflict_expert: IntArray
    pinned_item: IntArray
    pinned_expert: IntArray

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @property
    def n_experts(self) -> int:
        return len(self.expert_ids)

    def pair_keys(self) -> IntArray:
        return self.pair_item * self.n_experts + self.pair_expert

    def affinity_of(self, items: IntArray, experts: IntArray) -> FloatArray:
        """Affinity of arbitrary pairs; 0 where the pair is not a candidate (e.g. a forced pin)."""
        keys = self.pair_keys()
        wanted = items.astype(np.int64) * self.n_experts + experts.astype(np.int64)
        pos = np.searchsorted(keys, wanted)
        pos_clipped = np.minimum(pos, max(len(keys) - 1, 0))
        found = (pos < len(keys)) & (keys[pos_clipped] == wanted) if len(keys) else np.zeros(len(wanted), bool)
        out = np.zeros(len(wanted), dtype=np.float64)
        out[found] = self.pair_affinity[pos_clipped[found]]
        return out


def _invalid(code: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput(Reason(code, zh, en))


def _index(ids: Sequence[str], what_zh: str, what_en: str) -> dict[str, int]:
    index = {identifier: i for i, identifier in enumerate(ids)}
    if len(index) != len(ids):
        raise _invalid(f"duplicate_{what_en}", f"{what_zh}编号重复", f"duplicate {what_en} ids")
    return index


def _lookup(index: dict[str, int], identifier: str, what_zh: str, what_en: str) -> int:
    try:
        return index[identifier]
    except KeyError:
        raise _invalid(
            f"unknown_{what_en}", f"未知的{what_zh}：{identifier}", f"unknown {what_en}: {identifier}"
        ) from None


def build_problem(
    items: Sequence[ReviewItem],
    experts: Sequence[PoolExpert],
    affinities: Iterable[tuple[str, str, float]],
    conflicts: Iterable[tuple[str, str]] = (),
    pinned: Iterable[tuple[str, str]] = (),
) -> Problem:
    """Build a validated problem from ids. `affinities` rows are (item_id, expert_id, affinity)."""
    item_index = _index([item.id for item in items], "评审项目", "item")
    expert_index = _index([expert.id for expert in experts], "专家", "expert")
    rows = [
        (_lookup(item_index, i, "评审项目", "item"), _lookup(expert_index, e, "专家", "expert"), float(a))
        for i, e, a in affinities
    ]
    conflict_rows = [
        (_lookup(item_index, i, "评审项目", "item"), _lookup(expert_index, e, "专家", "expert")) for i, e in conflicts
    ]
    for item in items:  # an item's own exclusion list is a conflict like any other
        conflict_rows.extend(
            (item_index[item.id], _lookup(expert_index, e, "专家", "expert")) for e in sorted(item.excluded)
        )
    pinned_rows = [
        (_lookup(item_index, i, "评审项目", "item"), _lookup(expert_index, e, "专家", "expert")) for i, e in pinned
    ]
    unit_codes: dict[str, int] = {}
    unit = np.empty(len(experts), dtype=np.int64)
    for j, expert in enumerate(experts):
        unit[j] = unit_codes.setdefault(expert.unit, len(unit_codes)) if expert.unit is not None else -1
    unit[unit < 0] = len(unit_codes) + np.arange(int((unit < 0).sum()))

    def column(data: Sequence[tuple[int, ...]] | Sequence[tuple[int, int, float]], k: int) -> IntArray:
        return np.fromiter((row[k] for row in data), dtype=np.int64, count=len(data))

    return problem_from_arrays(
        item_ids=tuple(item.id for item in items),
        expert_ids=tuple(expert.id for expert in experts),
        demand=np.array([item.required for item in items], dtype=np.int64),
        capacity=np.array([expert.max_load for expert in experts], dtype=np.int64),
        pair_item=column(rows, 0),
        pair_expert=column(rows, 1),
        pair_affinity=np.fromiter((row[2] for row in rows), dtype=np.float64, count=len(rows)),
        conflict_item=column(conflict_rows, 0),
        conflict_expert=column(conflict_rows, 1),
        pinned_item=column(pinned_rows, 0),
        pinned_expert=column(pinned_rows, 1),
        unit=unit,
        in_province=np.array([expert.in_province for expert in experts], dtype=np.bool_),
        min_outside=np.array([item.min_outside for item in items], dtype=np.int64),
    )


def _unique_pairs(items: IntArray, experts: IntArray, n_experts: int) -> tuple[IntArray, IntArray]:
    keys = np.unique(items.astype(np.int64) * n_experts + experts.astype(np.int64))
    return keys // n_experts, keys % n_experts


def problem_from_arrays(
    *,
    item_ids: tuple[str, ...],
    expert_ids: tuple[str, ...],
    demand: IntArray,
    capacity: IntArray,
    pair_item: IntArray,
    pair_expert: IntArray,
    pair_affinity: FloatArray,
    conflict_item: IntArray | None = None,
    conflict_expert: IntArray | None = None,
    pinned_item: IntArray | None = None,
    pinned_expert: IntArray | None = None,
    unit: IntArray | None = None,
    in_province: BoolArray | None = None,
    min_outside: IntArray | None = None,
) -> Problem:
    """Validate and normalise array input. Duplicate scored pairs keep their highest affinity."""
    n, m = len(item_ids), len(expert_ids)
    empty = np.zeros(0, dtype=np.int64)
    demand = np.asarray(demand, dtype=np.int64)
    capacity = np.asarray(capacity, dtype=np.int64)
    min_outside = np.zeros(n, dtype=np.int64) if min_outside is None else np.asarray(min_outside, dtype=np.int64)
    unit = np.arange(m, dtype=np.int64) if unit is None else np.asarray(unit, dtype=np.int64)
    in_province = np.ones(m, dtype=np.bool_) if in_province is None else np.asarray(in_province, dtype=np.bool_)
    if (demand < 0).any() or (capacity < 0).any() or (min_outside < 0).any():
        raise _invalid("negative_count", "人数和负荷不能为负", "counts and loads must not be negative")
    if (min_outside > demand).any():
        raise _invalid(
            "min_outside_above_required",
            "省外专家最少人数不能超过每项所需专家数",
            "the minimum of out-of-province experts cannot exceed the experts required",
        )
    if not np.isfinite(pair_affinity).all():
        raise _invalid("affinity_not_finite", "匹配度必须是有限数", "affinities must be finite numbers")

    # Sort scored pairs by key, then by affinity, and keep the last (highest) of each key.
    keys = np.asarray(pair_item, dtype=np.int64) * m + np.asarray(pair_expert, dtype=np.int64)
    order = np.lexsort((pair_affinity, keys))
    keys, affinity = keys[order], np.asarray(pair_affinity, dtype=np.float64)[order]
    last = np.ones(len(keys), dtype=np.bool_)
    last[:-1] = keys[1:] != keys[:-1]
    keys, affinity = keys[last], affinity[last]

    c_item, c_expert = _unique_pairs(
        empty if conflict_item is None else conflict_item, empty if conflict_expert is None else conflict_expert, m
    )
    conflicted = np.isin(keys, c_item * m + c_expert, assume_unique=True)
    keys, affinity = keys[~conflicted], affinity[~conflicted]

    p_item = empty if pinned_item is None else np.asarray(pinned_item, dtype=np.int64)
    p_expert = empty if pinned_expert is None else np.asarray(pinned_expert, dtype=np.int64)
    problem = Problem(
        item_ids=item_ids,
        expert_ids=expert_ids,
        demand=demand,
        min_outside=min_outside,
        capacity=capacity,
        unit=unit,
        in_province=in_province,
        pair_item=keys // m,
        pair_expert=keys % m,
        pair_affinity=affinity,
        conflict_item=c_item,
        conflict_expert=c_expert,
        pinned_item=p_item,
        pinned_expert=p_expert,
    )
    validate_pins(problem)
    return problem


def validate_pins(problem: Problem) -> None:
    """Pins are hard: refuse pins that break a hard rule instead of silently dropping them."""
    m = problem.n_experts
    p_item, p_expert = problem.pinned_item, problem.pinned_expert
    if len(p_item) == 0:
        return
    pin_keys = p_item * m + p_expert
    if len(np.unique(pin_keys)) != len(pin_keys):
        raise _invalid("duplicate_pin", "同一指定分配出现多次", "the same forced assignment appears twice")
    if np.isin(pin_keys, problem.conflict_item * m + problem.conflict_expert).any():
        bad = int(np.flatnonzero(np.isin(pin_keys, problem.conflict_item * m + problem.conflict_expert))[0])
        item, expert = problem.item_ids[p_item[bad]], problem.expert_ids[p_expert[bad]]
        raise _invalid(
            "pin_conflicted",
            f"指定分配与回避冲突：专家 {expert} 对评审项目 {item} 须回避",
            f"forced assignment conflicts: expert {expert} must not review item {item}",
        )
    over_k = np.bincount(p_item, minlength=problem.n_items) > problem.demand
    if over_k.any():
        item = problem.item_ids[int(np.flatnonzero(over_k)[0])]
        raise _invalid(
            "pins_exceed_required",
            f"评审项目 {item} 的指定专家多于所需人数",
            f"item {item} has more forced experts than it requires",
        )
    over_load = np.bincount(p_expert, minlength=m) > problem.capacity
    if over_load.any():
        expert = problem.expert_ids[int(np.flatnonzero(over_load)[0])]
        raise _invalid(
            "pins_exceed_load",
            f"专家 {expert} 的指定分配超过其最大评审量",
            f"expert {expert} is forced onto more items than their maximum load",
        )
    unit_keys = p_item * (int(problem.unit.max()) + 1) + problem.unit[p_expert]
    if len(np.unique(unit_keys)) != len(unit_keys):
        raise _invalid(
            "pins_same_unit",
            "同一评审项目指定了同一单位的两名专家",
            "two forced experts on one item come from the same unit",
        )
