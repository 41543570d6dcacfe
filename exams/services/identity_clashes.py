"""Identity clashes (身份证号冲突): an identity number belongs to the one account that registered
it in a plan. Another account registering with it is refused with a message that says nothing
about the number (`IDENTITY_CHECK`), and the clash goes to the exam office as a case; the office
voids the registration that misuses the number (audited, the row kept), and the real person can
then register."""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor
from accounts.services import audit
from exams.rules.actions import ExamAction
from exams.rules.lifecycles import REGISTRATION, RegistrationStatus, role_of
from exams.services._shared import plan_for_staff, require_staff
from exams.tables import IdentityClash, Registration
from xuehui.clock import now
from xuehui.db import serialize_on, write_transaction
from xuehui.errors import Conflict, NotFound, Reason

OPEN, RESOLVED = "open", "resolved"

# What an account is told when the number is another account's: the same whatever the number.
IDENTITY_CHECK = Reason(
    "registration.identity_check",
    "该身份证号暂不能通过本账号报名，已转考务人员核实；核实后请重新报名，或持身份证与考务机构联系",
    "this identity number cannot be registered from this account for now; the exam office will check "
    "it; register again once checked, or contact the office with your identity card",
    "id_number",
)


async def clash_with(plan_id: int, id_number: str, user_id: int | None) -> dict[str, Any] | None:
    """The plan's live registration under `id_number` made by another account, if any."""
    row = (
        await Registration.select(Registration.id, Registration.user_id)
        .where(
            (Registration.plan == plan_id)
            & (Registration.id_number == id_number)
            & (Registration.status != RegistrationStatus.VOIDED)
        )
        .first()
    )
    return row if row is not None and row["user_id"] != user_id else None


async def refuse_clash(actor: Actor, plan: dict[str, Any], registration_id: int, id_number: str, name: str) -> None:
    """Record the clash as a case for the office (once per account and number), then refuse
    with the neutral message."""
    async with write_transaction():
        await serialize_on(f"identity-clash:{registration_id}:{actor.user_id}")
        known = await IdentityClash.exists().where(
            (IdentityClash.registration == registration_id)
            & (IdentityClash.claimant_user_id == actor.user_id)
            & (IdentityClash.state == OPEN)
        )
        if not known:
            clash = await IdentityClash.insert(
                IdentityClash(
                    plan=plan["id"],
                    registration=registration_id,
                    claimant_user_id=actor.user_id,
                    claimant_name=name.strip()[:50],
                    id_number=id_number,
                    created_at=now(),
                )
            ).returning(IdentityClash.id)
            await audit(
                actor,
                ExamAction.IDENTITY_CLASH,
                "exam_identity_clash",
                clash[0]["id"],
                {"plan": plan["code"], "registration": registration_id},
                plan["society_id"],
            )
    raise Conflict(IDENTITY_CHECK)


async def clashes(actor: Actor, plan_id: int) -> list[dict[str, Any]]:
    """The plan's clashes, open first: who was refused, and the registration holding the number."""
    await plan_for_staff(actor, plan_id)
    return await (
        IdentityClash.select(
            *IdentityClash.all_columns(),
            IdentityClash.registration.name,
            IdentityClash.registration.status,
            IdentityClash.registration.created_at,
        )
        .where(IdentityClash.plan == plan_id)
        .order_by(IdentityClash.state)
        .order_by(IdentityClash.id)
    )


async def void_clashing_registration(actor: Actor, plan_id: int, clash_id: int) -> None:
    """The office found the registration holding the number to be someone else's: void it (its
    seat and ticket freed, the row kept) and close every open clash on it."""
    require_staff(actor)
    plan = await plan_for_staff(actor, plan_id)
    clash = await IdentityClash.select().where((IdentityClash.id == clash_id) & (IdentityClash.plan == plan_id)).first()
    if clash is None:
        raise NotFound(Reason("clash.not_found", "该核实事项不存在", "no such identity case"))
    reg = await Registration.select().where(Registration.id == clash["registration"]).first()
    if clash["state"] != OPEN or reg is None:
        raise Conflict(Reason("clash.closed", "该核实事项已处理", "this identity case is already resolved"))
    REGISTRATION.move(reg["status"], RegistrationStatus.VOIDED, role_of(actor))
    async with write_transaction():
        moment = now()
        voided = await (
            Registration.update(
                {
                    Registration.status: RegistrationStatus.VOIDED,
                    Registration.room: None,
                    Registration.seat_no: None,
                    Registration.ticket_no: None,
                    Registration.updated_at: moment,
                }
            )
            .where((Registration.id == reg["id"]) & (Registration.status == reg["status"]))
            .returning(Registration.id)
        )
        if not voided:
            raise Conflict(
                Reason("registration.changed", "报名状态已变化，请刷新", "the registration changed meanwhile")
            )
        await IdentityClash.update(
            {IdentityClash.state: RESOLVED, IdentityClash.resolved_by: actor.user_id, IdentityClash.resolved_at: moment}
        ).where((IdentityClash.registration == reg["id"]) & (IdentityClash.state == OPEN))
        await audit(
            actor,
            ExamAction.REGISTRATION_VOIDED,
            "exam_registration",
            reg["id"],
            {
                "plan": plan["code"],
                "clash": clash_id,
                "was": reg["status"],
                "user": reg["user_id"],
                "ticket_no": reg["ticket_no"],
            },
            plan["society_id"],
        )
