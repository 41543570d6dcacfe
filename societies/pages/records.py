"""Forms of a running project's page that add its records: progress reports (and whether the
public sees them), meeting minutes, third-party evaluations and KPI readings."""

from __future__ import annotations

from typing import Any

from litestar import Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect
from pydantic import BaseModel, Field

from accounts.rules import Actor
from societies import rules, services
from societies.forms import AMOUNT_LIMIT, AMOUNT_STEP
from societies.pages._shared import admin_only, decimal, required, society_staff
from societies.pages.pilots import PILOT_TEMPLATE, pilot_context
from societies.schemas import EvaluationIn, KpiReadingIn, MeetingIn, ReportIn
from xuehui.errors import InvalidInput, Reason
from xuehui.form_action import form_action


class ReportForm(BaseModel):
    kind: str = Field(default=rules.ReportKind.PROGRESS.value, max_length=20)
    period: str = Field(default="", max_length=40)
    title: str = Field(default="", max_length=200)
    body: str = Field(default="", max_length=20000)
    published: str = Field(default="", max_length=5)


async def _record(actor: Actor, project_id: int, action: Any, anchor: str, section: str) -> Response[Any]:
    """Add one record from the project page: back to its section, or the page again with the
    refusal beside the section's form."""
    return await form_action(
        action,
        success=f"/pilots/{project_id}?done=record#{anchor}",
        template=PILOT_TEMPLATE,
        context=lambda: pilot_context(actor, project_id, section),
    )


@post("/pilots/{project_id:int}/reports", include_in_schema=False, status_code=303, guards=society_staff)
async def add_report(
    actor: NamedDependency[Actor], project_id: FromPath[int], data: URLEncodedBody[ReportForm]
) -> Response[Any]:
    async def add() -> int:
        required(
            data.model_dump(),
            {"period": ("报告期", "the period"), "title": ("标题", "the title"), "body": ("内容", "the text")},
        )
        report = ReportIn(
            kind=data.kind, period=data.period, title=data.title, body=data.body, published=bool(data.published)
        )
        return await services.add_report(actor, project_id, report)

    return await _record(actor, project_id, add, "reports", "report")


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
    async def add() -> int:
        required(data.model_dump(), {"held_on": ("会议日期", "the date"), "minutes": ("会议纪要", "the minutes")})
        held_on = services.as_date(data.held_on, "held_on")
        assert held_on is not None
        meeting = MeetingIn(held_on=held_on, attendees=data.attendees, minutes=data.minutes)
        return await services.add_meeting(actor, project_id, meeting)

    return await _record(actor, project_id, add, "meetings", "meeting")


class EvaluationForm(BaseModel):
    evaluator: str = Field(default="", max_length=200)
    evaluated_on: str = Field(default="", max_length=20)
    score: str = Field(default="", max_length=10)
    grade: str = Field(default="", max_length=20)
    findings: str = Field(default="", max_length=20000)


@post("/pilots/{project_id:int}/evaluations", include_in_schema=False, status_code=303, guards=admin_only)
async def add_evaluation(
    actor: NamedDependency[Actor], project_id: FromPath[int], data: URLEncodedBody[EvaluationForm]
) -> Response[Any]:
    async def add() -> int:
        required(
            data.model_dump(),
            {
                "evaluator": ("评估机构", "the evaluator"),
                "evaluated_on": ("评估日期", "the date"),
                "score": ("得分", "the score"),
            },
        )
        evaluated_on = services.as_date(data.evaluated_on, "evaluated_on")
        assert evaluated_on is not None
        score = decimal(data.score, "score").quantize(rules.SCORE_STEP)
        if (problem := rules.score_problem(score)) is not None:
            raise InvalidInput(problem)
        evaluation = EvaluationIn(
            evaluator=data.evaluator,
            evaluated_on=evaluated_on,
            score=score,
            grade=data.grade,
            findings=data.findings,
        )
        return await services.add_evaluation(actor, project_id, evaluation)

    return await _record(actor, project_id, add, "evaluations", "evaluation")


class KpiForm(BaseModel):
    kpi_key: str = Field(default="", max_length=60)
    actual: str = Field(default="", max_length=20)
    recorded_on: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=1000)


@post("/pilots/{project_id:int}/kpi-readings", include_in_schema=False, status_code=303, guards=society_staff)
async def add_kpi_reading(
    actor: NamedDependency[Actor], project_id: FromPath[int], data: URLEncodedBody[KpiForm]
) -> Response[Any]:
    async def add() -> int:
        required(data.model_dump(), {"actual": ("实际值", "the actual value"), "recorded_on": ("记录日期", "the date")})
        recorded_on = services.as_date(data.recorded_on, "recorded_on")
        assert recorded_on is not None
        actual = decimal(data.actual, "actual").quantize(AMOUNT_STEP)
        if abs(actual) >= AMOUNT_LIMIT:
            raise InvalidInput(Reason("form.number", "数值超出范围", "the value is out of range", "actual"))
        reading = KpiReadingIn(kpi_key=data.kpi_key, actual=actual, recorded_on=recorded_on, note=data.note)
        return await services.add_kpi_reading(actor, project_id, reading)

    return await _record(actor, project_id, add, "kpis", "kpi")


ROUTES = [add_report, publish_report, add_meeting, add_evaluation, add_kpi_reading]
