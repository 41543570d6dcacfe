"""Sanctions on a society after a nomination's misconduct."""

from __future__ import annotations

import calendar
import datetime as dt

from accounts.rules import Actor, require_admin
from accounts.services import audit
from nominations.rules.lifecycles import NOMINATION
from nominations.rules.lifecycles import NominationState as N
from nominations.services.queries import get_nomination
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
        status = NOMINATION.move(current["status"], N.DISQUALIFIED, actor.role)
        await Nomination.update({Nomination.status: status, Nomination.updated_at: now()}).where(
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
    """The same day `months` later; where that month is shorter, its last day (31 Jan + 1 month
    is 28 or 29 Feb, never 3 March), so a 12-month sanction from 30 June ends on 30 June."""
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
