"""The association's dynamic eligibility adjustment (遴选和动态调整): run it for a cycle, read
the proposed table, override a society's row with a written reason, publish it."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from accounts.rules import Actor
from nominations import services
from nominations.pages._shared import TEXT_MAX, admin_only
from nominations.pages._vocabulary import vocabulary
from nominations.pages.adjustment_figures import rates, rates_alt, rates_caption
from nominations.rules.cycle.model import Category
from nominations.rules.lifecycles import AdjustmentObjectionState
from xuehui.errors import InvalidInput, Reason
from xuehui.form_action import Confirmation, form_action
from xuehui.i18n import gettext as _

ADJUSTMENT = "nominations/adjustment.html"


async def adjustment_context(cycle_id: int, run: int = 0) -> dict[str, Any]:
    """A cycle's adjustment runs with the table of `run` (the latest when 0) and the societies'
    objections to it."""
    runs = await services.adjustment_runs(cycle_id)
    chosen = run or (runs[0]["id"] if runs else 0)
    table = await services.adjustment_table(chosen) if chosen else None
    figures = rates(table) if table else None
    return {
        "figures": figures,
        "rates_caption": rates_caption(figures) if figures else "",
        "rates_alt": rates_alt(figures) if figures else "",
        "cycle": await services.cycle_row(cycle_id),
        "runs": runs,
        "table": table,
        "objections": await services.adjustment_objections(chosen) if chosen else [],
        "ADJUSTMENT_OBJECTION_STATES": AdjustmentObjectionState.labels(),
        **vocabulary(),
    }


async def run_context(run_id: int, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    table = await services.adjustment_table(run_id)
    return {**await adjustment_context(table["cycle"], run_id), **(extra or {})}


async def _run_page(run_id: int) -> str:
    table = await services.adjustment_table(run_id)
    return f"/admin/adjustment/{table['cycle']}?run={run_id}"


def _to(url: str) -> str:
    return url


@get("/admin/adjustment/{cycle_id:int}", include_in_schema=False, guards=admin_only)
async def adjustment_page(cycle_id: FromPath[int], run: FromQuery[int] = 0) -> Template:
    return Template(ADJUSTMENT, context=await adjustment_context(cycle_id, run))


@post("/admin/adjustment/{cycle_id:int}/run", include_in_schema=False, status_code=303, guards=admin_only)
async def run_adjustment(actor: NamedDependency[Actor], cycle_id: FromPath[int]) -> Response[Any]:
    return await form_action(
        lambda: services.run_adjustment(actor, cycle_id),
        success=lambda run_id: f"/admin/adjustment/{cycle_id}?run={run_id}",
        template=ADJUSTMENT,
        context=lambda: adjustment_context(cycle_id),
    )


def override_quotas(form: Any) -> dict[str, int]:
    quotas: dict[str, int] = {}
    for category in Category:
        raw = str(form.get(f"quota_{category.value}", "0")).strip() or "0"
        if not raw.isdigit():
            raise InvalidInput(
                Reason(
                    "adjustment.quota",
                    "名额须为非负整数",
                    "quotas must be whole numbers of zero or more",
                    f"quota_{category.value}",
                )
            )
        quotas[category.value] = int(raw)
    return quotas


@post("/admin/adjustment/runs/{run_id:int}/override", include_in_schema=False, status_code=303, guards=admin_only)
async def override(
    actor: NamedDependency[Actor], run_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    form = await request.form()

    async def override_row() -> str:
        quotas = override_quotas(form)
        society_raw = str(form.get("society_id", ""))
        if not society_raw.isdigit():
            raise InvalidInput(Reason("adjustment.society", "学会无效", "unknown society", "society_id"))
        may_nominate = form.get("may_nominate") == "1"
        reason = str(form.get("reason", ""))[:TEXT_MAX]
        await services.override_row(actor, run_id, int(society_raw), may_nominate, quotas, reason)
        return await _run_page(run_id)

    return await form_action(override_row, success=_to, template=ADJUSTMENT, context=lambda: run_context(run_id))


@post("/admin/adjustment/runs/{run_id:int}/publish", include_in_schema=False, status_code=303, guards=admin_only)
async def publish_adjustment(
    actor: NamedDependency[Actor], run_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    async def publish() -> str:
        await services.publish_adjustment(actor, run_id)
        return await _run_page(run_id)

    async def publishing() -> Confirmation:
        return Confirmation(
            heading=_("Publish the adjustment table?"),
            consequences=[
                _("Every society's quota for the cycle is fixed as the table shows."),
                _("The objection window for the societies opens."),
            ],
            cancel=await _run_page(run_id),
            button=_("Publish and fix the quotas"),
        )

    return await form_action(
        publish,
        success=_to,
        template=ADJUSTMENT,
        context=lambda: run_context(run_id),
        flash=_("The adjustment table was published."),
        confirm=publishing,
        request=request,
    )


ROUTES = [adjustment_page, run_adjustment, override, publish_adjustment]
