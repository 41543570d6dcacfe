"""Result pages for exam staff: the plan's results and statistics, the certificates, and the
re-check requests with their decisions (each list also as `.xlsx`)."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel, Field, ValidationError

from accounts.rules import Actor
from exams import services
from exams.pages._shared import form_reasons, label, notice, staff, vocabulary
from exams.pages.plans import PLAN_NOTICES
from exams.pages.result_figures import figures_context
from exams.rules.lifecycles import RecheckState
from exams.rules.rechecks import RecheckOutcome
from exams.rules.score_model import ScoreStatus
from exams.schemas import RecheckDecisionIn
from xuehui.excel_export import xlsx_response
from xuehui.form_action import form_action
from xuehui.i18n import gettext as _


@get("/exams/{plan_id:int}/results", include_in_schema=False, guards=staff)
async def results_page(actor: NamedDependency[Actor], plan_id: FromPath[int], done: FromQuery[str] = "") -> Template:
    figures = await services.plan_result_figures(actor, plan_id)
    return Template(
        "exams/results.html",
        context={
            **figures["results"],
            **figures_context(figures),
            "certificates": await services.list_certificates(actor, plan_id),
            "notice": notice(PLAN_NOTICES, done),
            **vocabulary(),
        },
    )


@get("/exams/{plan_id:int}/results.xlsx", include_in_schema=False, guards=staff)
async def export_results(actor: NamedDependency[Actor], plan_id: FromPath[int]) -> Response[bytes]:
    results = await services.plan_results(actor, plan_id)
    return xlsx_response(
        "results.xlsx",
        _("Exam results"),
        [_("Ticket number"), _("Name"), _("Subject"), _("Score"), _("Status"), _("Passed"), _("Qualified")],
        (
            [
                row["registration"]["ticket_no"],
                row["registration"]["name"],
                r["subject"],
                r["score"],
                label(ScoreStatus, r["status"]),
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


async def _rechecks_context(actor: Actor, plan_id: int) -> dict[str, Any]:
    return {
        "plan": await services.plan_for_staff(actor, plan_id),
        "rechecks": await services.list_rechecks(actor, plan_id),
        **vocabulary(),
    }


@get("/exams/{plan_id:int}/rechecks", include_in_schema=False, guards=staff)
async def rechecks_page(actor: NamedDependency[Actor], plan_id: FromPath[int], done: FromQuery[str] = "") -> Template:
    shown = _("The re-check was decided.") if done == "decided" else ""
    return Template("exams/rechecks.html", context={**await _rechecks_context(actor, plan_id), "notice": shown})


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
                label(RecheckState, r["state"]),
                label(RecheckOutcome, r["outcome"]),
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


def _decision(data: RecheckDecisionForm) -> RecheckDecisionIn:
    try:
        return RecheckDecisionIn(new_score=data.new_score or None, new_status=data.new_status, note=data.note)
    except ValidationError as error:
        raise form_reasons(error) from error


@post("/exams/rechecks/{recheck_id:int}/decide", include_in_schema=False, status_code=303, guards=staff)
async def decide_recheck(
    actor: NamedDependency[Actor], recheck_id: FromPath[int], data: URLEncodedBody[RecheckDecisionForm]
) -> Response[Any]:
    return await form_action(
        lambda: services.decide_recheck(actor, recheck_id, _decision(data)),
        success=f"/exams/{data.plan_id}/rechecks?done=decided",
        template="exams/rechecks.html",
        context=lambda: _rechecks_context(actor, data.plan_id),
    )


ROUTES = [
    results_page,
    export_results,
    export_certificates,
    rechecks_page,
    export_rechecks,
    decide_recheck,
]
