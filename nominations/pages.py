"""Pages for award nominations: the society's nominations and quota, the association's
cycle settings, formal review, adjustment, notices, objections and results, and the public
notice, objection form and quota pages."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel, Field

from accounts.rules import Actor
from expert_pool.rules.ballots import Tally
from nominations import services
from nominations.forms import BLANK_ROWS, nomination_from_form, recommendation_from_form
from nominations.rules.cycle import CATEGORY_NAMES, GRADE_NAMES, Category
from nominations.rules.programme import MATERIAL_LABELS
from nominations.rules.talent import INCOMPLETE
from nominations.schemas import NominationIn, RecommendationIn
from societies import services as societies
from xuehui.clock import today
from xuehui.errors import DomainError, InvalidInput, Reason
from xuehui.excel_export import xlsx_response
from xuehui.i18n import gettext as _
from xuehui.i18n import pick
from xuehui.settings import get_settings
from xuehui.templating import errors_by_field
from xuehui.web import requires_role

admin_only = [requires_role("admin")]
QUEUE_PAGE = 100
nominators = [requires_role("society")]


def label(table: Mapping[Any, tuple[str, str]], key: Any) -> str:
    for candidate, (zh, en) in table.items():
        if str(candidate) == str(key):
            return pick(zh, en)
    return str(key or "")


def _vocabulary() -> dict[str, Any]:
    return {
        "categories": [(c.value, pick(*CATEGORY_NAMES[c])) for c in Category],
        "grades": [(g.value, pick(*names)) for g, names in GRADE_NAMES.items()],
        "CATEGORY_NAMES": CATEGORY_NAMES,
        "GRADE_NAMES": GRADE_NAMES,
        "STATUS_NAMES": services.STATUS_NAMES,
        "SANCTION_KINDS": societies.SANCTION_KINDS,
        "label": label,
        "blank_rows": BLANK_ROWS,
    }


async def _cycle_id(year: int | None = None) -> int:
    return await services.find_cycle(year)


# --- society pages -------------------------------------------------------------------------


@get("/nominations", include_in_schema=False, guards=nominators)
async def my_nominations(actor: NamedDependency[Actor], year: FromQuery[int] = 0) -> Template:
    cycle_id = await _cycle_id(year)
    assert actor.society_id is not None
    cycle = await services.cycle_row(cycle_id)
    return Template(
        "nominations/mine.html",
        context={
            "cycle": cycle,
            "cycles": await services.cycles(),
            "quotas": await services.society_quotas(actor, cycle_id, actor.society_id),
            "nominations": await services.list_nominations(actor, cycle_id=cycle_id),
            "kpis": await services.society_kpis(actor.society_id),
            "objections": await services.objections(actor),
            **_vocabulary(),
        },
    )


@get("/nominations.xlsx", include_in_schema=False, guards=[requires_role("society", "admin")])
async def export_nominations(
    actor: NamedDependency[Actor], year: FromQuery[int] = 0, status: FromQuery[str] = ""
) -> Response[bytes]:
    cycle_id = await _cycle_id(year)
    rows = await services.list_nominations(actor, cycle_id=cycle_id, status=status)
    names = await societies.society_names()
    return xlsx_response(
        "nominations.xlsx",
        _("Nominations"),
        [_("Society"), _("Title"), _("Category"), _("Grade"), _("Status"), _("Contributors"), _("Submitted")],
        (
            [
                names.get(r["society_id"], ""),
                r["title"],
                label(CATEGORY_NAMES, r["category"]),
                label(GRADE_NAMES, r["grade"]),
                label(services.STATUS_NAMES, r["status"]),
                "、".join(c.name for c in r["body"].contributors),
                r["submitted_at"],
            ]
            for r in rows
        ),
    )


async def _form_context(
    actor: Actor, cycle_id: int, data: NominationIn, nomination: dict[str, Any] | None
) -> dict[str, Any]:
    check = (
        await services.check(actor, cycle_id, data, nomination["id"] if nomination else None) if data.category else None
    )
    return {
        "data": data,
        "nomination": nomination,
        "cycle": await services.cycle_row(cycle_id),
        "check": check,
        "idempotency_key": secrets.token_hex(16),
        "steps": await services.review_steps(actor, nomination["id"]) if nomination else [],
        **_vocabulary(),
    }


@get("/nominations/new", include_in_schema=False, guards=nominators)
async def new_nomination(actor: NamedDependency[Actor], year: FromQuery[int] = 0) -> Template:
    cycle_id = await _cycle_id(year)
    return Template("nominations/form.html", context=await _form_context(actor, cycle_id, NominationIn(), None))


@post("/nominations", include_in_schema=False, status_code=303, guards=nominators)
async def create_nomination(actor: NamedDependency[Actor], request: Request[Any, Any, Any]) -> Response[Any]:
    form = await request.form()
    data, problems = nomination_from_form(form)
    cycle_id = await _cycle_id(int(str(form.get("year", "0"))) if str(form.get("year", "")).isdigit() else 0)
    try:
        if problems:
            raise InvalidInput(problems)
        nomination_id = await services.create_nomination(actor, cycle_id, data)
    except DomainError as error:
        context = await _form_context(actor, cycle_id, data, None)
        return Template(
            "nominations/form.html",
            context={**context, "errors": errors_by_field(error.reasons)},
            status_code=error.status,
        )
    return Redirect(f"/nominations/{nomination_id}?done=saved", status_code=303)


@get("/nominations/{nomination_id:int}", include_in_schema=False, guards=nominators)
async def nomination_page(
    actor: NamedDependency[Actor], nomination_id: FromPath[int], done: FromQuery[str] = ""
) -> Template:
    nomination = await services.get_nomination(actor, nomination_id)
    data = NominationIn(
        title=nomination["title"],
        category=nomination["category"],
        grade=nomination["grade"],
        discipline_code=nomination["discipline_code"],
        body=nomination["body"],
    )
    notices = {"saved": _("The draft was saved."), "submitted": _("The nomination was submitted.")}
    context = await _form_context(actor, nomination["cycle"], data, nomination)
    return Template("nominations/form.html", context={**context, "notice": notices.get(done, "")})


@post("/nominations/{nomination_id:int}", include_in_schema=False, status_code=303, guards=nominators)
async def save_nomination(
    actor: NamedDependency[Actor], nomination_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    nomination = await services.get_nomination(actor, nomination_id)
    data, problems = nomination_from_form(await request.form())
    try:
        if problems:
            raise InvalidInput(problems)
        await services.update_nomination(actor, nomination_id, data)
    except DomainError as error:
        context = await _form_context(actor, nomination["cycle"], data, nomination)
        return Template(
            "nominations/form.html",
            context={**context, "errors": errors_by_field(error.reasons)},
            status_code=error.status,
        )
    return Redirect(f"/nominations/{nomination_id}?done=saved", status_code=303)


@post("/nominations/check", include_in_schema=False, status_code=200, guards=nominators)
async def live_check(actor: NamedDependency[Actor], request: Request[Any, Any, Any]) -> Template:
    """The rule results for what the form says now: an HTML fragment the page's script swaps in."""
    form = await request.form()
    data, problems = nomination_from_form(form)
    raw_id = str(form.get("nomination_id", ""))
    nomination_id = int(raw_id) if raw_id.isdigit() else None
    cycle_id = (await services.get_nomination(actor, nomination_id))["cycle"] if nomination_id else await _cycle_id()
    check = await services.check(actor, cycle_id, data, nomination_id) if data.category else None
    return Template("nominations/_rules.html", context={"check": check, "form_problems": problems})


class SubmitForm(BaseModel):
    idempotency_key: str = Field(default="", max_length=64)


@post("/nominations/{nomination_id:int}/submit", include_in_schema=False, status_code=303, guards=nominators)
async def submit_nomination(
    actor: NamedDependency[Actor], nomination_id: FromPath[int], data: URLEncodedBody[SubmitForm]
) -> Response[Any]:
    try:
        await services.submit(actor, nomination_id, data.idempotency_key)
    except DomainError as error:
        nomination = await services.get_nomination(actor, nomination_id)
        form_data = NominationIn(
            title=nomination["title"],
            category=nomination["category"],
            grade=nomination["grade"],
            discipline_code=nomination["discipline_code"],
            body=nomination["body"],
        )
        context = await _form_context(actor, nomination["cycle"], form_data, nomination)
        return Template(
            "nominations/form.html",
            context={**context, "submit_errors": errors_by_field(error.reasons)},
            status_code=error.status,
        )
    return Redirect(f"/nominations/{nomination_id}?done=submitted", status_code=303)


class ResponseForm(BaseModel):
    response: str = Field(default="", max_length=5000)


@post("/nominations/objections/{objection_id:int}/respond", include_in_schema=False, status_code=303, guards=nominators)
async def respond_objection(
    actor: NamedDependency[Actor], objection_id: FromPath[int], data: URLEncodedBody[ResponseForm]
) -> Redirect:
    await services.respond_to_objection(actor, objection_id, data.response)
    return Redirect("/nominations#objections", status_code=303)


# --- association pages ---------------------------------------------------------------------


@get("/admin/award-cycles", include_in_schema=False, guards=admin_only)
async def cycles_page() -> Template:
    return Template("nominations/cycles.html", context={"cycles": await services.cycles(), "this_year": today().year})


class YearForm(BaseModel):
    year: int = Field(ge=2000, le=2100)


@post("/admin/award-cycles", include_in_schema=False, status_code=303, guards=admin_only)
async def create_cycle(actor: NamedDependency[Actor], data: URLEncodedBody[YearForm]) -> Redirect:
    cycle_id = await services.ensure_cycle(actor, data.year)
    return Redirect(f"/admin/award-cycles/{cycle_id}", status_code=303)


async def _cycle_context(cycle_id: int) -> dict[str, Any]:
    cycle = await services.cycle_row(cycle_id)
    config = json.loads(cycle["config"]) if isinstance(cycle["config"], str) else cycle["config"]
    policy = json.loads(cycle["policy"]) if isinstance(cycle["policy"], str) else cycle["policy"]
    return {
        "cycle": cycle,
        "config_text": json.dumps(config, ensure_ascii=False, indent=2),
        "policy_text": json.dumps(policy, ensure_ascii=False, indent=2),
        "versions": await services.cycle_versions(cycle_id),
        "runs": await services.adjustment_runs(cycle_id),
        "societies": await societies.society_choices(),
        **_vocabulary(),
    }


@get("/admin/award-cycles/{cycle_id:int}", include_in_schema=False, guards=admin_only)
async def cycle_page(cycle_id: FromPath[int], done: FromQuery[str] = "") -> Template:
    notices = {
        "saved": _("Saved as a new version."),
        "quota": _("The quota was set."),
        "winners": _("The winners were entered in the register of recent winners."),
    }
    return Template(
        "nominations/cycle.html", context={**await _cycle_context(cycle_id), "notice": notices.get(done, "")}
    )


class CycleForm(BaseModel):
    config: str = Field(default="", max_length=200_000)
    policy: str = Field(default="", max_length=50_000)
    note: str = Field(default="", max_length=2000)


@post("/admin/award-cycles/{cycle_id:int}", include_in_schema=False, status_code=303, guards=admin_only)
async def save_cycle(
    actor: NamedDependency[Actor], cycle_id: FromPath[int], data: URLEncodedBody[CycleForm]
) -> Response[Any]:
    try:
        try:
            config, policy = json.loads(data.config), json.loads(data.policy)
        except json.JSONDecodeError as error:
            raise InvalidInput(
                Reason(
                    "cycle.json",
                    f"设置格式错误：第{error.lineno}行第{error.colno}列",
                    f"the settings are not valid JSON: line {error.lineno}, column {error.colno}",
                    "config",
                )
            ) from error
        if not isinstance(config, dict) or not isinstance(policy, dict):
            raise InvalidInput(Reason("cycle.json", "设置应为JSON对象", "the settings must be JSON objects", "config"))
        await services.save_cycle(actor, cycle_id, config, policy, data.note)
    except DomainError as error:
        context = await _cycle_context(cycle_id)
        return Template(
            "nominations/cycle.html",
            context={
                **context,
                "config_text": data.config,
                "policy_text": data.policy,
                "errors": errors_by_field(error.reasons),
            },
            status_code=error.status,
        )
    return Redirect(f"/admin/award-cycles/{cycle_id}?done=saved", status_code=303)


class QuotaForm(BaseModel):
    society_id: int
    category: str = Field(max_length=40)
    quota: int = Field(ge=0, le=1000)


@post("/admin/award-cycles/{cycle_id:int}/quotas", include_in_schema=False, status_code=303, guards=admin_only)
async def set_quota(
    actor: NamedDependency[Actor], cycle_id: FromPath[int], data: URLEncodedBody[QuotaForm]
) -> Redirect:
    await services.set_quota(actor, cycle_id, data.society_id, data.category, data.quota)
    return Redirect(f"/admin/award-cycles/{cycle_id}?done=quota", status_code=303)


@post("/admin/award-cycles/{cycle_id:int}/winners", include_in_schema=False, status_code=303, guards=admin_only)
async def record_winners(actor: NamedDependency[Actor], cycle_id: FromPath[int]) -> Redirect:
    await services.record_winners(actor, cycle_id)
    return Redirect(f"/admin/award-cycles/{cycle_id}?done=winners", status_code=303)


@get("/admin/nominations", include_in_schema=False, guards=admin_only)
async def review_queue(
    actor: NamedDependency[Actor],
    status: FromQuery[str] = "submitted",
    year: FromQuery[int] = 0,
    page: FromQuery[int] = 1,
) -> Template:
    cycle_id = await _cycle_id(year)
    page = max(page, 1)
    rows = await services.list_nominations(
        actor, cycle_id=cycle_id, status=status, limit=QUEUE_PAGE, offset=(page - 1) * QUEUE_PAGE
    )
    return Template(
        "nominations/queue.html",
        context={
            "nominations": rows,
            "page": page,
            "more": len(rows) == QUEUE_PAGE,
            "status_filter": status,
            "cycle": await services.cycle_row(cycle_id),
            "names": await societies.society_names(),
            **_vocabulary(),
        },
    )


class RemoteReviewForm(BaseModel):
    name: str = Field(default="", max_length=200)
    required: int = Field(default=5, ge=1, le=50)
    max_load: int = Field(default=10, ge=1, le=1000)


@post("/admin/award-cycles/{cycle_id:int}/remote-review", include_in_schema=False, status_code=303, guards=admin_only)
async def send_to_remote_review(
    actor: NamedDependency[Actor], cycle_id: FromPath[int], data: URLEncodedBody[RemoteReviewForm]
) -> Redirect:
    batch_id = await services.send_to_remote_review(actor, cycle_id, data.name, data.required, data.max_load)
    return Redirect(f"/admin/review-batches/{batch_id}", status_code=303)


@get("/admin/nominations/{nomination_id:int}", include_in_schema=False, guards=admin_only)
async def review_page(actor: NamedDependency[Actor], nomination_id: FromPath[int]) -> Template:
    nomination = await services.get_nomination(actor, nomination_id)
    return Template(
        "nominations/review.html",
        context={
            "n": nomination,
            "snapshot": await services.snapshot(actor, nomination_id),
            "steps": await services.review_steps(actor, nomination_id),
            "objections": await services.objections(actor, nomination_id),
            "society": (await societies.society_names([nomination["society_id"]])).get(nomination["society_id"], ""),
            **_vocabulary(),
        },
    )


class ReviewForm(BaseModel):
    decision: str = Field(default="", max_length=20)
    reasons: str = Field(default="", max_length=5000)


@post("/admin/nominations/{nomination_id:int}/review", include_in_schema=False, status_code=303, guards=admin_only)
async def formal_review(
    actor: NamedDependency[Actor], nomination_id: FromPath[int], data: URLEncodedBody[ReviewForm]
) -> Redirect:
    await services.formal_review(actor, nomination_id, data.decision, data.reasons)
    return Redirect(f"/admin/nominations/{nomination_id}", status_code=303)


class StageForm(BaseModel):
    stage: str = Field(default="", max_length=30)
    outcome: str = Field(default="", max_length=30)
    grade: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=2000)


@post("/admin/nominations/{nomination_id:int}/stage", include_in_schema=False, status_code=303, guards=admin_only)
async def record_stage(
    actor: NamedDependency[Actor], nomination_id: FromPath[int], data: URLEncodedBody[StageForm]
) -> Redirect:
    await services.record_stage(actor, nomination_id, data.stage, data.outcome, data.grade, data.note)
    return Redirect(f"/admin/nominations/{nomination_id}", status_code=303)


class SanctionForm(BaseModel):
    kind: str = Field(default="", max_length=30)
    reason: str = Field(default="", max_length=5000)
    months: int = Field(default=12, ge=1, le=120)


@post("/admin/nominations/{nomination_id:int}/sanction", include_in_schema=False, status_code=303, guards=admin_only)
async def sanction(
    actor: NamedDependency[Actor], nomination_id: FromPath[int], data: URLEncodedBody[SanctionForm]
) -> Redirect:
    await services.sanction_nomination(actor, nomination_id, data.kind, data.reason, data.months)
    return Redirect(f"/admin/nominations/{nomination_id}", status_code=303)


@get("/admin/adjustment/{cycle_id:int}", include_in_schema=False, guards=admin_only)
async def adjustment_page(cycle_id: FromPath[int], run: FromQuery[int] = 0) -> Template:
    runs = await services.adjustment_runs(cycle_id)
    chosen = run or (runs[0]["id"] if runs else 0)
    return Template(
        "nominations/adjustment.html",
        context={
            "cycle": await services.cycle_row(cycle_id),
            "runs": runs,
            "table": await services.adjustment_table(chosen) if chosen else None,
            **_vocabulary(),
        },
    )


@post("/admin/adjustment/{cycle_id:int}/run", include_in_schema=False, status_code=303, guards=admin_only)
async def run_adjustment(actor: NamedDependency[Actor], cycle_id: FromPath[int]) -> Redirect:
    run_id = await services.run_adjustment(actor, cycle_id)
    return Redirect(f"/admin/adjustment/{cycle_id}?run={run_id}", status_code=303)


@post("/admin/adjustment/runs/{run_id:int}/override", include_in_schema=False, status_code=303, guards=admin_only)
async def override(actor: NamedDependency[Actor], run_id: FromPath[int], request: Request[Any, Any, Any]) -> Redirect:
    form = await request.form()
    quotas: dict[str, int] = {}
    for category in Category:
        raw = str(form.get(f"quota_{category.value}", "0")).strip() or "0"
        if not raw.isdigit():
            raise InvalidInput(
                Reason(
                    "adjustment.quota",
                    "名额须为非负整数",
                    "quotas must be whole numbers of zero or more",
                    f"quota_{category.value}",
                )
            )
        quotas[category.value] = int(raw)
    society_raw = str(form.get("society_id", ""))
    if not society_raw.isdigit():
        raise InvalidInput(Reason("adjustment.society", "学会无效", "unknown society", "society_id"))
    await services.override_row(
        actor, run_id, int(society_raw), form.get("may_nominate") == "1", quotas, str(form.get("reason", ""))[:5000]
    )
    table = await services.adjustment_table(run_id)
    return Redirect(f"/admin/adjustment/{table['cycle']}?run={run_id}", status_code=303)


@post("/admin/adjustment/runs/{run_id:int}/publish", include_in_schema=False, status_code=303, guards=admin_only)
async def publish_adjustment(actor: NamedDependency[Actor], run_id: FromPath[int]) -> Redirect:
    await services.publish_adjustment(actor, run_id)
    table = await services.adjustment_table(run_id)
    return Redirect(f"/admin/adjustment/{table['cycle']}?run={run_id}", status_code=303)


@get("/admin/notices", include_in_schema=False, guards=admin_only)
async def notices_page(actor: NamedDependency[Actor]) -> Template:
    return Template(
        "nominations/notices_admin.html",
        context={
            "notices": await services.public_notices(),
            "objections": await services.objections(actor),
            "cycle": await services.cycle_row(await _cycle_id()),
            "today": today().isoformat(),
            **_vocabulary(),
        },
    )


class NoticeForm(BaseModel):
    kind: str = Field(default="acceptance", max_length=20)
    title: str = Field(default="", max_length=200)
    starts_on: str = Field(default="", max_length=20)
    working_days: int = Field(default=7, ge=1, le=60)


@post("/admin/notices", include_in_schema=False, status_code=303, guards=admin_only)
async def publish_notice(actor: NamedDependency[Actor], data: URLEncodedBody[NoticeForm]) -> Redirect:
    starts = societies.as_date(data.starts_on, "starts_on") or today()
    if not data.title.strip():
        raise InvalidInput(Reason("notice.title", "请填写公示标题", "give the notice a title", "title"))
    await services.publish_notice(actor, await _cycle_id(), data.kind, data.title, starts, data.working_days)
    return Redirect("/admin/notices", status_code=303)


class DecisionForm(BaseModel):
    state: str = Field(default="", max_length=20)
    decision: str = Field(default="", max_length=5000)
    outcome: str = Field(default="", max_length=20)


@post("/admin/objections/{objection_id:int}", include_in_schema=False, status_code=303, guards=admin_only)
async def decide_objection(
    actor: NamedDependency[Actor], objection_id: FromPath[int], data: URLEncodedBody[DecisionForm]
) -> Redirect:
    await services.decide_objection(actor, objection_id, data.state, data.decision, data.outcome)
    return Redirect("/admin/notices#objections", status_code=303)


# --- public pages --------------------------------------------------------------------------


@get("/public/notices", include_in_schema=False)
async def public_notices() -> Template:
    return Template(
        "nominations/public_notices.html", context={"notices": await services.public_notices(), **_vocabulary()}
    )


@get("/public/notices/{notice_id:int}", include_in_schema=False)
async def public_notice(notice_id: FromPath[int]) -> Template:
    return Template(
        "nominations/public_notice.html",
        context={
            "pn": await services.public_notice(notice_id),
            "form": {},
            **_vocabulary(),
            **_talent_vocabulary(),
        },
    )


@post(
    "/public/notices/{notice_id:int}/objections",
    include_in_schema=False,
    status_code=303,
    request_max_body_size=get_settings().max_upload_bytes,
)
async def file_objection(notice_id: FromPath[int], request: Request[Any, Any, Any]) -> Response[Any]:
    form = await request.form()
    fields = {
        k: str(form.get(k, ""))[:5000]
        for k in ("nomination_id", "recommendation_id", "name", "id_number", "phone", "unit", "reasons")
    }
    files: list[tuple[str, bytes]] = []
    for upload in form.getall("evidence") if hasattr(form, "getall") else []:
        if isinstance(upload, UploadFile) and upload.filename:
            files.append((upload.filename, await upload.read()))
    try:
        if fields["recommendation_id"]:
            if not fields["recommendation_id"].isdigit():
                raise InvalidInput(
                    Reason(
                        "objection.recommendation",
                        "请选择异议针对的人选",
                        "choose the candidate you object to",
                        "recommendation_id",
                    )
                )
            await services.file_objection(
                notice_id,
                None,
                fields["name"],
                fields["id_number"],
                fields["phone"],
                fields["unit"],
                fields["reasons"],
                files,
                recommendation_id=int(fields["recommendation_id"]),
            )
            return Redirect(f"/public/notices/{notice_id}?done=objection", status_code=303)
        if not fields["nomination_id"].isdigit():
            raise InvalidInput(
                Reason(
                    "objection.nomination",
                    "请选择异议针对的项目",
                    "choose the nomination you object to",
                    "nomination_id",
                )
            )
        await services.file_objection(
            notice_id,
            int(fields["nomination_id"]),
            fields["name"],
            fields["id_number"],
            fields["phone"],
            fields["unit"],
            fields["reasons"],
            files,
        )
    except DomainError as error:
        return Template(
            "nominations/public_notice.html",
            context={
                "pn": await services.public_notice(notice_id),
                "form": fields,
                "errors": errors_by_field(error.reasons),
                **_vocabulary(),
                **_talent_vocabulary(),
            },
            status_code=error.status,
        )
    return Redirect(f"/public/notices/{notice_id}?done=objection", status_code=303)


@get("/public/quotas", include_in_schema=False)
async def public_quotas(year: FromQuery[int] = 0) -> Template:
    cycle_id = await _cycle_id(year)
    return Template(
        "nominations/public_quotas.html",
        context={
            "cycle": await services.cycle_row(cycle_id),
            "table": await services.published_adjustment(cycle_id),
            **_vocabulary(),
        },
    )


ROUTES = [
    my_nominations,
    export_nominations,
    new_nomination,
    create_nomination,
    nomination_page,
    save_nomination,
    live_check,
    submit_nomination,
    respond_objection,
    cycles_page,
    create_cycle,
    cycle_page,
    save_cycle,
    set_quota,
    record_winners,
    send_to_remote_review,
    review_queue,
    review_page,
    formal_review,
    record_stage,
    sanction,
    adjustment_page,
    run_adjustment,
    override,
    publish_adjustment,
    notices_page,
    publish_notice,
    decide_objection,
    public_notices,
    public_notice,
    file_objection,
    public_quotas,
]


# --- talent recommendations (人才推荐) --------------------------------------------------------


def _talent_vocabulary() -> dict[str, Any]:
    return {
        "KIND_NAMES": services.KIND_NAMES,
        "TALENT_STATUS_NAMES": services.TALENT_STATUS_NAMES,
        "CATEGORY_LABELS": services.CATEGORY_LABELS,
        "MATERIAL_LABELS": MATERIAL_LABELS,
        "SEX_NAMES": SEX_NAMES,
        "label": label,
    }


def _split(reasons: list[Reason]) -> dict[str, list[Reason]]:
    return {
        "problems": [r for r in reasons if r.code != INCOMPLETE],
        "incomplete": [r for r in reasons if r.code == INCOMPLETE],
    }


@get("/talent", include_in_schema=False, guards=nominators)
async def my_recommendations(actor: NamedDependency[Actor]) -> Template:
    assert actor.society_id is not None
    rows = await services.programmes()
    quotas = {r["id"]: await services.talent_quota(actor, r["id"], actor.society_id) for r in rows}
    return Template(
        "nominations/talent_mine.html",
        context={
            "programmes": rows,
            "open_ids": {p["id"] for p in await services.open_programmes()},
            "quotas": quotas,
            "recommendations": await services.list_recommendations(actor),
            "kpis": await services.talent_kpis(actor.society_id),
            **_talent_vocabulary(),
        },
    )


async def _talent_form_context(
    actor: Actor, programme_id: int, data: RecommendationIn, recommendation: dict[str, Any] | None
) -> dict[str, Any]:
    rec_id = recommendation["id"] if recommendation else None
    reasons = await services.check_recommendation(actor, programme_id, data, rec_id)
    return {
        "data": data,
        "recommendation": recommendation,
        "programme": await services.programme_row(programme_id),
        "config": await services.programme_config(programme_id),
        "check": _split(reasons),
        "materials": {m["material"]: m for m in await services.recommendation_materials(actor, rec_id)}
        if rec_id
        else {},
        "idempotency_key": secrets.token_hex(16),
        "steps": await services.recommendation_steps(actor, rec_id) if rec_id else [],
        **_talent_vocabulary(),
    }


async def _uploads(form: Any) -> list[tuple[str, str, bytes]]:
    found = []
    for key in MATERIAL_LABELS:
        upload = form.get(f"material_{key}")
        if isinstance(upload, UploadFile) and upload.filename:
            found.append((key, upload.filename, await upload.read()))
    return found


def _int_field(form: Any, key: str) -> int:
    raw = str(form.get(key, ""))
    return int(raw) if raw.isdigit() else 0


@get("/talent/new", include_in_schema=False, guards=nominators)
async def new_recommendation(actor: NamedDependency[Actor], programme: FromQuery[int]) -> Template:
    return Template(
        "nominations/talent_form.html",
        context=await _talent_form_context(actor, programme, RecommendationIn(), None),
    )


@post(
    "/talent",
    include_in_schema=False,
    status_code=303,
    guards=nominators,
    request_max_body_size=get_settings().max_upload_bytes,
)
async def create_recommendation(actor: NamedDependency[Actor], request: Request[Any, Any, Any]) -> Response[Any]:
    form = await request.form()
    data, problems = recommendation_from_form(form)
    programme_id = _int_field(form, "programme_id")
    try:
        if problems:
            raise InvalidInput(problems)
        await services.programme_row(programme_id)
        recommendation_id = await services.create_recommendation(actor, programme_id, data)
        for material, filename, content in await _uploads(form):
            await services.add_material(actor, recommendation_id, material, filename, content)
    except DomainError as error:
        if not programme_id or error.status == 404:
            raise
        context = await _talent_form_context(actor, programme_id, data, None)
        return Template(
            "nominations/talent_form.html",
            context={**context, "errors": errors_by_field(error.reasons)},
            status_code=error.status,
        )
    return Redirect(f"/talent/{recommendation_id}?done=saved", status_code=303)


@get("/talent/{recommendation_id:int}", include_in_schema=False, guards=nominators)
async def recommendation_page(
    actor: NamedDependency[Actor], recommendation_id: FromPath[int], done: FromQuery[str] = ""
) -> Template:
    current = await services.get_recommendation(actor, recommendation_id)
    notices = {"saved": _("The draft was saved."), "submitted": _("The recommendation was submitted.")}
    context = await _talent_form_context(actor, current["programme"], current["body"], current)
    return Template("nominations/talent_form.html", context={**context, "notice": notices.get(done, "")})


@post(
    "/talent/{recommendation_id:int}",
    include_in_schema=False,
    status_code=303,
    guards=nominators,
    request_max_body_size=get_settings().max_upload_bytes,
)
async def save_recommendation(
    actor: NamedDependency[Actor], recommendation_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    current = await services.get_recommendation(actor, recommendation_id)
    form = await request.form()
    data, problems = recommendation_from_form(form)
    try:
        if problems:
            raise InvalidInput(problems)
        await services.update_recommendation(actor, recommendation_id, data)
        for material, filename, content in await _uploads(form):
            await services.add_material(actor, recommendation_id, material, filename, content)
    except DomainError as error:
        context = await _talent_form_context(actor, current["programme"], data, current)
        return Template(
            "nominations/talent_form.html",
            context={**context, "errors": errors_by_field(error.reasons)},
            status_code=error.status,
        )
    return Redirect(f"/talent/{recommendation_id}?done=saved", status_code=303)


@post("/talent/check", include_in_schema=False, status_code=200, guards=nominators)
async def talent_live_check(actor: NamedDependency[Actor], request: Request[Any, Any, Any]) -> Template:
    """The rule results for what the person form says now: a fragment the page's script swaps in."""
    form = await request.form()
    data, problems = recommendation_from_form(form)
    raw_id = str(form.get("recommendation_id", ""))
    recommendation_id = int(raw_id) if raw_id.isdigit() else None
    programme_id = _int_field(form, "programme_id")
    # The script sends a chosen file as a non-empty text value: count it as about to be uploaded.
    chosen = frozenset(key for key in MATERIAL_LABELS if str(form.get(f"material_{key}", "")).strip())
    reasons = await services.check_recommendation(actor, programme_id, data, recommendation_id, chosen=chosen)
    return Template("nominations/_talent_rules.html", context={"check": _split(reasons), "form_problems": problems})


@post("/talent/{recommendation_id:int}/submit", include_in_schema=False, status_code=303, guards=nominators)
async def submit_recommendation(
    actor: NamedDependency[Actor], recommendation_id: FromPath[int], data: URLEncodedBody[SubmitForm]
) -> Response[Any]:
    try:
        await services.submit_recommendation(actor, recommendation_id, data.idempotency_key)
    except DomainError as error:
        current = await services.get_recommendation(actor, recommendation_id)
        context = await _talent_form_context(actor, current["programme"], current["body"], current)
        return Template(
            "nominations/talent_form.html",
            context={**context, "submit_errors": errors_by_field(error.reasons), "submit_reasons": error.reasons},
            status_code=error.status,
        )
    return Redirect(f"/talent/{recommendation_id}?done=submitted", status_code=303)


# association: programmes, review, ballots, notice, final list


@get("/admin/talent", include_in_schema=False, guards=admin_only)
async def programmes_page() -> Template:
    return Template(
        "nominations/talent_programmes.html",
        context={"programmes": await services.programmes(), "this_year": today().year, **_talent_vocabulary()},
    )


class ProgrammeForm(BaseModel):
    kind: str = Field(default="", max_length=30)
    edition_year: int = Field(ge=1989, le=2200)


@post("/admin/talent", include_in_schema=False, status_code=303, guards=admin_only)
async def create_programme(actor: NamedDependency[Actor], data: URLEncodedBody[ProgrammeForm]) -> Redirect:
    programme_id = await services.ensure_programme(actor, data.kind, data.edition_year)
    return Redirect(f"/admin/talent/{programme_id}", status_code=303)


async def _programme_context(actor: Actor, programme_id: int) -> dict[str, Any]:
    row = await services.programme_row(programme_id)
    config = json.loads(row["config"]) if isinstance(row["config"], str) else row["config"]
    recommendations = await services.list_recommendations(actor, programme_id=programme_id)
    return {
        "programme": row,
        "config": await services.programme_config(programme_id),
        "config_text": json.dumps(config, ensure_ascii=False, indent=2),
        "quotas": await services.talent_quotas(programme_id),
        "recommendations": recommendations,
        "voting": [r for r in recommendations if r["status"] in ("passed", "tied")],
        "ballots": await services.ballots(programme_id),
        "final": await services.final_list(actor, programme_id),
        "names": await societies.society_names(),
        "today": today().isoformat(),
        **_talent_vocabulary(),
    }


@get("/admin/talent/{programme_id:int}", include_in_schema=False, guards=admin_only)
async def programme_page(
    actor: NamedDependency[Actor], programme_id: FromPath[int], done: FromQuery[str] = ""
) -> Template:
    notices = {
        "saved": _("Saved as a new version."),
        "quota": _("The quota was set."),
        "ballot": _("The ballot was recorded."),
        "notice": _("The proposed list was put under notice."),
        "final": _("The final list was fixed."),
    }
    return Template(
        "nominations/talent_programme.html",
        context={**await _programme_context(actor, programme_id), "notice": notices.get(done, "")},
    )


async def _programme_error(actor: Actor, programme_id: int, error: DomainError, **extra: Any) -> Template:
    return Template(
        "nominations/talent_programme.html",
        context={**await _programme_context(actor, programme_id), "errors": errors_by_field(error.reasons), **extra},
        status_code=error.status,
    )


class ProgrammeConfigForm(BaseModel):
    config: str = Field(default="", max_length=100_000)


@post("/admin/talent/{programme_id:int}", include_in_schema=False, status_code=303, guards=admin_only)
async def save_programme(
    actor: NamedDependency[Actor], programme_id: FromPath[int], data: URLEncodedBody[ProgrammeConfigForm]
) -> Response[Any]:
    try:
        try:
            config = json.loads(data.config)
        except json.JSONDecodeError as error:
            raise InvalidInput(
                Reason(
                    "programme.json",
                    f"设置格式错误：第{error.lineno}行第{error.colno}列",
                    f"the settings are not valid JSON: line {error.lineno}, column {error.colno}",
                    "config",
                )
            ) from error
        if not isinstance(config, dict):
            raise InvalidInput(
                Reason("programme.json", "设置应为JSON对象", "the settings must be a JSON object", "config")
            )
        await services.save_programme(actor, programme_id, config)
    except DomainError as error:
        return await _programme_error(actor, programme_id, error, config_text=data.config)
    return Redirect(f"/admin/talent/{programme_id}?done=saved", status_code=303)


class TalentQuotaForm(BaseModel):
    society_id: int
    quota: int = Field(ge=0, le=1000)


@post("/admin/talent/{programme_id:int}/quotas", include_in_schema=False, status_code=303, guards=admin_only)
async def set_talent_quota(
    actor: NamedDependency[Actor], programme_id: FromPath[int], data: URLEncodedBody[TalentQuotaForm]
) -> Redirect:
    await services.set_talent_quota(actor, programme_id, data.society_id, data.quota)
    return Redirect(f"/admin/talent/{programme_id}?done=quota", status_code=303)


@post("/admin/talent/{programme_id:int}/ballots", include_in_schema=False, status_code=303, guards=admin_only)
async def record_ballot(
    actor: NamedDependency[Actor], programme_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    form = await request.form()
    tallies: dict[int, Tally] = {}
    try:
        for key in form:
            if key.startswith("yes_") and key[4:].isdigit():
                rec = int(key[4:])
                counts = [str(form.get(f"{part}_{rec}", "")).strip() or "0" for part in ("yes", "no", "abstain")]
                if not all(c.isdigit() for c in counts):
                    raise InvalidInput(
                        Reason("ballot.count", "票数须为非负整数", "votes are whole numbers of zero or more", key)
                    )
                tallies[rec] = Tally(int(counts[0]), int(counts[1]), int(counts[2]))
        await services.record_ballot(
            actor,
            programme_id,
            _int_field(form, "roll"),
            _int_field(form, "present"),
            _int_field(form, "places"),
            tallies,
        )
    except DomainError as error:
        return await _programme_error(actor, programme_id, error)
    return Redirect(f"/admin/talent/{programme_id}?done=ballot#ballots", status_code=303)


class TalentNoticeForm(BaseModel):
    title: str = Field(default="", max_length=200)
    starts_on: str = Field(default="", max_length=20)


@post("/admin/talent/{programme_id:int}/notice", include_in_schema=False, status_code=303, guards=admin_only)
async def publish_talent_notice(
    actor: NamedDependency[Actor], programme_id: FromPath[int], data: URLEncodedBody[TalentNoticeForm]
) -> Response[Any]:
    try:
        starts = societies.as_date(data.starts_on, "starts_on") or today()
        await services.publish_talent_notice(actor, programme_id, data.title, starts)
    except DomainError as error:
        return await _programme_error(actor, programme_id, error)
    return Redirect(f"/admin/talent/{programme_id}?done=notice", status_code=303)


@post("/admin/talent/{programme_id:int}/final", include_in_schema=False, status_code=303, guards=admin_only)
async def finalise_list(actor: NamedDependency[Actor], programme_id: FromPath[int]) -> Response[Any]:
    try:
        await services.finalise_list(actor, programme_id)
    except DomainError as error:
        return await _programme_error(actor, programme_id, error)
    return Redirect(f"/admin/talent/{programme_id}?done=final", status_code=303)


@get("/admin/talent/{programme_id:int}/final.xlsx", include_in_schema=False, guards=admin_only)
async def export_final_list(actor: NamedDependency[Actor], programme_id: FromPath[int]) -> Response[bytes]:
    row = await services.programme_row(programme_id)
    rows = await services.final_list(actor, programme_id)
    return xlsx_response(
        f"talent-{row['kind']}-{row['edition_year']}.xlsx",
        _("Final list"),
        [_("Name"), _("Sex"), _("Unit"), _("Title"), _("Discipline"), _("Society"), _("Votes")],
        (
            [r["name"], label(SEX_NAMES, r["sex"]), r["unit"], r["title"], r["discipline"], r["society"], r["votes"]]
            for r in rows
        ),
    )


@get("/admin/talent/recommendations/{recommendation_id:int}", include_in_schema=False, guards=admin_only)
async def recommendation_review_page(actor: NamedDependency[Actor], recommendation_id: FromPath[int]) -> Template:
    current = await services.get_recommendation(actor, recommendation_id)
    return Template(
        "nominations/talent_review.html",
        context={
            "r": current,
            "snapshot": await services.recommendation_snapshot(actor, recommendation_id),
            "steps": await services.recommendation_steps(actor, recommendation_id),
            "objections": await services.objections(actor, recommendation_id=recommendation_id),
            "society": (await societies.society_names([current["society_id"]])).get(current["society_id"], ""),
            **_talent_vocabulary(),
        },
    )


@post(
    "/admin/talent/recommendations/{recommendation_id:int}/review",
    include_in_schema=False,
    status_code=303,
    guards=admin_only,
)
async def review_recommendation(
    actor: NamedDependency[Actor], recommendation_id: FromPath[int], data: URLEncodedBody[ReviewForm]
) -> Redirect:
    await services.review_recommendation(actor, recommendation_id, data.decision, data.reasons)
    return Redirect(f"/admin/talent/recommendations/{recommendation_id}", status_code=303)


SEX_NAMES: dict[str, tuple[str, str]] = {"male": ("男", "Male"), "female": ("女", "Female")}

ROUTES += [
    my_recommendations,
    new_recommendation,
    create_recommendation,
    recommendation_page,
    save_recommendation,
    talent_live_check,
    submit_recommendation,
    programmes_page,
    create_programme,
    programme_page,
    save_programme,
    set_talent_quota,
    record_ballot,
    publish_talent_notice,
    finalise_list,
    export_final_list,
    recommendation_review_page,
    review_recommendation,
]
