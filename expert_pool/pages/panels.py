"""Panel-meeting pages: a new meeting on a batch, the meeting with its roll and close (admin),
and the expert's open meetings with their anonymous ballots."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel, Field

from accounts.rules import Actor
from expert_pool import disciplines, services
from expert_pool.pages._shared import (
    admin_only,
    expert_only,
    notice,
    page,
    parse_date,
    parse_int,
    template_name,
    validated,
    with_vocabulary,
)
from expert_pool.pages.batches import on_batch_page
from expert_pool.schemas import PanelIn
from xuehui.form_action import form_action
from xuehui.i18n import gettext as _


class PanelForm(BaseModel):
    name: str = Field(default="", max_length=200)
    held_on: str = Field(default="", max_length=20)
    quorum: str = Field(default="2/3", max_length=20)
    threshold: str = Field(default="1/2", max_length=20)
    strict: str = Field(default="1", max_length=2)
    base: str = Field(default="voting", max_length=10)
    expert_ids: str = Field(default="", max_length=2000)


@post("/admin/review-batches/{batch_id:int}/panels", include_in_schema=False, status_code=303, guards=admin_only)
async def create_panel(
    actor: NamedDependency[Actor], batch_id: FromPath[int], data: URLEncodedBody[PanelForm]
) -> Response[Any]:
    async def create() -> int:
        ids = [int(x) for x in disciplines.split_list(data.expert_ids.replace(" ", "；")) if x.isdigit()]
        held_on = parse_date(data.held_on, "held_on")
        panel = validated(
            lambda: PanelIn(
                name=data.name.strip(),
                held_on=held_on,
                quorum=data.quorum,
                threshold=data.threshold,
                strict=data.strict == "1",
                base=data.base,
                expert_ids=ids,
            )
        )
        return await services.create_panel(actor, batch_id, panel)

    return await form_action(
        create,
        success=lambda meeting_id: f"/admin/panels/{meeting_id}?done=created",
        **on_batch_page(actor, batch_id, "panel", panel_form=data.model_dump()),
    )


PANEL_NOTICES = {
    "created": ("会评已创建。", "The panel meeting was created."),
    "roll": ("点名已记录。", "The roll was recorded."),
    "closed": ("投票已结束，结果已记录。", "Voting closed; the results are recorded."),
}


async def _panel_context(actor: Actor, meeting_id: int) -> dict[str, Any]:
    meeting = await services.get_panel(actor, meeting_id)
    return with_vocabulary({"meeting": meeting, "batch": await services.get_batch(actor, meeting["batch"])})


@get("/admin/panels/{meeting_id:int}", include_in_schema=False, guards=admin_only)
async def panel_page(actor: NamedDependency[Actor], meeting_id: FromPath[int], done: FromQuery[str] = "") -> Template:
    context = await _panel_context(actor, meeting_id)
    return page("panel.html", {**context, "notice": notice(PANEL_NOTICES, done)})


@post("/admin/panels/{meeting_id:int}/roll", include_in_schema=False, status_code=303, guards=admin_only)
async def panel_roll(
    actor: NamedDependency[Actor], meeting_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    form = await request.form()
    present = [int(v) for v in form.getall("present") if str(v).isdigit()] if "present" in form else []
    return await form_action(
        lambda: services.set_roll(actor, meeting_id, present),
        success=f"/admin/panels/{meeting_id}?done=roll",
        template=template_name("panel.html"),
        context=lambda: _panel_context(actor, meeting_id),
    )


@post("/admin/panels/{meeting_id:int}/close", include_in_schema=False, status_code=303, guards=admin_only)
async def panel_close(actor: NamedDependency[Actor], meeting_id: FromPath[int]) -> Response[Any]:
    return await form_action(
        lambda: services.close_panel(actor, meeting_id),
        success=f"/admin/panels/{meeting_id}?done=closed",
        template=template_name("panel.html"),
        context=lambda: _panel_context(actor, meeting_id),
    )


@get("/expert/panels", include_in_schema=False, guards=expert_only)
async def my_panels_page(actor: NamedDependency[Actor], done: FromQuery[str] = "") -> Template:
    shown = _("Your ballot was cast.") if done == "voted" else ""
    return page("my_panels.html", {"panels": await services.my_panels(actor), "notice": shown})


class BallotForm(BaseModel):
    item_id: str = Field(default="", max_length=12)
    vote: str = Field(default="", max_length=10)


@post("/expert/panels/{meeting_id:int}/ballots", include_in_schema=False, status_code=303, guards=expert_only)
async def cast_ballot(
    actor: NamedDependency[Actor], meeting_id: FromPath[int], data: URLEncodedBody[BallotForm]
) -> Response[Any]:
    async def again() -> dict[str, Any]:
        return with_vocabulary({"panels": await services.my_panels(actor)})

    return await form_action(
        lambda: services.cast_ballot(actor, meeting_id, parse_int(data.item_id, "item_id"), data.vote),
        success="/expert/panels?done=voted",
        template=template_name("my_panels.html"),
        context=again,
    )


ROUTES = [create_panel, panel_page, panel_roll, panel_close, my_panels_page, cast_ballot]
