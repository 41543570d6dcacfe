"""A nomination's attachments on its page: the society uploads and removes them while the
nomination can be edited; whoever may see the nomination opens them (PDFs and images inline)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath

from accounts.rules import Actor
from nominations import services
from nominations.pages._shared import nominators
from nominations.pages.nomination_drafts import FORM, saved_form
from nominations.services.attachments import FIELD
from xuehui.errors import InvalidInput, Reason
from xuehui.file_responses import file_response
from xuehui.form_action import form_action
from xuehui.settings import get_settings
from xuehui.templating import errors_by_field
from xuehui.web import requires_role

NO_FILE = Reason("attachment.no_file", "请选择要上传的文件", "choose a file to upload", FIELD)


@post(
    "/nominations/{nomination_id:int}/attachments",
    include_in_schema=False,
    status_code=303,
    guards=nominators,
    request_max_body_size=get_settings().max_upload_bytes,
)
async def upload_attachment(
    actor: NamedDependency[Actor], nomination_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    form = await request.form()
    kind = str(form.get("kind", "")).strip()
    upload = form.get(FIELD)

    async def action() -> int:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput(NO_FILE)
        return await services.add_attachment(actor, nomination_id, kind, upload.filename, await upload.read())

    async def context() -> dict[str, Any]:
        return {**await saved_form(actor, nomination_id), "attachment_kind": kind}

    return await form_action(
        action,
        success=f"/nominations/{nomination_id}?done=attached#attachments",
        template=FORM,
        context=context,
        refusal=lambda error: {"attachment_errors": errors_by_field(error.reasons)},
    )


@post(
    "/nominations/{nomination_id:int}/attachments/{attachment_id:int}/remove",
    include_in_schema=False,
    status_code=303,
    guards=nominators,
)
async def remove_attachment(
    actor: NamedDependency[Actor], nomination_id: FromPath[int], attachment_id: FromPath[int]
) -> Response[Any]:
    return await form_action(
        lambda: services.remove_attachment(actor, nomination_id, attachment_id),
        success=f"/nominations/{nomination_id}?done=detached#attachments",
        template=FORM,
        context=lambda: saved_form(actor, nomination_id),
        refusal=lambda error: {"attachment_errors": errors_by_field(error.reasons)},
    )


@get(
    "/nominations/{nomination_id:int}/attachments/{attachment_id:int}",
    include_in_schema=False,
    guards=[requires_role("society", "admin", "expert")],
)
async def open_attachment(
    actor: NamedDependency[Actor], nomination_id: FromPath[int], attachment_id: FromPath[int]
) -> Response[bytes]:
    content, media_type, filename = await services.open_attachment(actor, nomination_id, attachment_id)
    return file_response(content, media_type, filename, "attachment")


ROUTES = [upload_attachment, remove_attachment, open_attachment]
