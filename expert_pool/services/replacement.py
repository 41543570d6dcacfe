"""Replacement: an expert who declines or is conflicted leaves the item and the solver finds
another at once, keeping every accepted assignment (it may move experts who have not yet
accepted)."""

from __future__ import annotations

from typing import Any

import anyio.to_thread

from accounts.rules import Actor
from accounts.services import audit
from expert_pool.rules import AssignmentInfeasible, reassign
from expert_pool.rules.lifecycles import ASSIGNMENT_LIFECYCLE, HOLDING, AssignmentStatus
from expert_pool.rules.vocabulary import PoolAction
from expert_pool.services.notices import tell_replaced
from expert_pool.services.solver_input import build_problem_of
from expert_pool.tables import ReviewAssignment, ReviewBatch, ReviewItem
from xuehui.clock import now
from xuehui.db import serialize_on, write_transaction
from xuehui.errors import Conflict, Reason

WITHDRAWN_ACTIONS = {
    AssignmentStatus.DECLINED: PoolAction.ASSIGNMENT_DECLINED,
    AssignmentStatus.CONFLICT: PoolAction.ASSIGNMENT_CONFLICT,
    AssignmentStatus.OVERDUE: PoolAction.ASSIGNMENT_OVERDUE,
}


def _sources(target: AssignmentStatus) -> list[str]:
    """The statuses an assignment may be in for a move to `target` (the guard of the update)."""
    return sorted(ASSIGNMENT_LIFECYCLE.sources(target))


def batch_key(batch_id: int) -> str:
    """The key that makes the writers of one batch's assignments take turns (`serialize_on`)."""
    return f"review-batch:{batch_id}"


async def withdraw_and_replace(
    actor: Actor, row: dict[str, Any], status: AssignmentStatus, reason: str
) -> list[Reason]:
    """Mark an assignment declined, conflicted or overdue and replace the expert, keeping every
    accepted assignment. Returns the reasons when no replacement exists (the item stays short).

    The withdrawal, the read of the batch's assignments, the solve and the writes are one
    transaction that takes turns with every other writer of the batch: two replacements decided
    side by side would each see the same free capacity and could both give it away, loading an
    expert past the batch's limit."""
    withdrawn = ASSIGNMENT_LIFECYCLE.move(row["status"], status, actor.role)
    item = await ReviewItem.select(ReviewItem.batch).where(ReviewItem.id == row["item"]).first()
    assert item is not None
    async with write_transaction():
        await serialize_on(batch_key(item["batch"]))
        done = await (
            ReviewAssignment.update(
                {
                    ReviewAssignment.status: withdrawn,
                    ReviewAssignment.reason: reason,
                    ReviewAssignment.responded_at: now(),
                }
            )
            .where((ReviewAssignment.id == row["id"]) & ReviewAssignment.status.is_in(_sources(withdrawn)))
            .returning(ReviewAssignment.id)
        )
        if not done:
            raise Conflict(
                Reason(
                    "assignment.changed", "评审任务状态已变化，请刷新", "the assignment changed meanwhile; reload it"
                )
            )
        await audit(actor, WITHDRAWN_ACTIONS[withdrawn], "review_assignment", row["id"], {"reason": reason})
        batch = await ReviewBatch.select().where(ReviewBatch.id == item["batch"]).first()
        assert batch is not None
        return await _replace(actor, batch, row)


async def _replace(actor: Actor, batch: dict[str, Any], row: dict[str, Any]) -> list[Reason]:
    """Inside the batch's turn: solve for the withdrawn pair and store the change, or record why
    nobody can take it."""
    built = await build_problem_of(batch)
    current_rows = await ReviewAssignment.select(
        ReviewAssignment.id, ReviewAssignment.item, ReviewAssignment.expert, ReviewAssignment.status
    ).where(ReviewAssignment.item.batch == batch["id"])
    active = [r for r in current_rows if r["status"] in HOLDING]
    current = [(str(r["item"]), str(r["expert"])) for r in active] + [(str(row["item"]), str(row["expert"]))]
    accepted = [(str(r["item"]), str(r["expert"])) for r in active if r["status"] == AssignmentStatus.ACCEPTED]
    try:
        change = await anyio.to_thread.run_sync(
            lambda: reassign(built.problem, current, accepted, (str(row["item"]), str(row["expert"])))
        )
    except AssignmentInfeasible as refused:
        await audit(
            actor,
            PoolAction.REPLACEMENT_FAILED,
            "review_batch",
            batch["id"],
            {"item": row["item"], "reasons": [r.code for r in refused.reasons]},
        )
        return refused.reasons
    by_pair = {(r["item"], r["expert"]): r for r in current_rows}
    moment = now()
    for item_id, expert_id in change.removed[1:]:
        await ReviewAssignment.update({ReviewAssignment.status: AssignmentStatus.REPLACED}).where(
            (ReviewAssignment.item == int(item_id))
            & (ReviewAssignment.expert == int(expert_id))
            & ReviewAssignment.status.is_in(_sources(AssignmentStatus.REPLACED))
        )
    for item_id, expert_id in change.added:
        key = (int(item_id), int(expert_id))
        affinity = built.affinity.get(key, 0.0)
        if key in by_pair:
            await ReviewAssignment.update(
                {
                    ReviewAssignment.status: AssignmentStatus.ASSIGNED,
                    ReviewAssignment.assigned_at: moment,
                    ReviewAssignment.affinity: affinity,
                }
            ).where(
                (ReviewAssignment.id == by_pair[key]["id"])
                & ReviewAssignment.status.is_in(_sources(AssignmentStatus.ASSIGNED))
            )
        else:
            await ReviewAssignment.insert(
                ReviewAssignment(
                    item=key[0],
                    expert=key[1],
                    status=ASSIGNMENT_LIFECYCLE.initial,
                    affinity=affinity,
                    assigned_at=moment,
                )
            )
    await audit(
        actor,
        PoolAction.REPLACED,
        "review_batch",
        batch["id"],
        {"withdrawn": [row["item"], row["expert"]], "added": change.added, "moved": change.removed[1:]},
    )
    await tell_replaced(
        batch,
        [int(e) for _i, e in change.added],
        [int(row["expert"])] + [int(e) for _i, e in change.removed[1:]],
        f"review.replaced:{row['id']}:{moment.timestamp()}",
    )
    return []
