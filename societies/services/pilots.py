"""Pilot projects (试点项目) and their task agreement: create and edit a draft, and the
workflow from submission through the three signatures to closing."""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor
from accounts.services import audit
from societies import rules
from societies.rules import PILOT_LIFECYCLE, PilotAction, PilotStatus, SocietiesAudit, SocietiesObject, SocietyStatus
from societies.schemas import ActionIn, AgreementDoc, PilotIn
from societies.services._shared import (
    changed_meanwhile,
    dump_agreement,
    pilot_columns,
    pilot_not_found,
    pilot_row,
    pilot_view,
    signed_parties,
    society_not_found,
)
from societies.tables import PilotProject, ProgressReport, Society
from xuehui.clock import now, today
from xuehui.db import write_transaction
from xuehui.errors import Conflict, Forbidden, InvalidInput, Reason
from xuehui.text import require_clean


async def get_pilot(actor: Actor, project_id: int) -> dict[str, Any]:
    row = await pilot_row(project_id)
    if row is None or not actor.acts_for(row["society"]):
        raise pilot_not_found()
    return pilot_view(row)


async def list_pilots(actor: Actor, status: str = "", society_id: int | None = None) -> list[dict[str, Any]]:
    query = PilotProject.select(*pilot_columns()).order_by(PilotProject.id, ascending=False)
    if not actor.is_admin:
        if actor.society_id is None:
            return []
        query = query.where(PilotProject.society == actor.society_id)
    elif society_id is not None:
        query = query.where(PilotProject.society == society_id)
    if status:
        query = query.where(PilotProject.status == status)
    return [pilot_view(row) for row in await query]


async def active_pilot_of_type(society_id: int, function_type: str) -> dict[str, Any] | None:
    """The society's signed, running pilot project of one function type (e.g. award nomination)."""
    row = await (
        PilotProject.select(*pilot_columns())
        .where(
            (PilotProject.society == society_id)
            & (PilotProject.function_type == function_type)
            & PilotProject.status.is_in(sorted(s.value for s in rules.RUNNING))
        )
        .order_by(PilotProject.id, ascending=False)
        .first()
    )
    return pilot_view(row) if row else None


async def societies_running(function_type: str) -> list[int]:
    """The active (not suspended) societies with a signed, running pilot project of one function
    type, each once, in register order: for award nomination, the societies that may nominate."""
    rows = await (
        PilotProject.select(PilotProject.society)
        .where(
            (PilotProject.function_type == function_type)
            & PilotProject.status.is_in(sorted(s.value for s in rules.RUNNING))
            & (PilotProject.society.status == SocietyStatus.ACTIVE)
        )
        .order_by(PilotProject.society.code)
    )
    return list(dict.fromkeys(row["society"] for row in rows))


def _pilot_problems(data: PilotIn) -> list[Reason]:
    problems = []
    if rules.FunctionType.parse(data.function_type) is None:
        problems.append(
            Reason("pilot.function_type", "请选择承接的职能类型", "choose the transferred function", "function_type")
        )
    if not data.title.strip():
        problems.append(Reason("pilot.title", "请填写项目名称", "the title is required", "title"))
    return problems


async def create_pilot(actor: Actor, data: PilotIn) -> int:
    require_clean(data)
    society_id = data.society_id if actor.is_admin else actor.society_id
    if society_id is None or not actor.acts_for(society_id):
        raise Forbidden(
            Reason(
                "pilot.society",
                "只能为本学会创建试点项目",
                "you can create pilot projects only for your own society",
                "society_id",
            )
        )
    if problems := _pilot_problems(data):
        raise InvalidInput(problems)
    society = await Society.select(Society.status).where(Society.id == society_id).first()
    if society is None:
        raise society_not_found()
    if society["status"] != SocietyStatus.ACTIVE:
        raise Conflict(
            Reason(
                "society.suspended",
                "学会已被暂停，不能新建试点项目",
                "the society is suspended and cannot start a pilot project",
            )
        )
    agreement = data.agreement.with_kpi_keys()
    async with write_transaction():
        moment = now()
        project = PilotProject(
            society=society_id,
            title=data.title.strip(),
            function_type=data.function_type,
            department=data.department.strip(),
            status=PILOT_LIFECYCLE.initial.value,
            agreement=dump_agreement(agreement),
            created_at=moment,
            updated_at=moment,
        )
        await project.save()
        created = {"title": data.title}
        await audit(actor, SocietiesAudit.PILOT_CREATED, SocietiesObject.PILOT_PROJECT, project.id, created, society_id)
    return int(project.id)


async def update_pilot(actor: Actor, project_id: int, data: PilotIn) -> None:
    require_clean(data)
    current = await get_pilot(actor, project_id)
    if not rules.editable(current["status"]):
        raise Conflict(
            Reason(
                "pilot.locked",
                "任务书已提交或签署，只能通过变更申请修改",
                "the agreement is submitted or signed; change it through an amendment",
            )
        )
    if problems := _pilot_problems(data):
        raise InvalidInput(problems)
    agreement = data.agreement.with_kpi_keys()
    async with write_transaction():
        updated = await (
            PilotProject.update(
                {
                    PilotProject.title: data.title.strip(),
                    PilotProject.function_type: data.function_type,
                    PilotProject.department: data.department.strip(),
                    PilotProject.agreement: dump_agreement(agreement),
                    PilotProject.updated_at: now(),
                }
            )
            .where((PilotProject.id == project_id) & (PilotProject.status == PilotStatus.DRAFT.value))
            .returning(PilotProject.id)
        )
        if not updated:
            raise changed_meanwhile()
        await audit(
            actor,
            SocietiesAudit.PILOT_UPDATED,
            SocietiesObject.PILOT_PROJECT,
            project_id,
            {"title": data.title},
            current["society_id"],
        )


def submission_problems(agreement: AgreementDoc, department: str) -> list[Reason]:
    problems = rules.agreement_problems(agreement.to_rules(), today())
    if not department.strip():
        department_missing = Reason(
            "pilot.department", "请填写职能转出的政府部门", "name the responsible government department", "department"
        )
        problems.insert(0, department_missing)
    return problems


async def _action_problems(current: dict[str, Any], project_id: int, data: ActionIn) -> None:
    """What keeps an allowed action from being taken on this project now."""
    if data.action == PilotAction.SUBMIT and (
        problems := submission_problems(current["agreement"], current["department"])
    ):
        raise InvalidInput(problems)
    if data.action == PilotAction.RETURN and not data.reason.strip():
        raise InvalidInput(
            Reason("pilot.return_reason", "退回须写明理由", "give the reason for returning it", "reason")
        )
    if data.action == PilotAction.SUMMARISE and not await ProgressReport.exists().where(
        (ProgressReport.project == project_id) & (ProgressReport.kind == rules.ReportKind.FINAL_SUMMARY.value)
    ):
        raise Conflict(
            Reason(
                "pilot.summary_missing",
                "进入总结阶段前请先提交总结报告",
                "add the final summary before moving to the summary stage",
            )
        )


async def act(actor: Actor, project_id: int, data: ActionIn) -> str:
    """Take one workflow action; returns the new status."""
    require_clean(data)
    current = await get_pilot(actor, project_id)
    move = rules.workflow_move(current["status"], data.action, actor.role, current["signed"])
    if isinstance(move, Reason):
        raise Conflict(move)
    await _action_problems(current, project_id, data)
    values: dict[Any, Any] = {PilotProject.status: move.status, PilotProject.updated_at: now()}
    if move.signature:
        signed_on = data.signed_on or today()
        if signed_on > today():
            raise InvalidInput(
                Reason(
                    "pilot.signed_on", "签署日期不能晚于今天", "the signing date cannot be in the future", "signed_on"
                )
            )
        values[getattr(PilotProject, f"signed_{move.signature}_on")] = signed_on
    if data.action == PilotAction.RETURN:
        values[PilotProject.return_reason] = data.reason.strip()
        for party in rules.SIGNING_PARTIES:
            values[getattr(PilotProject, f"signed_{party}_on")] = None
    guard = (PilotProject.id == project_id) & (PilotProject.status == current["status"])
    if move.signature:
        guard &= getattr(PilotProject, f"signed_{move.signature}_on").is_null()
    async with write_transaction():
        # The state in the WHERE makes simultaneous actions on one project exclusive: only one
        # of two identical signatures, or of a submit and a return, can find the row unchanged.
        done = await PilotProject.update(values).where(guard).returning(PilotProject.id)
        if not done:
            raise changed_meanwhile()
        status = move.status
        if move.signature:
            # Two different parties may sign at once, each seeing the other's signature missing;
            # whoever writes last sees both and completes the signing.
            row = await PilotProject.select().where(PilotProject.id == project_id).first()
            if row is not None and signed_parties(row) == frozenset(rules.SIGNING_PARTIES):
                if row["status"] != PilotStatus.SIGNED:
                    PILOT_LIFECYCLE.move(row["status"], PilotStatus.SIGNED, actor.role)
                    await PilotProject.update({PilotProject.status: PilotStatus.SIGNED.value}).where(
                        PilotProject.id == project_id
                    )
                status = PilotStatus.SIGNED.value
        await audit(
            actor,
            f"pilot.{data.action}",
            SocietiesObject.PILOT_PROJECT,
            project_id,
            {"from": current["status"], "to": status, "reason": data.reason},
            current["society_id"],
        )
    return status
