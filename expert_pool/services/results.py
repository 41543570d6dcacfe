"""Progress, reminders and results of a batch: who holds, accepted, declined or submitted what;
a reminder to an expert; raw and normalised means with ranks per (category, grade), which name
no expert and so may be passed to the package that owns the items."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from expert_pool.rules.deadlines import Lateness
from expert_pool.rules.lifecycles import HOLDING, WITHDRAWN, AssignmentStatus, BatchStatus, ReviewStatus
from expert_pool.rules.scores import Review as ScoredReview
from expert_pool.rules.scores import aggregate, rank_in_groups
from expert_pool.rules.vocabulary import PoolAction
from expert_pool.schemas import ItemResultOut
from expert_pool.services._shared import BLOCKING_CODES
from expert_pool.services.batches import get_batch
from expert_pool.services.deadlines import assignment_lateness
from expert_pool.tables import ConflictRecord, Reminder, Review, ReviewAssignment, ReviewItem
from xuehui.clock import now, today
from xuehui.db import write_transaction
from xuehui.errors import InvalidInput, Reason

# Sorts unranked items (no counted review) after every ranked one in their group.
UNRANKED = 10**9


async def batch_progress(actor: Actor, batch_id: int) -> dict[str, Any]:
    """Per expert and per item: places, acceptances, declines, submitted reviews, reminders."""
    batch = await get_batch(actor, batch_id)
    rows = (
        await ReviewAssignment.select(
            ReviewAssignment.id,
            ReviewAssignment.item,
            ReviewAssignment.expert,
            ReviewAssignment.status,
            ReviewAssignment.affinity,
            ReviewAssignment.reason,
            ReviewAssignment.item.title,
            ReviewAssignment.expert.name,
        )
        .where(ReviewAssignment.item.batch == batch_id)
        .order_by(ReviewAssignment.id)
    )
    reviews = {
        r["assignment"]: r
        for r in await Review.select(Review.assignment, Review.status, Review.total, Review.submitted_at).where(
            Review.assignment.is_in([r["id"] for r in rows] or [0])
        )
    }
    reminders: dict[int, int] = defaultdict(int)
    for r in await Reminder.select(Reminder.expert).where(Reminder.batch == batch_id):
        reminders[r["expert"]] += 1
    experts: dict[int, dict[str, Any]] = {}
    items: dict[int, dict[str, Any]] = {}
    day = today()
    for item in (
        await ReviewItem.select(ReviewItem.id, ReviewItem.title)
        .where(ReviewItem.batch == batch_id)
        .order_by(ReviewItem.id)
    ):
        items[item["id"]] = {"id": item["id"], "title": item["title"], "active": 0, "submitted": 0}
    for r in rows:
        review = reviews.get(r["id"])
        e = experts.setdefault(
            r["expert"],
            {
                "id": r["expert"],
                "name": r["expert.name"],
                "assigned": 0,
                "accepted": 0,
                "declined": 0,
                "conflict": 0,
                "overdue": 0,
                "late": 0,  # holding a review that is past the deadline and not submitted
                "submitted": 0,
                "reminders": reminders[r["expert"]],
            },
        )
        if r["status"] in HOLDING:
            e["assigned"] += 1
            items[r["item"]]["active"] += 1
        if r["status"] == AssignmentStatus.ACCEPTED:
            e["accepted"] += 1
        if r["status"] in WITHDRAWN:
            e[r["status"]] += 1
        if review and review["status"] == ReviewStatus.SUBMITTED and r["status"] == AssignmentStatus.ACCEPTED:
            e["submitted"] += 1
            items[r["item"]]["submitted"] += 1
        r["review_status"] = review["status"] if review else ""
        r["total"] = review["total"] if review else None
        standing = assignment_lateness(batch["deadline"], review, day)
        r["lateness"] = standing if r["status"] in HOLDING else ""
        if r["lateness"] == Lateness.OVERDUE:
            e["late"] += 1
    short = [i for i in items.values() if batch["status"] != BatchStatus.DRAFT and i["active"] < batch["required"]]
    return {
        "batch": batch,
        "experts": list(experts.values()),
        "items": list(items.values()),
        "short": short,
        "assignments": rows,
    }


async def send_reminder(actor: Actor, batch_id: int, expert_id: int, message: str) -> int:
    await get_batch(actor, batch_id)
    if not message.strip():
        raise InvalidInput(Reason("reminder.message", "请填写提醒内容", "write the reminder", "message"))
    if not await ReviewAssignment.exists().where(
        (ReviewAssignment.expert == expert_id) & (ReviewAssignment.item.batch == batch_id)
    ):
        raise InvalidInput(
            Reason("reminder.expert", "该专家不在本批次中", "this expert has no assignment in the batch", "expert_id")
        )
    async with write_transaction():
        reminder = Reminder(
            batch=batch_id, expert=expert_id, message=message.strip(), sent_by=actor.user_id, sent_at=now()
        )
        await reminder.save()
        await audit(actor, PoolAction.REMINDER_SENT, "review_batch", batch_id, {"expert": expert_id})
    return int(reminder.id)


async def scored_reviews(batch_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Submitted reviews of accepted assignments whose expert has no blocking conflict on the item."""
    blocked = {
        (r["item"], r["expert"])
        for r in await ConflictRecord.select(ConflictRecord.item, ConflictRecord.expert).where(
            ConflictRecord.status.is_in(BLOCKING_CODES) & ConflictRecord.item.batch.is_in(list(batch_ids) or [0])
        )
    }
    rows = await Review.select(
        Review.total,
        Review.assignment.item,
        Review.assignment.expert,
        Review.assignment.expert.name,  # type: ignore[union-attr]  # two-level join
        Review.recommendation,
    ).where(
        (Review.status == ReviewStatus.SUBMITTED)
        & (Review.assignment.status == AssignmentStatus.ACCEPTED)
        & Review.assignment.item.batch.is_in(list(batch_ids) or [0])  # type: ignore[union-attr]  # two-level join
    )
    return [r for r in rows if (r["assignment.item"], r["assignment.expert"]) not in blocked]


async def _results(batch_ids: Sequence[int]) -> list[dict[str, Any]]:
    items = (
        await ReviewItem.select(
            ReviewItem.id,
            ReviewItem.kind,
            ReviewItem.external_id,
            ReviewItem.title,
            ReviewItem.category,
            ReviewItem.grade,
            ReviewItem.batch.required,
        )
        .where(ReviewItem.batch.is_in(list(batch_ids) or [0]))
        .order_by(ReviewItem.id)
    )
    reviews = await scored_reviews(batch_ids)
    scores = aggregate(
        [ScoredReview(str(r["assignment.item"]), str(r["assignment.expert"]), float(r["total"])) for r in reviews]
    )
    groups = {str(i["id"]): (i["category"], i["grade"]) for i in items}
    ranked = {r.item_id: r for r in rank_in_groups(scores, groups)}
    titles = {str(i["id"]): i["external_id"] for i in items}
    out = []
    for item in items:
        key = str(item["id"])
        score = scores.get(key)
        rank = ranked.get(key)
        out.append(
            {
                "item_id": item["id"],
                "kind": item["kind"],
                "external_id": item["external_id"],
                "title": item["title"],
                "category": item["category"],
                "grade": item["grade"],
                "required": item["batch.required"],
                "reviews": score.reviews if score else 0,
                "raw_mean": score.raw_mean if score else None,
                "normalised_mean": score.normalised_mean if score else None,
                "normalised_on_raw_scale": score.normalised_on_raw_scale if score else None,
                "rank": rank.rank if rank else None,
                "tied_with": [titles[t] for t in rank.tied_with] if rank else [],
            }
        )
    out.sort(key=lambda r: (r["category"], r["grade"], r["rank"] if r["rank"] is not None else UNRANKED, r["item_id"]))
    return out


async def batch_results(actor: Actor, batch_id: int) -> list[ItemResultOut]:
    """Per item: raw mean, normalised mean (per-expert z-scores) and rank within (category, grade).
    Names no expert."""
    await get_batch(actor, batch_id)
    return [ItemResultOut(**r) for r in await _results([batch_id])]


async def batch_scores(actor: Actor, batch_id: int) -> list[dict[str, Any]]:
    """Admin only: every counted review with its expert and total."""
    await get_batch(actor, batch_id)
    return await scored_reviews([batch_id])


async def item_outcomes(actor: Actor | None, kind: str, external_ids: Sequence[str]) -> dict[str, ItemResultOut]:
    """The latest batch's result for each (kind, external id), for the package that owns the items.
    Names no expert, so it is safe to pass on to the nominating side. `actor` None is the owning
    package reading on its own authority (it decides what its users may see); otherwise an admin."""
    if actor is not None:
        require_admin(actor)
    rows = await ReviewItem.select(ReviewItem.id, ReviewItem.batch, ReviewItem.external_id).where(
        (ReviewItem.kind == kind) & ReviewItem.external_id.is_in(list(external_ids) or [""])
    )
    latest: dict[str, tuple[int, int]] = {}
    for r in rows:
        latest[r["external_id"]] = max(latest.get(r["external_id"], (0, 0)), (r["batch"], r["id"]))
    wanted = {item_id for _, item_id in latest.values()}
    results = await _results(sorted({batch for batch, _ in latest.values()}))
    return {r["external_id"]: ItemResultOut(**r) for r in results if r["item_id"] in wanted}
