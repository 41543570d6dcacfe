"""The records attached to a running pilot project: progress reports and the final summary,
regular meetings, third-party evaluations and KPI readings; and what other packages read of
them (evaluation grades)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from societies import rules
from societies.rules import SocietiesAudit, SocietiesObject
from societies.schemas import EvaluationIn, KpiReadingIn, MeetingIn, ReportIn
from societies.services.pilots import get_pilot
from societies.tables import KpiReading, PilotAmendment, ProgressReport, RegularMeeting, ThirdPartyEvaluation
from xuehui.clock import now, today
from xuehui.db import write_transaction
from xuehui.errors import Conflict, InvalidInput, NotFound, Reason
from xuehui.text import require_clean

# A KPI's share of its target is shown as a whole percentage.
PERCENT = Decimal(100)


async def _writable_running_pilot(actor: Actor, project_id: int) -> dict[str, Any]:
    current = await get_pilot(actor, project_id)
    if current["status"] not in rules.RUNNING:
        raise Conflict(
            Reason(
                "pilot.not_running", "项目签署后、结项前才能添加此记录", "records are added between signing and closing"
            )
        )
    return current


async def add_report(actor: Actor, project_id: int, data: ReportIn) -> int:
    require_clean(data)
    current = await _writable_running_pilot(actor, project_id)
    if rules.ReportKind.parse(data.kind) is None:
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
            SocietiesAudit.REPORT_ADDED,
            SocietiesObject.PILOT_PROJECT,
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
            SocietiesAudit.REPORT_PUBLISHED if published else SocietiesAudit.REPORT_UNPUBLISHED,
            SocietiesObject.PROGRESS_REPORT,
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
            actor,
            SocietiesAudit.MEETING_ADDED,
            SocietiesObject.PILOT_PROJECT,
            project_id,
            {"held_on": data.held_on},
            current["society_id"],
        )
    return int(meeting.id)


async def add_evaluation(actor: Actor, project_id: int, data: EvaluationIn) -> int:
    require_clean(data)
    require_admin(actor)
    current = await get_pilot(actor, project_id)
    if current["status"] not in rules.EVALUABLE:
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
            SocietiesAudit.EVALUATION_ADDED,
            SocietiesObject.PILOT_PROJECT,
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
            SocietiesAudit.KPI_RECORDED,
            SocietiesObject.PILOT_PROJECT,
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
        share = (actual / kpi.target * PERCENT).quantize(Decimal(1)) if actual is not None and kpi.target else None
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


async def kpi_history(actor: Actor, project_id: int) -> dict[str, Any]:
    """Every reading of each agreement KPI as a share of its target, with the stage dates: what
    the project's KPI chart draws and its workbook lists."""
    project = await get_pilot(actor, project_id)
    readings = await (
        KpiReading.select()
        .where(KpiReading.project == project_id)
        .order_by(KpiReading.recorded_on)
        .order_by(KpiReading.id)
    )
    agreement = project["agreement"]
    series = []
    for kpi in agreement.kpis:
        points = [
            {"on": r["recorded_on"], "actual": r["actual"], "share": float(r["actual"] / kpi.target)}
            for r in readings
            if r["kpi_key"] == kpi.key and kpi.target
        ]
        series.append({"key": kpi.key, "name": kpi.name, "unit": kpi.unit, "target": kpi.target, "points": points})
    # Where each stage begins, and where the last one ends (a stage ends the day before the next begins).
    ends = [s.end for s in agreement.stages if s.end is not None]
    marks = sorted({*(s.start for s in agreement.stages if s.start is not None), *ends[-1:]})
    return {"project": project, "series": series, "stage_dates": marks}


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


async def evaluation_history(society_ids: list[int]) -> dict[int, list[tuple[dt.date, str]]]:
    """Third-party evaluations per society (date, grade), for the eligibility adjustment."""
    rows = await ThirdPartyEvaluation.select(
        ThirdPartyEvaluation.evaluated_on, ThirdPartyEvaluation.grade, ThirdPartyEvaluation.project.society
    ).where(ThirdPartyEvaluation.project.society.is_in(society_ids or [-1]))
    found: dict[int, list[tuple[dt.date, str]]] = {}
    for row in rows:
        found.setdefault(row["project.society"], []).append((row["evaluated_on"], row["grade"]))
    return found
