"""Pages of pilot projects: the list and its export, the agreement form (new and edit), one
project with everything attached to it, and its workflow actions."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel, Field

from accounts.rules import Actor
from societies import rules, services
from societies.forms import form_values, pilot_from_form
from societies.kpis import live_kpis
from societies.pages._shared import form_context, label, pilot_row, society_staff, vocabulary
from societies.pages.kpi_figures import kpi_alt
from societies.schemas import ActionIn
from xuehui.clock import today
from xuehui.errors import InvalidInput
from xuehui.excel_export import xlsx_response
from xuehui.form_action import form_action
from xuehui.i18n import gettext as _

PILOT_TEMPLATE = "societies/pilot.html"
FORM_TEMPLATE = "societies/pilot_form.html"

PILOT_NOTICES = {
    "created": ("试点项目已创建。", "The pilot project was created."),
    "saved": ("已保存。", "Saved."),
    "action": ("操作已完成。", "Done."),
    "record": ("记录已添加。", "The record was added."),
    "amendment": ("变更申请已提交。", "The amendment was proposed."),
    "decided": ("变更申请已处理。", "The amendment was decided."),
}


@get("/pilots", include_in_schema=False, guards=society_staff)
async def pilots_page(actor: NamedDependency[Actor], status: FromQuery[str] = "") -> Template:
    pilots = await services.list_pilots(actor, status=status)
    return Template("societies/pilots.html", context={"pilots": pilots, "status_filter": status, **vocabulary()})


@get("/pilots.xlsx", include_in_schema=False, guards=society_staff)
async def export_pilots(actor: NamedDependency[Actor], status: FromQuery[str] = "") -> Response[bytes]:
    pilots = await services.list_pilots(actor, status=status)
    return xlsx_response(
        "pilot-projects.xlsx",
        _("Pilot projects"),
        [_("Society"), _("Title"), _("Function"), _("Department"), _("Status"), _("Current stage"), _("Leader")],
        ([*pilot_row(p), p["agreement"].leader.name] for p in pilots),
    )


@get("/pilots/new", include_in_schema=False, guards=society_staff)
async def new_pilot_page(actor: NamedDependency[Actor]) -> Template:
    return Template(FORM_TEMPLATE, context={**await form_context(actor, form_values(None)), "action": "/pilots"})


@post("/pilots", include_in_schema=False, status_code=303, guards=society_staff)
async def create_pilot(actor: NamedDependency[Actor], request: Request[Any, Any, Any]) -> Response[Any]:
    form = await request.form()
    pilot, agreement, problems = pilot_from_form(form)
    values = {
        **{k: form.get(k, "") for k in ("title", "function_type", "department", "society_id")},
        "agreement": agreement,
    }

    async def create() -> int:
        if problems or pilot is None:
            raise InvalidInput(problems)
        return await services.create_pilot(actor, pilot)

    async def again() -> dict[str, Any]:
        return {**await form_context(actor, values), "action": "/pilots"}

    return await form_action(
        create, success=lambda project_id: f"/pilots/{project_id}?done=created", template=FORM_TEMPLATE, context=again
    )


@get("/pilots/{project_id:int}/edit", include_in_schema=False, guards=society_staff)
async def edit_pilot_page(actor: NamedDependency[Actor], project_id: FromPath[int]) -> Template:
    project = await services.get_pilot(actor, project_id)
    return Template(
        FORM_TEMPLATE,
        context={
            **await form_context(actor, form_values(project)),
            "action": f"/pilots/{project_id}/edit",
            "project": project,
        },
    )


@post("/pilots/{project_id:int}/edit", include_in_schema=False, status_code=303, guards=society_staff)
async def update_pilot(
    actor: NamedDependency[Actor], project_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    project = await services.get_pilot(actor, project_id)
    form = await request.form()
    pilot, agreement, problems = pilot_from_form(form)
    values = {
        **{k: form.get(k, "") for k in ("title", "function_type", "department")},
        "society_id": project["society_id"],
        "agreement": agreement,
    }

    async def update() -> None:
        if problems or pilot is None:
            raise InvalidInput(problems)
        await services.update_pilot(actor, project_id, pilot)

    async def again() -> dict[str, Any]:
        return {**await form_context(actor, values), "action": f"/pilots/{project_id}/edit", "project": project}

    return await form_action(update, success=f"/pilots/{project_id}?done=saved", template=FORM_TEMPLATE, context=again)


async def pilot_context(actor: Actor, project_id: int, failed: str = "") -> dict[str, Any]:
    """Everything the project page shows; `failed` names the section whose form was refused."""
    records = await services.project_records(actor, project_id)
    project = records["project"]
    derived = await live_kpis(project["society_id"], project["function_type"])
    history = await services.kpi_history(actor, project_id)
    return {
        **records,
        "kpi_chart": any(s["points"] for s in history["series"]),
        "kpi_alt": kpi_alt(history),
        "derived_kpis": derived,
        "actions": rules.allowed_actions(project["status"], actor.role, project["signed"]),
        "running": project["status"] in rules.RUNNING,
        "evaluable": project["status"] in rules.EVALUABLE,
        "today": today().isoformat(),
        "failed": failed,
        **vocabulary(),
    }


@get("/pilots/{project_id:int}", include_in_schema=False, guards=society_staff)
async def pilot_page(actor: NamedDependency[Actor], project_id: FromPath[int], done: FromQuery[str] = "") -> Template:
    context = await pilot_context(actor, project_id)
    return Template(
        PILOT_TEMPLATE,
        context={**context, "notice": label(PILOT_NOTICES, done) if done in PILOT_NOTICES else ""},
    )


class ActionForm(BaseModel):
    action: str = Field(default="", max_length=30)
    reason: str = Field(default="", max_length=2000)
    signed_on: str = Field(default="", max_length=20)


@post("/pilots/{project_id:int}/actions", include_in_schema=False, status_code=303, guards=society_staff)
async def pilot_action(
    actor: NamedDependency[Actor], project_id: FromPath[int], data: URLEncodedBody[ActionForm]
) -> Response[Any]:
    async def act() -> str:
        signed_on = services.as_date(data.signed_on, "signed_on")
        return await services.act(
            actor, project_id, ActionIn(action=data.action, reason=data.reason, signed_on=signed_on)
        )

    return await form_action(
        act,
        success=f"/pilots/{project_id}?done=action",
        template=PILOT_TEMPLATE,
        context=lambda: pilot_context(actor, project_id, "action"),
    )


ROUTES = [
    pilots_page,
    export_pilots,
    new_pilot_page,
    create_pilot,
    edit_pilot_page,
    update_pilot,
    pilot_page,
    pilot_action,
]
