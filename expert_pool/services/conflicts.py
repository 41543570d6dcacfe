"""The conflict queue: list, confirm or dismiss in bulk, pin one by hand, and record a declared
conflict (expert, nominee, administrator). A confirmed conflict withdraws the expert from the
item and replaces them at once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from expert_pool.rules.lifecycles import CONFLICT_LIFECYCLE, AssignmentStatus, ConflictStatus
from expert_pool.rules.vocabulary import (
    DECLARED_ACTIONS,
    ConflictDecision,
    ConflictKind,
    ConflictSource,
    PoolAction,
    WithdrawReason,
)
from expert_pool.services._shared import HOLDING_CODES, conflict_target_not_found
from expert_pool.services.replacement import withdraw_and_replace
from expert_pool.tables import ConflictRecord, Expert, ReviewAssignment, ReviewItem
from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.errors import InvalidInput, Reason
from xuehui.lifecycle import ANYONE

DECISIONS = {ConflictDecision.CONFIRM: ConflictStatus.CONFIRMED, ConflictDecision.DISMISS: ConflictStatus.DISMISSED}
DECIDED_ACTIONS = {
    ConflictStatus.CONFIRMED: PoolAction.CONFLICT_CONFIRMED,
    ConflictStatus.DISMISSED: PoolAction.CONFLICT_DISMISSED,
}


async def list_conflicts(actor: Actor, status: str = "potential", batch_id: int | None = None) -> list[dict[str, Any]]:
    require_admin(actor)
    query = ConflictRecord.select(
        *ConflictRecord.all_columns(), ConflictRecord.item.title, ConflictRecord.item.batch, ConflictRecord.expert.name
    ).order_by(ConflictRecord.id)
    if status:
        query = query.where(ConflictRecord.status == status)
    if batch_id is not None:
        query = query.where(ConflictRecord.item.batch == batch_id)
    return [
        {
            **row,
            "item_id": row["item"],
            "expert_id": row["expert"],
            "item_title": row["item.title"],
            "batch_id": row["item.batch"],
            "expert_name": row["expert.name"],
        }
        for row in await query
    ]


async def decide_conflicts(actor: Actor, ids: Sequence[int], decision: str) -> int:
    """Confirm or dismiss potential conflicts in bulk; a confirmed one withdraws the expert's
    assignment on that item and replaces them. Returns the number decided."""
    require_admin(actor)
    chosen = ConflictDecision.parse(decision)
    if chosen is None:
        raise InvalidInput(Reason("conflict.decision", "请选择确认或排除", "choose confirm or dismiss", "decision"))
    status = CONFLICT_LIFECYCLE.move(ConflictStatus.POTENTIAL, DECISIONS[chosen], actor.role)
    async with write_transaction():
        done = await (
            ConflictRecord.update(
                {
                    ConflictRecord.status: status,
                    ConflictRecord.decided_by: actor.user_id,
                    ConflictRecord.decided_at: now(),
                }
            )
            .where(ConflictRecord.id.is_in(list(ids)) & (ConflictRecord.status == ConflictStatus.POTENTIAL))
            .returning(ConflictRecord.id, ConflictRecord.item, ConflictRecord.expert)
        )
        for row in done:
            await audit(
                actor, DECIDED_ACTIONS[status], "conflict", row["id"], {"item": row["item"], "expert": row["expert"]}
            )
    if status == ConflictStatus.CONFIRMED:
        for row in done:
            await withdraw_for_conflict(actor, row["item"], row["expert"])
    return len(done)


async def pin_conflict(actor: Actor, item_id: int, expert_id: int, evidence: str) -> int:
    """An admin records a conflict directly (confirmed, source admin)."""
    require_admin(actor)
    if not await ReviewItem.exists().where(ReviewItem.id == item_id) or not await Expert.exists().where(
        Expert.id == expert_id
    ):
        raise conflict_target_not_found()
    record_id = await record_conflict(
        actor, item_id, expert_id, ConflictKind.ADMIN_PINNED, ConflictSource.ADMIN, evidence
    )
    await withdraw_for_conflict(actor, item_id, expert_id)
    return record_id


async def record_conflict(
    actor: Actor | None, item_id: int, expert_id: int, kind: str, source: ConflictSource, evidence: str
) -> int:
    """Record a declared conflict as confirmed (or confirm the one on record with new evidence)."""
    role = actor.role if actor else ANYONE
    async with write_transaction():
        existing = (
            await ConflictRecord.select(ConflictRecord.id, ConflictRecord.status)
            .where(
                (ConflictRecord.item == item_id) & (ConflictRecord.expert == expert_id) & (ConflictRecord.type == kind)
            )
            .first()
        )
        if existing:
            confirmed = CONFLICT_LIFECYCLE.move(existing["status"], ConflictStatus.CONFIRMED, role)
            await ConflictRecord.update({ConflictRecord.status: confirmed, ConflictRecord.evidence: evidence}).where(
                (ConflictRecord.id == existing["id"])
                & ConflictRecord.status.is_in(sorted(CONFLICT_LIFECYCLE.sources(confirmed)))
            )
            record_id = int(existing["id"])
        else:
            record = ConflictRecord(
                item=item_id,
                expert=expert_id,
                type=kind,
                source=source,
                status=ConflictStatus.CONFIRMED,
                evidence=evidence,
                found_at=now(),
                decided_by=actor.user_id if actor else None,
                decided_at=now(),
            )
            await record.save()
            record_id = int(record.id)
        await audit(actor, DECLARED_ACTIONS[source], "conflict", record_id, {"item": item_id, "expert": expert_id})
    return record_id


async def withdraw_for_conflict(actor: Actor, item_id: int, expert_id: int) -> None:
    row = (
        await ReviewAssignment.select()
        .where(
            (ReviewAssignment.item == item_id)
            & (ReviewAssignment.expert == expert_id)
            & ReviewAssignment.status.is_in(HOLDING_CODES)
        )
        .first()
    )
    if row is not None:
        await withdraw_and_replace(actor, row, AssignmentStatus.CONFLICT, WithdrawReason.CONFLICT_CONFIRMED)
