"""Review-batch pages (admin): the batch list and a new batch with its review form, one batch
with its items, the assignment run (inline or as a job, as the service decides), progress,
reminders, panel meetings and the batch's conflicts."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel, Field, ValidationError

from accounts.rules import Actor
from expert_pool import disciplines, services
from expert_pool.pages._shared import (
    admin_only,
    notice,
    page,
    parse_date,
    parse_int,
    pydantic_reasons,
    template_name,
    with_vocabulary,
)
from expert_pool.schemas import BatchIn, CriterionIn, PersonIn, ReviewFormIn, ReviewItemIn, RunOut, RunQueuedOut
from xuehui import jobs
from xuehui.errors import InvalidInput, Reason
from xuehui.form_action import Confirmation, form_action
from xuehui.i18n import gettext as _


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


def _batch_in(form: BatchForm) -> BatchIn:
    problems: list[Reason] = []
    values: dict[str, Any] = {}
    for key, parse in (
        ("required", lambda: parse_int(form.required, "required")),
        ("max_load", lambda: parse_int(form.max_load, "max_load")),
        ("deadline", lambda: parse_date(form.deadline, "deadline")),
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
        raise pydantic_reasons(error) from None


@get("/admin/review-batches", include_in_schema=False, guards=admin_only)
async def batches_page(actor: NamedDependency[Actor]) -> Template:
    return page(
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
    async def again() -> dict[str, Any]:
        return with_vocabulary({"batches": await services.list_batches(actor), "form": data.model_dump()})

    return await form_action(
        lambda: services.create_batch(actor, _batch_in(data)),
        success=lambda batch_id: f"/admin/review-batches/{batch_id}?done=created",
        template=template_name("batches.html"),
        context=again,
    )


async def batch_context(actor: Actor, batch_id: int) -> dict[str, Any]:
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
    }


BATCH_NOTICES = {
    "created": ("评审批次已创建。", "The review batch was created."),
    "item": ("评审项目已添加。", "The item was added."),
    "run": ("专家分配已完成。", "Experts were assigned."),
    "reminder": ("提醒已发送。", "The reminder was sent."),
    "deadline-reminders": (
        "截止提醒已发给尚未提交评审的专家（已提醒过的不再重复）。",
        "Deadline reminders went to the experts whose reviews are not in (nobody is reminded twice).",
    ),
    "overdue": (
        "逾期任务已撤换，已补充新的专家。",
        "The overdue assignment was withdrawn and another expert assigned.",
    ),
    "overdue-short": (
        "逾期任务已撤换，但暂无可替换的专家，该项目专家不足。",
        "The overdue assignment was withdrawn, but no other expert can take it: the item is short.",
    ),
    "job": (
        "专家分配已在后台运行，本页会自动刷新。",
        "The assignment runs in the background; this page refreshes itself.",
    ),
}


@get("/admin/review-batches/{batch_id:int}", include_in_schema=False, guards=admin_only)
async def batch_page(actor: NamedDependency[Actor], batch_id: FromPath[int], done: FromQuery[str] = "") -> Template:
    context = await batch_context(actor, batch_id)
    shown = page("batch.html", {**context, "notice": notice(BATCH_NOTICES, done)})
    shown.headers.update(jobs.job_refresh_headers(context["job"]))
    return shown


def on_batch_page(actor: Actor, batch_id: int, failed: str, **extra: Any) -> dict[str, Any]:
    """How `form_action` re-renders the batch page after the form `failed` was refused."""
    return {"template": template_name("batch.html"), "context": lambda: _again(actor, batch_id, failed, extra)}


async def _again(actor: Actor, batch_id: int, failed: str, extra: dict[str, Any]) -> dict[str, Any]:
    return with_vocabulary({**await batch_context(actor, batch_id), **extra, "failed": failed})


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
        raise pydantic_reasons(error) from None


@post("/admin/review-batches/{batch_id:int}/items", include_in_schema=False, status_code=303, guards=admin_only)
async def add_item(
    actor: NamedDependency[Actor], batch_id: FromPath[int], data: URLEncodedBody[ItemForm]
) -> Response[Any]:
    return await form_action(
        lambda: services.add_items(actor, batch_id, [_item_in(data)]),
        success=f"/admin/review-batches/{batch_id}?done=item",
        **on_batch_page(actor, batch_id, "item", item_form=data.model_dump()),
    )


class RunForm(BaseModel):
    mode: str = Field(default="optimal", max_length=20)
    seed: str = Field(default="", max_length=20)


@post("/admin/review-batches/{batch_id:int}/run", include_in_schema=False, status_code=303, guards=admin_only)
async def run_batch(
    actor: NamedDependency[Actor],
    batch_id: FromPath[int],
    data: URLEncodedBody[RunForm],
    request: Request[Any, Any, Any],
) -> Response[Any]:
    async def run() -> RunOut | RunQueuedOut:
        seed = parse_int(data.seed, "seed") if data.seed.strip() else None
        return await services.assign(actor, batch_id, data.mode, seed)

    def done(outcome: RunOut | RunQueuedOut) -> str:
        return f"/admin/review-batches/{batch_id}?done={'job' if isinstance(outcome, RunQueuedOut) else 'run'}"

    async def running() -> Confirmation:
        if data.seed.strip():
            parse_int(data.seed, "seed")
        batch = await services.get_batch(actor, batch_id)
        return Confirmation(
            heading=_("Assign experts to %(batch)s?", batch=batch["name"]),
            consequences=[
                _(
                    "Each of the %(items)s items gets %(required)s experts, and every expert sees their assignments.",
                    items=batch["items"],
                    required=batch["required"],
                ),
                _("The batch is then assigned and cannot be run again."),
            ],
            cancel=f"/admin/review-batches/{batch_id}",
            button=_("Assign the experts"),
        )

    return await form_action(
        run,
        success=done,
        confirm=running,
        request=request,
        **on_batch_page(actor, batch_id, "run", run_form=data.model_dump()),
    )


class ReminderForm(BaseModel):
    expert_id: str = Field(default="", max_length=12)
    message: str = Field(default="", max_length=2000)


@post("/admin/review-batches/{batch_id:int}/reminders", include_in_schema=False, status_code=303, guards=admin_only)
async def remind(
    actor: NamedDependency[Actor], batch_id: FromPath[int], data: URLEncodedBody[ReminderForm]
) -> Response[Any]:
    return await form_action(
        lambda: services.send_reminder(actor, batch_id, parse_int(data.expert_id, "expert_id"), data.message),
        success=f"/admin/review-batches/{batch_id}?done=reminder",
        **on_batch_page(actor, batch_id, "reminder"),
    )


ROUTES = [batches_page, create_batch, batch_page, add_item, run_batch, remind]
