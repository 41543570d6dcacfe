"""Pages for societies, pilot projects and their public disclosure."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel, Field

from accounts import services as accounts
from accounts.rules import Actor
from societies import rules, services
from societies.forms import BLANK_ROWS, agreement_from_form, form_values, pilot_from_form
from societies.kpis import live_kpis
from societies.schemas import (
    ActionIn,
    AmendmentIn,
    EvaluationIn,
    KpiReadingIn,
    MeetingIn,
    ReportIn,
    SocietyIn,
)
from xuehui.clock import today
from xuehui.errors import DomainError, InvalidInput, Reason
from xuehui.excel_export import xlsx_response
from xuehui.i18n import gettext as _
from xuehui.i18n import pick
from xuehui.templating import errors_by_field
from xuehui.web import requires_role

admin_only = [requires_role("admin")]
society_staff = [requires_role("admin", "society", "exam_admin")]


def label(table: dict[str, tuple[str, str]], key: str | None) -> str:
    if key is None:
        return ""
    zh, en = table.get(key, (key, key))
    return pick(zh, en)


def _choices(table: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    return [(key, pick(zh, en)) for key, (zh, en) in table.items()]


def _vocabulary() -> dict[str, Any]:
    return {
        "function_types": _choices(rules.FUNCTION_TYPES),
        "leader_ranks": _choices(rules.LEADER_RANKS),
        "approving_bodies": _choices(rules.APPROVING_BODIES),
        "stage_names": _choices(rules.STAGES),
        "statuses": _choices(rules.STATUSES),
        "grades": _choices(rules.EVALUATION_GRADES),
        "label": label,
        "FUNCTION_TYPES": rules.FUNCTION_TYPES,
        "STATUSES": rules.STATUSES,
        "STAGES": rules.STAGES,
        "GRADES": rules.EVALUATION_GRADES,
        "LEADER_RANKS": rules.LEADER_RANKS,
        "blank_rows": BLANK_ROWS,
    }


# --- societies -----------------------------------------------------------------------------


class SocietyForm(BaseModel):
    code: str = Field(default="", max_length=20)
    name_zh: str = Field(default="", max_length=100)
    name_en: str = Field(default="", max_length=200)
    discipline_field: str = Field(default="", max_length=100)
    registration_no: str = Field(default="", max_length=50)
    secretary_general: str = Field(default="", max_length=50)


class StatusForm(BaseModel):
    status: str = Field(default="", max_length=20)
    reason: str = Field(default="", max_length=2000)


class StaffForm(BaseModel):
    username: str = Field(default="", max_length=200)
    display_name: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=200)
    role: str = Field(default="society", max_length=20)
    password: str = Field(default="", max_length=500)


def _society_in(form: SocietyForm) -> SocietyIn:
    if not form.code.strip() or not form.name_zh.strip():
        problems = []
        if not form.code.strip():
            problems.append(Reason("society.code", "请填写学会代码", "the code is required", "code"))
        if not form.name_zh.strip():
            problems.append(Reason("society.name", "请填写学会中文名称", "the Chinese name is required", "name_zh"))
        raise InvalidInput(problems)
    return SocietyIn(**form.model_dump())


@get("/admin/societies", include_in_schema=False, guards=admin_only)
async def societies_page(actor: NamedDependency[Actor], done: FromQuery[str] = "") -> Template:
    notices = {"created": _("The society was registered.")}
    return Template(
        "societies/societies.html",
        context={
            "societies": await services.list_societies(actor),
            "form": {},
            "notice": notices.get(done, ""),
            **_vocabulary(),
        },
    )


@post("/admin/societies", include_in_schema=False, status_code=303, guards=admin_only)
async def create_society(actor: NamedDependency[Actor], data: URLEncodedBody[SocietyForm]) -> Response[Any]:
    try:
        society_id = await services.create_society(actor, _society_in(data))
    except DomainError as error:
        return Template(
            "societies/societies.html",
            context={
                "societies": await services.list_societies(actor),
                "form": data.model_dump(),
                "errors": errors_by_field(error.reasons),
                **_vocabulary(),
            },
            status_code=error.status,
        )
    return Redirect(f"/admin/societies/{society_id}?done=created", status_code=303)


@get("/admin/societies.xlsx", include_in_schema=False, guards=admin_only)
async def export_societies(actor: NamedDependency[Actor]) -> Response[bytes]:
    rows = await services.list_societies(actor)
    return xlsx_response(
        "societies.xlsx",
        _("Societies"),
        [
            _("Code"),
            _("Chinese name"),
            _("English name"),
            _("Discipline field"),
            _("Registration number"),
            _("Secretary-general"),
            _("Status"),
        ],
        (
            [
                r["code"],
                r["name_zh"],
                r["name_en"],
                r["discipline_field"],
                r["registration_no"],
                r["secretary_general"],
                r["status"],
            ]
            for r in rows
        ),
    )


async def _society_context(actor: Actor, society_id: int) -> dict[str, Any]:
    society = await services.get_society(actor, society_id)
    return {
        "society": society,
        "staff": await accounts.users_of_society(society_id),
        "pilots": await services.list_pilots(actor, society_id=society_id)
        if actor.is_admin
        else await services.list_pilots(actor),
        **_vocabulary(),
    }


@get("/admin/societies/{society_id:int}", include_in_schema=False, guards=admin_only)
async def society_page(actor: NamedDependency[Actor], society_id: FromPath[int], done: FromQuery[str] = "") -> Template:
    notices = {
        "created": _("The society was registered."),
        "saved": _("Saved."),
        "staff": _("The staff account was created."),
        "status": _("The status was changed."),
    }
    context = await _society_context(actor, society_id)
    return Template(
        "societies/society.html", context={**context, "form": context["society"], "notice": notices.get(done, "")}
    )


@post("/admin/societies/{society_id:int}", include_in_schema=False, status_code=303, guards=admin_only)
async def update_society(
    actor: NamedDependency[Actor], society_id: FromPath[int], data: URLEncodedBody[SocietyForm]
) -> Response[Any]:
    try:
        await services.update_society(actor, society_id, _society_in(data))
    except DomainError as error:
        context = await _society_context(actor, society_id)
        return Template(
            "societies/society.html",
            context={**context, "form": data.model_dump(), "errors": errors_by_field(error.reasons)},
            status_code=error.status,
        )
    return Redirect(f"/admin/societies/{society_id}?done=saved", status_code=303)


@post("/admin/societies/{society_id:int}/status", include_in_schema=False, status_code=303, guards=admin_only)
async def society_status(
    actor: NamedDependency[Actor], society_id: FromPath[int], data: URLEncodedBody[StatusForm]
) -> Response[Any]:
    try:
        await services.set_society_status(actor, society_id, data.status, data.reason)
    except DomainError as error:
        context = await _society_context(actor, society_id)
        return Template(
            "societies/society.html",
            context={**context, "form": context["society"], "status_errors": errors_by_field(error.reasons)},
            status_code=error.status,
        )
    return Redirect(f"/admin/societies/{society_id}?done=status", status_code=303)


@post("/admin/societies/{society_id:int}/staff", include_in_schema=False, status_code=303, guards=admin_only)
async def add_staff(
    actor: NamedDependency[Actor], society_id: FromPath[int], data: URLEncodedBody[StaffForm]
) -> Response[Any]:
    try:
        await services.get_society(actor, society_id)
        if data.role not in ("society", "exam_admin"):
            raise InvalidInput(Reason("staff.role", "学会工作人员角色无效", "choose a society staff role", "role"))
        await accounts.create_user(
            actor,
            username=data.username,
            display_name=data.display_name,
            role=data.role,
            password=data.password,
            society_id=society_id,
            email=data.email,
        )
    except DomainError as error:
        context = await _society_context(actor, society_id)
        return Template(
            "societies/society.html",
            context={
                **context,
                "form": context["society"],
                "staff_form": data.model_dump(exclude={"password"}),
                "staff_errors": errors_by_field(error.reasons),
            },
            status_code=error.status,
        )
    return Redirect(f"/admin/societies/{society_id}?done=staff", status_code=303)


@get("/my-society", include_in_schema=False, guards=[requires_role("society", "exam_admin")])
async def my_society(actor: NamedDependency[Actor]) -> Template:
    if actor.society_id is None:
        raise InvalidInput(Reason("society.none", "您的账号未关联学会", "your account belongs to no society"))
    return Template("societies/my_society.html", context=await _society_context(actor, actor.society_id))


# --- pilot projects ------------------------------------------------------------------------


@get("/pilots", include_in_schema=False, guards=society_staff)
async def pilots_page(actor: NamedDependency[Actor], status: FromQuery[str] = "") -> Template:
    pilots = await services.list_pilots(actor, status=status)
    return Template("societies/pilots.html", context={"pilots": pilots, "status_filter": status, **_vocabulary()})


@get("/pilots.xlsx", include_in_schema=False, guards=society_staff)
async def export_pilots(actor: NamedDependency[Actor], status: FromQuery[str] = "") -> Response[bytes]:
    pilots = await services.list_pilots(actor, status=status)
    return xlsx_response(
        "pilot-projects.xlsx",
        _("Pilot projects"),
        [_("Society"), _("Title"), _("Function"), _("Department"), _("Status"), _("Current stage"), _("Leader")],
        (
            [
                p["society_name"],
                p["title"],
                label(rules.FUNCTION_TYPES, p["function_type"]),
                p["department"],
                label(rules.STATUSES, p["status"]),
                label(rules.STAGES, p["current_stage"]),
                p["agreement"].leader.name,
            ]
            for p in pilots
        ),
    )


async def _form_context(actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    societies = await services.list_societies(actor)
    return {"values": values, "societies": societies, **_vocabulary()}


@get("/pilots/new", include_in_schema=False, guards=society_staff)
async def new_pilot_page(actor: NamedDependency[Actor]) -> Template:
    return Template(
        "societies/pilot_form.html", context={**await _form_context(actor, form_values(None)), "action": "/pilots"}
    )


@post("/pilots", include_in_schema=False, status_code=303, guards=society_staff)
async def create_pilot(actor: NamedDependency[Actor], request: Request[Any, Any, Any]) -> Response[Any]:
    form = await request.form()
    pilot, agreement, problems = pilot_from_form(form)
    values = {
        **{k: form.get(k, "") for k in ("title", "function_type", "department", "society_id")},
        "agreement": agreement,
    }
    try:
        if problems or pilot is None:
            raise InvalidInput(problems)
        project_id = await services.create_pilot(actor, pilot)
    except DomainError as error:
        context = await _form_context(actor, values)
        return Template(
            "societies/pilot_form.html",
            context={**context, "action": "/pilots", "errors": errors_by_field(error.reasons)},
            status_code=error.status,
        )
    return Redirect(f"/pilots/{project_id}?done=created", status_code=303)


@get("/pilots/{project_id:int}/edit", include_in_schema=False, guards=society_staff)
async def edit_pilot_page(actor: NamedDependency[Actor], project_id: FromPath[int]) -> Template:
    project = await services.get_pilot(actor, project_id)
    return Template(
        "societies/pilot_form.html",
        context={
            **await _form_context(actor, form_values(project)),
            "action": f"/pilots/{project_id}/edit",
            "project": project,
        },
    )


@post("/pilots/{project_id:int}/edit", include_in_schema=False, status_code=303, guards=society_staff)
async def update_pilot(
    actor: NamedDependency[Actor], project_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    project = await services.get_pilot(actor, project_id)
    form = await request.form()
    pilot, agreement, problems = pilot_from_form(form)
    values = {
        **{k: form.get(k, "") for k in ("title", "function_type", "department")},
        "society_id": project["society_id"],
        "agreement": agreement,
    }
    try:
        if problems or pilot is None:
            raise InvalidInput(problems)
        await services.update_pilot(actor, project_id, pilot)
    except DomainError as error:
        context = await _form_context(actor, values)
        return Template(
            "societies/pilot_form.html",
            context={
                **context,
                "action": f"/pilots/{project_id}/edit",
                "project": project,
                "errors": errors_by_field(error.reasons),
            },
            status_code=error.status,
        )
    return Redirect(f"/pilots/{project_id}?done=saved", status_code=303)


def _allowed_actions(actor: Actor, project: dict[str, Any]) -> list[str]:
    actions = ["submit", "return", "sign_society", "sign_department", "sign_association", "start", "summarise", "close"]
    return [
        a
        for a in actions
        if not isinstance(rules.workflow_move(project["status"], a, actor.role, project["signed"]), Reason)
    ]


ACTION_LABELS: dict[str, tuple[str, str]] = {
    "submit": ("提交任务书", "Submit the agreement"),
    "return": ("退回修改", "Return for correction"),
    "sign_society": ("学会签署", "Sign for the society"),
    "sign_department": ("登记政府部门签署", "Record the department's signature"),
    "sign_association": ("省科协签署", "Sign for the association"),
    "start": ("开始实施", "Start implementation"),
    "summarise": ("进入总结阶段", "Move to the summary stage"),
    "close": ("结项", "Close the project"),
}


async def _pilot_context(actor: Actor, project_id: int) -> dict[str, Any]:
    records = await services.project_records(actor, project_id)
    project = records["project"]
    derived = await live_kpis(project["society_id"], project["function_type"])
    return {
        **records,
        "derived_kpis": derived,
        "actions": _allowed_actions(actor, records["project"]),
        "action_labels": ACTION_LABELS,
        "running": records["project"]["status"] in ("signed", "implementing", "summarising"),
        "today": today().isoformat(),
        **_vocabulary(),
    }


PILOT_NOTICES = {
    "created": ("试点项目已创建。", "The pilot project was created."),
    "saved": ("已保存。", "Saved."),
    "action": ("操作已完成。", "Done."),
    "record": ("记录已添加。", "The record was added."),
    "amendment": ("变更申请已提交。", "The amendment was proposed."),
    "decided": ("变更申请已处理。", "The amendment was decided."),
}


@get("/pilots/{project_id:int}", include_in_schema=False, guards=society_staff)
async def pilot_page(actor: NamedDependency[Actor], project_id: FromPath[int], done: FromQuery[str] = "") -> Template:
    context = await _pilot_context(actor, project_id)
    return Template(
        "societies/pilot.html",
        context={**context, "notice": label(PILOT_NOTICES, done) if done in PILOT_NOTICES else ""},
    )


async def _pilot_error(actor: Actor, project_id: int, error: DomainError, key: str) -> Template:
    context = await _pilot_context(actor, project_id)
    return Template(
        "societies/pilot.html", context={**context, key: errors_by_field(error.reasons)}, status_code=error.status
    )


class ActionForm(BaseModel):
    action: str = Field(default="", max_length=30)
    reason: str = Field(default="", max_length=2000)
    signed_on: str = Field(default="", max_length=20)


@post("/pilots/{project_id:int}/actions", include_in_schema=False, status_code=303, guards=society_staff)
async def pilot_action(
    actor: NamedDependency[Actor], project_id: FromPath[int], data: URLEncodedBody[ActionForm]
) -> Response[Any]:
    try:
        signed_on = services.as_date(data.signed_on, "signed_on")
        await services.act(actor, project_id, ActionIn(action=data.action, reason=data.reason, signed_on=signed_on))
    except DomainError as error:
        return await _pilot_error(actor, project_id, error, "action_errors")
    return Redirect(f"/pilots/{project_id}?done=action", status_code=303)


class ReportForm(BaseModel):
    kind: str = Field(default="progress", max_length=20)
    period: str = Field(default="", max_length=40)
    title: str = Field(default="", max_length=200)
    body: str = Field(default="", max_length=20000)
    published: str = Field(default="", max_length=5)


def _required(values: dict[str, str], labels: dict[str, tuple[str, str]]) -> None:
    missing = [
        Reason("form.required", f"请填写{zh}", f"{en} is required", key)
        for key, (zh, en) in labels.items()
        if not values.get(key, "").strip()
    ]
    if missing:
        raise InvalidInput(missing)


@post("/pilots/{project_id:int}/reports", include_in_schema=False, status_code=303, guards=society_staff)
async def add_report(
    actor: NamedDependency[Actor], project_id: FromPath[int], data: URLEncodedBody[ReportForm]
) -> Response[Any]:
    try:
        _required(
            data.model_dump(),
            {"period": ("报告期", "the period"), "title": ("标题", "the title"), "body": ("内容", "the text")},
        )
        await services.add_report(
            actor,
            project_id,
            ReportIn(
                kind=data.kind, period=data.period, title=data.title, body=data.body, published=bool(data.published)
            ),
        )
    except DomainError as error:
        return await _pilot_error(actor, project_id, error, "report_errors")
    return Redirect(f"/pilots/{project_id}?done=record#reports", status_code=303)


class PublishForm(BaseModel):
    published: str = Field(default="", max_length=5)
    project_id: int = 0


@post("/pilots/reports/{report_id:int}/publish", include_in_schema=False, status_code=303, guards=society_staff)
async def publish_report(
    actor: NamedDependency[Actor], report_id: FromPath[int], data: URLEncodedBody[PublishForm]
) -> Redirect:
    await services.set_report_published(actor, report_id, data.published == "1")
    return Redirect(f"/pilots/{data.project_id}?done=saved#reports", status_code=303)


class MeetingForm(BaseModel):
    held_on: str = Field(default="", max_length=20)
    attendees: str = Field(default="", max_length=2000)
    minutes: str = Field(default="", max_length=20000)


@post("/pilots/{project_id:int}/meetings", include_in_schema=False, status_code=303, guards=society_staff)
async def add_meeting(
    actor: NamedDependency[Actor], project_id: FromPath[int], data: URLEncodedBody[MeetingForm]
) -> Response[Any]:
    try:
        _required(data.model_dump(), {"held_on": ("会议日期", "the date"), "minutes": ("会议纪要", "the minutes")})
        held_on = services.as_date(data.held_on, "held_on")
        assert held_on is not None
        await services.add_meeting(
            actor, project_id, MeetingIn(held_on=held_on, attendees=data.attendees, minutes=data.minutes)
        )
    except DomainError as error:
        return await _pilot_error(actor, project_id, error, "meeting_errors")
    return Redirect(f"/pilots/{project_id}?done=record#meetings", status_code=303)


class EvaluationForm(BaseModel):
    evaluator: str = Field(default="", max_length=200)
    evaluated_on: str = Field(default="", max_length=20)
    score: str = Field(default="", max_length=10)
    grade: str = Field(default="", max_length=20)
    findings: str = Field(default="", max_length=20000)


def _decimal(raw: str, field: str) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation as error:
        raise InvalidInput(Reason("form.number", f"“{raw}”不是有效数字", f"“{raw}” is not a number", field)) from error
    if not value.is_finite():
        raise InvalidInput(Reason("form.number", f"“{raw}”不是有效数字", f"“{raw}” is not a number", field))
    return value


@post("/pilots/{project_id:int}/evaluations", include_in_schema=False, status_code=303, guards=admin_only)
async def add_evaluation(
    actor: NamedDependency[Actor], project_id: FromPath[int], data: URLEncodedBody[EvaluationForm]
) -> Response[Any]:
    try:
        _required(
            data.model_dump(),
            {
                "evaluator": ("评估机构", "the evaluator"),
                "evaluated_on": ("评估日期", "the date"),
                "score": ("得分", "the score"),
            },
        )
        evaluated_on = services.as_date(data.evaluated_on, "evaluated_on")
        assert evaluated_on is not None
        score = _decimal(data.score, "score").quantize(Decimal("0.1"))
        if not Decimal(0) <= score <= Decimal(100):
            raise InvalidInput(
                Reason("evaluation.score", "评估得分须在0到100之间", "the score must be between 0 and 100", "score")
            )
        await services.add_evaluation(
            actor,
            project_id,
            EvaluationIn(
                evaluator=data.evaluator,
                evaluated_on=evaluated_on,
                score=score,
                grade=data.grade,
                findings=data.findings,
            ),
        )
    except DomainError as error:
        return await _pilot_error(actor, project_id, error, "evaluation_errors")
    return Redirect(f"/pilots/{project_id}?done=record#evaluations", status_code=303)


class KpiForm(BaseModel):
    kpi_key: str = Field(default="", max_length=60)
    actual: str = Field(default="", max_length=20)
    recorded_on: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=1000)


@post("/pilots/{project_id:int}/kpi-readings", include_in_schema=False, status_code=303, guards=society_staff)
async def add_kpi_reading(
    actor: NamedDependency[Actor], project_id: FromPath[int], data: URLEncodedBody[KpiForm]
) -> Response[Any]:
    try:
        _required(
            data.model_dump(), {"actual": ("实际值", "the actual value"), "recorded_on": ("记录日期", "the date")}
        )
        recorded_on = services.as_date(data.recorded_on, "recorded_on")
        assert recorded_on is not None
        actual = _decimal(data.actual, "actual").quantize(Decimal("0.01"))
        if abs(actual) >= Decimal("1e12"):
            raise InvalidInput(Reason("form.number", "数值超出范围", "the value is out of range", "actual"))
        await services.add_kpi_reading(
            actor,
            project_id,
            KpiReadingIn(kpi_key=data.kpi_key, actual=actual, recorded_on=recorded_on, note=data.note),
        )
    except DomainError as error:
        return await _pilot_error(actor, project_id, error, "kpi_errors")
    return Redirect(f"/pilots/{project_id}?done=record#kpis", status_code=303)


@get("/pilots/{project_id:int}/amend", include_in_schema=False, guards=society_staff)
async def amend_page(actor: NamedDependency[Actor], project_id: FromPath[int]) -> Template:
    project = await services.get_pilot(actor, project_id)
    return Template(
        "societies/amend.html",
        context={**await _form_context(actor, form_values(project)), "project": project, "reason": ""},
    )


@post("/pilots/{project_id:int}/amend", include_in_schema=False, status_code=303, guards=society_staff)
async def propose_amendment(
    actor: NamedDependency[Actor], project_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    project = await services.get_pilot(actor, project_id)
    form = await request.form()
    agreement, problems = agreement_from_form(form)
    reason = str(form.get("reason", "")).strip()[:5000]
    try:
        if not reason:
            problems.append(Reason("amendment.reason", "请说明变更理由", "give the reason for the amendment", "reason"))
        if problems:
            raise InvalidInput(problems)
        await services.propose_amendment(actor, project_id, AmendmentIn(reason=reason, agreement=agreement))
    except DomainError as error:
        values = {**form_values(project), "agreement": agreement}
        return Template(
            "societies/amend.html",
            context={
                **await _form_context(actor, values),
                "project": project,
                "reason": reason,
                "errors": errors_by_field(error.reasons),
            },
            status_code=error.status,
        )
    return Redirect(f"/pilots/{project_id}?done=amendment", status_code=303)


class DecisionForm(BaseModel):
    decision: str = Field(default="", max_length=10)
    note: str = Field(default="", max_length=2000)
    project_id: int = 0


@post("/pilots/amendments/{amendment_id:int}/decision", include_in_schema=False, status_code=303, guards=admin_only)
async def decide_amendment(
    actor: NamedDependency[Actor], amendment_id: FromPath[int], data: URLEncodedBody[DecisionForm]
) -> Redirect:
    await services.decide_amendment(actor, amendment_id, data.decision == "approve", data.note)
    return Redirect(f"/pilots/{data.project_id}?done=decided", status_code=303)


# --- public disclosure ---------------------------------------------------------------------


@get("/public/pilots", include_in_schema=False)
async def public_pilots_page() -> Template:
    return Template("societies/public_pilots.html", context={"pilots": await services.public_pilots(), **_vocabulary()})


@get("/public/pilots.xlsx", include_in_schema=False)
async def export_public_pilots() -> Response[bytes]:
    pilots = await services.public_pilots()
    return xlsx_response(
        "pilot-disclosure.xlsx",
        _("Pilot disclosure"),
        [_("Society"), _("Title"), _("Function"), _("Department"), _("Status"), _("Current stage")],
        (
            [
                p["society_name"],
                p["title"],
                label(rules.FUNCTION_TYPES, p["function_type"]),
                p["department"],
                label(rules.STATUSES, p["status"]),
                label(rules.STAGES, p["current_stage"]),
            ]
            for p in pilots
        ),
    )


@get("/public/pilots/{project_id:int}", include_in_schema=False)
async def public_pilot_page(project_id: FromPath[int]) -> Template:
    return Template(
        "societies/public_pilot.html", context={"project": await services.public_pilot(project_id), **_vocabulary()}
    )


ROUTES = [
    societies_page,
    create_society,
    export_societies,
    society_page,
    update_society,
    society_status,
    add_staff,
    my_society,
    pilots_page,
    export_pilots,
    new_pilot_page,
    create_pilot,
    edit_pilot_page,
    update_pilot,
    pilot_page,
    pilot_action,
    add_report,
    publish_report,
    add_meeting,
    add_evaluation,
    add_kpi_reading,
    amend_page,
    propose_amendment,
    decide_amendment,
    public_pilots_page,
    export_public_pilots,
    public_pilot_page,
]
