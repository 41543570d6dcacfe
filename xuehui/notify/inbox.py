"""Each user's inbox: the outbox's messages to them, newest first, with read marks."""

from __future__ import annotations

from typing import Any

from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.tables import OutboxMessage

INBOX_PAGE = 100


async def inbox(user_id: int, limit: int = INBOX_PAGE) -> list[dict[str, Any]]:
    return await (
        OutboxMessage.select(
            OutboxMessage.id,
            OutboxMessage.subject,
            OutboxMessage.body,
            OutboxMessage.link,
            OutboxMessage.created_at,
            OutboxMessage.read_at,
        )
        .where(OutboxMessage.recipient_id == user_id)
        .order_by(OutboxMessage.id, ascending=False)
        .limit(limit)
    )


async def unread_count(user_id: int) -> int:
    return int(
        await OutboxMessage.count().where((OutboxMessage.recipient_id == user_id) & OutboxMessage.read_at.is_null())
    )


async def mark_read(user_id: int, message_id: int | None = None) -> int:
    """Mark one message (or, without an id, all of them) read; only the user's own."""
    mine = (OutboxMessage.recipient_id == user_id) & OutboxMessage.read_at.is_null()
    if message_id is not None:
        mine &= OutboxMessage.id == message_id
    async with write_transaction():
        done = await OutboxMessage.update({OutboxMessage.read_at: now()}).where(mine).returning(OutboxMessage.id)
    return len(done)
