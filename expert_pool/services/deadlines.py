"""Review deadlines in use: the automatic reminders before a batch's deadline (once per batch,
expert and deadline), each assignment's standing against the deadline, and the withdrawal of an
overdue assignment, replaced like a decline."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from expert_pool.rules.deadlines import REMINDER_DAYS_BEFORE, Lateness, lateness, reminder_due
from expert_pool.rules.lifecycles import HOLDING, AssignmentStatus, BatchStatus, ReviewStatus
from expert_pool.rules.vocabulary import PoolAction, WithdrawReason
from expert_pool.services._shared import assignment_not_found
from expert_pool.services.batches import get_batch
from expert_pool.services.notices import tell_reminded
from expert_pool.services.replacement import withdraw_and_replace
from expert_pool.tables import Reminder, Review, ReviewAssignment, ReviewBatch
from xuehui.clock import china_date, now, today
from xuehui.db import serialize_on, write_transaction
from xuehui.errors import Conflict, InvalidInput, Reason

# `sent_by` of a reminder no person sent (the scheduled sweep from the command line).
SYSTEM_SENDER = 0


def submitted_on(review: dict[str, Any] | None) -> dt.date | None:
    """The China date a review was submitted on, or None while it is not submitted."""
    if review is None or review["status"] != ReviewStatus.SUBMITTED or review["submitted_at"] is None:
        return None
    return china_date(review["submitted_at"])


async def _reviews_of(assignment_ids: list[int]) -> dict[int, dict[str, Any]]:
    rows = await Review.select(Review.assignment, Review.status, Review.submitted_at).where(
        Review.assignment.is_in(assignment_ids or [0])
    )
    return {r["assignment"]: r for r in rows}


async def _outstanding_experts(batch_id: int) -> list[int]:
    """Experts holding a place in the batch whose review of it is not submitted, in id order."""
    rows = await ReviewAssignment.select(ReviewAssignment.id, ReviewAssignment.expert, ReviewAssignment.status).where(
        ReviewAssignment.item.batch == batch_id
    )
    holding = [r for r in rows if r["status"] in HOLDING]
    reviews = await _reviews_of([r["id"] for r in holding])
    return sorted({r["expert"] for r in holding if submitted_on(reviews.get(r["id"])) is None})


async def send_deadline_reminders(
    actor: Actor | None, on: dt.date | None = None, days_before: int = REMINDER_DAYS_BEFORE
) -> int:
    """Remind every expert with an unsubmitted review in a batch whose deadline is within
    `days_before` days; never twice for the same batch, expert and deadline, so the sweep may run
    as often as wanted (`actor` None: the command line). Returns how many reminders were sent."""
    if actor is not None:
        require_admin(actor)
    day = on or today()
    batches = await ReviewBatch.select(ReviewBatch.id, ReviewBatch.name, ReviewBatch.deadline).where(
        (ReviewBatch.status == BatchStatus.ASSIGNED) & ReviewBatch.deadline.is_not_null()
    )
    return await _remind(actor, [b for b in batches if reminder_due(b["deadline"], day, days_before)])


async def remind_batch_now(actor: Actor, batch_id: int) -> int:
    """The admin's "remind everyone who has not submitted" for one batch, at any time (after
    the deadline too); still never twice for the same expert and deadline."""
    batch = await get_batch(actor, batch_id)
    if batch["status"] != BatchStatus.ASSIGNED or batch["deadline"] is None:
        raise InvalidInput(
            Reason(
                "reminder.no_deadline",
                "批次尚未分配专家或未设截止日期，无法发送截止提醒",
                "the batch has no assigned experts or no deadline to remind of",
            )
        )
    return await _remind(actor, [batch])


async def _remind(actor: Actor | None, due: list[dict[str, Any]]) -> int:
    wanted = {b["id"]: (b["deadline"], await _outstanding_experts(b["id"])) for b in due}
    sent: dict[int, int] = defaultdict(int)
    async with write_transaction():
        await serialize_on("review-deadline-reminders")
        existing = {
            (r["batch"], r["expert"], r["deadline"])
            for r in await Reminder.select(Reminder.batch, Reminder.expert, Reminder.deadline).where(
                (Reminder.kind == "deadline") & Reminder.batch.is_in(list(wanted) or [0])
            )
        }
        moment = now()
        fresh = [
            Reminder(
                batch=batch_id,
                expert=expert_id,
                kind="deadline",
                deadline=deadline,
                message="",
                sent_by=actor.user_id if actor is not None else SYSTEM_SENDER,
                sent_at=moment,
            )
            for batch_id, (deadline, experts) in wanted.items()
            for expert_id in experts
            if (batch_id, expert_id, deadline) not in existing
        ]
        if fresh:
            await Reminder.insert(*fresh)
        for reminder in fresh:
            sent[reminder.batch] += 1
        for batch_id, count in sent.items():
            await audit(actor, PoolAction.DEADLINE_REMINDERS_SENT, "review_batch", batch_id, {"experts": count})
        names = {b["id"]: str(b.get("name", "")) for b in due}
        for batch_id, (deadline, _experts) in wanted.items():
            reminded = [r.expert for r in fresh if r.batch == batch_id]
            await tell_reminded(names.get(batch_id, ""), deadline, reminded, f"review.reminder:{batch_id}:{deadline}")
    return len(fresh)


def assignment_lateness(deadline: dt.date | None, review: dict[str, Any] | None, on: dt.date) -> Lateness:
    return lateness(deadline, submitted_on(review), on)


async def withdraw_overdue(actor: Actor, assignment_id: int, batch_id: int | None = None) -> list[Reason]:
    """Withdraw an assignment whose review was not submitted by the batch's deadline and find
    another expert, as for a decline (`batch_id`: the batch it must belong to, as the page names
    it). Returns the reasons when nobody can take it."""
    require_admin(actor)
    row = (
        await ReviewAssignment.select(
            ReviewAssignment.id,
            ReviewAssignment.item,
            ReviewAssignment.expert,
            ReviewAssignment.status,
            ReviewAssignment.item.batch,
            ReviewAssignment.item.batch.deadline,  # type: ignore[union-attr]  # two-level join
        )
        .where(ReviewAssignment.id == assignment_id)
        .first()
    )
    if row is None or (batch_id is not None and row["item.batch"] != batch_id):
        raise assignment_not_found()
    review = (await _reviews_of([assignment_id])).get(assignment_id)
    standing = assignment_lateness(row["item.batch.deadline"], review, today())
    if row["status"] not in HOLDING or standing != Lateness.OVERDUE:
        raise Conflict(
            Reason(
                "assignment.not_overdue",
                "该评审任务未逾期（截止日期未过或评审已提交），不能按逾期撤换",
                "this assignment is not overdue (the deadline has not passed or the review is in)",
            )
        )
    return await withdraw_and_replace(actor, row, AssignmentStatus.OVERDUE, WithdrawReason.OVERDUE)
