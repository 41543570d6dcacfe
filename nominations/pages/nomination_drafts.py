"""The society's award-nomination pages: its nominations and quota for the cycle, the export,
and the nomination form (new draft, save, the live rule check)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from accounts.rules import Actor
from nominations import services
from nominations.forms import BLANK_ROWS, BODY, NOMINATION, nomination_from_form
from nominations.pages._shared import cycle_id_for, idempotency_key, int_field, nominators, require_valid
from nominations.pages._vocabulary import category_label, grade_label, status_label, vocabulary
from nominations.rules.attachments import ATTACHMENT_KINDS
from nominations.schemas import NominationIn
from societies import services as societies
from xuehui.excel_export import xlsx_response
from xuehui.form_action import form_action
from xuehui.i18n import gettext as _
from xuehui.web import requires_role

FORM = "nominations/form.html"


async def mine_context(actor: Actor, year: int = 0) -> dict[str, Any]:
    """The society's page for the cycle of `year`: quota, nominations, KPIs and objections."""
    cycle_id = await cycle_id_for(year)
    assert actor.society_id is not None
    return {
        "cycle": await services.cycle_row(cycle_id),
        "cycles": await services.cycles(),
        "quotas": await services.society_quotas(actor, cycle_id, actor.society_id),
        "nominations": await services.list_nominations(actor, cycle_id=cycle_id),
        "kpis": await services.society_kpis(actor.society_id),
        "objections": await services.objections(actor),
        **vocabulary(),
    }


@get("/nominations", include_in_schema=False, guards=nominators)
async def my_nominations(actor: NamedDependency[Actor], year: FromQuery[int] = 0) -> Template:
    return Template("nominations/mine.html", context=await mine_context(actor, year))


@get("/nominations.xlsx", include_in_schema=False, guards=[requires_role("society", "admin")])
async def export_nominations(
    actor: NamedDependency[Actor], year: FromQuery[int] = 0, status: FromQuery[str] = ""
) -> Response[bytes]:
    cycle_id = await cycle_id_for(year)
    rows = await services.list_nominations(actor, cycle_id=cycle_id, status=status)
    names = await societies.society_names()
    return xlsx_response(
        "nominations.xlsx",
        _("Nominations"),
        [_("Society"), _("Title"), _("Category"), _("Grade"), _("Status"), _("Contributors"), _("Submitted")],
        (
            [
                names.get(r["society_id"], ""),
                r["title"],
                category_label(r["category"]),
                grade_label(r["grade"]),
                status_label(r["status"]),
                "、".join(c.name for c in r["body"].contributors),
                r["submitted_at"],
            ]
            for r in rows
        ),
    )


async def form_context(
    actor: Actor, cycle_id: int, data: NominationIn, nomination: dict[str, Any] | None
) -> dict[str, Any]:
    """The nomination form showing `data`, with the rules applied to it."""
    check = (
        await services.check(actor, cycle_id, data, nomination["id"] if nomination else None) if data.category else None
    )
    config = await services.cycle_config(cycle_id)
    return {
        "attachments": await services.attachments(actor, nomination["id"]) if nomination else [],
        "attachment_kinds": ATTACHMENT_KINDS,
        "required_attachments": services.required_kinds(config, data.category),
        "data": data,
        "nomination": nomination,
        "cycle": await services.cycle_row(cycle_id),
        "withdrawal_allowed": config.withdrawal_allowed,
        "check": check,
        "idempotency_key": idempotency_key(),
        "steps": await services.review_steps(actor, nomination["id"]) if nomination else [],
        "blank_rows": BLANK_ROWS,
        "limits": {**BODY, **NOMINATION},
        **vocabulary(),
    }


def _saving(
    action: Callable[[], Awaitable[int]],
    actor: Actor,
    cycle_id: int,
    data: NominationIn,
    nomination: dict[str, Any] | None,
) -> Awaitable[Redirect | Template]:
    """Save the form with `action` (answering the nomination's id) and show it saved; refused,
    the form again as it was typed."""
    return form_action(
        action,
        success=lambda saved_id: f"/nominations/{saved_id}?done=saved",
        template=FORM,
        context=lambda: form_context(actor, cycle_id, data, nomination),
    )


async def saved_form(actor: Actor, nomination_id: int) -> dict[str, Any]:
    """The form showing the nomination as it is saved."""
    nomination = await services.get_nomination(actor, nomination_id)
    return await form_context(actor, nomination["cycle"], services.stored_input(nomination), nomination)


@get("/nominations/new", include_in_schema=False, guards=nominators)
async def new_nomination(actor: NamedDependency[Actor], year: FromQuery[int] = 0) -> Template:
    cycle_id = await cycle_id_for(year)
    return Template(FORM, context=await form_context(actor, cycle_id, NominationIn(), None))


@post("/nominations", include_in_schema=False, status_code=303, guards=nominators)
async def create_nomination(actor: NamedDependency[Actor], request: Request[Any, Any, Any]) -> Response[Any]:
    form = await request.form()
    data, problems = nomination_from_form(form)
    cycle_id = await cycle_id_for(int_field(form, "year"))

    async def create() -> int:
        require_valid(problems)
        return await services.create_nomination(actor, cycle_id, data)

    return await _saving(create, actor, cycle_id, data, None)


@get("/nominations/{nomination_id:int}", include_in_schema=False, guards=nominators)
async def nomination_page(
    actor: NamedDependency[Actor], nomination_id: FromPath[int], done: FromQuery[str] = ""
) -> Template:
    notices = {
        "saved": _("The draft was saved."),
        "submitted": _("The nomination was submitted."),
        "attached": _("The attachment was uploaded."),
        "detached": _("The attachment was removed."),
    }
    return Template(FORM, context={**await saved_form(actor, nomination_id), "notice": notices.get(done, "")})


@post("/nominations/{nomination_id:int}", include_in_schema=False, status_code=303, guards=nominators)
async def save_nomination(
    actor: NamedDependency[Actor], nomination_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    nomination = await services.get_nomination(actor, nomination_id)
    data, problems = nomination_from_form(await request.form())

    async def save() -> int:
        require_valid(problems)
        await services.update_nomination(actor, nomination_id, data)
        return nomination_id

    return await _saving(save, actor, nomination["cycle"], data, nomination)


@post("/nominations/check", include_in_schema=False, status_code=200, guards=nominators)
async def live_check(actor: NamedDependency[Actor], request: Request[Any, Any, Any]) -> Template:
    """The rule results for what the form says now: an HTML fragment the page's script swaps in."""
    form = await request.form()
    data, problems = nomination_from_form(form)
    nomination_id = int_field(form, "nomination_id") or None
    cycle_id = (await services.get_nomination(actor, nomination_id))["cycle"] if nomination_id else await cycle_id_for()
    check = await services.check(actor, cycle_id, data, nomination_id) if data.category else None
    return Template("nominations/_rules.html", context={"check": check, "form_problems": problems})


ROUTES = [
    my_nominations,
    export_nominations,
    new_nomination,
    create_nomination,
    nomination_page,
    save_nomination,
    live_check,
]
