"""Re-checks (成绩复查): a candidate asks within the window once per subject; the office decides,
and the re-checked score is final (it replaces the current score)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from accounts.rules import Actor
from accounts.services import audit
from exams.rules import rechecks as rc
from exams.rules.actions import ExamAction
from exams.rules.lifecycles import RECHECK, RecheckState, role_of
from exams.rules.score_model import ScoreStatus
from exams.rules.subjects import check_score
from exams.schemas import RecheckDecisionIn, RecheckIn
from exams.services._shared import get_registration, plan_for_staff, require_staff, subject_rules, subjects_of
from exams.services.notices import tell_recheck
from exams.services.results import current_scores, published_on
from exams.tables import Recheck, Score
from xuehui.clock import now, today
from xuehui.db import write_transaction
from xuehui.errors import Conflict, Forbidden, InvalidInput, NotFound, Reason
from xuehui.text import require_clean


def _no_published_score() -> InvalidInput:
    return InvalidInput(
        Reason("recheck.subject", "没有该科目的已公布成绩", "no published score for this subject", "subject_code")
    )


async def request_recheck(actor: Actor, registration_id: int, data: RecheckIn) -> int:
    require_clean(data)
    reg = await get_registration(actor, registration_id)
    if actor.role != "candidate":
        raise Forbidden(Reason("forbidden", "只有考生本人可以申请复查", "only the candidate asks for a re-check"))
    plan = reg["plan_row"]
    day = published_on(plan)
    subjects = await subject_rules(plan["id"])
    code = data.subject_code.strip().upper()
    if code not in reg["subjects"] or day is None:
        raise _no_published_score()
    score = (await current_scores([registration_id])).get(registration_id, {}).get(code)
    if score is None:
        raise _no_published_score()
    earlier = [
        r["subject_code"]
        for r in await Recheck.select(Recheck.subject_code).where(Recheck.registration == registration_id)
    ]
    refusal = rc.recheck_refusal(
        subjects[code],
        ScoreStatus(score["status"]),
        Decimal(score["score"]) if score["score"] is not None else None,
        day,
        today(),
        earlier,
    )
    if refusal is not None:
        raise Conflict(refusal)
    async with write_transaction():
        row = Recheck(
            registration=registration_id,
            subject_code=code,
            reason=data.reason.strip(),
            state=RECHECK.initial,
            old_score=score["score"],
            old_status=score["status"],
            requested_at=now(),
        )
        await row.save()
        await audit(
            actor,
            ExamAction.RECHECK_REQUESTED,
            "exam_registration",
            registration_id,
            {"subject": code},
            plan["society_id"],
        )
    return int(row.id)


async def list_rechecks(actor: Actor | None, plan_id: int) -> list[dict[str, Any]]:
    await plan_for_staff(actor, plan_id)
    return await (
        Recheck.select(*Recheck.all_columns(), Recheck.registration.name, Recheck.registration.ticket_no)
        .where(Recheck.registration.plan == plan_id)
        .order_by(Recheck.id)
    )


async def decide_recheck(actor: Actor | None, recheck_id: int, data: RecheckDecisionIn) -> str:
    require_clean(data)
    require_staff(actor)
    row = await Recheck.select().where(Recheck.id == recheck_id).first()
    if row is None:
        raise NotFound(
            Reason("recheck.not_found", "复查申请不存在或无权查看", "re-check not found or not visible to you")
        )
    reg = await get_registration(actor, row["registration"])
    plan = reg["plan_row"]
    done = RECHECK.move(row["state"], RecheckState.DONE, role_of(actor))
    new_status = ScoreStatus.parse(data.new_status)
    if new_status is None:
        raise InvalidInput(Reason("recheck.status", "状态无效", "unknown status", "new_status"))
    subject = (await subject_rules(plan["id"]))[row["subject_code"]]
    new_score = data.new_score if new_status is not ScoreStatus.ABSENT else None
    if new_score is not None and (problem := check_score(new_score, subject, "new_score")):
        raise InvalidInput(problem)
    if new_status is ScoreStatus.PRESENT and new_score is None:
        raise InvalidInput(Reason("recheck.score", "请填写复查后的成绩", "give the re-checked score", "new_score"))
    old_score = Decimal(row["old_score"]) if row["old_score"] is not None else None
    outcome = rc.recheck_result(old_score, ScoreStatus(row["old_status"]), new_score, new_status)
    async with write_transaction():
        decided = await (
            Recheck.update(
                {
                    Recheck.state: done,
                    Recheck.outcome: outcome.outcome,
                    Recheck.new_score: new_score,
                    Recheck.new_status: new_status,
                    Recheck.note: data.note.strip(),
                    Recheck.handled_by: actor.user_id if actor else None,
                    Recheck.handled_at: now(),
                }
            )
            .where((Recheck.id == recheck_id) & Recheck.state.is_in(list(RECHECK.sources(done))))
            .returning(Recheck.id)
        )
        if not decided:
            raise Conflict(Reason("recheck.done", "该复查已处理", "this re-check was handled already"))
        await Score.update({Score.score: new_score, Score.status: new_status}).where(
            (Score.registration == row["registration"])
            & (Score.subject_code == row["subject_code"])
            & (Score.current == True)  # noqa: E712
        )
        await audit(
            actor,
            ExamAction.RECHECK_DECIDED,
            "exam_registration",
            row["registration"],
            {"outcome": outcome.outcome},
            plan["society_id"],
        )
        names = {s["code"]: s["name"] for s in await subjects_of(plan["id"])}
        subject_name = str(names.get(row["subject_code"]) or row["subject_code"])
        await tell_recheck(reg, plan["name"], subject_name, outcome.outcome, f"exam.recheck:{recheck_id}")
    return outcome.outcome.value
