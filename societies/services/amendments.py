"""Amendments of a signed task agreement: proposed by the society, approved or rejected by
the association; an approved amendment replaces the agreement."""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from societies import rules
from societies.rules import AMENDMENT_LIFECYCLE, AmendmentStatus, SocietiesAudit, SocietiesObject
from societies.schemas import AmendmentIn
from societies.services._shared import dump_agreement
from societies.services.pilots import get_pilot
from societies.tables import PilotAmendment, PilotProject
from xuehui.clock import now, today
from xuehui.db import write_transaction
from xuehui.errors import Conflict, InvalidInput, NotFound, Reason
from xuehui.text import require_clean

DECISION_AUDIT = {
    AmendmentStatus.APPROVED: SocietiesAudit.AMENDMENT_APPROVED,
    AmendmentStatus.REJECTED: SocietiesAudit.AMENDMENT_REJECTED,
}


async def propose_amendment(actor: Actor, project_id: int, data: AmendmentIn) -> int:
    require_clean(data)
    current = await get_pilot(actor, project_id)
    if not rules.amendable(current["status"]):
        raise Conflict(
            Reason("amendment.state", "只有已签署的项目才需要变更申请", "only signed projects take amendments")
        )
    if await PilotAmendment.exists().where(
        (PilotAmendment.project == project_id) & (PilotAmendment.status == AmendmentStatus.PROPOSED.value)
    ):
        raise Conflict(
            Reason("amendment.pending", "已有待审批的变更申请", "an amendment is already waiting for a decision")
        )
    agreement = data.agreement.with_kpi_keys()
    if problems := rules.agreement_problems(agreement.to_rules(), today()):
        raise InvalidInput(problems)
    async with write_transaction():
        number = await PilotAmendment.count().where(PilotAmendment.project == project_id) + 1
        amendment = PilotAmendment(
            project=project_id,
            number=number,
            reason=data.reason.strip(),
            before=dump_agreement(current["agreement"]),
            after=dump_agreement(agreement),
            status=AMENDMENT_LIFECYCLE.initial.value,
            proposed_by=actor.user_id,
            proposed_at=now(),
        )
        await amendment.save()
        await audit(
            actor,
            SocietiesAudit.AMENDMENT_PROPOSED,
            SocietiesObject.PILOT_PROJECT,
            project_id,
            {"number": number, "reason": data.reason},
            current["society_id"],
        )
    return int(amendment.id)


def _decided_already() -> Conflict:
    return Conflict(Reason("amendment.decided", "该变更申请已处理", "this amendment was decided already"))


async def decide_amendment(actor: Actor, amendment_id: int, approve: bool, note: str) -> None:
    require_admin(actor)
    row = await PilotAmendment.select().where(PilotAmendment.id == amendment_id).first()
    if row is None:
        raise NotFound(Reason("amendment.not_found", "变更申请不存在", "amendment not found"))
    project = await get_pilot(actor, row["project"])
    target = AmendmentStatus.APPROVED if approve else AmendmentStatus.REJECTED
    if row["status"] not in AMENDMENT_LIFECYCLE.sources(target):
        raise _decided_already()
    status = AMENDMENT_LIFECYCLE.move(row["status"], target, actor.role)
    async with write_transaction():
        # Guarded by the state it leaves, so two simultaneous decisions cannot both apply.
        done = await (
            PilotAmendment.update(
                {
                    PilotAmendment.status: status.value,
                    PilotAmendment.decided_by: actor.user_id,
                    PilotAmendment.decided_at: now(),
                    PilotAmendment.decision_note: note.strip(),
                }
            )
            .where(
                (PilotAmendment.id == amendment_id)
                & PilotAmendment.status.is_in(sorted(s.value for s in AMENDMENT_LIFECYCLE.sources(target)))
            )
            .returning(PilotAmendment.id)
        )
        if not done:
            raise _decided_already()
        if status == AmendmentStatus.APPROVED:
            await PilotProject.update({PilotProject.agreement: row["after"], PilotProject.updated_at: now()}).where(
                PilotProject.id == row["project"]
            )
        await audit(
            actor,
            DECISION_AUDIT[status],
            SocietiesObject.PILOT_PROJECT,
            row["project"],
            {"number": row["number"], "note": note},
            project["society_id"],
        )


async def list_amendments(actor: Actor, project_id: int) -> list[dict[str, Any]]:
    await get_pilot(actor, project_id)
    return await PilotAmendment.select().where(PilotAmendment.project == project_id).order_by(PilotAmendment.number)
