"""Sanctions on a society (false material, lobbying ...): recorded by the association, they
suspend the society's nominating at once for their period."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from societies.rules import SanctionKind, SocietiesAudit, SocietiesObject, SocietyStatus
from societies.tables import Sanction, Society
from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.errors import InvalidInput, Reason

# The kinds with their (zh, en) labels, as the nominations pages read them.
SANCTION_KINDS: dict[str, tuple[str, str]] = SanctionKind.labels()


async def record_sanction(
    actor: Actor,
    society_id: int,
    kind: str,
    reason: str,
    starts_on: dt.date,
    ends_on: dt.date | None,
    nomination_ref: str = "",
) -> int:
    """Record a sanction; it takes effect at once (callers check `sanctioned_on`)."""
    require_admin(actor)
    if SanctionKind.parse(kind) is None:
        raise InvalidInput(Reason("sanction.kind", "请选择违规类型", "choose the kind of misconduct", "kind"))
    if not reason.strip():
        raise InvalidInput(Reason("sanction.reason", "请写明处理理由", "give the reason", "reason"))
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput(
            Reason("sanction.dates", "结束日期早于开始日期", "the sanction ends before it starts", "ends_on")
        )
    async with write_transaction():
        sanction = Sanction(
            society=society_id,
            kind=kind,
            reason=reason.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            nomination_ref=nomination_ref,
            recorded_by=actor.user_id,
            recorded_at=now(),
        )
        await sanction.save()
        await audit(
            actor,
            SocietiesAudit.SOCIETY_SANCTIONED,
            SocietiesObject.SOCIETY,
            society_id,
            {"kind": kind, "until": ends_on},
            society_id,
            reason,
        )
    return int(sanction.id)


async def sanctions_of(society_ids: list[int] | None = None) -> list[dict[str, Any]]:
    query = Sanction.select().order_by(Sanction.starts_on, ascending=False)
    if society_ids is not None:
        query = query.where(Sanction.society.is_in(society_ids or [-1]))
    return await query


def sanction_active(sanction: dict[str, Any], on: dt.date) -> bool:
    return bool(sanction["starts_on"] <= on and (sanction["ends_on"] is None or on <= sanction["ends_on"]))


async def nominating_suspended(society_id: int, on: dt.date) -> bool:
    """True when the society is suspended or under an active sanction on `on`."""
    society, sanctions = await asyncio.gather(
        Society.select(Society.status).where(Society.id == society_id).first(), sanctions_of([society_id])
    )
    if society is None or society["status"] != SocietyStatus.ACTIVE:
        return True
    return any(sanction_active(s, on) for s in sanctions)
