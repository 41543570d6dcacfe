"""The other channels' candidate lists of a talent programme (admin): the list as imported, its
template and export, the upload with its preview, and the import once the preview has been read."""

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
from nominations.rules.other_channels import TEMPLATE_HEADERS, OtherChannel
from xuehui.excel_export import xlsx_response
from xuehui.form_action import WorkbookForm, form_action, require_ticked, uploaded_workbook
from xuehui.idcard import mask
from xuehui.settings import get_settings

PAGE = "nominations/other_channels.html"


async def channels_context(programme_id: int, preview: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "programme": await services.programme_row(programme_id),
        "candidates": await services.other_channel_candidates(programme_id),
        "preview": preview,
        "CHANNELS": OtherChannel.labels(),
        "mask": mask,
        **vocabulary(),
    }


def _rows(candidates: list[dict[str, Any]]) -> list[list[str]]:
    """The list as offices send it, so an export imports back unchanged."""
    return [[c["name"], c["id_number"], label(OtherChannel.labels(), c["channel"]), c["via"]] for c in candidates]


@get("/admin/talent/{programme_id:int}/other-channels", include_in_schema=False, guards=admin_only)
async def channels_page(
    actor: NamedDependency[Actor], programme_id: FromPath[int], file: FromQuery[str] = "", done: FromQuery[str] = ""
) -> Template:
    preview = await services.preview_stored_channels(actor, programme_id, file) if file else None
    return Template(PAGE, context={**await channels_context(programme_id, preview), "done": done})


@get("/admin/talent/{programme_id:int}/other-channels.xlsx", include_in_schema=False, guards=admin_only)
async def export_channels(programme_id: FromPath[int]) -> Response[bytes]:
    programme = await services.programme_row(programme_id)
    rows = _rows(await services.other_channel_candidates(programme_id))
    return xlsx_response(f"其他渠道候选人-{programme['edition_year']}.xlsx", "候选人", TEMPLATE_HEADERS, rows)


@get("/admin/other-channels-template.xlsx", include_in_schema=False, guards=admin_only)
async def channels_template() -> Response[bytes]:
    example = [["王院", "110101196501011234", "全国学会推荐", "中国机械工程学会"]]
    return xlsx_response("其他渠道候选人名单模板.xlsx", "候选人", TEMPLATE_HEADERS, example)


@post(
    "/admin/talent/{programme_id:int}/other-channels/preview",
    include_in_schema=False,
    status_code=303,
    guards=admin_only,
    request_max_body_size=get_settings().max_upload_bytes,
)
async def preview_channels(
    actor: NamedDependency[Actor], programme_id: FromPath[int], data: MultipartBody[WorkbookForm]
) -> Response[Any]:
    async def preview() -> str:
        previewed = await services.preview_other_channels(actor, programme_id, await uploaded_workbook(data))
        return f"/admin/talent/{programme_id}/other-channels?file={previewed['sha']}#preview"

    return await form_action(
        preview, success=lambda url: url, template=PAGE, context=lambda: channels_context(programme_id)
    )


class ImportForm(BaseModel):
    sha: str = Field(default="", max_length=64)
    confirm: str = Field(default="", max_length=5)


@post(
    "/admin/talent/{programme_id:int}/other-channels/import",
    include_in_schema=False,
    status_code=303,
    guards=admin_only,
)
async def import_channels(
    actor: NamedDependency[Actor], programme_id: FromPath[int], data: URLEncodedBody[ImportForm]
) -> Response[Any]:
    async def run() -> int:
        require_ticked(data.confirm, "other_channels.confirm", "请勾选确认后再导入", "tick the confirmation to import")
        return await services.import_other_channels(actor, programme_id, data.sha)

    async def again() -> dict[str, Any]:
        return await channels_context(
            programme_id, await services.preview_stored_channels(actor, programme_id, data.sha)
        )

    return await form_action(
        run,
        success=lambda count: f"/admin/talent/{programme_id}/other-channels?done={count}",
        template=PAGE,
        context=again,
    )


ROUTES = [channels_page, export_channels, channels_template, preview_channels, import_channels]
