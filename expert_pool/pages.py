"""Pages of the expert pool: the registry, the conflict queue and review batches (admin), and the
expert portal (own assignments, review forms, profile and relations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from accounts.rules import Actor
from expert_pool import disciplines, excel, services
from expert_pool.schemas import (
    BatchIn,
    CriterionIn,
    ExpertIn,
    PanelIn,
    PersonIn,
    ProfileIn,
    RelationIn,
    ReviewFormIn,
    ReviewIn,
    ReviewItemIn,
)
from xuehui import jobs
from xuehui.errors import DomainError, InvalidInput, Reason
from xuehui.excel_export import XLSX_MEDIA_TYPE, xlsx_response
from xuehui.i18n import current_language, pick
from xuehui.i18n import gettext as _
from xuehui.settings import get_settings
from xuehui.templating import errors_by_field
from xuehui.web import requires_role

admin_only = [requires_role("admin")]
expert_only = [requires_role("expert")]

STATUS_LABELS = {
    "active": ("在库", "Active"),
    "suspended": ("暂停", "Suspended"),
    "retired": ("退出", "Retired"),
}
RANK_LABELS = {
    "": ("—", "—"),
    "senior": ("正高", "Senior"),
    "associate_senior": ("副高", "Associate senior"),
    "intermediate": ("中级", "Intermediate"),
    "other": ("其他", "Other"),
}
ASSIGNMENT_LABELS = {
    "assigned": ("待确认", "Awaiting reply"),
    "accepted": ("已接受", "Accepted"),
    "declined": ("已谢绝", "Declined"),
    "conflict": ("已回避", "Conflict declared"),
    "replaced": ("已调整", "Replaced"),
}
CONFLICT_TYPES = {
    "self": ("本人是完成人", "The expert is a contributor"),
    "same_name_unverified": ("同名待核实", "Same name, unverified"),
    "same_unit": ("同一单位", "Same unit"),
    "nominator_leader": ("提名学会负责人", "Leads the nominating society"),
    "recent_collaborator": ("近期合作者", "Recent collaborator"),
    "declared": ("申报的关系", "Declared relation"),
    "expert_declared": ("专家主动回避", "Declared by the expert"),
    "nominee_excluded": ("被提名方申请回避", "Excluded by the nominee"),
    "admin_pinned": ("管理员指定回避", "Pinned by an administrator"),
}
SOURCES = {
    "auto": ("自动识别", "Auto-detected"),
    "expert": ("专家申报", "Expert"),
    "nominee": ("被提名方", "Nominee"),
    "admin": ("管理员", "Administrator"),
}
CONFLICT_STATUSES = {
    "potential": ("待确认", "Potential"),
    "confirmed": ("已确认", "Confirmed"),
    "dismissed": ("已排除", "Dismissed"),
}
RELATIONS = {
    "advisor": ("导师", "Advisor"),
    "student": ("学生", "Student"),
    "relative": ("亲属", "Relative"),
    "collaborator": ("合作者", "Collaborator"),
    "other": ("其他", "Other"),
}
MODES = {
    "optimal": ("最优匹配", "Optimal"),
    "fair": ("公平优先", "Fair"),
    "random": ("随机抽取", "Random draw"),
}
STAGES = {"remote": ("网络评审", "Remote review"), "panel": ("会议评审", "Panel review")}
BATCH_STATUSES = {
    "draft": ("未分配", "Not assigned"),
    "assigned": ("已分配", "Assigned"),
    "closed": ("已结束", "Closed"),
}


def label(table: dict[str, tuple[str, str]], key: str | None) -> str:
    zh, en = table.get(key or "", (key or "", key or ""))
    return pick(zh, en)


def _choices(table: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    return [(key, pick(zh, en)) for key, (zh, en) in table.items()]


def _vocabulary() -> dict[str, Any]:
    return {
        "label": label,
        "STATUS_LABELS": STATUS_LABELS,
        "RANK_LABELS": RANK_LABELS,
        "ASSIGNMENT_LABELS": ASSIGNMENT_LABELS,
        "CONFLICT_TYPES": CONFLICT_TYPES,
        "SOURCES": SOURCES,
        "CONFLICT_STATUSES": CONFLICT_STATUSES,
        "RELATIONS": RELATIONS,
        "MODES": MODES,
        "STAGES": STAGES,
        "BATCH_STATUSES": BATCH_STATUSES,
        "RECOMMENDATIONS": services.RECOMMENDATIONS,
        "status_choices": _choices(STATUS_LABELS),
        "rank_choices": _choices(RANK_LABELS),
        "relation_choices": _choices(RELATIONS),
        "mode_choices": _choices(MODES),
        "stage_choices": _choices(STAGES),
        "recommendation_choices": [("", "—"), *_choices(services.RECOMMENDATIONS)],
        "region_choices": [("1", _("In the province")), ("0", _("Out of the province"))],
        "sex_choices": [("", "—"), ("male", _("Male")), ("female", _("Female"))],
        "discipline_name": lambda code: disciplines.discipline_name(code, current_language.get()),
        "discipline_choices": [
            (code, f"{code} {pick(zh, en)}") for code, (zh, en) in disciplines.disciplines().items()
        ],
        "criterion_name": lambda c: pick(c.name_zh, c.name_en),
    }


def _page(template: str, context: dict[str, Any], status_code: int = 200) -> Template:
    return Template(f"expert_pool/{template}", context={**context, **_vocabulary()}, status_code=status_code)


def _pydantic_reasons(error: ValidationError) -> InvalidInput:
    return InvalidInput(
        [
            Reason(
                "invalid",
                f"字段 {'.'.join(str(p) for p in e['loc'])} 无效：{e['msg']}",
                f"field {'.'.join(str(p) for p in e['loc'])} is invalid: {e['msg']}",
                str(e["loc"][0]) if e["loc"] else None,
            )
            for e in error.errors()
        ]
    )


# --- the registry --------------------------------------------------------------------------


class ExpertForm(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str = Field(default="", max_length=50)
    sex: str = Field(default="", max_length=10)
    id_number: str = Field(default="", max_length=30)
    title: str = Field(default="", max_length=50)
    rank: str = Field(default="", max_length=20)
    unit: str = Field(default="", max_length=200)
    in_province: str = Field(default="1", max_length=2)
    primary_discipline: str = Field(default="", max_length=12)
    secondary_disciplines: str = Field(default="", max_length=200)
    keywords: str = Field(default="", max_length=1000)
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=200)
    status: str = Field(default="active", max_length=20)
    username: str = Field(default="", max_length=64)
    password: str = Field(default="", max_length=128)


def _expert_in(form: ExpertForm) -> ExpertIn:
    try:
        return ExpertIn(
            **{
                **form.model_dump(),
                "in_province": form.in_province == "1",
                "secondary_disciplines": disciplines.split_list(form.secondary_disciplines),
                "keywords": disciplines.split_list(form.keywords),
            }
        )
    except ValidationError as error:
        raise _pydantic_reasons(error) from None


def _form_of(expert: dict[str, Any]) -> dict[str, Any]:
    return {
        **expert,
        "in_province": "1" if expert["in_province"] else "0",
        "secondary_disciplines": "；".join(expert["secondary_disciplines"]),
        "keywords": "；".join(expert["keywords"]),
    }


async def _experts_context(actor: Actor, status: str = "") -> dict[str, Any]:
    return {
        "experts": await services.list_experts(actor, status),
        "aliases": await services.list_unit_aliases(actor),
        "status_filter": status,
        "form": {"in_province": "1", "status": "active"},
    }


EXPERT_NOTICES = {
    "created": ("专家已登记。", "The expert was registered."),
    "saved": ("已保存。", "Saved."),
    "alias": ("单位映射已添加。", "The unit mapping was added."),
}


@get("/admin/experts", include_in_schema=False, guards=admin_only)
async def experts_page(
    actor: NamedDependency[Actor], status: FromQuery[str] = "", done: FromQuery[str] = ""
) -> Template:
    context = await _experts_context(actor, status)
    notice = label(EXPERT_NOTICES, done) if done in EXPERT_NOTICES else ""
    if done.startswith("imported-"):
        added, _sep, updated = done.removeprefix("imported-").partition("-")
        notice = _("Imported: %(added)s added, %(updated)s updated.", added=added, updated=updated)
    return _page("experts.html", {**context, "notice": notice})


@post("/admin/experts", include_in_schema=False, status_code=303, guards=admin_only)
async def register_expert(actor: NamedDependency[Actor], data: URLEncodedBody[ExpertForm]) -> Response[Any]:
    try:
        expert_id = await services.register_expert(actor, _expert_in(data))
    except DomainError as error:
        context = await _experts_context(actor)
        form = data.model_dump(exclude={"password"})
        return _page("experts.html", {**context, "form": form, "errors": errors_by_field(error.reasons)}, error.status)
    return Redirect(f"/admin/experts/{expert_id}?done=created", status_code=303)


@get("/admin/experts.xlsx", include_in_schema=False, guards=admin_only)
async def export_experts(actor: NamedDependency[Actor], status: FromQuery[str] = "") -> Response[bytes]:
    experts = await services.list_experts(actor, status)
    return xlsx_response("experts.xlsx", _("Experts"), excel.HEADERS, excel.export_rows(experts))


@get("/admin/experts/template.xlsx", include_in_schema=False, guards=admin_only)
async def expert_template(actor: NamedDependency[Actor]) -> Response[bytes]:
    return Response(
        excel.template_bytes(),
        media_type=XLSX_MEDIA_TYPE,
        headers={"content-disposition": 'attachment; filename="expert-import-template.xlsx"'},
    )


class ImportForm(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)
    file: UploadFile | None = None


@post(
    "/admin/experts/import",
    include_in_schema=False,
    status_code=303,
    guards=admin_only,
    request_max_body_size=get_settings().max_upload_bytes,
)
async def import_experts(actor: NamedDependency[Actor], data: MultipartBody[ImportForm]) -> Response[Any]:
    try:
        if data.file is None:
            raise InvalidInput(
                Reason("import.file", "请选择要上传的 .xlsx 文件", "choose an .xlsx file to upload", "file")
            )
        added, updated = await excel.import_experts(actor, await data.file.read())
    except DomainError as error:
        context = await _experts_context(actor)
        return _page("experts.html", {**context, "import_errors": errors_by_field(error.reasons)}, error.status)
    return Redirect(f"/admin/experts?done=imported-{added}-{updated}", status_code=303)


class AliasForm(BaseModel):
    child: str = Field(default="", max_length=200)
    parent: str = Field(default="", max_length=200)


@post("/admin/unit-aliases", include_in_schema=False, status_code=303, guards=admin_only)
async def add_alias(actor: NamedDependency[Actor], data: URLEncodedBody[AliasForm]) -> Response[Any]:
    try:
        await services.add_unit_alias(actor, data.child, data.parent)
    except DomainError as error:
        context = await _experts_context(actor)
        return _page(
            "experts.html",
            {**context, "alias_form": data.model_dump(), "alias_errors": errors_by_field(error.reasons)},
            error.status,
        )
    return Redirect("/admin/experts?done=alias", status_code=303)


async def _expert_context(actor: Actor, expert_id: int) -> dict[str, Any]:
    expert = await services.get_expert(actor, expert_id)
    return {
        "expert": expert,
        "form": _form_of(expert),
        "relations": await services.list_relations(actor, expert_id),
        "credibility": await services.credibility(actor, expert_id),
    }


@get("/admin/experts/{expert_id:int}", include_in_schema=False, guards=admin_only)
async def expert_page(actor: NamedDependency[Actor], expert_id: FromPath[int], done: FromQuery[str] = "") -> Template:
    context = await _expert_context(actor, expert_id)
    return _page("expert.html", {**context, "notice": label(EXPERT_NOTICES, done) if done in EXPERT_NOTICES else ""})


@post("/admin/experts/{expert_id:int}", include_in_schema=False, status_code=303, guards=admin_only)
async def update_expert(
    actor: NamedDependency[Actor], expert_id: FromPath[int], data: URLEncodedBody[ExpertForm]
) -> Response[Any]:
    try:
        await services.update_expert(actor, expert_id, _expert_in(data))
    except DomainError as error:
        context = await _expert_context(actor, expert_id)
        form = data.model_dump(exclude={"password"})
        return _page("expert.html", {**context, "form": form, "errors": errors_by_field(error.reasons)}, error.status)
    return Redirect(f"/admin/experts/{expert_id}?done=saved", status_code=303)


# --- conflicts -----------------------------------------------------------------------------


@get("/admin/conflicts", include_in_schema=False, guards=admin_only)
async def conflicts_page(
    actor: NamedDependency[Actor], status: FromQuery[str] = "potential", done: FromQuery[str] = ""
) -> Template:
    notice = (
        _("%(count)s conflicts decided.", count=done.removeprefix("decided-")) if done.startswith("decided-") else ""
    )
    if done == "pinned":
        notice = _("The conflict was recorded.")
    return _page(
        "conflicts.html",
        {
            "conflicts": await services.list_conflicts(actor, status),
            "status_filter": status,
            "notice": notice,
            "pin_form": {},
        },
    )


@post("/admin/conflicts/decide", include_in_schema=False, status_code=303, guards=admin_only)
async def decide_conflicts(actor: NamedDependency[Actor], request: Request[Any, Any, Any]) -> Response[Any]:
    """Bulk: the ticked conflicts (repeated `ids` fields) are all confirmed or all dismissed."""
    form = await request.form()
    status = str(form.get("status", "potential"))[:20]
    try:
        ids = [int(v) for v in form.getall("ids") if str(v).isdigit()] if "ids" in form else []
        if not ids:
            raise InvalidInput(Reason("conflict.none", "请勾选要处理的回避记录", "tick the conflicts to decide", "ids"))
        decided = await services.decide_conflicts(actor, ids, str(form.get("decision", ""))[:20])
    except DomainError as error:
        return _page(
            "conflicts.html",
            {
                "conflicts": await services.list_conflicts(actor, status),
                "status_filter": status,
                "pin_form": {},
                "errors": errors_by_field(error.reasons),
            },
            error.status,
        )
    return Redirect(f"/admin/conflicts?done=decided-{decided}", status_code=303)


class PinForm(BaseModel):
    item_id: str = Field(default="", max_length=12)
    expert_id: str = Field(default="", max_length=12)
    evidence: str = Field(default="", max_length=2000)


@post("/admin/conflicts", include_in_schema=False, status_code=303, guards=admin_only)
async def pin_conflict(actor: NamedDependency[Actor], data: URLEncodedBody[PinForm]) -> Response[Any]:
    try:
        if not (data.item_id.strip().isdigit() and data.expert_id.strip().isdigit()):
            raise InvalidInput(
                Reason(
                    "conflict.ids",
                    "请填写评审项目编号和专家编号",
                    "give the item number and the expert number",
                    "item_id",
                )
            )
        if not data.evidence.strip():
            raise InvalidInput(Reason("conflict.evidence", "请填写回避依据", "give the evidence", "evidence"))
        await services.pin_conflict(actor, int(data.item_id), int(data.expert_id), data.evidence.strip())
    except DomainError as error:
        return _page(
            "conflicts.html",
            {
                "conflicts": await services.list_conflicts(actor, "potential"),
                "status_filter": "potential",
                "pin_form": data.model_dump(),
                "pin_errors": errors_by_field(error.reasons),
            },
            error.status,
        )
    return Redirect("/admin/conflicts?status=confirmed&done=pinned", status_code=303)


# --- review batches ------------------------------------------------------------------------


class BatchForm(BaseModel):
    name: str = Field(default="", max_length=200)
    stage: str = Field(default="remote", max_length=20)
    required: str = Field(default="5", max_length=5)
    max_load: str = Field(default="10", max_length=5)
    min_outside_share: str = Field(default="0", max_length=20)
    mode: str = Field(default="optimal", max_length=20)
    cap: str = Field(default="1/2", max_length=20)
    deadline: str = Field(default="", max_length=20)
    criteria: str = Field(default="", max_length=5000)


DEFAULT_CRITERIA = (
    "innovation|创新性|Innovation|0.4|0|100\nbenefit|效益|Benefit|0.3|0|100\nimpact|影响|Impact|0.3|0|100"
)


def _criteria(text: str) -> ReviewFormIn:
    """One criterion per line: code|Chinese name|English name|weight|min|max[|step]."""
    criteria = []
    problems = []
    for n, line in enumerate([x for x in text.splitlines() if x.strip()], start=1):
        parts = [p.strip() for p in line.split("|")]
        try:
            if len(parts) not in (6, 7):
                raise ValueError
            step = float(parts[6]) if len(parts) == 7 and parts[6] else None
            criteria.append(
                CriterionIn(
                    code=parts[0],
                    name_zh=parts[1],
                    name_en=parts[2],
                    weight=float(parts[3]),
                    min_score=float(parts[4]),
                    max_score=float(parts[5]),
                    step=step,
                )
            )
        except (ValueError, ValidationError):
            problems.append(
                Reason(
                    "form.criterion",
                    f"第{n}行评分指标格式应为：代码|中文名|英文名|权重|最低分|最高分",
                    f"criterion line {n} must read code|Chinese name|English name|weight|min|max",
                    "criteria",
                )
            )
    if not criteria and not problems:
        problems.append(Reason("form.criteria", "请至少填写一项评分指标", "give at least one criterion", "criteria"))
    if problems:
        raise InvalidInput(problems)
    return ReviewFormIn(criteria=criteria)


def _int(raw: str, field: str) -> int:
    if not raw.strip().isdigit():
        raise InvalidInput(Reason("form.integer", f"“{raw}”应为正整数", f"“{raw}” must be a whole number", field))
    return int(raw.strip())


def _date(raw: str, field: str) -> dt.date | None:
    if not raw.strip():
        return None
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput(
            Reason("date.invalid", "日期格式应为YYYY-MM-DD", "dates are written YYYY-MM-DD", field)
        ) from None


def _batch_in(form: BatchForm) -> BatchIn:
    problems: list[Reason] = []
    values: dict[str, Any] = {}
    for key, parse in (
        ("required", lambda: _int(form.required, "required")),
        ("max_load", lambda: _int(form.max_load, "max_load")),
        ("deadline", lambda: _date(form.deadline, "deadline")),
        ("form", lambda: _criteria(form.criteria)),
    ):
        try:
            values[key] = parse()
        except InvalidInput as error:
            problems += error.reasons
    if not form.name.strip():
        problems.append(Reason("batch.name", "请填写批次名称", "the name is required", "name"))
    if problems:
        raise InvalidInput(problems)
    try:
        return BatchIn(
            name=form.name,
            stage=form.stage,
            min_outside_share=form.min_outside_share,
            mode=form.mode,
            cap=form.cap,
            **values,
        )
    except ValidationError as error:
        raise _pydantic_reasons(error) from None


@get("/admin/review-batches", include_in_schema=False, guards=admin_only)
async def batches_page(actor: NamedDependency[Actor]) -> Template:
    return _page(
        "batches.html",
        {
            "batches": await services.list_batches(actor),
            "form": {
                "criteria": DEFAULT_CRITERIA,
                "required": "5",
                "max_load": "10",
                "min_outside_share": "0",
                "cap": "1/2",
            },
        },
    )


@post("/admin/review-batches", include_in_schema=False, status_code=303, guards=admin_only)
async def create_batch(actor: NamedDependency[Actor], data: URLEncodedBody[BatchForm]) -> Response[Any]:
    try:
        batch_id = await services.create_batch(actor, _batch_in(data))
    except DomainError as error:
        return _page(
            "batches.html",
            {
                "batches": await services.list_batches(actor),
                "form": data.model_dump(),
                "errors": errors_by_field(error.reasons),
            },
            error.status,
        )
    return Redirect(f"/admin/review-batches/{batch_id}?done=created", status_code=303)


# Batches with this many items are assigned as a background job with progress (xuehui.jobs).
JOB_THRESHOLD_ITEMS = 200


async def _batch_context(actor: Actor, batch_id: int) -> dict[str, Any]:
    progress = await services.batch_progress(actor, batch_id)
    job_id = progress["batch"]["assign_job"]
    return {
        **progress,
        "job": await jobs.get_job(actor, job_id) if job_id else None,
        "job_panel": jobs.job_panel,
        "item_rows": await services.batch_items(actor, batch_id),
        "conflicts": await services.list_conflicts(actor, "", batch_id),
        "item_form": {"kind": "item"},
        "run_form": {"mode": progress["batch"]["mode"]},
        "panels": await services.list_panels(actor, batch_id),
        "panel_form": {"quorum": "2/3", "threshold": "1/2", "strict": "1", "base": "voting"},
        "threshold_choices": _choices(THRESHOLD_KINDS),
        "base_choices": _choices(BASES),
    }


BATCH_NOTICES = {
    "created": ("评审批次已创建。", "The review batch was created."),
    "item": ("评审项目已添加。", "The item was added."),
    "run": ("专家分配已完成。", "Experts were assigned."),
    "reminder": ("提醒已发送。", "The reminder was sent."),
    "job": (
        "专家分配已在后台运行，本页会自动刷新。",
        "The assignment runs in the background; this page refreshes itself.",
    ),
}


@get("/admin/review-batches/{batch_id:int}", include_in_schema=False, guards=admin_only)
async def batch_page(actor: NamedDependency[Actor], batch_id: FromPath[int], done: FromQuery[str] = "") -> Template:
    context = await _batch_context(actor, batch_id)
    page = _page("batch.html", {**context, "notice": label(BATCH_NOTICES, done) if done in BATCH_NOTICES else ""})
    page.headers.update(jobs.job_refresh_headers(context["job"]))
    return page


async def _batch_error(actor: Actor, batch_id: int, error: DomainError, key: str, extra: dict[str, Any]) -> Template:
    context = await _batch_context(actor, batch_id)
    return _page("batch.html", {**context, **extra, key: errors_by_field(error.reasons)}, error.status)


class ItemForm(BaseModel):
    kind: str = Field(default="item", max_length=40)
    external_id: str = Field(default="", max_length=60)
    title: str = Field(default="", max_length=300)
    disciplines: str = Field(default="", max_length=200)
    keywords: str = Field(default="", max_length=1000)
    people: str = Field(default="", max_length=5000)
    units: str = Field(default="", max_length=5000)
    category: str = Field(default="", max_length=60)
    grade: str = Field(default="", max_length=40)
    material: str = Field(default="", max_length=100_000)
    links: str = Field(default="", max_length=5000)


def _item_in(form: ItemForm) -> ReviewItemIn:
    people = []
    for line in form.people.splitlines():
        parts = line.split()
        if parts:
            people.append(PersonIn(name=parts[0], id_number=parts[1] if len(parts) > 1 else ""))
    try:
        return ReviewItemIn(
            kind=form.kind.strip() or "item",
            external_id=form.external_id.strip(),
            title=form.title.strip(),
            disciplines=disciplines.split_list(form.disciplines),
            keywords=disciplines.split_list(form.keywords),
            people=people,
            units=[u.strip() for u in form.units.splitlines() if u.strip()],
            category=form.category,
            grade=form.grade,
            material=form.material,
            links=[u.strip() for u in form.links.splitlines() if u.strip()],
        )
    except ValidationError as error:
        raise _pydantic_reasons(error) from None


@post("/admin/review-batches/{batch_id:int}/items", include_in_schema=False, status_code=303, guards=admin_only)
async def add_item(
    actor: NamedDependency[Actor], batch_id: FromPath[int], data: URLEncodedBody[ItemForm]
) -> Response[Any]:
    try:
        await services.add_items(actor, batch_id, [_item_in(data)])
    except DomainError as error:
        return await _batch_error(actor, batch_id, error, "item_errors", {"item_form": data.model_dump()})
    return Redirect(f"/admin/review-batches/{batch_id}?done=item", status_code=303)


class RunForm(BaseModel):
    mode: str = Field(default="optimal", max_length=20)
    seed: str = Field(default="", max_length=20)


@post("/admin/review-batches/{batch_id:int}/run", include_in_schema=False, status_code=303, guards=admin_only)
async def run_batch(
    actor: NamedDependency[Actor], batch_id: FromPath[int], data: URLEncodedBody[RunForm]
) -> Response[Any]:
    try:
        seed = _int(data.seed, "seed") if data.seed.strip() else None
        if (await services.get_batch(actor, batch_id))["items"] >= JOB_THRESHOLD_ITEMS:
            await services.start_assignment_job(actor, batch_id, data.mode, seed)
            return Redirect(f"/admin/review-batches/{batch_id}?done=job", status_code=303)
        await services.run_assignment(actor, batch_id, data.mode, seed)
    except DomainError as error:
        return await _batch_error(actor, batch_id, error, "run_errors", {"run_form": data.model_dump()})
    return Redirect(f"/admin/review-batches/{batch_id}?done=run", status_code=303)


class ReminderForm(BaseModel):
    expert_id: str = Field(default="", max_length=12)
    message: str = Field(default="", max_length=2000)


@post("/admin/review-batches/{batch_id:int}/reminders", include_in_schema=False, status_code=303, guards=admin_only)
async def remind(
    actor: NamedDependency[Actor], batch_id: FromPath[int], data: URLEncodedBody[ReminderForm]
) -> Response[Any]:
    try:
        await services.send_reminder(actor, batch_id, _int(data.expert_id, "expert_id"), data.message)
    except DomainError as error:
        return await _batch_error(actor, batch_id, error, "reminder_errors", {})
    return Redirect(f"/admin/review-batches/{batch_id}?done=reminder", status_code=303)


@get("/admin/review-batches/{batch_id:int}/results", include_in_schema=False, guards=admin_only)
async def results_page(actor: NamedDependency[Actor], batch_id: FromPath[int]) -> Template:
    return _page(
        "results.html",
        {
            "batch": await services.get_batch(actor, batch_id),
            "results": await services.batch_results(actor, batch_id),
            "scores": await services.batch_scores(actor, batch_id),
        },
    )


def _num(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@get("/admin/review-batches/{batch_id:int}/results.xlsx", include_in_schema=False, guards=admin_only)
async def export_results(actor: NamedDependency[Actor], batch_id: FromPath[int]) -> Response[bytes]:
    results = await services.batch_results(actor, batch_id)
    return xlsx_response(
        f"review-results-{batch_id}.xlsx",
        _("Results"),
        [
            _("Category"),
            _("Grade"),
            _("Rank"),
            _("Item"),
            _("Kind"),
            _("External number"),
            _("Reviews"),
            _("Raw mean"),
            _("Normalised mean (z)"),
            _("Normalised on the raw scale"),
            _("Tied with"),
        ],
        (
            [
                r.category,
                r.grade,
                r.rank,
                r.title,
                r.kind,
                r.external_id,
                r.reviews,
                _num(r.raw_mean),
                _num(r.normalised_mean),
                _num(r.normalised_on_raw_scale),
                "、".join(r.tied_with),
            ]
            for r in results
        ),
    )


# --- the expert portal ---------------------------------------------------------------------


MY_NOTICES = {
    "accept": ("已接受评审任务。", "You accepted the assignment."),
    "decline": ("已谢绝，系统已另行安排专家。", "Declined; another expert has been assigned."),
    "conflict": ("已申报回避，系统已另行安排专家。", "Conflict declared; another expert has been assigned."),
    "draft": ("草稿已保存。", "The draft was saved."),
    "submitted": ("评审意见已提交。", "Your review was submitted."),
    "profile": ("资料已保存。", "Your profile was saved."),
    "relation": ("关系已申报。", "The relation was declared."),
}


@get("/expert/assignments", include_in_schema=False, guards=expert_only)
async def my_assignments_page(actor: NamedDependency[Actor], done: FromQuery[str] = "") -> Template:
    return _page(
        "my_assignments.html",
        {
            "assignments": await services.my_assignments(actor),
            "reminders": await services.my_reminders(actor),
            "notice": label(MY_NOTICES, done) if done in MY_NOTICES else "",
        },
    )


async def _assignment_context(actor: Actor, assignment_id: int) -> dict[str, Any]:
    view = await services.my_assignment(actor, assignment_id)
    review = view["review"] or {}
    return {
        **view,
        "values": {
            "scores": review.get("scores", {}),
            "comment": review.get("comment", ""),
            "recommendation": review.get("recommendation", ""),
        },
    }


@get("/expert/assignments/{assignment_id:int}", include_in_schema=False, guards=expert_only)
async def my_assignment_page(
    actor: NamedDependency[Actor], assignment_id: FromPath[int], done: FromQuery[str] = ""
) -> Template:
    context = await _assignment_context(actor, assignment_id)
    return _page("assignment.html", {**context, "notice": label(MY_NOTICES, done) if done in MY_NOTICES else ""})


class RespondForm(BaseModel):
    action: str = Field(default="", max_length=20)
    reason: str = Field(default="", max_length=2000)


@post("/expert/assignments/{assignment_id:int}/respond", include_in_schema=False, status_code=303, guards=expert_only)
async def respond(
    actor: NamedDependency[Actor], assignment_id: FromPath[int], data: URLEncodedBody[RespondForm]
) -> Response[Any]:
    try:
        await services.respond(actor, assignment_id, data.action, data.reason)
    except DomainError as error:
        context = await _assignment_context(actor, assignment_id)
        return _page("assignment.html", {**context, "respond_errors": errors_by_field(error.reasons)}, error.status)
    if data.action == "accept":
        return Redirect(f"/expert/assignments/{assignment_id}?done=accept", status_code=303)
    return Redirect(f"/expert/assignments?done={data.action}", status_code=303)


def _score(raw: str, code: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInput(Reason("form.number", f"“{raw}”不是有效数字", f"“{raw}” is not a number", code)) from None
    return value


@post("/expert/assignments/{assignment_id:int}/review", include_in_schema=False, status_code=303, guards=expert_only)
async def save_review(
    actor: NamedDependency[Actor], assignment_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    """The review form: one `score_<code>` field per criterion, a comment and a recommendation;
    the `submit` button submits (and locks), any other saves a draft."""
    form = await request.form()
    raw_scores = {
        str(key).removeprefix("score_"): str(value).strip()[:30]
        for key, value in form.items()
        if str(key).startswith("score_") and str(value).strip()
    }
    submit = str(form.get("action", "")) == "submit"
    values = {
        "scores": raw_scores,
        "comment": str(form.get("comment", ""))[:20_000],
        "recommendation": str(form.get("recommendation", ""))[:20],
    }
    try:
        problems = []
        scores = {}
        for code, raw in raw_scores.items():
            try:
                scores[code] = _score(raw, code)
            except InvalidInput as error:
                problems += error.reasons
        if problems:
            raise InvalidInput(problems)
        status = await services.save_review(
            actor,
            assignment_id,
            ReviewIn(scores=scores, comment=values["comment"], recommendation=values["recommendation"], submit=submit),
        )
    except DomainError as error:
        context = await _assignment_context(actor, assignment_id)
        return _page(
            "assignment.html",
            {**context, "values": values, "review_errors": errors_by_field(error.reasons)},
            error.status,
        )
    return Redirect(f"/expert/assignments/{assignment_id}?done={status}", status_code=303)


class ProfileForm(BaseModel):
    title: str = Field(default="", max_length=50)
    unit: str = Field(default="", max_length=200)
    primary_discipline: str = Field(default="", max_length=12)
    secondary_disciplines: str = Field(default="", max_length=200)
    keywords: str = Field(default="", max_length=1000)
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=200)


async def _profile_context(actor: Actor) -> dict[str, Any]:
    me = await services.my_expert(actor)
    return {
        "expert": me,
        "form": _form_of(me),
        "relations": await services.list_relations(actor, me["id"]),
        "relation_form": {"relation": "collaborator"},
    }


@get("/expert/profile", include_in_schema=False, guards=expert_only)
async def profile_page(actor: NamedDependency[Actor], done: FromQuery[str] = "") -> Template:
    context = await _profile_context(actor)
    return _page("profile.html", {**context, "notice": label(MY_NOTICES, done) if done in MY_NOTICES else ""})


@post("/expert/profile", include_in_schema=False, status_code=303, guards=expert_only)
async def update_profile(actor: NamedDependency[Actor], data: URLEncodedBody[ProfileForm]) -> Response[Any]:
    try:
        try:
            profile = ProfileIn(
                **{
                    **data.model_dump(),
                    "secondary_disciplines": disciplines.split_list(data.secondary_disciplines),
                    "keywords": disciplines.split_list(data.keywords),
                }
            )
        except ValidationError as error:
            raise _pydantic_reasons(error) from None
        await services.update_profile(actor, profile)
    except DomainError as error:
        context = await _profile_context(actor)
        return _page(
            "profile.html",
            {**context, "form": data.model_dump(), "errors": errors_by_field(error.reasons)},
            error.status,
        )
    return Redirect("/expert/profile?done=profile", status_code=303)


class RelationForm(BaseModel):
    relation: str = Field(default="", max_length=20)
    person_name: str = Field(default="", max_length=50)
    person_id_number: str = Field(default="", max_length=30)
    started_on: str = Field(default="", max_length=20)
    ended_on: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=1000)


@post("/expert/relations", include_in_schema=False, status_code=303, guards=expert_only)
async def add_relation(actor: NamedDependency[Actor], data: URLEncodedBody[RelationForm]) -> Response[Any]:
    try:
        started, ended = _date(data.started_on, "started_on"), _date(data.ended_on, "ended_on")
        try:
            relation = RelationIn(
                relation=data.relation,
                person_name=data.person_name.strip(),
                person_id_number=data.person_id_number,
                started_on=started,
                ended_on=ended,
                note=data.note,
            )
        except ValidationError as error:
            raise _pydantic_reasons(error) from None
        await services.add_relation(actor, relation)
    except DomainError as error:
        context = await _profile_context(actor)
        return _page(
            "profile.html",
            {**context, "relation_form": data.model_dump(), "relation_errors": errors_by_field(error.reasons)},
            error.status,
        )
    return Redirect("/expert/profile?done=relation", status_code=303)


# --- panel meetings ------------------------------------------------------------------------


class PanelForm(BaseModel):
    name: str = Field(default="", max_length=200)
    held_on: str = Field(default="", max_length=20)
    quorum: str = Field(default="2/3", max_length=20)
    threshold: str = Field(default="1/2", max_length=20)
    strict: str = Field(default="1", max_length=2)
    base: str = Field(default="voting", max_length=10)
    expert_ids: str = Field(default="", max_length=2000)


THRESHOLD_KINDS = {"1": ("超过", "More than"), "0": ("达到", "At least")}
BASES = {
    "voting": ("投票人数（赞成+反对）", "Those voting (yes + no)"),
    "present": ("实到人数", "Those present"),
    "roll": ("应到人数", "The whole roll"),
}


@post("/admin/review-batches/{batch_id:int}/panels", include_in_schema=False, status_code=303, guards=admin_only)
async def create_panel(
    actor: NamedDependency[Actor], batch_id: FromPath[int], data: URLEncodedBody[PanelForm]
) -> Response[Any]:
    try:
        ids = [int(x) for x in disciplines.split_list(data.expert_ids.replace(" ", "；")) if x.isdigit()]
        try:
            panel = PanelIn(
                name=data.name.strip(),
                held_on=_date(data.held_on, "held_on"),
                quorum=data.quorum,
                threshold=data.threshold,
                strict=data.strict == "1",
                base=data.base,
                expert_ids=ids,
            )
        except ValidationError as error:
            raise _pydantic_reasons(error) from None
        meeting_id = await services.create_panel(actor, batch_id, panel)
    except DomainError as error:
        return await _batch_error(actor, batch_id, error, "panel_errors", {"panel_form": data.model_dump()})
    return Redirect(f"/admin/panels/{meeting_id}?done=created", status_code=303)


PANEL_NOTICES = {
    "created": ("会评已创建。", "The panel meeting was created."),
    "roll": ("点名已记录。", "The roll was recorded."),
    "closed": ("投票已结束，结果已记录。", "Voting closed; the results are recorded."),
}


async def _panel_context(actor: Actor, meeting_id: int) -> dict[str, Any]:
    meeting = await services.get_panel(actor, meeting_id)
    return {
        "meeting": meeting,
        "batch": await services.get_batch(actor, meeting["batch"]),
        "THRESHOLD_KINDS": THRESHOLD_KINDS,
        "BASES": BASES,
    }


@get("/admin/panels/{meeting_id:int}", include_in_schema=False, guards=admin_only)
async def panel_page(actor: NamedDependency[Actor], meeting_id: FromPath[int], done: FromQuery[str] = "") -> Template:
    context = await _panel_context(actor, meeting_id)
    return _page("panel.html", {**context, "notice": label(PANEL_NOTICES, done) if done in PANEL_NOTICES else ""})


@post("/admin/panels/{meeting_id:int}/roll", include_in_schema=False, status_code=303, guards=admin_only)
async def panel_roll(
    actor: NamedDependency[Actor], meeting_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    form = await request.form()
    present = [int(v) for v in form.getall("present") if str(v).isdigit()] if "present" in form else []
    try:
        await services.set_roll(actor, meeting_id, present)
    except DomainError as error:
        context = await _panel_context(actor, meeting_id)
        return _page("panel.html", {**context, "errors": errors_by_field(error.reasons)}, error.status)
    return Redirect(f"/admin/panels/{meeting_id}?done=roll", status_code=303)


@post("/admin/panels/{meeting_id:int}/close", include_in_schema=False, status_code=303, guards=admin_only)
async def panel_close(actor: NamedDependency[Actor], meeting_id: FromPath[int]) -> Response[Any]:
    try:
        await services.close_panel(actor, meeting_id)
    except DomainError as error:
        context = await _panel_context(actor, meeting_id)
        return _page("panel.html", {**context, "errors": errors_by_field(error.reasons)}, error.status)
    return Redirect(f"/admin/panels/{meeting_id}?done=closed", status_code=303)


@get("/expert/panels", include_in_schema=False, guards=expert_only)
async def my_panels_page(actor: NamedDependency[Actor], done: FromQuery[str] = "") -> Template:
    notice = _("Your ballot was cast.") if done == "voted" else ""
    return _page("my_panels.html", {"panels": await services.my_panels(actor), "notice": notice})


class BallotForm(BaseModel):
    item_id: str = Field(default="", max_length=12)
    vote: str = Field(default="", max_length=10)


@post("/expert/panels/{meeting_id:int}/ballots", include_in_schema=False, status_code=303, guards=expert_only)
async def cast_ballot(
    actor: NamedDependency[Actor], meeting_id: FromPath[int], data: URLEncodedBody[BallotForm]
) -> Response[Any]:
    try:
        await services.cast_ballot(actor, meeting_id, _int(data.item_id, "item_id"), data.vote)
    except DomainError as error:
        return _page(
            "my_panels.html",
            {"panels": await services.my_panels(actor), "errors": errors_by_field(error.reasons)},
            error.status,
        )
    return Redirect("/expert/panels?done=voted", status_code=303)


ROUTES = [
    experts_page,
    register_expert,
    export_experts,
    expert_template,
    import_experts,
    add_alias,
    expert_page,
    update_expert,
    conflicts_page,
    decide_conflicts,
    pin_conflict,
    batches_page,
    create_batch,
    batch_page,
    add_item,
    run_batch,
    remind,
    results_page,
    export_results,
    my_assignments_page,
    my_assignment_page,
    respond,
    save_review,
    profile_page,
    update_profile,
    add_relation,
    create_panel,
    panel_page,
    panel_roll,
    panel_close,
    my_panels_page,
    cast_ballot,
]
