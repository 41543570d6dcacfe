"""Pages for review deadlines (admin): remind every expert whose review of a batch is not in,
and withdraw an overdue assignment so that another expert takes it."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from accounts.rules import Actor
from expert_pool.pages._shared import admin_only
from expert_pool.pages.batches import on_batch_page
from expert_pool.services import deadlines
from xuehui.errors import Reason
from xuehui.form_action import Confirmation, form_action
from xuehui.i18n import gettext as _


@post(
    "/admin/review-batches/{batch_id:int}/deadline-reminders",
    include_in_schema=False,
    status_code=303,
    guards=admin_only,
)
async def remind_outstanding(actor: NamedDependency[Actor], batch_id: FromPath[int]) -> Response[Any]:
    return await form_action(
        lambda: deadlines.remind_batch_now(actor, batch_id),
        success=f"/admin/review-batches/{batch_id}?done=deadline-reminders",
        **on_batch_page(actor, batch_id, "deadline"),
    )


@post(
    "/admin/review-batches/{batch_id:int}/assignments/{assignment_id:int}/withdraw-overdue",
    include_in_schema=False,
    status_code=303,
    guards=admin_only,
)
async def withdraw_overdue(
    actor: NamedDependency[Actor],
    batch_id: FromPath[int],
    assignment_id: FromPath[int],
    request: Request[Any, Any, Any],
) -> Response[Any]:
    def withdrawing() -> Confirmation:
        return Confirmation(
            heading=_("Withdraw the overdue assignment?"),
            consequences=[
                _("The expert can no longer review this item."),
                _("Another expert is assigned in their place where the pool allows."),
            ],
            cancel=f"/admin/review-batches/{batch_id}",
            button=_("Withdraw as overdue"),
        )

    async def withdraw() -> list[Reason]:
        return await deadlines.withdraw_overdue(actor, assignment_id, batch_id)

    return await form_action(
        withdraw,
        success=lambda problems: f"/admin/review-batches/{batch_id}?done={'overdue-short' if problems else 'overdue'}",
        **on_batch_page(actor, batch_id, "overdue"),
        confirm=withdrawing,
        request=request,
    )


ROUTES = [remind_outstanding, withdraw_overdue]
