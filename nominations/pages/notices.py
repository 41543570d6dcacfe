"""The association's public notices (公示) of nominations and its handling of the objections
raised against them (and against talent recommendations under notice)."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel, Field

from accounts.rules import Actor
from nominations import services
from nominations.pages._shared import TEXT_MAX, TITLE_MAX, admin_only, cycle_id_for
from nominations.pages._vocabulary import vocabulary
from societies import services as societies
from xuehui.clock import today
from xuehui.errors import InvalidInput, Reason
from xuehui.form_action import form_action

NOTICES = "nominations/notices_admin.html"
# A notice runs seven working days unless the association says otherwise (the pilot plan's
# usual period); at most MAX_NOTICE_DAYS.
DEFAULT_NOTICE_DAYS, MAX_NOTICE_DAYS = 7, 60


async def notices_context(actor: Actor, refused_form: str = "notice") -> dict[str, Any]:
    return {
        "notices": await services.public_notices(),
        "objections": await services.objections(actor),
        "cycle": await services.cycle_row(await cycle_id_for()),
        "today": today().isoformat(),
        "refused_form": refused_form,
        **vocabulary(),
    }


@get("/admin/notices", include_in_schema=False, guards=admin_only)
async def notices_page(actor: NamedDependency[Actor]) -> Template:
    return Template(NOTICES, context=await notices_context(actor))


class NoticeForm(BaseModel):
    kind: str = Field(default="acceptance", max_length=20)
    title: str = Field(default="", max_length=TITLE_MAX)
    starts_on: str = Field(default="", max_length=20)
    working_days: int = Field(default=DEFAULT_NOTICE_DAYS, ge=1, le=MAX_NOTICE_DAYS)


@post("/admin/notices", include_in_schema=False, status_code=303, guards=admin_only)
async def publish_notice(actor: NamedDependency[Actor], data: URLEncodedBody[NoticeForm]) -> Response[Any]:
    async def publish() -> None:
        starts = societies.as_date(data.starts_on, "starts_on") or today()
        if not data.title.strip():
            raise InvalidInput(Reason("notice.title", "请填写公示标题", "give the notice a title", "title"))
        await services.publish_notice(actor, await cycle_id_for(), data.kind, data.title, starts, data.working_days)

    return await form_action(
        publish, success="/admin/notices", template=NOTICES, context=lambda: notices_context(actor)
    )


class DecisionForm(BaseModel):
    state: str = Field(default="", max_length=20)
    decision: str = Field(default="", max_length=TEXT_MAX)
    outcome: str = Field(default="", max_length=20)


@post("/admin/objections/{objection_id:int}", include_in_schema=False, status_code=303, guards=admin_only)
async def decide_objection(
    actor: NamedDependency[Actor], objection_id: FromPath[int], data: URLEncodedBody[DecisionForm]
) -> Response[Any]:
    return await form_action(
        lambda: services.decide_objection(actor, objection_id, data.state, data.decision, data.outcome),
        success="/admin/notices#objections",
        template=NOTICES,
        context=lambda: notices_context(actor, refused_form="objection"),
    )


ROUTES = [notices_page, publish_notice, decide_objection]
