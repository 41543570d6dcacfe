"""The society submits a nomination (or resubmits it after correction), withdraws it where the
cycle allows, and answers the objections raised against its nominations."""

from __future__ import annotations

from typing import Any

from litestar import Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from pydantic import BaseModel, Field

from accounts.rules import Actor
from nominations import services
from nominations.pages._shared import TEXT_MAX, SubmitForm, nominators
from nominations.pages.nomination_drafts import FORM, mine_context, saved_form
from xuehui.form_action import form_action, require_ticked
from xuehui.templating import errors_by_field


@post("/nominations/{nomination_id:int}/submit", include_in_schema=False, status_code=303, guards=nominators)
async def submit_nomination(
    actor: NamedDependency[Actor], nomination_id: FromPath[int], data: URLEncodedBody[SubmitForm]
) -> Response[Any]:
    # A refused submission shows the saved form with the reasons above it (not beside the
    # fields of the draft form, which this form did not send): its own error slot.
    return await form_action(
        lambda: services.submit(actor, nomination_id, data.idempotency_key),
        success=f"/nominations/{nomination_id}?done=submitted",
        template=FORM,
        context=lambda: saved_form(actor, nomination_id),
        refusal=lambda error: {"submit_errors": errors_by_field(error.reasons)},
    )


class WithdrawForm(BaseModel):
    confirm: str = Field(default="", max_length=1)


@post("/nominations/{nomination_id:int}/withdraw", include_in_schema=False, status_code=303, guards=nominators)
async def withdraw_nomination(
    actor: NamedDependency[Actor], nomination_id: FromPath[int], data: URLEncodedBody[WithdrawForm]
) -> Response[Any]:
    async def withdraw() -> None:
        require_ticked(data.confirm, "withdraw.confirm", "请勾选确认撤回", "tick the box to confirm the withdrawal")
        await services.withdraw(actor, nomination_id)

    return await form_action(
        withdraw,
        success=f"/nominations/{nomination_id}?done=withdrawn",
        template=FORM,
        context=lambda: saved_form(actor, nomination_id),
        refusal=lambda error: {"withdraw_errors": errors_by_field(error.reasons)},
    )


class ResponseForm(BaseModel):
    response: str = Field(default="", max_length=TEXT_MAX)


@post("/nominations/objections/{objection_id:int}/respond", include_in_schema=False, status_code=303, guards=nominators)
async def respond_objection(
    actor: NamedDependency[Actor], objection_id: FromPath[int], data: URLEncodedBody[ResponseForm]
) -> Response[Any]:
    return await form_action(
        lambda: services.respond_to_objection(actor, objection_id, data.response),
        success="/nominations#objections",
        template="nominations/mine.html",
        context=lambda: mine_context(actor),
    )


ROUTES = [submit_nomination, withdraw_nomination, respond_objection]
