"""The provincial official results of a cycle (admin): the list as imported, its template and
export, the upload with its preview, and the import once the preview has been read."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel, Field

from accounts.rules import Actor
from nominations import services
from nominations.pages._shared import admin_only
from nominations.pages._vocabulary import label, vocabulary
from nominations.rules.cycle.model import CATEGORY_NAMES, GRADE_NAMES
from nominations.rules.official_results import TEMPLATE_HEADERS, OfficialOutcome
from societies import services as societies
from xuehui.excel_export import xlsx_response
from xuehui.form_action import WorkbookForm, form_action, require_ticked, uploaded_workbook
from xuehui.settings import get_settings

PAGE = "nominations/official_results.html"


async def results_context(cycle_id: int, preview: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "cycle": await services.cycle_row(cycle_id),
        "results": await services.official_results(cycle_id),
        "society_names": await societies.society_names(),
        "preview": preview,
        "OUTCOMES": OfficialOutcome.labels(),
        **vocabulary(),
    }


def _rows(results: list[dict[str, Any]]) -> list[list[str]]:
    """The list as the provincial system sends it, so an export imports back unchanged."""
    return [
        [
            r["title"],
            label(CATEGORY_NAMES, r["category"]),
            label(GRADE_NAMES, r["grade"]) if r["grade"] else "",
            label(OfficialOutcome.labels(), r["outcome"]),
        ]
        for r in results
    ]


@get("/admin/award-cycles/{cycle_id:int}/official-results", include_in_schema=False, guards=admin_only)
async def results_page(
    actor: NamedDependency[Actor], cycle_id: FromPath[int], file: FromQuery[str] = "", done: FromQuery[str] = ""
) -> Template:
    preview = await services.preview_stored_results(actor, cycle_id, file) if file else None
    return Template(PAGE, context={**await results_context(cycle_id, preview), "done": done})


@get("/admin/award-cycles/{cycle_id:int}/official-results.xlsx", include_in_schema=False, guards=admin_only)
async def export_results(cycle_id: FromPath[int]) -> Response[bytes]:
    cycle = await services.cycle_row(cycle_id)
    rows = _rows(await services.official_results(cycle_id))
    return xlsx_response(f"省级评审结果-{cycle['year']}.xlsx", "评审结果", TEMPLATE_HEADERS, rows)


@get("/admin/official-results-template.xlsx", include_in_schema=False, guards=admin_only)
async def results_template() -> Response[bytes]:
    example = [["高端数控机床精度保持关键技术", "技术发明奖", "二等奖", "获奖"]]
    return xlsx_response("省级评审结果模板.xlsx", "评审结果", TEMPLATE_HEADERS, example)


@post(
    "/admin/award-cycles/{cycle_id:int}/official-results/preview",
    include_in_schema=False,
    status_code=303,
    guards=admin_only,
    request_max_body_size=get_settings().max_upload_bytes,
)
async def preview_results(
    actor: NamedDependency[Actor], cycle_id: FromPath[int], data: MultipartBody[WorkbookForm]
) -> Response[Any]:
    async def preview() -> str:
        previewed = await services.preview_official_results(actor, cycle_id, await uploaded_workbook(data))
        return f"/admin/award-cycles/{cycle_id}/official-results?file={previewed['sha']}#preview"

    return await form_action(preview, success=lambda url: url, template=PAGE, context=lambda: results_context(cycle_id))


class ImportForm(BaseModel):
    sha: str = Field(default="", max_length=64)
    confirm: str = Field(default="", max_length=5)


@post(
    "/admin/award-cycles/{cycle_id:int}/official-results/import",
    include_in_schema=False,
    status_code=303,
    guards=admin_only,
)
async def import_results(
    actor: NamedDependency[Actor], cycle_id: FromPath[int], data: URLEncodedBody[ImportForm]
) -> Response[Any]:
    async def run() -> int:
        require_ticked(
            data.confirm, "official_results.confirm", "请勾选确认后再导入", "tick the confirmation to import"
        )
        return await services.import_official_results(actor, cycle_id, data.sha)

    async def again() -> dict[str, Any]:
        return await results_context(cycle_id, await services.preview_stored_results(actor, cycle_id, data.sha))

    return await form_action(
        run,
        success=lambda count: f"/admin/award-cycles/{cycle_id}/official-results?done={count}",
        template=PAGE,
        context=again,
    )


ROUTES = [results_page, export_results, results_template, preview_results, import_results]
