"""The identity clashes of a plan, on its admin page: the office voids a registration made with
another person's identity number, after ticking once more that it is final."""

from __future__ import annotations

from typing import Any

from litestar import Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from pydantic import BaseModel, Field

from accounts.rules import Actor
from exams import services
from exams.pages._shared import staff
from exams.pages.plans import plan_again
from xuehui.form_action import form_action, require_ticked


class VoidForm(BaseModel):
    confirm: str = Field(default="", max_length=5)


@post("/exams/{plan_id:int}/clashes/{clash_id:int}/void", include_in_schema=False, status_code=303, guards=staff)
async def void_registration(
    actor: NamedDependency[Actor], plan_id: FromPath[int], clash_id: FromPath[int], data: URLEncodedBody[VoidForm]
) -> Response[Any]:
    async def action() -> None:
        require_ticked(
            data.confirm,
            "clash.void_confirm",
            "请勾选确认：作废后该报名不能恢复，身份证号本人可重新报名",
            "tick the box to confirm: the voided registration cannot be restored, and the number's owner may register",
        )
        await services.void_clashing_registration(actor, plan_id, clash_id)

    return await form_action(
        action,
        success=f"/exams/{plan_id}?done=voided#clashes",
        template="exams/plan.html",
        context=plan_again(actor, plan_id, f"clash-{clash_id}"),
    )


ROUTES = [void_registration]
