"""The public pages, open without signing in: notices (公示) and their objection form, and the
published list of societies allowed to nominate with their quotas."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from nominations import services
from nominations.pages._shared import TEXT_MAX, cycle_id_for
from nominations.pages._vocabulary import vocabulary
from xuehui.errors import InvalidInput, Reason
from xuehui.form_action import form_action
from xuehui.settings import get_settings
from xuehui.web import client_ip

NOTICE = "nominations/public_notice.html"
OBJECTION_FIELDS = ("nomination_id", "recommendation_id", "name", "id_number", "phone", "unit", "reasons")


@get("/public/notices", include_in_schema=False)
async def public_notices() -> Template:
    return Template(
        "nominations/public_notices.html", context={"notices": await services.public_notices(), **vocabulary()}
    )


async def notice_context(notice_id: int, form: dict[str, str] | None = None) -> dict[str, Any]:
    """A notice with its objection form, filled with `form` as the objector typed it."""
    return {"pn": await services.public_notice(notice_id), "form": form or {}, **vocabulary()}


@get("/public/notices/{notice_id:int}", include_in_schema=False)
async def public_notice(notice_id: FromPath[int]) -> Template:
    return Template(NOTICE, context=await notice_context(notice_id))


def _chosen(fields: dict[str, str], key: str, code: str, zh: str, en: str) -> int:
    if not fields[key].isdigit():
        raise InvalidInput(Reason(code, zh, en, key))
    return int(fields[key])


@post(
    "/public/notices/{notice_id:int}/objections",
    include_in_schema=False,
    status_code=303,
    request_max_body_size=get_settings().max_upload_bytes,
)
async def file_objection(notice_id: FromPath[int], request: Request[Any, Any, Any]) -> Response[Any]:
    form = await request.form()
    fields = {k: str(form.get(k, ""))[:TEXT_MAX] for k in OBJECTION_FIELDS}
    files: list[tuple[str, bytes]] = []
    for upload in form.getall("evidence") if "evidence" in form else []:
        if isinstance(upload, UploadFile) and upload.filename:
            files.append((upload.filename, await upload.read()))

    ip = client_ip(request.scope)

    async def file() -> None:
        person = (fields["name"], fields["id_number"], fields["phone"], fields["unit"], fields["reasons"])
        if fields["recommendation_id"]:
            recommendation_id = _chosen(
                fields,
                "recommendation_id",
                "objection.recommendation",
                "请选择异议针对的人选",
                "choose the candidate you object to",
            )
            await services.file_objection(notice_id, None, *person, files, recommendation_id=recommendation_id, ip=ip)
            return
        nomination_id = _chosen(
            fields,
            "nomination_id",
            "objection.nomination",
            "请选择异议针对的项目",
            "choose the nomination you object to",
        )
        await services.file_objection(notice_id, nomination_id, *person, files, ip=ip)

    return await form_action(
        file,
        success=f"/public/notices/{notice_id}?done=objection",
        template=NOTICE,
        context=lambda: notice_context(notice_id, fields),
    )


@get("/public/quotas", include_in_schema=False)
async def public_quotas(year: FromQuery[int] = 0) -> Template:
    cycle_id = await cycle_id_for(year)
    return Template(
        "nominations/public_quotas.html",
        context={
            "cycle": await services.cycle_row(cycle_id),
            "table": await services.published_adjustment(cycle_id),
            **vocabulary(),
        },
    )


ROUTES = [public_notices, public_notice, file_objection, public_quotas]
