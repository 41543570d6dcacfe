"""Violations (违纪违规): the office records a decision under MOHRSS Order No. 31; it voids the
subjects it names and may enter the candidate in the integrity record."""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor
from accounts.services import audit
from exams.rules import violations as vl
from exams.rules.actions import ExamAction
from exams.schemas import ViolationIn
from exams.services._shared import get_registration, require_staff
from exams.services.results import violations_of
from exams.tables import Violation
from xuehui.clock import now, today
from xuehui.db import write_transaction
from xuehui.errors import InvalidInput, Reason
from xuehui.text import require_clean


async def record_violation(actor: Actor | None, registration_id: int, data: ViolationIn) -> int:
    require_clean(data)
    require_staff(actor)
    reg = await get_registration(actor, registration_id)
    plan = reg["plan_row"]
    level = vl.ViolationLevel.parse(data.level)
    kind = vl.ViolationKind.parse(data.kind)
    if kind is None:
        raise InvalidInput(Reason("violation.kind", "请选择违纪违规类别", "choose the kind of case", "kind"))
    if level is None:
        raise InvalidInput(Reason("violation.level", "请选择违纪违规级别", "choose the level", "level"))
    if data.subject_code not in reg["subjects"]:
        raise InvalidInput(
            Reason("violation.subject", "考生未报考该科目", "the candidate did not sit this subject", "subject_code")
        )
    if not data.facts.strip() or not data.article.strip():
        raise InvalidInput(
            Reason("violation.facts", "请写明事实和依据条款", "state the facts and the article", "facts")
        )
    violation = vl.Violation(
        str(registration_id),
        plan["code"],
        data.subject_code,
        level,
        data.article.strip(),
        data.facts.strip(),
        today(),
        kind,
    )
    results = [vl.SubjectResult(str(registration_id), plan["code"], code, None) for code in reg["subjects"]]
    decision = vl.decide(violation, results)
    async with write_transaction():
        row = Violation(
            registration=registration_id,
            id_number=reg["id_number"],
            kind=kind,
            subject_code=data.subject_code,
            level=level,
            article=violation.article,
            facts=violation.facts,
            decided_on=violation.decided_on,
            record_until=decision.record_until,
            decision_zh=decision.text_zh,
            decision_en=decision.text_en,
            created_by=actor.user_id if actor else None,
            created_at=now(),
        )
        await row.save()
        await audit(
            actor,
            ExamAction.VIOLATION_RECORDED,
            "exam_registration",
            registration_id,
            {"kind": kind, "level": level, "voided": decision.voided_subjects},
            plan["society_id"],
        )
    return int(row.id)


async def violations_of_registration(registration_id: int) -> list[dict[str, Any]]:
    return (await violations_of([registration_id])).get(registration_id, [])
