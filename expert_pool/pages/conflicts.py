"""The conflict queue (admin): list by status, confirm or dismiss the ticked conflicts in bulk,
and pin a conflict by hand."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel, Field

from accounts.rules import Actor
from expert_pool import services
from expert_pool.pages._shared import admin_only, page, template_name, with_vocabulary
from expert_pool.rules.lifecycles import ConflictStatus
from xuehui.errors import InvalidInput, NotFound, Reason
from xuehui.form_action import form_action, refused
from xuehui.i18n import gettext as _

# The longest status or decision code a form may send.
MAX_CODE = 20


async def _queue(actor: Actor, status: str, **extra: Any) -> dict[str, Any]:
    return with_vocabulary(
        {
            "conflicts": await services.list_conflicts(actor, status),
            "status_filter": status,
            "pin_form": {},
            **extra,
        }
    )


@get("/admin/conflicts", include_in_schema=False, guards=admin_only)
async def conflicts_page(
    actor: NamedDependency[Actor], status: FromQuery[str] = ConflictStatus.POTENTIAL, done: FromQuery[str] = ""
) -> Template:
    notice = (
        _("%(count)s conflicts decided.", count=done.removeprefix("decided-")) if done.startswith("decided-") else ""
    )
    if done == "pinned":
        notice = _("The conflict was recorded.")
    return page("conflicts.html", await _queue(actor, status, notice=notice))


@post("/admin/conflicts/decide", include_in_schema=False, status_code=303, guards=admin_only)
async def decide_conflicts(actor: NamedDependency[Actor], request: Request[Any, Any, Any]) -> Response[Any]:
    """Bulk: the ticked conflicts (repeated `ids` fields) are all confirmed or all dismissed."""
    form = await request.form()
    status = str(form.get("status", ConflictStatus.POTENTIAL))[:MAX_CODE]

    async def decide() -> int:
        ids = [int(v) for v in form.getall("ids") if str(v).isdigit()] if "ids" in form else []
        if not ids:
            raise InvalidInput(Reason("conflict.none", "请勾选要处理的回避记录", "tick the conflicts to decide", "ids"))
        return await services.decide_conflicts(actor, ids, str(form.get("decision", ""))[:MAX_CODE])

    return await form_action(
        decide,
        success=lambda decided: f"/admin/conflicts?done=decided-{decided}",
        template=template_name("conflicts.html"),
        context=lambda: _queue(actor, status, failed="decide"),
    )


class PinForm(BaseModel):
    item_id: str = Field(default="", max_length=12)
    expert_id: str = Field(default="", max_length=12)
    evidence: str = Field(default="", max_length=2000)


@post("/admin/conflicts", include_in_schema=False, status_code=303, guards=admin_only)
async def pin_conflict(actor: NamedDependency[Actor], data: URLEncodedBody[PinForm]) -> Response[Any]:
    async def pin() -> int:
        if not (data.item_id.strip().isdigit() and data.expert_id.strip().isdigit()):
            raise InvalidInput(
                Reason(
                    "conflict.ids",
                    "请填写评审项目编号和专家编号",
                    "give the item number and the expert number",
                    "item_id",
                )
            )
        if not data.evidence.strip():
            raise InvalidInput(Reason("conflict.evidence", "请填写回避依据", "give the evidence", "evidence"))
        return await services.pin_conflict(actor, int(data.item_id), int(data.expert_id), data.evidence.strip())

    def again() -> Any:
        return _queue(actor, ConflictStatus.POTENTIAL, pin_form=data.model_dump(), failed="pin")

    try:
        return await form_action(
            pin,
            success="/admin/conflicts?status=confirmed&done=pinned",
            template=template_name("conflicts.html"),
            context=again,
        )
    except NotFound as error:  # an unknown item or expert number is a mistake in the form
        return await refused(error, template=template_name("conflicts.html"), context=again)


ROUTES = [conflicts_page, decide_conflicts, pin_conflict]
