"""Plan pages for exam staff: the plan list and the new-plan form, a plan's page with its
subjects, rooms and actions (seating, publication, certificates, the fee list)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel, Field, ValidationError

from accounts.rules import Actor
from exams import services
from exams.pages._shared import clean, form_reasons, notice, staff, upload, vocabulary
from exams.rules.eligibility import Education
from exams.rules.violations import DEFAULT_COMMITMENT_BAR_YEARS
from exams.schemas import EligibilityRowIn, ExemptionIn, PlanIn, RoomIn, SubjectIn
from xuehui.clock import CHINA, today
from xuehui.errors import InvalidInput, Reason
from xuehui.excel_export import xlsx_response
from xuehui.form_action import form_action
from xuehui.i18n import gettext as _
from xuehui.settings import get_settings

PLAN_FIELDS = [
    "society_id",
    "code",
    "exam_code",
    "name",
    "year",
    "registration_opens",
    "registration_closes",
    "fee",
    "cutoff_date",
    "ticket_template",
    "publication_date",
    "commitment_bar_years",
    "certificate_valid_years",
]
CANDIDATE_GROUPS = ("full", "exempt")
# What a new plan's form proposes: a month of registration, scores three months on, a fee and
# rolling windows as most qualification exams have them.
DEFAULT_REGISTRATION_DAYS = 30
DEFAULT_PUBLICATION_DAYS = 90
DEFAULT_FEE = "100"
DEFAULT_TICKET_TEMPLATE = "{year}{plan}{site:02}{room:03}{seat:02}"
DEFAULT_ROLLING_FULL, DEFAULT_ROLLING_EXEMPT = 4, 2
NEW_ROOM = {"rows": 5, "columns": 6, "spare_seats": 0, "mode": "paper"}

PLAN_NOTICES = {
    "created": ("考试计划已创建。", "The exam plan was created."),
    "voided": (
        "该报名已作废，身份证号本人可以重新报名。",
        "The registration was voided; the number's owner may now register.",
    ),
    "subject": ("科目已添加。", "The subject was added."),
    "room": ("考场已添加。", "The room was added."),
    "seated": ("座位已编排，准考证已生成。", "Seats were allocated and tickets issued."),
    "published": ("成绩已公布。", "The scores were published."),
    "certificates": ("证书已发放。", "Certificates were issued."),
    "fees": ("缴费名单已导入。", "The fee list was imported."),
    "fees-not-all-paid": (
        "缴费名单已导入：只有状态为已支付的考生标记为已缴费，未支付和已退款的考生保持不变。",
        "The fee list was imported: only the rows marked paid were marked paid; "
        "unpaid and refunded rows were left as they were.",
    ),
}


def plan_from_form(form: Mapping[str, Any]) -> PlanIn:
    values: dict[str, Any] = clean(form, PLAN_FIELDS)
    values["count_after_graduation_only"] = bool(form.get("count_after_graduation_only"))
    values["separate_employers"] = bool(form.get("separate_employers"))
    values["one_group_per_room"] = bool(form.get("one_group_per_room"))
    rows = []
    problems = []
    for e in Education:
        raw = str(form.get(f"elig_{e.value}", "")).strip()
        if raw:
            if not raw.isdigit():
                problems.append(Reason("form.number", "年限应为整数", "years are whole numbers", f"elig_{e.value}"))
                continue
            rows.append(EligibilityRowIn(education=e.value, min_years=int(raw)))
    values["eligibility"] = rows
    rolling = {}
    for group in CANDIDATE_GROUPS:
        raw = str(form.get(f"rolling_{group}", "")).strip()
        if raw.isdigit():
            rolling[group] = int(raw)
    values["rolling"] = rolling
    exemptions = []
    for line in str(form.get("exemptions", "")).splitlines():
        if ":" in line:
            cert, _sep, codes = line.partition(":")
            subjects = [c.strip().upper() for c in codes.split(",") if c.strip()]
            exemptions.append(ExemptionIn(certificate=cert.strip(), subjects=subjects, candidate_group="exempt"))
    values["exemptions"] = exemptions
    if problems:
        raise InvalidInput(problems)
    try:
        return PlanIn(**values)
    except ValidationError as error:
        raise form_reasons(error) from error


def _plan_form_values(form: Mapping[str, Any] | None) -> dict[str, Any]:
    if form is None:
        year = today().year
        return {
            "year": year,
            "fee": DEFAULT_FEE,
            "ticket_template": DEFAULT_TICKET_TEMPLATE,
            "separate_employers": True,
            "one_group_per_room": True,
            "rolling_full": DEFAULT_ROLLING_FULL,
            "rolling_exempt": DEFAULT_ROLLING_EXEMPT,
            "registration_opens": today().isoformat(),
            "registration_closes": (today() + dt.timedelta(days=DEFAULT_REGISTRATION_DAYS)).isoformat(),
            "cutoff_date": dt.date(year, 12, 31).isoformat(),
            "publication_date": (today() + dt.timedelta(days=DEFAULT_PUBLICATION_DAYS)).isoformat(),
            "commitment_bar_years": DEFAULT_COMMITMENT_BAR_YEARS,
        }
    return {k: form.get(k, "") for k in form}


async def _plans_context(actor: Actor) -> dict[str, Any]:
    society_id = actor.society_id
    return {
        "plans": await services.list_plans(actor),
        "kpis": await services.pilot_kpis(society_id) if society_id is not None else [],
        "societies": await services.society_options() if actor.is_admin else [],
        **vocabulary(),
    }


@get("/exams", include_in_schema=False, guards=staff)
async def plans_page(actor: NamedDependency[Actor], done: FromQuery[str] = "") -> Template:
    notices = {"created": _("The exam plan was created.")}
    context = await _plans_context(actor)
    return Template(
        "exams/plans.html", context={**context, "form": _plan_form_values(None), "notice": notices.get(done, "")}
    )


@get("/exams.xlsx", include_in_schema=False, guards=staff)
async def export_plans(actor: NamedDependency[Actor]) -> Response[bytes]:
    plans = await services.list_plans(actor)
    return xlsx_response(
        "exam-plans.xlsx",
        _("Exam plans"),
        [_("Code"), _("Exam"), _("Year"), _("Registration opens"), _("Registration closes"), _("Publication date")],
        (
            [p["code"], p["name"], p["year"], p["registration_opens"], p["registration_closes"], p["publication_date"]]
            for p in plans
        ),
    )


@post("/exams", include_in_schema=False, status_code=303, guards=staff)
async def create_plan(actor: NamedDependency[Actor], request: Request[Any, Any, Any]) -> Response[Any]:
    form = await request.form()

    async def context() -> dict[str, Any]:
        return {**await _plans_context(actor), "form": _plan_form_values(form)}

    return await form_action(
        lambda: services.create_plan(actor, plan_from_form(form)),
        success=lambda plan_id: f"/exams/{plan_id}?done=created",
        template="exams/plans.html",
        context=context,
    )


async def plan_context(actor: Actor, plan_id: int, failed_form: str = "") -> dict[str, Any]:
    """The plan page; `failed_form` names the form whose refusal is shown (`errors` beside it)."""
    plan = await services.get_plan(actor, plan_id)
    regs = await services.list_registrations(actor, plan_id)
    counts: dict[str, int] = {}
    for r in regs:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return {
        "plan": plan,
        "counts": counts,
        "paid": sum(1 for r in regs if r["paid"]),
        "seated": sum(1 for r in regs if r["room"] is not None),
        "imports": await services.list_imports(actor, plan_id),
        "clashes": await services.clashes(actor, plan_id),
        "subject_form": {},
        "room_form": NEW_ROOM,
        "failed_form": failed_form,
        **vocabulary(),
    }


def plan_again(actor: Actor, plan_id: int, failed_form: str) -> Any:
    """The plan page again when the action of `failed_form` is refused."""
    return lambda: plan_context(actor, plan_id, failed_form)


@get("/exams/{plan_id:int}", include_in_schema=False, guards=staff)
async def plan_page(actor: NamedDependency[Actor], plan_id: FromPath[int], done: FromQuery[str] = "") -> Template:
    context = await plan_context(actor, plan_id)
    return Template("exams/plan.html", context={**context, "notice": notice(PLAN_NOTICES, done)})


class SubjectForm(BaseModel):
    code: str = Field(default="", max_length=10)
    name: str = Field(default="", max_length=100)
    full_marks: str = Field(default="", max_length=10)
    pass_mark: str = Field(default="", max_length=10)
    decimal_places: str = Field(default="0", max_length=2)
    objective: str = Field(default="", max_length=5)
    starts_at: str = Field(default="", max_length=30)
    ends_at: str = Field(default="", max_length=30)


def _local_time(raw: str) -> str:
    """A datetime-local value (China time) as an aware ISO timestamp."""
    try:
        return dt.datetime.fromisoformat(raw).replace(tzinfo=CHINA).isoformat()
    except ValueError:
        return raw


def subject_in(data: SubjectForm) -> SubjectIn:
    values: dict[str, Any] = {k: v for k, v in data.model_dump().items() if v != ""}
    values["objective"] = bool(data.objective)
    for key in ("starts_at", "ends_at"):
        if key in values:
            values[key] = _local_time(values[key])
    try:
        return SubjectIn(**values)
    except ValidationError as error:
        raise form_reasons(error) from error


@post("/exams/{plan_id:int}/subjects", include_in_schema=False, status_code=303, guards=staff)
async def add_subject(
    actor: NamedDependency[Actor], plan_id: FromPath[int], data: URLEncodedBody[SubjectForm]
) -> Response[Any]:
    async def context() -> dict[str, Any]:
        return {**await plan_context(actor, plan_id, "subject"), "subject_form": data.model_dump()}

    return await form_action(
        lambda: services.add_subject(actor, plan_id, subject_in(data)),
        success=f"/exams/{plan_id}?done=subject#subjects",
        template="exams/plan.html",
        context=context,
    )


class RoomForm(BaseModel):
    site_code: str = Field(default="", max_length=10)
    site_name: str = Field(default="", max_length=100)
    address: str = Field(default="", max_length=200)
    room_no: str = Field(default="", max_length=5)
    rows: str = Field(default="", max_length=5)
    columns: str = Field(default="", max_length=5)
    spare_seats: str = Field(default="0", max_length=5)
    mode: str = Field(default="paper", max_length=10)
    subject_group: str = Field(default="", max_length=60)


def _room_in(data: RoomForm) -> RoomIn:
    try:
        return RoomIn(**{k: v for k, v in data.model_dump().items() if v != ""})
    except ValidationError as error:
        raise form_reasons(error) from error


@post("/exams/{plan_id:int}/rooms", include_in_schema=False, status_code=303, guards=staff)
async def add_room(
    actor: NamedDependency[Actor], plan_id: FromPath[int], data: URLEncodedBody[RoomForm]
) -> Response[Any]:
    async def context() -> dict[str, Any]:
        return {**await plan_context(actor, plan_id, "room"), "room_form": data.model_dump()}

    return await form_action(
        lambda: services.add_room(actor, plan_id, _room_in(data)),
        success=f"/exams/{plan_id}?done=room#rooms",
        template="exams/plan.html",
        context=context,
    )


@post(
    "/exams/{plan_id:int}/fees",
    include_in_schema=False,
    status_code=303,
    guards=staff,
    request_max_body_size=get_settings().max_upload_bytes,
)
async def import_fees(
    actor: NamedDependency[Actor], plan_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    async def action() -> services.FeeImport:
        _name, data = await upload(request)
        return await services.mark_paid_from_excel(actor, plan_id, data)

    return await form_action(
        action,
        success=lambda done: f"/exams/{plan_id}?done=" + ("fees-not-all-paid" if done.not_paid else "fees"),
        template="exams/plan.html",
        context=plan_again(actor, plan_id, "fee"),
    )


ROUTES = [
    plans_page,
    export_plans,
    create_plan,
    plan_page,
    add_subject,
    add_room,
    import_fees,
]
