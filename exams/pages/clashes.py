"""The identity clashes of a plan, on its admin page: the office voids a registration made with
another person's identity number, after confirming once more that it is final."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from accounts.rules import Actor
from exams import services
from exams.pages._shared import staff
from exams.pages.plans import plan_again
from xuehui.form_action import Confirmation, form_action
from xuehui.i18n import gettext as _


@post("/exams/{plan_id:int}/clashes/{clash_id:int}/void", include_in_schema=False, status_code=303, guards=staff)
async def void_registration(
    actor: NamedDependency[Actor], plan_id: FromPath[int], clash_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    async def voiding() -> Confirmation:
        await services.get_plan(actor, plan_id)  # out of reach: answered as missing
        return Confirmation(
            heading=_("Void the registration made with someone else's identity number?"),
            consequences=[
                _("The voided registration cannot be restored; it stays on record."),
                _("The owner of the identity number may then register."),
            ],
            cancel=f"/exams/{plan_id}#clashes",
            button=_("Void the registration"),
        )

    return await form_action(
        lambda: services.void_clashing_registration(actor, plan_id, clash_id),
        success=f"/exams/{plan_id}?done=voided#clashes",
        template="exams/plan.html",
        context=plan_again(actor, plan_id, f"clash-{clash_id}"),
        confirm=voiding,
        request=request,
    )


ROUTES = [void_registration]
