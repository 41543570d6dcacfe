"""Society and pilot-project use cases. Every read is scoped to what the actor may see, and
every change is checked by the rules, written in one transaction and audited."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from decimal import Decimal
from typing import Any

from accounts.rules import Actor
from accounts.services import audit
from societies import rules
from societies.schemas import (
    ActionIn,
    AgreementDoc,
    AmendmentIn,
    EvaluationIn,
    KpiReadingIn,
    MeetingIn,
    PilotIn,
    ReportIn,
    SocietyIn,
)
from societies.tables import (
    KpiReading,
    PilotAmendment,
    PilotProject,
    ProgressReport,
    RegularMeeting,
    Sanction,
    Society,
    ThirdPartyEvaluation,
)
from xuehui.clock import now, today
from xuehui.db import write_transaction
from xuehui.errors import Conflict, Forbidden, InvalidInput, NotFound, Reason
from xuehui.text import require_clean

PUBLIC_STATUSES = ("signed", "implementing", "summarising", "closed")


def _admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden(Reason("forbidden", "只有管理员可以执行此操作", "only administrators may do this"))


def _society_not_found() -> NotFound:
    return NotFound(Reason("society.not_found", "学会不存在或无权查看", "society not found or not visible to you"))


def _pilot_not_found() -> NotFound:
    return NotFound(
        Reason("pilot.not_found", "试点项目不存在或无权查看", "pilot project not found or not visible to you")
    )


# --- societies -----------------------------------------------------------------------------


def _society_problems(data: SocietyIn) -> list[Reason]:
    problems = []
    if not data.code.strip().replace("-", "").replace("_", "").isalnum():
        problems.append(
            Reason(
                "society.code",
                "学会代码只能包含字母、数字、-和_",
                "the code may contain letters, digits, - and _",
                "code",
            )
        )
    if not data.name_zh.strip():
        problems.append(Reason("society.name", "请填写学会中文名称", "the Chinese name is required", "name_zh"))
    return problems


async def create_society(actor: Actor | None, data: SocietyIn) -> int:
    require_clean(data)
    if actor is not None:
        _admin(actor)
    if problems := _society_problems(data):
        raise InvalidInput(problems)
    code = data.code.strip().upper()
    async with write_transaction():
        if await Society.exists().where(Society.code == code):
            raise Conflict(Reason("society.code_taken", "学会代码已存在", "this society code exists already", "code"))
        society = Society(**{**data.model_dump(), "code": code}, status="active", created_at=now())
        await society.save()
        await audit(actor, "society.created", "society", society.id, {"code": code, "name": data.name_zh}, society.id)
    return int(society.id)


async def update_society(actor: Actor, society_id: int, data: SocietyIn) -> None:
    require_clean(data)
    _admin(actor)
    if problems := _society_problems(data):
        raise InvalidInput(problems)
    async with write_transaction():
        before = await Society.select().where(Society.id == society_id).first()
        if before is None:
            raise _society_not_found()
        code = data.code.strip().upper()
        if code != before["code"] and await Society.exists().where(Society.code == code):
            raise Conflict(Reason("society.code_taken", "学会代码已存在", "this society code exists already", "code"))
        after: dict[str, Any] = {**data.model_dump(), "code": code}
        await Society.update({getattr(Society, k): v for k, v in after.items()}).where(Society.id == society_id)
        changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
        await audit(actor, "society.updated", "society", society_id, changes, society_id)


async def set_society_status(actor: Actor, society_id: int, status: str, reason: str) -> None:
    _admin(actor)
    if status not in ("active", "suspended"):
        raise InvalidInput(Reason("society.status", "状态无效", "unknown status", "status"))
    if status == "suspended" and not reason.strip():
        raise InvalidInput(
            Reason("society.suspend_reason", "暂停学会须填写理由", "give a reason for suspending a society", "reason")
        )
    async with write_transaction():
        done = await Society.update({Society.status: status}).where(Society.id == society_id).returning(Society.id)
        if not done:
            raise _society_not_found()
        await audit(actor, f"society.{status}", "society", society_id, {"reason": reason}, society_id, note=reason)


async def list_societies(actor: Actor) -> list[dict[str, Any]]:
    query = Society.select().order_by(Society.code)
    if not actor.is_admin:
        if actor.society_id is None:
            return []
        query = query.where(Society.id == actor.society_id)
    return await query


async def get_society(actor: Actor, society_id: int) -> dict[str, Any]:
    if not actor.acts_for(society_id):
        raise _society_not_found()
    row = await Society.select().where(Society.id == society_id).first()
    if row is None:
        raise _society_not_found()
    return row


async def society_choices() -> list[tuple[int, str]]:
    rows = await Society.select(Society.id, Society.name_zh).order_by(Society.code)
    return [(r["id"], r["name_zh"]) for r in rows]


# --- pilot projects ------------------------------------------------------------------------


def _load_agreement(raw: Any) -> AgreementDoc:
    data = json.loads(raw) if isinstance(raw, str) else raw
    return AgreementDoc.model_validate(data or {})


def _dump_agreement(doc: AgreementDoc) -> str:
    return doc.model_dump_json()


def _signed(row: dict[str, Any]) -> frozenset[str]:
    return frozenset(p for p in rules.SIGNING_PARTIES if row[f"signed_{p}_on"] is not None)


def _pilot_view(row: dict[str, Any]) -> dict[str, Any]:
    agreement = _load_agreement(row["agreement"])
    return {
        **{k: v for k, v in row.items() if not k.startswith("society.")},
        "society_id": row["society"],
        "society_name": row.get("society.name_zh", ""),
        "agreement": agreement,
        "current_stage": rules.current_stage(agreement.to_rules().stages, today()),
        "signed": _signed(row),
    }


def _pilot_columns() -> list[Any]:
    return [*PilotProject.all_columns(), PilotProject.society.name_zh]


async def _pilot_row(project_id: int) -> dict[str, Any] | None:
    return await PilotProject.select(*_pilot_columns()).where(PilotProject.id == project_id).first()


async def get_pilot(actor: Actor, project_id: int) -> dict[str, Any]:
    row = await _pilot_row(project_id)
    if row is None or not actor.acts_for(row["society"]):
        raise _pilot_not_found()
    return _pilot_view(row)


async def list_pilots(actor: Actor, status: str = "", society_id: int | None = None) -> list[dict[str, Any]]:
    query = PilotProject.select(*_pilot_columns()).order_by(PilotProject.id, ascending=False)
    if not actor.is_admin:
        if actor.society_id is None:
            return []
        query = query.where(PilotProject.society == actor.society_id)
    elif society_id is not None:
        query = query.where(PilotProject.society == society_id)
    if status:
        query = query.where(PilotProject.status == status)
    return [_pilot_view(row) for row in await query]


def _pilot_problems(data: PilotIn) -> list[Reason]:
    problems = []
    if data.function_type not in rules.FUNCTION_TYPES:
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
        raise _society_not_found()
    if society["status"] != "active":
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
            status="draft",
            agreement=_dump_agreement(agreement),
            created_at=moment,
            updated_at=moment,
        )
        await project.save()
        await audit(actor, "pilot.created", "pilot_project", project.id, {"title": data.title}, society_id)
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
                    PilotProject.agreement: _dump_agreement(agreement),
                    PilotProject.updated_at: now(),
                }
            )
            .where((PilotProject.id == project_id) & (PilotProject.status == "draft"))
            .returning(PilotProject.id)
        )
        if not updated:
            raise Conflict(
                Reason("pilot.changed", "项目状态已变化，请刷新", "the project changed meanwhile; reload it")
            )
        await audit(actor, "pilot.updated", "pilot_project", project_id, {"title": data.title}, current["society_id"])


def submission_problems(agreement: AgreementDoc, department: str) -> list[Reason]:
    problems = rules.agreement_problems(agreement.to_rules(), today())
    if not department.strip():
        department_missing = Reason(
            "pilot.department", "请填写职能转出的政府部门", "name the responsible government department", "department"
        )
        problems.insert(0, department_missing)
    return problems


async def act(actor: Actor, project_id: int, data: ActionIn) -> str:
    """Take one workflow action; returns the new status."""
    require_clean(data)
    current = await get_pilot(actor, project_id)
    move = rules.workflow_move(current["status"], data.action, actor.role, current["signed"])
    if isinstance(move, Reason):
        raise Conflict(move)
    if data.action == "submit" and (problems := submission_problems(current["agreement"], current["department"])):
        raise InvalidInput(problems)
    if data.action == "return" and not data.reason.strip():
        raise InvalidInput(
            Reason("pilot.return_reason", "退回须写明理由", "give the reason for returning it", "reason")
        )
    if data.action == "summarise" and not await ProgressReport.exists().where(
        (ProgressReport.project == project_id) & (ProgressReport.kind == "final_summary")
    ):
        raise Conflict(
            Reason(
                "pilot.summary_missing",
                "进入总结阶段前请先提交总结报告",
                "add the final summary before moving to the summary stage",
            )
        )
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
    if data.action == "return":
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
            raise Conflict(
                Reason("pilot.changed", "项目状态已变化，请刷新", "the project changed meanwhile; reload it")
            )
        status = move.status
        if move.signature:
            # Two different parties may sign at once, each seeing the other's signature missing;
            # whoever writes last sees both and completes the signing.
            row = await PilotProject.select().where(PilotProject.id == project_id).first()
            if row is not None and _signed(row) == frozenset(rules.SIGNING_PARTIES):
                await PilotProject.update({PilotProject.status: "signed"}).where(PilotProject.id == project_id)
                status = "signed"
        await audit(
            actor,
            f"pilot.{data.action}",
            "pilot_project",
            project_id,
            {"from": current["status"], "to": status, "reason": data.reason},
            current["society_id"],
        )
    return status


# --- amendments ----------------------------------------------------------------------------


async def propose_amendment(actor: Actor, project_id: int, data: AmendmentIn) -> int:
    require_clean(data)
    current = await get_pilot(actor, project_id)
    if not rules.amendable(current["status"]):
        raise Conflict(
            Reason("amendment.state", "只有已签署的项目才需要变更申请", "only signed projects take amendments")
        )
    if await PilotAmendment.exists().where(
        (PilotAmendment.project == project_id) & (PilotAmendment.status == "proposed")
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
            before=_dump_agreement(current["agreement"]),
            after=_dump_agreement(agreement),
            status="proposed",
            proposed_by=actor.user_id,
            proposed_at=now(),
        )
        await amendment.save()
        await audit(
            actor,
            "pilot.amendment_proposed",
            "pilot_project",
            project_id,
            {"number": number, "reason": data.reason},
            current["society_id"],
        )
    return int(amendment.id)


async def decide_amendment(actor: Actor, amendment_id: int, approve: bool, note: str) -> None:
    _admin(actor)
    row = await PilotAmendment.select().where(PilotAmendment.id == amendment_id).first()
    if row is None:
        raise NotFound(Reason("amendment.not_found", "变更申请不存在", "amendment not found"))
    project = await get_pilot(actor, row["project"])
    if row["status"] != "proposed":
        raise Conflict(Reason("amendment.decided", "该变更申请已处理", "this amendment was decided already"))
    status = "approved" if approve else "rejected"
    async with write_transaction():
        await PilotAmendment.update(
            {
                PilotAmendment.status: status,
                PilotAmendment.decided_by: actor.user_id,
                PilotAmendment.decided_at: now(),
                PilotAmendment.decision_note: note.strip(),
            }
        ).where(PilotAmendment.id == amendment_id)
        if approve:
            await PilotProject.update({PilotProject.agreement: row["after"], PilotProject.updated_at: now()}).where(
                PilotProject.id == row["project"]
            )
        await audit(
            actor,
            f"pilot.amendment_{status}",
            "pilot_project",
            row["project"],
            {"number": row["number"], "note": note},
            project["society_id"],
        )


async def list_amendments(actor: Actor, project_id: int) -> list[dict[str, Any]]:
    await get_pilot(actor, project_id)
    return await PilotAmendment.select().where(PilotAmendment.project == project_id).order_by(PilotAmendment.number)


# --- records attached to a project -----------------------------------------------------------


async def _writable_running_pilot(actor: Actor, project_id: int) -> dict[str, Any]:
    current = await get_pilot(actor, project_id)
    if current["status"] in ("draft", "submitted", "closed"):
        raise Conflict(
            Reason(
                "pilot.not_running", "项目签署后、结项前才能添加此记录", "records are added between signing and closing"
            )
        )
    return current


async def add_report(actor: Actor, project_id: int, data: ReportIn) -> int:
    require_clean(data)
    current = await _writable_running_pilot(actor, project_id)
    if data.kind not in ("progress", "final_summary"):
        raise InvalidInput(Reason("report.kind", "报告类型无效", "unknown report kind", "kind"))
    async with write_transaction():
        report = ProgressReport(
            project=project_id,
            kind=data.kind,
            period=data.period.strip(),
            title=data.title.strip(),
            body=data.body.strip(),
            published=data.published,
            created_by=actor.user_id,
            created_at=now(),
        )
        await report.save()
        await audit(
            actor,
            "pilot.report_added",
            "pilot_project",
            project_id,
            {"title": data.title, "published": data.published},
            current["society_id"],
        )
    return int(report.id)


async def set_report_published(actor: Actor, report_id: int, published: bool) -> None:
    # A report that does not exist and one of another society's pilot get the same answer.
    hidden = NotFound(Reason("report.not_found", "报告不存在或无权查看", "report not found or not visible to you"))
    row = await ProgressReport.select(ProgressReport.project).where(ProgressReport.id == report_id).first()
    if row is None:
        raise hidden
    try:
        current = await get_pilot(actor, row["project"])
    except NotFound:
        raise hidden from None
    async with write_transaction():
        await ProgressReport.update({ProgressReport.published: published}).where(ProgressReport.id == report_id)
        await audit(
            actor,
            "pilot.report_published" if published else "pilot.report_unpublished",
            "progress_report",
            report_id,
            {},
            current["society_id"],
        )


async def add_meeting(actor: Actor, project_id: int, data: MeetingIn) -> int:
    require_clean(data)
    current = await _writable_running_pilot(actor, project_id)
    if data.held_on > today():
        raise InvalidInput(
            Reason("meeting.future", "例会日期不能晚于今天", "the meeting date cannot be in the future", "held_on")
        )
    async with write_transaction():
        meeting = RegularMeeting(
            project=project_id,
            held_on=data.held_on,
            attendees=data.attendees.strip(),
            minutes=data.minutes.strip(),
            created_by=actor.user_id,
            created_at=now(),
        )
        await meeting.save()
        await audit(
            actor, "pilot.meeting_added", "pilot_project", project_id, {"held_on": data.held_on}, current["society_id"]
        )
    return int(meeting.id)


async def add_evaluation(actor: Actor, project_id: int, data: EvaluationIn) -> int:
    require_clean(data)
    _admin(actor)
    current = await get_pilot(actor, project_id)
    if current["status"] in ("draft", "submitted"):
        raise Conflict(
            Reason("evaluation.state", "项目签署后才能录入第三方评估", "evaluations are recorded after signing")
        )
    if problems := rules.evaluation_problems(data.score, data.grade, data.evaluator):
        raise InvalidInput(problems)
    async with write_transaction():
        evaluation = ThirdPartyEvaluation(
            project=project_id,
            evaluator=data.evaluator.strip(),
            evaluated_on=data.evaluated_on,
            score=data.score,
            grade=data.grade,
            findings=data.findings.strip(),
            created_by=actor.user_id,
            created_at=now(),
        )
        await evaluation.save()
        await audit(
            actor,
            "pilot.evaluation_added",
            "pilot_project",
            project_id,
            {"grade": data.grade, "score": data.score},
            current["society_id"],
        )
    return int(evaluation.id)


async def add_kpi_reading(actor: Actor, project_id: int, data: KpiReadingIn) -> int:
    require_clean(data)
    current = await _writable_running_pilot(actor, project_id)
    keys = {k.key for k in current["agreement"].kpis}
    if data.kpi_key not in keys:
        raise InvalidInput(Reason("kpi.unknown", "任务书中没有该指标", "the agreement has no such KPI", "kpi_key"))
    if data.recorded_on > today():
        raise InvalidInput(
            Reason("kpi.future", "记录日期不能晚于今天", "the date cannot be in the future", "recorded_on")
        )
    async with write_transaction():
        reading = KpiReading(
            project=project_id,
            kpi_key=data.kpi_key,
            actual=data.actual,
            recorded_on=data.recorded_on,
            note=data.note.strip(),
        )
        await reading.save()
        await audit(
            actor,
            "pilot.kpi_recorded",
            "pilot_project",
            project_id,
            {"kpi": data.kpi_key, "actual": data.actual},
            current["society_id"],
        )
    return int(reading.id)


async def kpi_table(project: dict[str, Any]) -> list[dict[str, Any]]:
    """Each agreement KPI with its target and latest recorded actual."""
    readings = await (
        KpiReading.select()
        .where(KpiReading.project == project["id"])
        .order_by(KpiReading.recorded_on)
        .order_by(KpiReading.id)
    )
    latest: dict[str, dict[str, Any]] = {reading["kpi_key"]: reading for reading in readings}
    table = []
    for kpi in project["agreement"].kpis:
        reading = latest.get(kpi.key)
        actual: Decimal | None = reading["actual"] if reading else None
        share = (actual / kpi.target * 100).quantize(Decimal(1)) if actual is not None and kpi.target else None
        table.append(
            {
                "key": kpi.key,
                "name": kpi.name,
                "unit": kpi.unit,
                "target": kpi.target,
                "actual": actual,
                "share": share,
                "recorded_on": reading["recorded_on"] if reading else None,
            }
        )
    return table


async def project_records(actor: Actor, project_id: int) -> dict[str, Any]:
    project = await get_pilot(actor, project_id)
    return {
        "project": project,
        "kpis": await kpi_table(project),
        "reports": await ProgressReport.select()
        .where(ProgressReport.project == project_id)
        .order_by(ProgressReport.id),
        "meetings": await RegularMeeting.select()
        .where(RegularMeeting.project == project_id)
        .order_by(RegularMeeting.held_on),
        "evaluations": await ThirdPartyEvaluation.select()
        .where(ThirdPartyEvaluation.project == project_id)
        .order_by(ThirdPartyEvaluation.evaluated_on),
        "amendments": await PilotAmendment.select()
        .where(PilotAmendment.project == project_id)
        .order_by(PilotAmendment.number),
    }


async def latest_evaluation_grade(society_id: int) -> str | None:
    """The grade of the society's most recent third-party evaluation (feeds quota adjustment)."""
    row = await (
        ThirdPartyEvaluation.select(ThirdPartyEvaluation.grade)
        .where(ThirdPartyEvaluation.project.society == society_id)
        .order_by(ThirdPartyEvaluation.evaluated_on, ascending=False)
        .first()
    )
    return row["grade"] if row else None


async def active_pilot_of_type(society_id: int, function_type: str) -> dict[str, Any] | None:
    """The society's signed, running pilot project of one function type (e.g. award nomination)."""
    row = await (
        PilotProject.select(*_pilot_columns())
        .where(
            (PilotProject.society == society_id)
            & (PilotProject.function_type == function_type)
            & PilotProject.status.is_in(["signed", "implementing", "summarising"])
        )
        .order_by(PilotProject.id, ascending=False)
        .first()
    )
    return _pilot_view(row) if row else None


# --- public disclosure ---------------------------------------------------------------------


async def public_pilots() -> list[dict[str, Any]]:
    rows = await (
        PilotProject.select(*_pilot_columns())
        .where(PilotProject.status.is_in(list(PUBLIC_STATUSES)))
        .order_by(PilotProject.society.code)
        .order_by(PilotProject.id)
    )
    return [_pilot_view(row) for row in rows]


async def public_pilot(project_id: int) -> dict[str, Any]:
    row = await _pilot_row(project_id)
    if row is None or row["status"] not in PUBLIC_STATUSES:
        raise _pilot_not_found()
    view = _pilot_view(row)
    view["reports"] = await (
        ProgressReport.select()
        .where((ProgressReport.project == project_id) & (ProgressReport.published == True))  # noqa: E712 - Piccolo expression
        .order_by(ProgressReport.id)
    )
    return view


def as_date(value: str, field: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as error:
        raise InvalidInput(
            Reason("date.invalid", "日期格式应为YYYY-MM-DD", "dates are written YYYY-MM-DD", field)
        ) from error


# --- sanctions -------------------------------------------------------------------------------

SANCTION_KINDS: dict[str, tuple[str, str]] = {
    "false_material": ("提供虚假材料", "False material"),
    "lobbying": ("请托、游说", "Lobbying"),
    "other": ("其他违规", "Other misconduct"),
}


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
    _admin(actor)
    if kind not in SANCTION_KINDS:
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
            actor, "society.sanctioned", "society", society_id, {"kind": kind, "until": ends_on}, society_id, reason
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
    if society is None or society["status"] != "active":
        return True
    return any(sanction_active(s, on) for s in sanctions)


async def evaluation_history(society_ids: list[int]) -> dict[int, list[tuple[dt.date, str]]]:
    """Third-party evaluations per society (date, grade), for the eligibility adjustment."""
    rows = await ThirdPartyEvaluation.select(
        ThirdPartyEvaluation.evaluated_on, ThirdPartyEvaluation.grade, ThirdPartyEvaluation.project.society
    ).where(ThirdPartyEvaluation.project.society.is_in(society_ids or [-1]))
    found: dict[int, list[tuple[dt.date, str]]] = {}
    for row in rows:
        found.setdefault(row["project.society"], []).append((row["evaluated_on"], row["grade"]))
    return found


async def society_names(society_ids: list[int] | None = None) -> dict[int, str]:
    query = Society.select(Society.id, Society.name_zh)
    if society_ids is not None:
        query = query.where(Society.id.is_in(society_ids or [-1]))
    return {row["id"]: row["name_zh"] for row in await query}


async def active_society_ids() -> list[int]:
    return [row["id"] for row in await Society.select(Society.id).order_by(Society.code)]
