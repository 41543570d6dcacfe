"""Drafts: created by a society nominator, changed only while the record is editable."""

from __future__ import annotations

from typing import Any

from piccolo.columns import Column

from accounts.rules import Actor
from accounts.services import audit
from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.submission.kind import SubmissionKind, SubmissionState


async def create_draft(kind: SubmissionKind, actor: Actor, values: dict[str, Any], details: dict[str, Any]) -> int:
    """Insert a draft with `values` (the kind's own columns) and audit it; returns its id."""
    async with write_transaction():
        moment = now()
        record = kind.table(
            **values,
            status=SubmissionState.DRAFT,
            society_id=actor.society_id,
            created_by=actor.user_id,
            created_at=moment,
            updated_at=moment,
        )
        (inserted,) = await kind.table.insert(record)
        record_id = int(inserted["id"])
        await audit(actor, f"{kind.code}.created", kind.subject, record_id, details, actor.society_id)
    return record_id


async def update_draft(
    kind: SubmissionKind, actor: Actor, current: dict[str, Any], values: dict[str, Any], details: dict[str, Any]
) -> None:
    """Write `values` (column name → value) while the record is still editable: a submission
    that arrives meanwhile wins and this update is refused, never half-applied."""
    if current["status"] not in kind.editable:
        raise kind.locked()
    changes: dict[Column | str, Any] = {kind.column(name): value for name, value in values.items()}
    changes[kind.column("updated_at")] = now()
    async with write_transaction():
        done = (
            await kind.table.update(changes)
            .where((kind.column("id") == current["id"]) & kind.column("status").is_in(sorted(kind.editable)))
            .returning(kind.column("id"))
        )
        if not done:
            raise kind.changed()
        await audit(actor, f"{kind.code}.updated", kind.subject, current["id"], details, current["society_id"])
