"""An expert's credibility record: assignments, declines, on-time submissions and the
conflicts others found that the expert had not declared."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from accounts.rules import Actor, require_admin
from expert_pool.rules.lifecycles import AssignmentStatus, ConflictStatus, ReviewStatus
from expert_pool.rules.vocabulary import ConflictSource
from expert_pool.services.registry import get_expert
from expert_pool.tables import ConflictRecord, Review, ReviewAssignment


async def credibility(actor: Actor, expert_id: int) -> dict[str, Any]:
    """An expert's record: assignments, declines, on-time submissions, undeclared conflicts found."""
    require_admin(actor)
    await get_expert(actor, expert_id)
    rows = await ReviewAssignment.select(
        ReviewAssignment.id,
        ReviewAssignment.status,
        ReviewAssignment.item.batch.deadline,  # type: ignore[union-attr]  # two-level join
    ).where(ReviewAssignment.expert == expert_id)
    reviews = {
        r["assignment"]: r
        for r in await Review.select(Review.assignment, Review.status, Review.submitted_at).where(
            Review.assignment.is_in([r["id"] for r in rows] or [0])
        )
    }
    submitted = on_time = 0
    for row in rows:
        review = reviews.get(row["id"])
        if review and review["status"] == ReviewStatus.SUBMITTED:
            submitted += 1
            deadline = row["item.batch.deadline"]
            if deadline is None or review["submitted_at"].date() <= deadline:
                on_time += 1
    undeclared = await ConflictRecord.count().where(
        (ConflictRecord.expert == expert_id)
        & (ConflictRecord.status == ConflictStatus.CONFIRMED)
        & (ConflictRecord.source != ConflictSource.EXPERT)
        & ConflictRecord.item.is_in(
            ReviewAssignment.select(ReviewAssignment.item).where(ReviewAssignment.expert == expert_id)
        )
    )
    return {
        "assignments": len(rows),
        "declined": sum(1 for r in rows if r["status"] == AssignmentStatus.DECLINED),
        "declared_conflicts": sum(1 for r in rows if r["status"] == AssignmentStatus.CONFLICT),
        "submitted": submitted,
        "on_time": on_time,
        "on_time_rate": Fraction(on_time, submitted) if submitted else None,
        "undeclared_conflicts": undeclared,
    }
