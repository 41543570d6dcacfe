"""The association's award-cycle pages: the cycles, one cycle's versioned rules and adjustment
policy, and a society's quota set by hand."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel, Field

from accounts.rules import Actor
from nominations import services
from nominations.pages._shared import NOTE_MAX, QUOTA_MAX, admin_only, json_document, json_text
from nominations.pages._vocabulary import vocabulary
from societies import services as societies
from xuehui.clock import today
from xuehui.errors import InvalidInput, Reason
from xuehui.form_action import form_action
from xuehui.i18n import gettext as _

CYCLE = "nominations/cycle.html"
# The years a cycle may be created for (as the API's cycle path accepts).
FIRST_YEAR, LAST_YEAR = 2000, 2100
# Longest settings documents the boxes take: the cycle's rules, its adjustment policy.
CONFIG_MAX, POLICY_MAX = 200_000, 50_000

T = TypeVar("T")


@get("/admin/award-cycles", include_in_schema=False, guards=admin_only)
async def cycles_page() -> Template:
    return Template("nominations/cycles.html", context={"cycles": await services.cycles(), "this_year": today().year})


class YearForm(BaseModel):
    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)


@post("/admin/award-cycles", include_in_schema=False, status_code=303, guards=admin_only)
async def create_cycle(actor: NamedDependency[Actor], data: URLEncodedBody[YearForm]) -> Redirect:
    cycle_id = await services.ensure_cycle(actor, data.year)
    return Redirect(f"/admin/award-cycles/{cycle_id}", status_code=303)


async def cycle_context(cycle_id: int, refused_form: str = "settings") -> dict[str, Any]:
    """One cycle's page: its settings as stored, versions, adjustment runs and the societies;
    a refusal's messages go beside `refused_form` (settings, quota, winners)."""
    cycle = await services.cycle_row(cycle_id)
    return {
        "cycle": cycle,
        "config_text": json_text(cycle["config"]),
        "policy_text": json_text(cycle["policy"]),
        "versions": await services.cycle_versions(cycle_id),
        "runs": await services.adjustment_runs(cycle_id),
        "societies": await societies.society_choices(),
        "refused_form": refused_form,
        **vocabulary(),
    }


def on_cycle_page(
    action: Callable[[], Awaitable[T]], cycle_id: int, form: str, success: str | Callable[[T], str] = ""
) -> Awaitable[Redirect | Template]:
    """A form of the cycle page: `action`, then `success` (by default the page saying `?done=<form>`),
    or the page again with the refusal beside `form`."""
    return form_action(
        action,
        success=success or f"/admin/award-cycles/{cycle_id}?done={form}",
        template=CYCLE,
        context=lambda: cycle_context(cycle_id, refused_form=form),
    )


@get("/admin/award-cycles/{cycle_id:int}", include_in_schema=False, guards=admin_only)
async def cycle_page(cycle_id: FromPath[int], done: FromQuery[str] = "") -> Template:
    notices = {
        "saved": _("Saved as a new version."),
        "quota": _("The quota was set."),
        "winners": _("The winners were entered in the register of recent winners."),
    }
    return Template(CYCLE, context={**await cycle_context(cycle_id), "notice": notices.get(done, "")})


class CycleForm(BaseModel):
    config: str = Field(default="", max_length=CONFIG_MAX)
    policy: str = Field(default="", max_length=POLICY_MAX)
    note: str = Field(default="", max_length=NOTE_MAX)


@post("/admin/award-cycles/{cycle_id:int}", include_in_schema=False, status_code=303, guards=admin_only)
async def save_cycle(
    actor: NamedDependency[Actor], cycle_id: FromPath[int], data: URLEncodedBody[CycleForm]
) -> Response[Any]:
    async def save() -> None:
        config, policy = json_document(data.config, "cycle.json"), json_document(data.policy, "cycle.json")
        if not isinstance(config, dict) or not isinstance(policy, dict):
            raise InvalidInput(Reason("cycle.json", "设置应为JSON对象", "the settings must be JSON objects", "config"))
        await services.save_cycle(actor, cycle_id, config, policy, data.note)

    async def as_typed() -> dict[str, Any]:
        return {**await cycle_context(cycle_id), "config_text": data.config, "policy_text": data.policy}

    return await form_action(
        save, success=f"/admin/award-cycles/{cycle_id}?done=saved", template=CYCLE, context=as_typed
    )


class QuotaForm(BaseModel):
    society_id: int
    category: str = Field(max_length=40)
    quota: int = Field(ge=0, le=QUOTA_MAX)


@post("/admin/award-cycles/{cycle_id:int}/quotas", include_in_schema=False, status_code=303, guards=admin_only)
async def set_quota(
    actor: NamedDependency[Actor], cycle_id: FromPath[int], data: URLEncodedBody[QuotaForm]
) -> Response[Any]:
    return await on_cycle_page(
        lambda: services.set_quota(actor, cycle_id, data.society_id, data.category, data.quota), cycle_id, "quota"
    )


ROUTES = [cycles_page, create_cycle, cycle_page, save_cycle, set_quota]
