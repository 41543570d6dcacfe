"""The expert portal: an expert's own assignments and reminders, one assignment with its
material and review form, accepting, declining or declaring a conflict, and the review itself.

An expert sees only their own assignments that still hold a place and whose item has no
potential or confirmed conflict with them; anything else answers exactly like a missing one.
"""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor
from accounts.services import audit
from expert_pool.rules.lifecycles import (
    ASSIGNMENT_LIFECYCLE,
    REVIEW_LIFECYCLE,
    AssignmentStatus,
    ReviewStatus,
)
from expert_pool.rules.scores import ReviewForm, validate_review, weighted_total
from expert_pool.rules.vocabulary import ConflictKind, ConflictSource, PoolAction, Recommendation, RespondAction
from expert_pool.schemas import ReviewIn
from expert_pool.services._shared import (
    BLOCKING_CODES,
    HOLDING_CODES,
    assignment_not_found,
    dumps,
    item_view,
    loads,
    review_form,
)
from expert_pool.services.conflicts import record_conflict
from expert_pool.services.deadlines import assignment_lateness
from expert_pool.services.registry import my_expert
from expert_pool.services.replacement import withdraw_and_replace
from expert_pool.tables import ConflictRecord, Expert, Reminder, Review, ReviewAssignment, ReviewBatch, ReviewItem
from xuehui.clock import now, today
from xuehui.db import write_transaction
from xuehui.errors import Conflict, InvalidInput, Reason

# Kept for callers that read the labels as a mapping: code -> (Chinese, English).
RECOMMENDATIONS: dict[str, tuple[str, str]] = Recommendation.labels()
REVIEW_ACTIONS = {ReviewStatus.DRAFT: PoolAction.REVIEW_DRAFT, ReviewStatus.SUBMITTED: PoolAction.REVIEW_SUBMITTED}


def _visible_to(expert_id: int) -> Any:
    """Own assignments that still hold a place and whose item has no blocking conflict with them."""
    blocked = ConflictRecord.select(ConflictRecord.item).where(
        (ConflictRecord.expert == expert_id) & ConflictRecord.status.is_in(BLOCKING_CODES)
    )
    return (
        (ReviewAssignment.expert == expert_id)
        & ReviewAssignment.status.is_in(HOLDING_CODES)
        & ReviewAssignment.item.not_in(blocked)
    )


async def reviews_item(actor: Actor, kind: str, external_id: str) -> bool:
    """Whether the signed-in expert holds a visible assignment on the item the owning package
    calls `kind` `external_id` (so that package may show them the item's files)."""
    if actor.role != "expert":
        return False
    me = await Expert.select(Expert.id).where(Expert.user == actor.user_id).first()
    if me is None:
        return False
    return await ReviewAssignment.exists().where(
        _visible_to(me["id"])
        & (ReviewAssignment.item.kind == kind)
        & (ReviewAssignment.item.external_id == external_id)
    )


async def my_assignments(actor: Actor) -> list[dict[str, Any]]:
    me = await my_expert(actor)
    rows = await (
        ReviewAssignment.select(
            ReviewAssignment.id,
            ReviewAssignment.status,
            ReviewAssignment.item,
            ReviewAssignment.item.kind,
            ReviewAssignment.item.title,
            ReviewAssignment.item.batch.name,  # type: ignore[union-attr]  # two-level join
            ReviewAssignment.item.batch.deadline,  # type: ignore[union-attr]  # two-level join
        )
        .where(_visible_to(me["id"]))
        .order_by(ReviewAssignment.id)
    )
    reviews = {
        r["assignment"]: r
        for r in await Review.select(Review.assignment, Review.status, Review.submitted_at).where(
            Review.assignment.is_in([r["id"] for r in rows] or [0])
        )
    }
    day = today()
    return [
        {
            "id": r["id"],
            "status": r["status"],
            "kind": r["item.kind"],
            "title": r["item.title"],
            "batch_name": r["item.batch.name"],
            "deadline": r["item.batch.deadline"],
            "review_status": reviews[r["id"]]["status"] if r["id"] in reviews else "",
            "lateness": assignment_lateness(r["item.batch.deadline"], reviews.get(r["id"]), day),
        }
        for r in rows
    ]


async def my_reminders(actor: Actor) -> list[dict[str, Any]]:
    me = await my_expert(actor)
    rows = await (
        Reminder.select(
            Reminder.id, Reminder.kind, Reminder.deadline, Reminder.message, Reminder.sent_at, Reminder.batch.name
        )
        .where(Reminder.expert == me["id"])
        .order_by(Reminder.id, ascending=False)
    )
    return [{**r, "batch_name": r["batch.name"]} for r in rows]


async def my_assignment(actor: Actor, assignment_id: int) -> dict[str, Any]:
    """One own, visible assignment with the item's material, the review form and the own review."""
    me = await my_expert(actor)
    row = await (
        ReviewAssignment.select(
            ReviewAssignment.id, ReviewAssignment.status, ReviewAssignment.item, ReviewAssignment.expert
        )
        .where((ReviewAssignment.id == assignment_id) & _visible_to(me["id"]))
        .first()
    )
    if row is None:
        raise assignment_not_found()
    item = await ReviewItem.select().where(ReviewItem.id == row["item"]).first()
    assert item is not None
    batch = await ReviewBatch.select().where(ReviewBatch.id == item["batch"]).first()
    assert batch is not None
    review = await Review.select().where(Review.assignment == assignment_id).first()
    if review:
        review["scores"] = loads(review["scores"]) or {}
    return {
        "assignment": row,
        # The material shown to the expert: names of the people involved, never identity numbers.
        "item": {
            **{k: v for k, v in item_view(item).items() if k not in ("people", "leaders")},
            "people": [p["name"] for p in loads(item["people"]) or []],
        },
        "batch": {"id": batch["id"], "name": batch["name"], "deadline": batch["deadline"], "stage": batch["stage"]},
        "form": review_form(batch["form"]),
        "review": review,
    }


async def respond(actor: Actor, assignment_id: int, action: str, reason: str = "") -> list[Reason]:
    """Accept, decline (with a reason) or declare a conflict; the last two replace the expert at
    once. Returns the reasons when no replacement could be found (the admin sees the item short)."""
    view = await my_assignment(actor, assignment_id)
    row = view["assignment"]
    chosen = RespondAction.parse(action)
    if chosen == RespondAction.ACCEPT:
        if row["status"] != AssignmentStatus.ASSIGNED:
            raise Conflict(Reason("assignment.accepted", "您已接受该评审任务", "you accepted this assignment already"))
        accepted = ASSIGNMENT_LIFECYCLE.move(row["status"], AssignmentStatus.ACCEPTED, actor.role)
        async with write_transaction():
            done = await (
                ReviewAssignment.update({ReviewAssignment.status: accepted, ReviewAssignment.responded_at: now()})
                .where(
                    (ReviewAssignment.id == assignment_id)
                    & ReviewAssignment.status.is_in(sorted(ASSIGNMENT_LIFECYCLE.sources(accepted)))
                )
                .returning(ReviewAssignment.id)
            )
            if not done:
                raise Conflict(
                    Reason(
                        "assignment.changed",
                        "评审任务状态已变化，请刷新",
                        "the assignment changed meanwhile; reload it",
                    )
                )
            await audit(actor, PoolAction.ASSIGNMENT_ACCEPTED, "review_assignment", assignment_id)
        return []
    if not reason.strip():
        raise InvalidInput(Reason("assignment.reason", "请说明理由", "give a reason", "reason"))
    if await Review.exists().where((Review.assignment == assignment_id) & (Review.status == ReviewStatus.SUBMITTED)):
        raise Conflict(Reason("review.locked", "评审意见已提交，不能再更改", "the review is submitted and locked"))
    if chosen == RespondAction.DECLINE:
        return await withdraw_and_replace(actor, row, AssignmentStatus.DECLINED, reason.strip())
    if chosen == RespondAction.CONFLICT:
        await record_conflict(
            actor, row["item"], row["expert"], ConflictKind.EXPERT_DECLARED, ConflictSource.EXPERT, reason.strip()
        )
        return await withdraw_and_replace(actor, row, AssignmentStatus.CONFLICT, reason.strip())
    raise InvalidInput(Reason("assignment.action", "操作无效", "unknown action", "action"))


async def save_review(actor: Actor, assignment_id: int, data: ReviewIn) -> str:
    """Save a draft, or submit (every criterion valid); a submitted review is locked. Returns the status."""
    view = await my_assignment(actor, assignment_id)
    if view["assignment"]["status"] != AssignmentStatus.ACCEPTED:
        raise Conflict(Reason("review.not_accepted", "请先接受评审任务", "accept the assignment first"))
    existing = view["review"]
    if existing and existing["status"] == ReviewStatus.SUBMITTED:
        raise Conflict(Reason("review.locked", "评审意见已提交，不能再更改", "the review is submitted and locked"))
    form: ReviewForm = view["form"]
    known = {c.code for c in form.criteria}
    scores = {k: v for k, v in data.scores.items() if k in known}
    if data.recommendation and Recommendation.parse(data.recommendation) is None:
        raise InvalidInput(Reason("review.recommendation", "推荐意见无效", "unknown recommendation", "recommendation"))
    total = None
    if data.submit:
        problems = validate_review(form, data.scores)
        if not data.recommendation:
            problems.append(
                Reason("review.recommendation", "请选择推荐意见", "choose a recommendation", "recommendation")
            )
        if problems:
            raise InvalidInput(problems)
        total = weighted_total(form, scores)
    else:
        bad = [r for r in validate_review(form, scores) if r.code != "score_missing"]
        if bad:
            raise InvalidInput(bad)
    status = REVIEW_LIFECYCLE.move(
        existing["status"] if existing else REVIEW_LIFECYCLE.initial,
        ReviewStatus.SUBMITTED if data.submit else ReviewStatus.DRAFT,
        actor.role,
    )
    moment = now()
    values: dict[Any, Any] = {
        Review.scores: dumps(scores),
        Review.comment: data.comment.strip(),
        Review.recommendation: data.recommendation,
        Review.total: total,
        Review.status: status,
        Review.updated_at: moment,
        Review.submitted_at: moment if data.submit else None,
    }
    async with write_transaction():
        if existing:
            done = await (
                Review.update(values)
                .where((Review.id == existing["id"]) & Review.status.is_in(sorted(REVIEW_LIFECYCLE.sources(status))))
                .returning(Review.id)
            )
            if not done:
                raise Conflict(
                    Reason("review.locked", "评审意见已提交，不能再更改", "the review is submitted and locked")
                )
        else:
            fields: dict[str, Any] = {column._meta.name: value for column, value in values.items()}
            await Review.insert(Review(assignment=assignment_id, **fields))
        await audit(actor, REVIEW_ACTIONS[status], "review_assignment", assignment_id, {"total": total})
    return status
