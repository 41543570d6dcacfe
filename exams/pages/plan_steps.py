"""The plan's irreversible steps, each asking once more with what it will do: seating (tickets
are issued for every seat), publishing the scores, issuing the certificates."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from accounts.rules import Actor
from exams import services
from exams.pages._shared import staff
from exams.pages.plans import plan_again
from exams.rules.lifecycles import RegistrationStatus
from xuehui.form_action import Confirmation, form_action
from xuehui.i18n import gettext as _


async def _plan(actor: Actor, plan_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    return await services.get_plan(actor, plan_id), await services.list_registrations(actor, plan_id)


async def seating(actor: Actor, plan_id: int) -> Confirmation:
    plan, regs = await _plan(actor, plan_id)
    waiting = sum(1 for r in regs if r["status"] == RegistrationStatus.APPROVED and r["room"] is None)
    first = plan["seated_at"] is None
    return Confirmation(
        heading=_("Allocate the seats of %(plan)s?", plan=plan["name"])
        if first
        else _("Seat the late registrants of %(plan)s?", plan=plan["name"]),
        consequences=[
            _("%(count)s approved candidates without a seat get one, and their tickets are issued.", count=waiting),
            _("The seating is drawn with a new recorded seed; it is not drawn again.")
            if first
            else _("No one already seated is moved."),
        ],
        cancel=f"/exams/{plan_id}",
        button=_("Allocate seats and issue tickets") if first else _("Seat late registrants"),
    )


async def publishing(actor: Actor, plan_id: int) -> Confirmation:
    plan, _regs = await _plan(actor, plan_id)
    return Confirmation(
        heading=_("Publish the scores of %(plan)s?", plan=plan["name"]),
        consequences=[
            _("Every candidate sees their scores, and the public look-up answers them."),
            _("Published scores are changed only through a re-check."),
        ],
        cancel=f"/exams/{plan_id}",
        button=_("Publish the scores"),
    )


async def issuing(actor: Actor, plan_id: int) -> Confirmation:
    plan, _regs = await _plan(actor, plan_id)
    return Confirmation(
        heading=_("Issue the certificates of %(plan)s?", plan=plan["name"]),
        consequences=[
            _("Every qualified candidate without a certificate gets one with its own number."),
            _(
                "Public verification answers for each number at once; "
                "an issued certificate is only annotated or revoked."
            ),
        ],
        cancel=f"/exams/{plan_id}/results",
        button=_("Issue certificates to qualified candidates"),
    )


@post("/exams/{plan_id:int}/seating", include_in_schema=False, status_code=303, guards=staff)
async def allocate_seats(
    actor: NamedDependency[Actor], plan_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    return await form_action(
        lambda: services.allocate_seats(actor, plan_id),
        success=f"/exams/{plan_id}?done=seated",
        template="exams/plan.html",
        context=plan_again(actor, plan_id, "action"),
        confirm=lambda: seating(actor, plan_id),
        request=request,
    )


@post("/exams/{plan_id:int}/publish", include_in_schema=False, status_code=303, guards=staff)
async def publish(
    actor: NamedDependency[Actor], plan_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    return await form_action(
        lambda: services.publish(actor, plan_id),
        success=f"/exams/{plan_id}?done=published",
        template="exams/plan.html",
        context=plan_again(actor, plan_id, "action"),
        confirm=lambda: publishing(actor, plan_id),
        request=request,
    )


@post("/exams/{plan_id:int}/certificates", include_in_schema=False, status_code=303, guards=staff)
async def issue_certificates(
    actor: NamedDependency[Actor], plan_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    return await form_action(
        lambda: services.issue_certificates(actor, plan_id),
        success=f"/exams/{plan_id}/results?done=certificates",
        template="exams/plan.html",
        context=plan_again(actor, plan_id, "action"),
        confirm=lambda: issuing(actor, plan_id),
        request=request,
    )


ROUTES = [allocate_seats, publish, issue_certificates]
