"""The society's integrity record on its admin page: the sanctions it bears and the integrity
violations found against it, and the form that records a violation."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from pydantic import BaseModel, Field

from accounts.rules import Actor
from societies import services
from societies.pages._shared import admin_only
from societies.pages.registry import SOCIETY_TEMPLATE, society_context
from xuehui.form_action import Confirmation, form_action
from xuehui.i18n import gettext as _


class ViolationForm(BaseModel):
    kind: str = Field(default="", max_length=30)
    found_on: str = Field(default="", max_length=20)
    description: str = Field(default="", max_length=4000)
    source: str = Field(default="", max_length=400)


@post(
    "/admin/societies/{society_id:int}/integrity-violations",
    include_in_schema=False,
    status_code=303,
    guards=admin_only,
)
async def record_violation(
    actor: NamedDependency[Actor],
    society_id: FromPath[int],
    data: URLEncodedBody[ViolationForm],
    request: Request[Any, Any, Any],
) -> Response[Any]:
    async def recording() -> Confirmation:
        services.as_date(data.found_on, "found_on")
        society = await services.get_society(actor, society_id)
        return Confirmation(
            heading=_("Record an integrity violation against %(society)s?", society=society["name_zh"]),
            consequences=[
                _("The record cannot be removed."),
                _("It bars the society from nominating for five years."),
            ],
            cancel=f"/admin/societies/{society_id}#integrity",
            button=_("Record the violation"),
        )

    async def record() -> int:
        found_on = services.as_date(data.found_on, "found_on")
        return await services.record_integrity_violation(
            actor, society_id, data.kind, found_on, data.description, data.source
        )

    async def again() -> dict[str, Any]:
        context = await society_context(actor, society_id)
        return {**context, "form": context["society"], "failed": "violation", "violation_form": data.model_dump()}

    return await form_action(
        record,
        success=f"/admin/societies/{society_id}?done=violation#integrity",
        template=SOCIETY_TEMPLATE,
        context=again,
        confirm=recording,
        request=request,
    )


ROUTES = [record_violation]
