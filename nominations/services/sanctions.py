"""Sanctions on a society after a nomination's misconduct."""

from __future__ import annotations

import datetime as dt

from accounts.rules import Actor, require_admin
from accounts.services import audit
from nominations.services.projects import get_nomination
from nominations.tables import Nomination, NominationContributor
from societies import services as societies
from xuehui.clock import now, today
from xuehui.db import write_transaction


async def sanction_nomination(actor: Actor, nomination_id: int, kind: str, reason: str, months: int) -> None:
    """False material or lobbying: disqualify the nomination and suspend the society's
    nominating at once for the period (the sanction also feeds the next adjustment)."""
    require_admin(actor)
    current = await get_nomination(actor, nomination_id)
    starts = today()
    ends = add_years_months(starts, months)
    async with write_transaction():
        await societies.record_sanction(
            actor, current["society_id"], kind, reason, starts, ends, f"nomination:{nomination_id}"
        )
        await Nomination.update({Nomination.status: "disqualified", Nomination.updated_at: now()}).where(
            Nomination.id == nomination_id
        )
        await NominationContributor.delete().where(NominationContributor.nomination == nomination_id)
        await audit(
            actor,
            "nomination.disqualified",
            "nomination",
            nomination_id,
            {"kind": kind, "until": ends},
            current["society_id"],
            reason,
        )


def add_years_months(start: dt.date, months: int) -> dt.date:
    year, month = divmod(start.month - 1 + months, 12)
    day = min(start.day, 28)
    return dt.date(start.year + year, month + 1, day)
