"""The society's integrity record on its admin page: the sanctions it bears and the integrity
violations found against it, and the form that records a violation."""

from __future__ import annotations

from typing import Any

from litestar import Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from pydantic import BaseModel, Field

from accounts.rules import Actor
from societies import services
from societies.pages._shared import admin_only
from societies.pages.registry import SOCIETY_TEMPLATE, society_context
from xuehui.form_action import form_action, require_ticked


class ViolationForm(BaseModel):
    kind: str = Field(default="", max_length=30)
    found_on: str = Field(default="", max_length=20)
    description: str = Field(default="", max_length=4000)
    source: str = Field(default="", max_length=400)
    confirm: str = Field(default="", max_length=5)


@post(
    "/admin/societies/{society_id:int}/integrity-violations",
    include_in_schema=False,
    status_code=303,
    guards=admin_only,
)
async def record_violation(
    actor: NamedDependency[Actor], society_id: FromPath[int], data: URLEncodedBody[ViolationForm]
) -> Response[Any]:
    async def record() -> int:
        require_ticked(data.confirm, "violation.confirm", "请勾选确认后再记录", "tick the confirmation to record it")
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
    )


ROUTES = [record_violation]
