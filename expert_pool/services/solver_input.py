"""A review batch as a solver instance, read from the database: the items, the active experts
with their load so far, the affinities, every blocking conflict and every withdrawn pair."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from expert_pool.rules import PoolExpert, build_problem, min_outside_for_share
from expert_pool.rules import ReviewItem as SolverItem
from expert_pool.rules.affinity import Profile, affinity_pairs
from expert_pool.rules.lifecycles import HOLDING, WITHDRAWN, ExpertStatus
from expert_pool.rules.problem import Problem
from expert_pool.services._shared import BLOCKING_CODES, loads
from expert_pool.tables import ConflictRecord, Expert, ReviewAssignment, ReviewItem


@dataclass(frozen=True)
class BatchProblem:
    problem: Problem
    affinity: dict[tuple[int, int], float]


async def build_problem_of(batch: dict[str, Any], pins: Sequence[tuple[int, int]] = ()) -> BatchProblem:
    """The batch as a solver instance: active experts with affinity > 0, every blocking conflict,
    every declined or conflicted assignment as a conflict, and the given pins."""
    items = await ReviewItem.select(ReviewItem.id, ReviewItem.disciplines, ReviewItem.keywords).where(
        ReviewItem.batch == batch["id"]
    )
    item_ids = [r["id"] for r in items]
    assignments = await ReviewAssignment.select(
        ReviewAssignment.item, ReviewAssignment.expert, ReviewAssignment.status
    ).where(ReviewAssignment.item.is_in(item_ids or [0]))
    holding = {r["expert"] for r in assignments if r["status"] in HOLDING}
    experts = await Expert.select(
        Expert.id,
        Expert.primary_discipline,
        Expert.secondary_disciplines,
        Expert.keywords,
        Expert.unit_normalised,
        Expert.in_province,
        Expert.status,
    ).where((Expert.status == ExpertStatus.ACTIVE) | Expert.id.is_in(sorted(holding) or [0]))
    load: dict[int, int] = defaultdict(int)
    for r in assignments:
        if r["status"] in HOLDING:
            load[r["expert"]] += 1
    k, max_load = int(batch["required"]), int(batch["max_load"])
    share = Fraction(batch["min_outside_share"])
    solver_items = [SolverItem(str(r["id"]), k, min_outside=min_outside_for_share(k, share)) for r in items]
    pool = [
        PoolExpert(
            str(e["id"]),
            # A suspended (or retired) expert keeps what they hold and is never drawn anew.
            max_load if e["status"] == ExpertStatus.ACTIVE else min(max_load, load[e["id"]]),
            e["unit_normalised"] or None,
            bool(e["in_province"]),
        )
        for e in experts
    ]
    item_profiles = []
    for r in items:
        codes = loads(r["disciplines"]) or []
        item_profiles.append(
            Profile(str(r["id"]), tuple(codes[:1]), tuple(codes[1:]), tuple(loads(r["keywords"]) or ()))
        )
    expert_profiles = [
        Profile(
            str(e["id"]),
            (e["primary_discipline"],),
            tuple(loads(e["secondary_disciplines"]) or ()),
            tuple(loads(e["keywords"]) or ()),
        )
        for e in experts
    ]
    pairs = affinity_pairs(item_profiles, expert_profiles)
    known_experts = {e["id"] for e in experts}
    blocking = await ConflictRecord.select(ConflictRecord.item, ConflictRecord.expert).where(
        ConflictRecord.item.is_in(item_ids or [0]) & ConflictRecord.status.is_in(BLOCKING_CODES)
    )
    conflicts = {(r["item"], r["expert"]) for r in blocking}
    conflicts |= {(r["item"], r["expert"]) for r in assignments if r["status"] in WITHDRAWN}
    problem = build_problem(
        solver_items,
        pool,
        pairs,
        conflicts=[(str(i), str(e)) for i, e in sorted(conflicts) if e in known_experts],
        pinned=[(str(i), str(e)) for i, e in pins],
    )
    return BatchProblem(problem, {(int(i), int(e)): a for i, e, a in pairs})
