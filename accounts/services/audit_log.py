"""The append-only audit log: one entry per state change, written in the change's own
transaction, and the administrators' filtered reading of it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from accounts.rules import Actor
from accounts.tables import AuditEntry
from xuehui.audit_chain import ChainReport, entry_hash, verify_chain
from xuehui.clock import aware, now
from xuehui.errors import Forbidden, Reason
from xuehui.settings import get_settings

# The most entries one reading returns unless the caller asks for fewer.
DEFAULT_LIMIT = 200
VERIFY_PAGE = 5000  # entries read at a time when the chain is verified


async def audit(
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: object = "",
    summary: dict[str, Any] | None = None,
    society_id: int | None = None,
    note: str = "",
    ip: str = "",
) -> None:
    """Append one entry, chained to the last one. Call inside the write transaction of the
    change it describes."""
    entry: dict[str, Any] = {
        "at": now(),
        "actor_id": actor.user_id if actor else None,
        "actor_name": actor.username if actor else "",
        "actor_role": actor.role if actor else "public",
        "action": str(action),
        "object_type": str(object_type),
        "object_id": str(object_id),
        "society_id": society_id,
        "summary": json.dumps(summary or {}, ensure_ascii=False, default=str, sort_keys=True),
        "ip": actor.ip if actor else ip,  # `ip`: where an anonymous attempt came from
        "note": note,
    }
    last = await AuditEntry.select(AuditEntry.entry_hash).order_by(AuditEntry.id, ascending=False).first()
    previous = last["entry_hash"] if last else ""
    own = entry_hash(get_settings().secret_key, previous, entry)
    await AuditEntry.insert(AuditEntry(**entry, prev_hash=previous, entry_hash=own))


async def verify_audit_chain() -> ChainReport:
    """The whole log checked against its hash chain, in id order (read in pages)."""
    entries = []
    after = 0
    while page := await AuditEntry.select().where(AuditEntry.id > after).order_by(AuditEntry.id).limit(VERIFY_PAGE):
        entries.extend(page)
        after = page[-1]["id"]
    return verify_chain(get_settings().secret_key, entries)


def _require_reader(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden(
            Reason("audit.forbidden", "只有管理员可以查看审计日志", "only administrators read the audit log")
        )


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    object_type: str = ""
    actor: str = ""
    society_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None


async def list_audit(
    actor: Actor, filters: AuditFilter, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> list[dict[str, Any]]:
    _require_reader(actor)
    query = AuditEntry.select().order_by(AuditEntry.id, ascending=False).limit(limit).offset(offset)
    if filters.action:
        query = query.where(AuditEntry.action.like(f"{filters.action}%"))
    if filters.object_type:
        query = query.where(AuditEntry.object_type == filters.object_type)
    if filters.actor:
        query = query.where(AuditEntry.actor_name == filters.actor)
    if filters.society_id is not None:
        query = query.where(AuditEntry.society_id == filters.society_id)
    if filters.since:
        query = query.where(AuditEntry.at >= dt.datetime.combine(filters.since, dt.time(), dt.UTC))
    if filters.until:
        query = query.where(
            AuditEntry.at < dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time(), dt.UTC)
        )
    rows = await query.output(load_json=True)
    for row in rows:
        row["at"] = aware(row["at"])
    return rows


async def audit_object_types(actor: Actor) -> list[str]:
    """The kinds of object the log names, for the view's filter."""
    _require_reader(actor)
    rows = await AuditEntry.select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)
    return [row["object_type"] for row in rows]
