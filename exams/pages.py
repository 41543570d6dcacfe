"""Exam pages: administrators run plans (review, fees, seating, tickets, score import, publication,
re-checks, certificates); candidates sign up, register, print tickets, see scores and ask for
re-checks; anyone looks up published results and verifies certificates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel, Field, ValidationError

from accounts import services as accounts
from accounts.rules import Actor
from exams import services
from exams.rules.eligibility import EDUCATION_NAMES, Education
from exams.rules.score_import import SCORE_HEADER_ALIASES
from exams.rules.violations import LEVEL_NAMES
from exams.schemas import (
    EligibilityRowIn,
    ExemptionIn,
    MoveIn,
    PlanIn,
    RecheckDecisionIn,
    RecheckIn,
    RegistrationIn,
    ReviewIn,
    RoomIn,
    SubjectIn,
    ViolationIn,
)
from xuehui.clock import CHINA, today
from xuehui.errors import DomainError, InvalidInput, Reason
from xuehui.excel_export import xlsx_response
from xuehui.i18n import current_language, pick
from xuehui.i18n import gettext as _
from xuehui.jobs import job_panel, job_refresh_headers
from xuehui.settings import get_settings
from xuehui.templating import errors_by_field
from xuehui.web import requires_role

staff = [requires_role("admin", "exam_admin")]
candidate_only = [requires_role("candidate")]
candidate_or_staff = [requires_role("admin", "exam_admin", "candidate")]


def label(table: Mapping[Any, tuple[str, str]], key: Any) -> str:
    zh, en = table.get(key, (str(key), str(key)))
    return pick(zh, en)


def _vocabulary() -> dict[str, Any]:
    return {
        "educations": [(e.value, pick(*EDUCATION_NAMES[e])) for e in Education],
        "levels": [(k.value, pick(*v)) for k, v in LEVEL_NAMES.items()],
        "score_statuses": [(k, pick(*v)) for k, v in services.SCORE_STATUSES.items()],
        "label": label,
        "REG_STATUSES": services.REG_STATUSES,
        "SCORE_STATUSES": services.SCORE_STATUSES,
        "EDUCATIONS": {e.value: EDUCATION_NAMES[e] for e in Education},
        "job_panel": job_panel,
    }


def _form_reasons(error: ValidationError, prefix: str = "") -> InvalidInput:
    reasons = []
    for item in error.errors():
        field = prefix + ".".join(str(p) for p in item["loc"])
        reasons.append(
            Reason("form.invalid", f"“{field}”填写不正确", f"{field} is not valid: {item['msg']}", field.split(".")[0])
        )
    return InvalidInput(reasons)


def _clean(form: Mapping[str, Any], keys: list[str]) -> dict[str, Any]:
    return {k: str(form.get(k, "")).strip() for k in keys if str(form.get(k, "")).strip() != ""}


# --- plans ---------------------------------------------------------------------------------

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
]


def plan_from_form(form: Mapping[str, Any]) -> PlanIn:
    values: dict[str, Any] = _clean(form, PLAN_FIELDS)
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
    for group in ("full", "exempt"):
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
        raise _form_reasons(error) from error


def _plan_form_values(form: Mapping[str, Any] | None) -> dict[str, Any]:
    if form is None:
        year = today().year
        return {
            "year": year,
            "fee": "100",
            "ticket_template": "{year}{plan}{site:02}{room:03}{seat:02}",
            "separate_employers": True,
            "one_group_per_room": True,
            "rolling_full": 4,
            "rolling_exempt": 2,
            "registration_opens": today().isoformat(),
            "registration_closes": (today() + dt.timedelta(days=30)).isoformat(),
            "cutoff_date": dt.date(year, 12, 31).isoformat(),
            "publication_date": (today() + dt.timedelta(days=90)).isoformat(),
        }
    return {k: form.get(k, "") for k in form}


async def _plans_context(actor: Actor) -> dict[str, Any]:
    society_id = actor.society_id
    return {
        "plans": await services.list_plans(actor),
        "kpis": await services.pilot_kpis(society_id) if society_id is not None else [],
        "societies": await services.society_options() if actor.is_admin else [],
        **_vocabulary(),
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
    try:
        plan_id = await services.create_plan(actor, plan_from_form(form))
    except DomainError as error:
        context = await _plans_context(actor)
        return Template(
            "exams/plans.html",
            context={**context, "form": _plan_form_values(form), "errors": errors_by_field(error.reasons)},
            status_code=error.status,
        )
    return Redirect(f"/exams/{plan_id}?done=created", status_code=303)


PLAN_NOTICES = {
    "created": ("考试计划已创建。", "The exam plan was created."),
    "subject": ("科目已添加。", "The subject was added."),
    "room": ("考场已添加。", "The room was added."),
    "seated": ("座位已编排，准考证已生成。", "Seats were allocated and tickets issued."),
    "published": ("成绩已公布。", "The scores were published."),
    "certificates": ("证书已发放。", "Certificates were issued."),
    "fees": ("缴费名单已导入。", "The fee list was imported."),
}


async def _plan_context(actor: Actor, plan_id: int) -> dict[str, Any]:
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
        "subject_form": {},
        "room_form": {"rows": 5, "columns": 6, "spare_seats": 0, "mode": "paper"},
        **_vocabulary(),
    }


@get("/exams/{plan_id:int}", include_in_schema=False, guards=staff)
async def plan_page(actor: NamedDependency[Actor], plan_id: FromPath[int], done: FromQuery[str] = "") -> Template:
    context = await _plan_context(actor, plan_id)
    notice = label(PLAN_NOTICES, done) if done in PLAN_NOTICES else ""
    return Template("exams/plan.html", context={**context, "notice": notice})


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


@post("/exams/{plan_id:int}/subjects", include_in_schema=False, status_code=303, guards=staff)
async def add_subject(
    actor: NamedDependency[Actor], plan_id: FromPath[int], data: URLEncodedBody[SubjectForm]
) -> Response[Any]:
    try:
        values: dict[str, Any] = {k: v for k, v in data.model_dump().items() if v != ""}
        values["objective"] = bool(data.objective)
        for key in ("starts_at", "ends_at"):
            if key in values:
                values[key] = _local_time(values[key])
        try:
            subject = SubjectIn(**values)
        except ValidationError as error:
            raise _form_reasons(error) from error
        await services.add_subject(actor, plan_id, subject)
    except DomainError as error:
        context = await _plan_context(actor, plan_id)
        return Template(
            "exams/plan.html",
            context={**context, "subject_form": data.model_dump(), "subject_errors": errors_by_field(error.reasons)},
            status_code=error.status,
        )
    return Redirect(f"/exams/{plan_id}?done=subject#subjects", status_code=303)


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


@post("/exams/{plan_id:int}/rooms", include_in_schema=False, status_code=303, guards=staff)
async def add_room(
    actor: NamedDependency[Actor], plan_id: FromPath[int], data: URLEncodedBody[RoomForm]
) -> Response[Any]:
    try:
        try:
            room = RoomIn(**{k: v for k, v in data.model_dump().items() if v != ""})
        except ValidationError as error:
            raise _form_reasons(error) from error
        await services.add_room(actor, plan_id, room)
    except DomainError as error:
        context = await _plan_context(actor, plan_id)
        return Template(
            "exams/plan.html",
            context={**context, "room_form": data.model_dump(), "room_errors": errors_by_field(error.reasons)},
            status_code=error.status,
        )
    return Redirect(f"/exams/{plan_id}?done=room#rooms", status_code=303)


async def _plan_error(actor: Actor, plan_id: int, error: DomainError, key: str) -> Template:
    context = await _plan_context(actor, plan_id)
    return Template(
        "exams/plan.html", context={**context, key: errors_by_field(error.reasons)}, status_code=error.status
    )


@post("/exams/{plan_id:int}/seating", include_in_schema=False, status_code=303, guards=staff)
async def allocate_seats(actor: NamedDependency[Actor], plan_id: FromPath[int]) -> Response[Any]:
    try:
        await services.allocate_seats(actor, plan_id)
    except DomainError as error:
        return await _plan_error(actor, plan_id, error, "action_errors")
    return Redirect(f"/exams/{plan_id}?done=seated", status_code=303)


@post("/exams/{plan_id:int}/publish", include_in_schema=False, status_code=303, guards=staff)
async def publish(actor: NamedDependency[Actor], plan_id: FromPath[int]) -> Response[Any]:
    try:
        await services.publish(actor, plan_id)
    except DomainError as error:
        return await _plan_error(actor, plan_id, error, "action_errors")
    return Redirect(f"/exams/{plan_id}?done=published", status_code=303)


@post("/exams/{plan_id:int}/certificates", include_in_schema=False, status_code=303, guards=staff)
async def issue_certificates(actor: NamedDependency[Actor], plan_id: FromPath[int]) -> Response[Any]:
    try:
        await services.issue_certificates(actor, plan_id)
    except DomainError as error:
        return await _plan_error(actor, plan_id, error, "action_errors")
    return Redirect(f"/exams/{plan_id}/results?done=certificates", status_code=303)


async def _upload(request: Request[Any, Any, Any], name: str = "file") -> tuple[str, bytes]:
    form = await request.form()
    upload = form.get(name)
    if not isinstance(upload, UploadFile):
        raise InvalidInput(Reason("upload.missing", "请选择要上传的文件", "choose a file to upload", name))
    return upload.filename or "", await upload.read()


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
    try:
        _name, data = await _upload(request)
        await services.mark_paid_from_excel(actor, plan_id, data)
    except DomainError as error:
        return await _plan_error(actor, plan_id, error, "fee_errors")
    return Redirect(f"/exams/{plan_id}?done=fees", status_code=303)


# --- registrations (staff) -------------------------------------------------------------------


@get("/exams/{plan_id:int}/registrations", include_in_schema=False, guards=staff)
async def registrations_page(
    actor: NamedDependency[Actor], plan_id: FromPath[int], status: FromQuery[str] = ""
) -> Template:
    plan = await services.plan_for_staff(actor, plan_id)
    regs = await services.list_registrations(actor, plan_id, status)
    return Template(
        "exams/registrations.html",
        context={"plan": plan, "registrations": regs, "status_filter": status, **_vocabulary()},
    )


@get("/exams/{plan_id:int}/registrations.xlsx", include_in_schema=False, guards=staff)
async def export_registrations(
    actor: NamedDependency[Actor], plan_id: FromPath[int], status: FromQuery[str] = ""
) -> Response[bytes]:
    regs = await services.list_registrations(actor, plan_id, status)
    return xlsx_response(
        "registrations.xlsx",
        _("Registrations"),
        [
            _("Name"),
            _("Identity number"),
            _("Employer"),
            _("Subjects"),
            _("Status"),
            _("Eligibility"),
            _("Fee paid"),
            _("Ticket number"),
        ],
        (
            [
                r["name"],
                r["id_number"],
                r["employer"],
                " ".join(r["subjects"]),
                label(services.REG_STATUSES, r["status"]),
                pick(r["eligibility_zh"], r["eligibility_en"]),
                r["paid"],
                r["ticket_no"] or "",
            ]
            for r in regs
        ),
    )


REG_NOTICES = {
    "reviewed": ("审核结论已保存。", "The review was saved."),
    "paid": ("已确认缴费。", "The fee was marked paid."),
    "seated": ("已安排座位。", "A seat was allocated."),
    "moved": ("座位已调整，准考证已重新生成。", "The candidate was moved and the ticket re-issued."),
    "violation": ("违纪违规处理决定已记录。", "The violation decision was recorded."),
}


async def _registration_context(actor: Actor, registration_id: int) -> dict[str, Any]:
    reg = await services.get_registration(actor, registration_id)
    return {
        "reg": reg,
        "plan": reg["plan_row"],
        "rooms": await services.rooms_of(reg["plan_row"]["id"]),
        "violations": await services.violations_of_registration(registration_id),
        **_vocabulary(),
    }


@get("/exams/registrations/{registration_id:int}", include_in_schema=False, guards=staff)
async def registration_page(
    actor: NamedDependency[Actor], registration_id: FromPath[int], done: FromQuery[str] = ""
) -> Template:
    context = await _registration_context(actor, registration_id)
    notice = label(REG_NOTICES, done) if done in REG_NOTICES else ""
    return Template("exams/registration.html", context={**context, "notice": notice})


async def _registration_error(actor: Actor, registration_id: int, error: DomainError, key: str) -> Template:
    context = await _registration_context(actor, registration_id)
    return Template(
        "exams/registration.html", context={**context, key: errors_by_field(error.reasons)}, status_code=error.status
    )


class ReviewForm(BaseModel):
    decision: str = Field(default="", max_length=10)
    note: str = Field(default="", max_length=2000)


@post("/exams/registrations/{registration_id:int}/review", include_in_schema=False, status_code=303, guards=staff)
async def review(
    actor: NamedDependency[Actor], registration_id: FromPath[int], data: URLEncodedBody[ReviewForm]
) -> Response[Any]:
    try:
        await services.review(actor, registration_id, ReviewIn(decision=data.decision, note=data.note))
    except DomainError as error:
        return await _registration_error(actor, registration_id, error, "review_errors")
    return Redirect(f"/exams/registrations/{registration_id}?done=reviewed", status_code=303)


@post("/exams/registrations/{registration_id:int}/paid", include_in_schema=False, status_code=303, guards=staff)
async def mark_paid(actor: NamedDependency[Actor], registration_id: FromPath[int]) -> Response[Any]:
    try:
        await services.mark_paid(actor, registration_id)
    except DomainError as error:
        return await _registration_error(actor, registration_id, error, "seat_errors")
    return Redirect(f"/exams/registrations/{registration_id}?done=paid", status_code=303)


@post("/exams/registrations/{registration_id:int}/seat", include_in_schema=False, status_code=303, guards=staff)
async def seat_one(actor: NamedDependency[Actor], registration_id: FromPath[int]) -> Response[Any]:
    try:
        await services.seat_one(actor, registration_id)
    except DomainError as error:
        return await _registration_error(actor, registration_id, error, "seat_errors")
    return Redirect(f"/exams/registrations/{registration_id}?done=seated", status_code=303)


class MoveForm(BaseModel):
    room_id: str = Field(default="", max_length=10)
    seat_no: str = Field(default="", max_length=5)


@post("/exams/registrations/{registration_id:int}/move", include_in_schema=False, status_code=303, guards=staff)
async def move(
    actor: NamedDependency[Actor], registration_id: FromPath[int], data: URLEncodedBody[MoveForm]
) -> Response[Any]:
    try:
        if not (data.room_id.isdigit() and data.seat_no.isdigit()):
            raise InvalidInput(Reason("move.input", "请选择考场并填写座位号", "choose a room and a seat", "seat_no"))
        await services.move_candidate(
            actor, registration_id, MoveIn(room_id=int(data.room_id), seat_no=int(data.seat_no))
        )
    except DomainError as error:
        return await _registration_error(actor, registration_id, error, "seat_errors")
    return Redirect(f"/exams/registrations/{registration_id}?done=moved", status_code=303)


class ViolationForm(BaseModel):
    subject_code: str = Field(default="", max_length=10)
    level: str = Field(default="", max_length=30)
    article: str = Field(default="", max_length=100)
    facts: str = Field(default="", max_length=2000)


@post("/exams/registrations/{registration_id:int}/violations", include_in_schema=False, status_code=303, guards=staff)
async def record_violation(
    actor: NamedDependency[Actor], registration_id: FromPath[int], data: URLEncodedBody[ViolationForm]
) -> Response[Any]:
    try:
        await services.record_violation(actor, registration_id, ViolationIn(**data.model_dump()))
    except DomainError as error:
        return await _registration_error(actor, registration_id, error, "violation_errors")
    return Redirect(f"/exams/registrations/{registration_id}?done=violation", status_code=303)


@get("/exams/registrations/{registration_id:int}/photo", include_in_schema=False, guards=candidate_or_staff)
async def photo(actor: NamedDependency[Actor], registration_id: FromPath[int]) -> Response[bytes]:
    reg = await services.get_registration(actor, registration_id)
    stored = await services.read_file(reg["photo_sha"]) if reg["photo_sha"] else None
    if stored is None:
        raise InvalidInput(Reason("photo.none", "没有照片", "no photo"))
    return Response(stored[0], media_type=stored[1], headers={"cache-control": "private, no-store"})


# --- rooms: door lists and sign-in sheets ------------------------------------------------------


@get("/exams/rooms/{room_id:int}/sheet", include_in_schema=False, guards=staff)
async def room_sheet(actor: NamedDependency[Actor], room_id: FromPath[int], kind: FromQuery[str] = "door") -> Template:
    sheet = await services.room_sheet(actor, room_id)
    return Template("exams/room_sheet.html", context={**sheet, "kind": kind, **_vocabulary()})


@get("/exams/rooms/{room_id:int}/sheet.xlsx", include_in_schema=False, guards=staff)
async def room_sheet_xlsx(
    actor: NamedDependency[Actor], room_id: FromPath[int], kind: FromQuery[str] = "door"
) -> Response[bytes]:
    sheet = await services.room_sheet(actor, room_id)
    room = sheet["room"]
    if kind == "signin":
        headers = [_("Seat"), _("Ticket number"), _("Name"), _("Identity number"), _("Signature")]
        rows = ([c["seat_no"], c["ticket_no"], c["name"], c["id_number"], ""] for c in sheet["candidates"])
        title = _("Sign-in sheet")
    else:
        headers = [_("Seat"), _("Ticket number"), _("Name"), _("Subjects")]
        rows = ([c["seat_no"], c["ticket_no"], c["name"], " ".join(c["subjects"])] for c in sheet["candidates"])
        title = _("Door list")
    return xlsx_response(f"{kind}-{room['site_code']}-{room['room_no']}.xlsx", title, headers, rows)


# --- score import --------------------------------------------------------------------------


@get("/exams/{plan_id:int}/score-template.xlsx", include_in_schema=False, guards=staff)
async def score_template(actor: NamedDependency[Actor], plan_id: FromPath[int]) -> Response[bytes]:
    regs = await services.list_registrations(actor, plan_id)
    headers = [SCORE_HEADER_ALIASES[f][0] for f in ("ticket_no", "id_number", "name", "subject", "score", "status")]
    rows = (
        [r["ticket_no"], r["id_number"], r["name"], code, "", "正常"]
        for r in regs
        if r["ticket_no"]
        for code in r["subjects"]
    )
    return xlsx_response("score-template.xlsx", _("Scores"), headers, rows)


@post(
    "/exams/{plan_id:int}/scores",
    include_in_schema=False,
    status_code=303,
    guards=staff,
    request_max_body_size=get_settings().max_upload_bytes,
)
async def upload_scores(
    actor: NamedDependency[Actor], plan_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    try:
        name, data = await _upload(request)
        import_id = await services.start_score_import(actor, plan_id, name, data)
    except DomainError as error:
        return await _plan_error(actor, plan_id, error, "score_errors")
    return Redirect(f"/exams/imports/{import_id}", status_code=303)


@get("/exams/imports/{import_id:int}", include_in_schema=False, guards=staff)
async def import_page(actor: NamedDependency[Actor], import_id: FromPath[int]) -> Template:
    record = await services.get_import(actor, import_id)
    lines = services.report_lines(
        {"problems": record["problems"], "totals": record["totals"], "rows": record["rows"]}, current_language.get()
    )
    return Template(
        "exams/import.html",
        context={"record": record, "plan": record["plan_row"], "lines": lines, **_vocabulary()},
        headers=job_refresh_headers(record["job"]) or _refresh_while(record["state"]),
    )


def _refresh_while(state: str) -> dict[str, str]:
    return {"refresh": "2"} if state in ("validating", "committing") else {}


class CommitForm(BaseModel):
    confirm_replace: str = Field(default="", max_length=5)


@post("/exams/imports/{import_id:int}/commit", include_in_schema=False, status_code=303, guards=staff)
async def commit_import(
    actor: NamedDependency[Actor], import_id: FromPath[int], data: URLEncodedBody[CommitForm]
) -> Response[Any]:
    try:
        await services.commit_score_import(actor, import_id, bool(data.confirm_replace))
    except DomainError as error:
        record = await services.get_import(actor, import_id)
        lines = services.report_lines(
            {"problems": record["problems"], "totals": record["totals"], "rows": record["rows"]},
            current_language.get(),
        )
        return Template(
            "exams/import.html",
            context={
                "record": record,
                "plan": record["plan_row"],
                "lines": lines,
                "commit_errors": errors_by_field(error.reasons),
                **_vocabulary(),
            },
            status_code=error.status,
        )
    return Redirect(f"/exams/imports/{import_id}", status_code=303)


# --- results, re-checks, certificates ------------------------------------------------------------


@get("/exams/{plan_id:int}/results", include_in_schema=False, guards=staff)
async def results_page(actor: NamedDependency[Actor], plan_id: FromPath[int], done: FromQuery[str] = "") -> Template:
    results = await services.plan_results(actor, plan_id)
    notice = label(PLAN_NOTICES, done) if done in PLAN_NOTICES else ""
    return Template(
        "exams/results.html",
        context={
            **results,
            "certificates": await services.list_certificates(actor, plan_id),
            "notice": notice,
            **_vocabulary(),
        },
    )


@get("/exams/{plan_id:int}/results.xlsx", include_in_schema=False, guards=staff)
async def export_results(actor: NamedDependency[Actor], plan_id: FromPath[int]) -> Response[bytes]:
    results = await services.plan_results(actor, plan_id)
    return xlsx_response(
        "results.xlsx",
        _("Results"),
        [_("Ticket number"), _("Name"), _("Subject"), _("Score"), _("Status"), _("Passed"), _("Qualified")],
        (
            [
                row["registration"]["ticket_no"],
                row["registration"]["name"],
                r["subject"],
                r["score"],
                label(services.SCORE_STATUSES, r["status"]),
                r["passed"],
                row["qualified"],
            ]
            for row in results["rows"]
            for r in row["results"]
        ),
    )


@get("/exams/{plan_id:int}/certificates.xlsx", include_in_schema=False, guards=staff)
async def export_certificates(actor: NamedDependency[Actor], plan_id: FromPath[int]) -> Response[bytes]:
    rows = await services.list_certificates(actor, plan_id)
    return xlsx_response(
        "certificates.xlsx",
        _("Certificates"),
        [_("Certificate number"), _("Name"), _("Identity number"), _("Issued on")],
        ([c["number"], c["name"], c["id_number"], c["issued_on"]] for c in rows),
    )


@get("/exams/{plan_id:int}/rechecks", include_in_schema=False, guards=staff)
async def rechecks_page(actor: NamedDependency[Actor], plan_id: FromPath[int], done: FromQuery[str] = "") -> Template:
    plan = await services.plan_for_staff(actor, plan_id)
    notice = _("The re-check was decided.") if done == "decided" else ""
    return Template(
        "exams/rechecks.html",
        context={
            "plan": plan,
            "rechecks": await services.list_rechecks(actor, plan_id),
            "notice": notice,
            **_vocabulary(),
        },
    )


@get("/exams/{plan_id:int}/rechecks.xlsx", include_in_schema=False, guards=staff)
async def export_rechecks(actor: NamedDependency[Actor], plan_id: FromPath[int]) -> Response[bytes]:
    rows = await services.list_rechecks(actor, plan_id)
    return xlsx_response(
        "rechecks.xlsx",
        _("Re-checks"),
        [_("Ticket number"), _("Name"), _("Subject"), _("State"), _("Outcome"), _("Old score"), _("New score")],
        (
            [
                r["registration.ticket_no"],
                r["registration.name"],
                r["subject_code"],
                r["state"],
                r["outcome"],
                r["old_score"],
                r["new_score"],
            ]
            for r in rows
        ),
    )


class RecheckDecisionForm(BaseModel):
    new_score: str = Field(default="", max_length=10)
    new_status: str = Field(default="present", max_length=20)
    note: str = Field(default="", max_length=2000)
    plan_id: int = 0


@post("/exams/rechecks/{recheck_id:int}/decide", include_in_schema=False, status_code=303, guards=staff)
async def decide_recheck(
    actor: NamedDependency[Actor], recheck_id: FromPath[int], data: URLEncodedBody[RecheckDecisionForm]
) -> Response[Any]:
    try:
        try:
            decision = RecheckDecisionIn(new_score=data.new_score or None, new_status=data.new_status, note=data.note)
        except ValidationError as error:
            raise _form_reasons(error) from error
        await services.decide_recheck(actor, recheck_id, decision)
    except DomainError as error:
        plan = await services.plan_for_staff(actor, data.plan_id)
        return Template(
            "exams/rechecks.html",
            context={
                "plan": plan,
                "rechecks": await services.list_rechecks(actor, data.plan_id),
                "errors": errors_by_field(error.reasons),
                **_vocabulary(),
            },
            status_code=error.status,
        )
    return Redirect(f"/exams/{data.plan_id}/rechecks?done=decided", status_code=303)


# --- candidates ----------------------------------------------------------------------------


class SignupForm(BaseModel):
    username: str = Field(default="", max_length=64)
    display_name: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=200)
    password: str = Field(default="", max_length=200)


@get("/candidate/signup", include_in_schema=False)
async def signup_page() -> Template:
    return Template("exams/signup.html", context={"form": {}})


@post("/candidate/signup", include_in_schema=False, status_code=303)
async def signup(data: URLEncodedBody[SignupForm]) -> Response[Any]:
    try:
        await accounts.create_user(
            None,
            username=data.username,
            display_name=data.display_name,
            role="candidate",
            password=data.password,
            email=data.email,
            must_change_password=False,
        )
    except DomainError as error:
        return Template(
            "exams/signup.html",
            context={"form": data.model_dump(exclude={"password"}), "errors": errors_by_field(error.reasons)},
            status_code=error.status,
        )
    return Redirect("/login?next=/candidate", status_code=303)


CANDIDATE_NOTICES = {
    "registered": ("报名已提交。", "Your registration was submitted."),
    "updated": ("报名已更新。", "Your registration was updated."),
    "recheck": ("复查申请已提交。", "Your re-check request was submitted."),
}


async def _candidate_context(actor: Actor) -> dict[str, Any]:
    regs = await services.my_registrations(actor)
    registered = {r["plan"] for r in regs}
    return {
        "registrations": regs,
        "open_plans": [p for p in await services.open_plans() if p["id"] not in registered],
        **_vocabulary(),
    }


@get("/candidate", include_in_schema=False, guards=candidate_only)
async def candidate_page(actor: NamedDependency[Actor], done: FromQuery[str] = "") -> Template:
    notice = label(CANDIDATE_NOTICES, done) if done in CANDIDATE_NOTICES else ""
    return Template("exams/candidate.html", context={**await _candidate_context(actor), "notice": notice})


REG_FIELDS = ["id_number", "name", "education", "graduation_date", "work_start", "work_end", "employer", "route"]


async def _registration_input(
    request: Request[Any, Any, Any],
) -> tuple[dict[str, Any], RegistrationIn | None, bytes | None, bytes | None, list[Reason]]:
    form = await request.form()
    values: dict[str, Any] = _clean(form, REG_FIELDS)
    values["subjects"] = [str(s) for s in form.getall("subjects", [])] if hasattr(form, "getall") else []
    values["related_major"] = bool(form.get("related_major"))
    values["commitment_signed"] = bool(form.get("commitment_signed"))
    values["held_certificates"] = str(form.get("held_certificates", "")).strip()
    files: list[bytes | None] = []
    for name in ("photo", "proof"):
        upload = form.get(name)
        content = await upload.read() if isinstance(upload, UploadFile) else b""
        files.append(content or None)
    shown = {**values, "subjects": values["subjects"]}
    try:
        return shown, RegistrationIn(**values), files[0], files[1], []
    except ValidationError as error:
        return shown, None, files[0], files[1], _form_reasons(error).reasons


async def _register_form_context(actor: Actor, plan_id: int, reg: dict[str, Any] | None) -> dict[str, Any]:
    plan = reg["plan_row"] if reg else await services.public_plan(plan_id)
    return {"plan": plan, "subjects": await services.subjects_of(plan["id"]), "reg": reg, **_vocabulary()}


@get("/candidate/plans/{plan_id:int}/register", include_in_schema=False, guards=candidate_only)
async def register_page(actor: NamedDependency[Actor], plan_id: FromPath[int]) -> Template:
    context = await _register_form_context(actor, plan_id, None)
    form = {"route": "commitment", "name": actor.display_name, "related_major": True}
    return Template(
        "exams/register.html", context={**context, "form": form, "action": f"/candidate/plans/{plan_id}/register"}
    )


@post(
    "/candidate/plans/{plan_id:int}/register",
    include_in_schema=False,
    status_code=303,
    guards=candidate_only,
    request_max_body_size=get_settings().max_upload_bytes,
)
async def register(
    actor: NamedDependency[Actor], plan_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    shown, data, photo_bytes, proof, problems = await _registration_input(request)
    try:
        if data is None:
            raise InvalidInput(problems)
        registration_id = await services.register(actor, plan_id, data, photo_bytes, proof)
    except DomainError as error:
        context = await _register_form_context(actor, plan_id, None)
        return Template(
            "exams/register.html",
            context={
                **context,
                "form": shown,
                "errors": errors_by_field(error.reasons),
                "action": f"/candidate/plans/{plan_id}/register",
            },
            status_code=error.status,
        )
    return Redirect(f"/candidate/registrations/{registration_id}?done=registered", status_code=303)


def _reg_form_values(reg: dict[str, Any]) -> dict[str, Any]:
    values = {k: reg[k] for k in REG_FIELDS}
    for key in ("graduation_date", "work_start", "work_end"):
        values[key] = reg[key].isoformat() if reg[key] else ""
    return {
        **values,
        "subjects": reg["subjects"] + reg["exempt_subjects"],
        "related_major": reg["related_major"],
        "held_certificates": reg["held_certificates"],
        "commitment_signed": reg["route"] == "commitment",
    }


@get("/candidate/registrations/{registration_id:int}", include_in_schema=False, guards=candidate_only)
async def my_registration_page(
    actor: NamedDependency[Actor], registration_id: FromPath[int], done: FromQuery[str] = ""
) -> Template:
    reg = await services.get_registration(actor, registration_id)
    context = await _register_form_context(actor, reg["plan"], reg)
    notice = label(CANDIDATE_NOTICES, done) if done in CANDIDATE_NOTICES else ""
    return Template(
        "exams/register.html",
        context={
            **context,
            "form": _reg_form_values(reg),
            "action": f"/candidate/registrations/{registration_id}",
            "notice": notice,
        },
    )


@post(
    "/candidate/registrations/{registration_id:int}",
    include_in_schema=False,
    status_code=303,
    guards=candidate_only,
    request_max_body_size=get_settings().max_upload_bytes,
)
async def update_registration(
    actor: NamedDependency[Actor], registration_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    reg = await services.get_registration(actor, registration_id)
    shown, data, photo_bytes, proof, problems = await _registration_input(request)
    try:
        if data is None:
            raise InvalidInput(problems)
        await services.update_registration(actor, registration_id, data, photo_bytes, proof)
    except DomainError as error:
        context = await _register_form_context(actor, reg["plan"], reg)
        return Template(
            "exams/register.html",
            context={
                **context,
                "form": shown,
                "errors": errors_by_field(error.reasons),
                "action": f"/candidate/registrations/{registration_id}",
            },
            status_code=error.status,
        )
    return Redirect(f"/candidate/registrations/{registration_id}?done=updated", status_code=303)


@get("/candidate/registrations/{registration_id:int}/ticket", include_in_schema=False, guards=candidate_or_staff)
async def ticket_page(actor: NamedDependency[Actor], registration_id: FromPath[int]) -> Template:
    reg = await services.get_registration(actor, registration_id)
    if not reg["ticket_no"]:
        raise InvalidInput(Reason("ticket.none", "尚未生成准考证", "no ticket has been issued yet"))
    subjects = [s for s in await services.subjects_of(reg["plan"]) if s["code"] in reg["subjects"]]
    return Template("exams/ticket.html", context={"reg": reg, "plan": reg["plan_row"], "subjects": subjects})


class RecheckForm(BaseModel):
    subject_code: str = Field(default="", max_length=10)
    reason: str = Field(default="", max_length=2000)


@post(
    "/candidate/registrations/{registration_id:int}/rechecks",
    include_in_schema=False,
    status_code=303,
    guards=candidate_only,
)
async def request_recheck(
    actor: NamedDependency[Actor], registration_id: FromPath[int], data: URLEncodedBody[RecheckForm]
) -> Response[Any]:
    try:
        await services.request_recheck(actor, registration_id, RecheckIn(**data.model_dump()))
    except DomainError as error:
        return Template(
            "exams/candidate.html",
            context={**await _candidate_context(actor), "recheck_errors": errors_by_field(error.reasons)},
            status_code=error.status,
        )
    return Redirect("/candidate?done=recheck", status_code=303)


# --- public --------------------------------------------------------------------------------


@get("/public/exam-results", include_in_schema=False)
async def public_results(ticket_no: FromQuery[str] = "", id_number: FromQuery[str] = "") -> Template:
    context: dict[str, Any] = {"form": {"ticket_no": ticket_no}, **_vocabulary()}
    if ticket_no or id_number:
        try:
            context["found"] = await services.public_lookup(ticket_no, id_number)
        except DomainError as error:
            context["errors"] = errors_by_field(error.reasons)
    return Template("exams/public_results.html", context=context)


@get("/public/certificates", include_in_schema=False)
async def public_certificate(number: FromQuery[str] = "") -> Template:
    context: dict[str, Any] = {"number": number}
    if number:
        try:
            context["certificate"] = await services.verify_certificate(number)
        except DomainError as error:
            context["errors"] = errors_by_field(error.reasons)
    return Template("exams/public_certificate.html", context=context)


ROUTES = [
    plans_page,
    export_plans,
    create_plan,
    plan_page,
    add_subject,
    add_room,
    allocate_seats,
    publish,
    issue_certificates,
    import_fees,
    registrations_page,
    export_registrations,
    registration_page,
    review,
    mark_paid,
    seat_one,
    move,
    record_violation,
    photo,
    room_sheet,
    room_sheet_xlsx,
    score_template,
    upload_scores,
    import_page,
    commit_import,
    results_page,
    export_results,
    export_certificates,
    rechecks_page,
    export_rechecks,
    decide_recheck,
    signup_page,
    signup,
    candidate_page,
    register_page,
    register,
    my_registration_page,
    update_registration,
    ticket_page,
    request_recheck,
    public_results,
    public_certificate,
]
