"""Integrity violations (违规失信) found against a society: recorded by the association with
their date of finding, they count in the eligibility adjustment's five-year look-back. They are
kept apart from sanctions, which are penalties with their own period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from societies.rules import IntegrityViolationKind, SocietiesAudit, SocietiesObject
from societies.services.registry import get_society
from societies.tables import IntegrityViolation
from xuehui.clock import now, today
from xuehui.db import write_transaction
from xuehui.errors import InvalidInput, Reason
from xuehui.text import free_text_problems, line_problems

# The longest description and source the record keeps.
DESCRIPTION_MAX = 2000
SOURCE_MAX = 200


def violation_problems(kind: str, found_on: dt.date | None, description: str, source: str) -> list[Reason]:
    """What is wrong with a violation as entered (empty when it can be recorded)."""
    problems = []
    if IntegrityViolationKind.parse(kind) is None:
        problems.append(Reason("violation.kind", "请选择失信行为类别", "choose the kind of violation", "kind"))
    if found_on is None:
        problems.append(Reason("violation.found_on", "请填写查实日期", "give the date it was found", "found_on"))
    elif found_on > today():
        problems.append(
            Reason("violation.found_on", "查实日期不能晚于今天", "the date found cannot be in the future", "found_on")
        )
    if not description.strip():
        problems.append(Reason("violation.description", "请写明查实的事实", "describe what was found", "description"))
    # The one rule for typed text: its length and the characters it may hold.
    problems += free_text_problems({"description": description}, DESCRIPTION_MAX)
    problems += line_problems({"source": source}, SOURCE_MAX)
    return problems


async def record_integrity_violation(
    actor: Actor, society_id: int, kind: str, found_on: dt.date | None, description: str, source: str = ""
) -> int:
    require_admin(actor)
    await get_society(actor, society_id)
    if problems := violation_problems(kind, found_on, description, source):
        raise InvalidInput(problems)
    assert found_on is not None
    async with write_transaction():
        violation = IntegrityViolation(
            society=society_id,
            kind=kind,
            found_on=found_on,
            description=description.strip(),
            source=source.strip(),
            recorded_by=actor.user_id,
            recorded_at=now(),
        )
        await violation.save()
        await audit(
            actor,
            SocietiesAudit.VIOLATION_RECORDED,
            SocietiesObject.SOCIETY,
            society_id,
            {"kind": kind, "found_on": found_on},
            society_id,
            description.strip(),
        )
    return int(violation.id)


async def integrity_violations_of(society_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """The recorded violations, newest finding first."""
    query = IntegrityViolation.select().order_by(IntegrityViolation.found_on, ascending=False)
    if society_ids is not None:
        query = query.where(IntegrityViolation.society.is_in(society_ids or [-1]))
    return await query
