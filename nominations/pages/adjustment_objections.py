"""A society's own row of the published adjustment with every reason, its objection within the
window, and the association's answer on the adjustment page."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel, Field

from accounts.rules import Actor
from nominations import services
from nominations.pages._shared import TEXT_MAX, admin_only, cycle_id_for, nominators
from nominations.pages._vocabulary import vocabulary
from nominations.pages.adjustment import ADJUSTMENT, override_quotas, run_context
from nominations.rules.lifecycles import AdjustmentObjectionState
from xuehui.form_action import form_action

OWN = "nominations/adjustment_mine.html"


class ObjectionForm(BaseModel):
    grounds: str = Field(default="", max_length=TEXT_MAX)


async def own_context(actor: Actor, year: int, form: dict[str, Any] | None = None) -> dict[str, Any]:
    cycle_id = await cycle_id_for(year)
    return {
        "cycle": await services.cycle_row(cycle_id),
        "own": await services.own_adjustment(actor, cycle_id),
        "form": form or {},
        "ADJUSTMENT_OBJECTION_STATES": AdjustmentObjectionState.labels(),
        **vocabulary(),
    }


@get("/nominations/adjustment", include_in_schema=False, guards=nominators)
async def own_adjustment(
    actor: NamedDependency[Actor], year: FromQuery[int] = 0, done: FromQuery[str] = ""
) -> Template:
    return Template(OWN, context={**await own_context(actor, year), "done": done})


@post("/nominations/adjustment/objections", include_in_schema=False, status_code=303, guards=nominators)
async def lodge_objection(
    actor: NamedDependency[Actor], data: URLEncodedBody[ObjectionForm], year: FromQuery[int] = 0
) -> Response[Any]:
    async def lodge() -> int:
        return await services.lodge_adjustment_objection(actor, await cycle_id_for(year), data.grounds)

    return await form_action(
        lodge,
        success=f"/nominations/adjustment?year={year}&done=objection",
        template=OWN,
        context=lambda: own_context(actor, year, data.model_dump()),
    )


@post(
    "/admin/adjustment/objections/{objection_id:int}/answer",
    include_in_schema=False,
    status_code=303,
    guards=admin_only,
)
async def answer_objection(
    actor: NamedDependency[Actor], objection_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    form = await request.form()
    run_raw = str(form.get("run_id", ""))
    run_id = int(run_raw) if run_raw.isdigit() else 0

    async def answer() -> str:
        outcome = str(form.get("outcome", ""))
        quotas = override_quotas(form) if outcome == AdjustmentObjectionState.CORRECTED else None
        await services.answer_adjustment_objection(
            actor, objection_id, outcome, str(form.get("answer", ""))[:TEXT_MAX], quotas
        )
        table = await services.adjustment_table(run_id)
        return f"/admin/adjustment/{table['cycle']}?run={run_id}#objections"

    return await form_action(
        answer,
        success=lambda url: url,
        template=ADJUSTMENT,
        context=lambda: run_context(run_id, {"failed_objection": objection_id, "answer_form": dict(form)}),
    )


ROUTES = [own_adjustment, lodge_objection, answer_objection]
