"""Review (资格审核) of registrations by the exam office, and fees confirmed one by one."""

from __future__ import annotations

from accounts.rules import Actor
from accounts.services import audit
from exams.rules.actions import REVIEW_ACTIONS, ExamAction
from exams.rules.lifecycles import REGISTRATION, REVIEW_DECISIONS, RegistrationStatus, role_of
from exams.schemas import ReviewIn
from exams.services._shared import get_registration, require_staff
from exams.services.notices import tell_reviewed
from exams.tables import Registration
from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.errors import Conflict, InvalidInput, Reason
from xuehui.text import require_clean

# Returning or rejecting a registration tells the candidate why.
DECISIONS_NEEDING_A_REASON = ("reject", "return")


async def review(actor: Actor, registration_id: int, data: ReviewIn) -> None:
    require_clean(data)
    require_staff(actor)
    current = await get_registration(actor, registration_id)
    plan = current["plan_row"]
    target = REVIEW_DECISIONS.get(data.decision)
    if target is None:
        raise InvalidInput(Reason("review.decision", "请选择审核结论", "choose a decision", "decision"))
    if data.decision in DECISIONS_NEEDING_A_REASON and not data.note.strip():
        raise InvalidInput(Reason("review.note", "退回或不通过须写明理由", "give the reason", "note"))
    REGISTRATION.move(current["status"], target, role_of(actor))
    if target is RegistrationStatus.APPROVED and not current["eligible"]:
        raise Conflict(
            Reason(
                "review.ineligible",
                f"不符合报名条件，不能审核通过：{current['eligibility_zh']}",
                f"not eligible, cannot approve: {current['eligibility_en']}",
            )
        )
    async with write_transaction():
        # Guarded on the very state the reviewer saw: a correction in between must be seen first.
        done = await (
            Registration.update(
                {
                    Registration.status: target,
                    Registration.review_note: data.note.strip(),
                    Registration.updated_at: now(),
                }
            )
            .where((Registration.id == registration_id) & (Registration.status == current["status"]))
            .returning(Registration.id)
        )
        if not done:
            raise Conflict(
                Reason("registration.changed", "报名状态已变化，请刷新", "the registration changed meanwhile")
            )
        await audit(
            actor,
            REVIEW_ACTIONS[target],
            "exam_registration",
            registration_id,
            {"note": data.note},
            plan["society_id"],
        )
        await tell_reviewed(
            current, plan["name"], target, data.note.strip(), f"exam.reviewed:{registration_id}:{now().timestamp()}"
        )


async def mark_paid(actor: Actor | None, registration_id: int) -> None:
    require_staff(actor)
    current = await get_registration(actor, registration_id)
    if current["status"] != RegistrationStatus.APPROVED:
        raise Conflict(Reason("fee.not_approved", "审核通过后才能确认缴费", "only approved registrations can be paid"))
    if current["paid"]:
        return
    async with write_transaction():
        await Registration.update({Registration.paid: True, Registration.paid_at: now()}).where(
            Registration.id == registration_id
        )
        await audit(
            actor, ExamAction.FEE_PAID, "exam_registration", registration_id, {}, current["plan_row"]["society_id"]
        )
