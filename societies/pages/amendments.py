"""Pages of amendments: the amendment form of a signed agreement and the association's decision."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel, Field

from accounts.rules import Actor
from societies import services
from societies.forms import agreement_from_form, form_values
from societies.pages._shared import admin_only, form_context, society_staff
from societies.schemas import AmendmentIn
from xuehui.errors import InvalidInput, Reason
from xuehui.form_action import form_action

AMEND_TEMPLATE = "societies/amend.html"
# The longest reason an amendment form keeps.
MAX_REASON = 5000


@get("/pilots/{project_id:int}/amend", include_in_schema=False, guards=society_staff)
async def amend_page(actor: NamedDependency[Actor], project_id: FromPath[int]) -> Template:
    project = await services.get_pilot(actor, project_id)
    return Template(
        AMEND_TEMPLATE,
        context={**await form_context(actor, form_values(project)), "project": project, "reason": ""},
    )


@post("/pilots/{project_id:int}/amend", include_in_schema=False, status_code=303, guards=society_staff)
async def propose_amendment(
    actor: NamedDependency[Actor], project_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    project = await services.get_pilot(actor, project_id)
    form = await request.form()
    agreement, problems = agreement_from_form(form)
    reason = str(form.get("reason", "")).strip()[:MAX_REASON]

    async def propose() -> int:
        if not reason:
            problems.append(Reason("amendment.reason", "请说明变更理由", "give the reason for the amendment", "reason"))
        if problems:
            raise InvalidInput(problems)
        return await services.propose_amendment(actor, project_id, AmendmentIn(reason=reason, agreement=agreement))

    async def again() -> dict[str, Any]:
        values = {**form_values(project), "agreement": agreement}
        return {**await form_context(actor, values), "project": project, "reason": reason}

    return await form_action(
        propose, success=f"/pilots/{project_id}?done=amendment", template=AMEND_TEMPLATE, context=again
    )


class DecisionForm(BaseModel):
    decision: str = Field(default="", max_length=10)
    note: str = Field(default="", max_length=2000)
    project_id: int = 0


@post("/pilots/amendments/{amendment_id:int}/decision", include_in_schema=False, status_code=303, guards=admin_only)
async def decide_amendment(
    actor: NamedDependency[Actor], amendment_id: FromPath[int], data: URLEncodedBody[DecisionForm]
) -> Redirect:
    await services.decide_amendment(actor, amendment_id, data.decision == "approve", data.note)
    return Redirect(f"/pilots/{data.project_id}?done=decided", status_code=303)


ROUTES = [amend_page, propose_amendment, decide_amendment]
