"""Score-import pages for exam staff: the template sheet, the upload, the import's page (which
reloads itself while its job runs) and the commit."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel, Field

from accounts.rules import Actor
from exams import services
from exams.pages._shared import staff, upload, vocabulary
from exams.pages.plans import plan_again
from exams.rules.lifecycles import IMPORT_RUNNING
from exams.rules.score_import import SCORE_HEADER_ALIASES
from exams.rules.score_model import ScoreStatus
from xuehui.excel_export import xlsx_response
from xuehui.form_action import form_action
from xuehui.i18n import current_language
from xuehui.i18n import gettext as _
from xuehui.jobs import job_refresh_headers
from xuehui.settings import get_settings

TEMPLATE_COLUMNS = ("ticket_no", "id_number", "name", "subject", "score", "status")
# Seconds between reloads of an import page while its job runs.
REFRESH_SECONDS = 2


@get("/exams/{plan_id:int}/score-template.xlsx", include_in_schema=False, guards=staff)
async def score_template(actor: NamedDependency[Actor], plan_id: FromPath[int]) -> Response[bytes]:
    regs = await services.list_registrations(actor, plan_id)
    headers = [SCORE_HEADER_ALIASES[f][0] for f in TEMPLATE_COLUMNS]
    rows = (
        [r["ticket_no"], r["id_number"], r["name"], code, "", ScoreStatus.PRESENT.zh]
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
    async def action() -> int:
        name, data = await upload(request)
        return await services.start_score_import(actor, plan_id, name, data)

    return await form_action(
        action,
        success=lambda import_id: f"/exams/imports/{import_id}",
        template="exams/plan.html",
        context=plan_again(actor, plan_id, "score"),
    )


async def _import_context(actor: Actor, import_id: int) -> dict[str, Any]:
    record = await services.get_import(actor, import_id)
    details = record["details"] or {}
    summary = {"problems": record["problems"], "totals": record["totals"], "rows": record["rows"], **details}
    lines = services.report_lines(summary, current_language.get())
    return {"record": record, "plan": record["plan_row"], "lines": lines, **vocabulary()}


def _refresh_while(state: str) -> dict[str, str]:
    return {"refresh": str(REFRESH_SECONDS)} if state in IMPORT_RUNNING else {}


@get("/exams/imports/{import_id:int}", include_in_schema=False, guards=staff)
async def import_page(actor: NamedDependency[Actor], import_id: FromPath[int]) -> Template:
    context = await _import_context(actor, import_id)
    record = context["record"]
    return Template(
        "exams/import.html",
        context=context,
        headers=job_refresh_headers(record["job"]) or _refresh_while(record["state"]),
    )


class CommitForm(BaseModel):
    confirm_replace: str = Field(default="", max_length=5)
    remove_missing: str = Field(default="", max_length=5)


@post("/exams/imports/{import_id:int}/commit", include_in_schema=False, status_code=303, guards=staff)
async def commit_import(
    actor: NamedDependency[Actor], import_id: FromPath[int], data: URLEncodedBody[CommitForm]
) -> Response[Any]:
    return await form_action(
        lambda: services.commit_score_import(actor, import_id, bool(data.confirm_replace), bool(data.remove_missing)),
        success=f"/exams/imports/{import_id}",
        template="exams/import.html",
        context=lambda: _import_context(actor, import_id),
    )


ROUTES = [score_template, upload_scores, import_page, commit_import]
