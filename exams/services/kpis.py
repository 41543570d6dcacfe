"""Live KPIs of a society's exam-administration pilot project (shown on the pilot's page)."""

from __future__ import annotations

from exams.rules.lifecycles import RegistrationStatus
from exams.services.plans import PILOT_FUNCTION
from exams.services.results import plan_results
from exams.tables import ExamPlan, Registration
from societies.kpis import LiveKpi, percent
from xuehui.clock import CHINA, aware


async def pilot_kpis(society_id: int, function_type: str = PILOT_FUNCTION) -> list[LiveKpi]:
    """The society's exam-administration KPIs, computed live (the pilot page shows them through
    `xuehui.composition.kpi_providers`): candidates served (approved registrations), pass rate
    (subjects passed / subjects sat in published plans) and on-time publication (published plans
    published on or before their set date). `value` is for display, `number` the raw figure."""
    if function_type != PILOT_FUNCTION:
        return []
    plans = await ExamPlan.select().where(ExamPlan.society_id == society_id)
    served = await Registration.count().where(
        Registration.plan.is_in([p["id"] for p in plans] or [0]) & (Registration.status == RegistrationStatus.APPROVED)
    )
    sat = passed = 0
    published = on_time = 0
    for plan in plans:
        if plan["published_at"] is None:
            continue
        published += 1
        on_time += int(aware(plan["published_at"]).astimezone(CHINA).date() <= plan["publication_date"])
        # As the trusted command line: the KPIs are figures, never rows.
        for s in (await plan_results(None, plan["id"]))["stats"]:
            if not s["site"]:
                sat += s["present"]
                passed += s["passed"]
    pass_rate = round(100 * passed / sat, 1) if sat else None
    punctual = round(100 * on_time / published, 1) if published else None

    return [
        LiveKpi("candidates_served", "服务考生人数", "Candidates served", str(served), served),
        LiveKpi("pass_rate", "科目合格率", "Pass rate", percent(pass_rate), pass_rate),
        LiveKpi("on_time_publication", "按时公布成绩比例", "On-time publication", percent(punctual), punctual),
    ]
