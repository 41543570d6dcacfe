"""The society submits a nomination (or resubmits it after correction), withdraws it where the
cycle allows, and answers the objections raised against its nominations."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from pydantic import BaseModel, Field

from accounts.rules import Actor
from nominations import services
from nominations.pages._shared import TEXT_MAX, SubmitForm, nominators
from nominations.pages._vocabulary import category_label
from nominations.pages.nomination_drafts import FORM, mine_context, saved_form
from xuehui.form_action import Confirmation, form_action
from xuehui.i18n import gettext as _
from xuehui.templating import errors_by_field


async def submitting(actor: Actor, nomination_id: int) -> Confirmation:
    """What submitting the nomination does: the review starts and a quota place is used."""
    nomination = await services.get_nomination(actor, nomination_id)
    assert actor.society_id is not None
    quotas = await services.society_quotas(actor, nomination["cycle"], actor.society_id)
    quota = next((q for q in quotas if q["category"] == nomination["category"]), {"quota": 0, "used": 0})
    resubmission = nomination["status"] != "draft"
    place = (
        _("A returned nomination is resubmitted in the place it already holds.")
        if resubmission
        else _(
            "One place of your society's quota for %(category)s is used: %(after)s of %(quota)s after this.",
            category=category_label(nomination["category"]),
            after=quota["used"] + 1,
            quota=quota["quota"],
        )
    )
    return Confirmation(
        heading=_("Submit the nomination “%(title)s”?", title=nomination["title"]),
        consequences=[
            place,
            _("The nomination goes to the association's formal review and can no longer be edited."),
            _("What it says now is kept as the submitted version."),
        ],
        cancel=f"/nominations/{nomination_id}",
        button=_("Submit the nomination"),
    )


@post("/nominations/{nomination_id:int}/submit", include_in_schema=False, status_code=303, guards=nominators)
async def submit_nomination(
    actor: NamedDependency[Actor],
    nomination_id: FromPath[int],
    data: URLEncodedBody[SubmitForm],
    request: Request[Any, Any, Any],
) -> Response[Any]:
    # A refused submission shows the saved form with the reasons above it (not beside the
    # fields of the draft form, which this form did not send): its own error slot.
    return await form_action(
        lambda: services.submit(actor, nomination_id, data.idempotency_key),
        success=f"/nominations/{nomination_id}",
        flash=_("The nomination was submitted."),
        template=FORM,
        context=lambda: saved_form(actor, nomination_id),
        refusal=lambda error: {"submit_errors": errors_by_field(error.reasons)},
        confirm=lambda: submitting(actor, nomination_id),
        request=request,
    )


async def withdrawing(actor: Actor, nomination_id: int) -> Confirmation:
    nomination = await services.get_nomination(actor, nomination_id)
    return Confirmation(
        heading=_("Withdraw the nomination “%(title)s”?", title=nomination["title"]),
        consequences=[
            _("The nomination leaves the review and its quota place comes back to your society."),
            _("This cannot be undone."),
        ],
        cancel=f"/nominations/{nomination_id}",
        button=_("Withdraw"),
    )


@post("/nominations/{nomination_id:int}/withdraw", include_in_schema=False, status_code=303, guards=nominators)
async def withdraw_nomination(
    actor: NamedDependency[Actor], nomination_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    return await form_action(
        lambda: services.withdraw(actor, nomination_id),
        success=f"/nominations/{nomination_id}",
        flash=_("The nomination was withdrawn."),
        template=FORM,
        context=lambda: saved_form(actor, nomination_id),
        refusal=lambda error: {"withdraw_errors": errors_by_field(error.reasons)},
        confirm=lambda: withdrawing(actor, nomination_id),
        request=request,
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
