"""Violation-case pages: staff record a case with its evidence (on the registration's page), see
it and advance it (notify, record a statement, decide after asking once more, serve); the
candidate answers the notice from "my exams" within the statement period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel, Field, ValidationError

from accounts.rules import Actor
from exams import services
from exams.pages._shared import candidate_only, form_reasons, notice, staff, vocabulary
from exams.pages.registrations import registration_again
from exams.schemas import StatementIn, ViolationDecisionIn, ViolationIn
from xuehui.clock import today
from xuehui.errors import InvalidInput, Reason
from xuehui.file_responses import file_response
from xuehui.form_action import Confirmation, form_action
from xuehui.i18n import gettext as _
from xuehui.settings import get_settings

TEMPLATE = "exams/violation.html"
CASE_NOTICES = {
    "recorded": (
        "违纪违规案件已记录，尚未告知考生。",
        "The case was recorded; the candidate has not been notified yet.",
    ),
    "notified": ("已告知考生，陈述申辩期开始。", "The candidate was notified; the statement period has started."),
    "stated": ("陈述申辩已记录。", "The statement was recorded."),
    "decided": ("处理决定已作出。", "The decision was made."),
    "served": ("处理决定书送达已记录。", "The service of the decision was recorded."),
}
CASE_FIELDS = ("kind", "subject_code", "level", "article", "facts")


@post(
    "/exams/registrations/{registration_id:int}/violations",
    include_in_schema=False,
    status_code=303,
    guards=staff,
    request_max_body_size=get_settings().max_upload_bytes,
)
async def record_violation(
    actor: NamedDependency[Actor], registration_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in CASE_FIELDS}
    uploads = [f for f in (form.getall("evidence", []) if hasattr(form, "getall") else []) if isinstance(f, UploadFile)]

    async def action() -> int:
        evidence = [(f.filename or "", await f.read()) for f in uploads]
        try:
            data = ViolationIn(**{**values, "kind": values["kind"] or "exam_conduct"})
        except ValidationError as error:
            raise form_reasons(error) from error
        return await services.record_violation(actor, registration_id, data, [e for e in evidence if e[1]])

    async def context() -> dict[str, Any]:
        return {**await registration_again(actor, registration_id, "violation")(), "violation_form": values}

    return await form_action(
        action,
        success=lambda case_id: f"/exams/violations/{case_id}?done=recorded",
        template="exams/registration.html",
        context=context,
    )


async def _case_context(actor: Actor, case_id: int, failed_form: str = "") -> dict[str, Any]:
    case = await services.violation_case(actor, case_id)
    return {
        "case": case,
        "reg": case["reg"],
        "plan": case["reg"]["plan_row"],
        "failed_form": failed_form,
        "decision_form": {"level": case["level"], "article": case["article"]},
        "today": today().isoformat(),
        **vocabulary(),
    }


def _again(actor: Actor, case_id: int, failed_form: str, shown: dict[str, Any] | None = None) -> Any:
    async def context() -> dict[str, Any]:
        found = await _case_context(actor, case_id, failed_form)
        return {**found, **({"decision_form": shown} if shown is not None else {})}

    return context


@get("/exams/violations/{case_id:int}", include_in_schema=False, guards=staff)
async def case_page(actor: NamedDependency[Actor], case_id: FromPath[int], done: FromQuery[str] = "") -> Template:
    context = await _case_context(actor, case_id)
    return Template(TEMPLATE, context={**context, "notice": notice(CASE_NOTICES, done)})


@post("/exams/violations/{case_id:int}/notify", include_in_schema=False, status_code=303, guards=staff)
async def notify(actor: NamedDependency[Actor], case_id: FromPath[int]) -> Response[Any]:
    return await form_action(
        lambda: services.notify_violation(actor, case_id),
        success=f"/exams/violations/{case_id}?done=notified",
        template=TEMPLATE,
        context=_again(actor, case_id, "notify"),
    )


class StatementForm(BaseModel):
    statement: str = Field(default="", max_length=4000)


@post("/exams/violations/{case_id:int}/statement", include_in_schema=False, status_code=303, guards=staff)
async def record_statement(
    actor: NamedDependency[Actor], case_id: FromPath[int], data: URLEncodedBody[StatementForm]
) -> Response[Any]:
    return await form_action(
        lambda: services.submit_statement(actor, case_id, StatementIn(text=data.statement)),
        success=f"/exams/violations/{case_id}?done=stated",
        template=TEMPLATE,
        context=_again(actor, case_id, "statement"),
    )


class DecisionForm(BaseModel):
    level: str = Field(default="", max_length=30)
    article: str = Field(default="", max_length=100)
    note: str = Field(default="", max_length=2000)


@post("/exams/violations/{case_id:int}/decide", include_in_schema=False, status_code=303, guards=staff)
async def decide(
    actor: NamedDependency[Actor],
    case_id: FromPath[int],
    data: URLEncodedBody[DecisionForm],
    request: Request[Any, Any, Any],
) -> Response[Any]:
    async def deciding() -> Confirmation:
        await services.violation_case(actor, case_id)  # out of reach: answered as missing
        return Confirmation(
            heading=_("Make the decision on this case?"),
            consequences=[
                _(
                    "The decision takes effect at once: the results it covers are void "
                    "and it enters the integrity record."
                ),
                _("A decision cannot be withdrawn."),
            ],
            cancel=f"/exams/violations/{case_id}",
            button=_("Make the decision"),
        )

    async def action() -> None:
        await services.decide_violation(
            actor, case_id, ViolationDecisionIn(level=data.level, article=data.article, note=data.note)
        )

    return await form_action(
        action,
        success=f"/exams/violations/{case_id}?done=decided",
        template=TEMPLATE,
        context=_again(actor, case_id, "decide", data.model_dump()),
        confirm=deciding,
        request=request,
    )


class ServiceForm(BaseModel):
    served_on: str = Field(default="", max_length=20)


@post("/exams/violations/{case_id:int}/serve", include_in_schema=False, status_code=303, guards=staff)
async def serve(
    actor: NamedDependency[Actor], case_id: FromPath[int], data: URLEncodedBody[ServiceForm]
) -> Response[Any]:
    async def action() -> dt.date:
        try:
            day = dt.date.fromisoformat(data.served_on) if data.served_on else None
        except ValueError:
            raise InvalidInput(
                Reason("violation_case.served_on", "请填写送达日期", "enter the service date", "served_on")
            ) from None
        return await services.serve_violation(actor, case_id, day)

    return await form_action(
        action,
        success=f"/exams/violations/{case_id}?done=served",
        template=TEMPLATE,
        context=_again(actor, case_id, "serve"),
    )


@get("/exams/violations/{case_id:int}/evidence/{index:int}", include_in_schema=False, guards=staff)
async def evidence(actor: NamedDependency[Actor], case_id: FromPath[int], index: FromPath[int]) -> Response[bytes]:
    stored = await services.violation_evidence(actor, case_id, index)
    if stored is None:
        raise InvalidInput(Reason("violation_case.evidence", "没有该证据材料", "no such evidence file"))
    content, media_type, name = stored
    return file_response(content, media_type, name, f"evidence-{index + 1}")


@post("/candidate/violations/{case_id:int}/statement", include_in_schema=False, status_code=303, guards=candidate_only)
async def candidate_statement(
    actor: NamedDependency[Actor], case_id: FromPath[int], data: URLEncodedBody[StatementForm]
) -> Response[Any]:
    from exams.pages.candidates import candidate_context

    async def context() -> dict[str, Any]:
        return {**await candidate_context(actor), "statement_case": case_id, "statement_form": data.model_dump()}

    return await form_action(
        lambda: services.submit_statement(actor, case_id, StatementIn(text=data.statement)),
        success="/candidate?done=statement",
        template="exams/candidate.html",
        context=context,
    )


ROUTES = [record_violation, case_page, notify, record_statement, decide, serve, evidence, candidate_statement]
