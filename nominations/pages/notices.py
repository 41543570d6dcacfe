"""The association's public notices (公示) of nominations and its handling of the objections
raised against them (and against talent recommendations under notice)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel, Field

from accounts.rules import Actor
from nominations import services
from nominations.pages._shared import TEXT_MAX, TITLE_MAX, admin_only, cycle_id_for
from nominations.pages._vocabulary import vocabulary
from nominations.rules.cycle.model import CycleConfig
from societies import services as societies
from xuehui.clock import today
from xuehui.errors import InvalidInput, Reason
from xuehui.form_action import Confirmation, form_action
from xuehui.i18n import gettext as _
from xuehui.i18n import pick

NOTICES = "nominations/notices_admin.html"
UNIT_WORDS = {"working_days": ("个工作日", " working days"), "calendar_days": ("天（自然日）", " calendar days")}


def window_choices(config: CycleConfig) -> list[tuple[str, str]]:
    """The cycle's notice windows as the select offers them, in words:
    "受理项目公示：2026-06-20起，5个工作日"."""
    choices = []
    for w in config.dates.notices:
        zh_unit, en_unit = UNIT_WORDS[w.unit]
        choices.append(
            (w.key, pick(f"{w.zh}：{w.starts}起，{w.length}{zh_unit}", f"{w.en}: from {w.starts}, {w.length}{en_unit}"))
        )
    return choices


async def notices_context(
    actor: Actor, refused_form: str = "notice", typed: NoticeForm | None = None
) -> dict[str, Any]:
    cycle_id = await cycle_id_for()
    return {
        "notices": await services.public_notices(),
        "objections": await services.objections(actor),
        "cycle": await services.cycle_row(cycle_id),
        "windows": window_choices(await services.cycle_config(cycle_id)),
        "typed": typed or NoticeForm(),
        "today": today().isoformat(),
        "refused_form": refused_form,
        **vocabulary(),
    }


@get("/admin/notices", include_in_schema=False, guards=admin_only)
async def notices_page(actor: NamedDependency[Actor]) -> Template:
    return Template(NOTICES, context=await notices_context(actor))


class NoticeForm(BaseModel):
    window: str = Field(default="", max_length=40)  # the key of one of the cycle's notice windows
    title: str = Field(default="", max_length=TITLE_MAX)
    starts_on: str = Field(default="", max_length=20)  # blank: the window's configured first day


@post("/admin/notices", include_in_schema=False, status_code=303, guards=admin_only)
async def publish_notice(
    actor: NamedDependency[Actor], data: URLEncodedBody[NoticeForm], request: Request[Any, Any, Any]
) -> Response[Any]:
    def checked() -> Any:
        starts = societies.as_date(data.starts_on, "starts_on")
        if not data.title.strip():
            raise InvalidInput(Reason("notice.title", "请填写公示标题", "give the notice a title", "title"))
        return starts

    async def publish() -> None:
        starts = checked()
        await services.publish_notice(actor, await cycle_id_for(), data.window, data.title, starts)

    async def publishing() -> Confirmation:
        checked()
        windows = dict(window_choices(await services.cycle_config(await cycle_id_for())))
        return Confirmation(
            heading=_("Publish the notice “%(title)s”?", title=data.title.strip()),
            consequences=[
                windows.get(data.window, ""),
                _("The notice and the nominations it lists are shown to the public at once."),
                _("Anyone may raise an objection while it runs; a published notice is not withdrawn."),
            ],
            cancel="/admin/notices",
            button=_("Publish the notice"),
        )

    return await form_action(
        publish,
        success="/admin/notices",
        template=NOTICES,
        context=lambda: notices_context(actor, typed=data),
        flash=_("The notice was published."),
        confirm=publishing,
        request=request,
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
