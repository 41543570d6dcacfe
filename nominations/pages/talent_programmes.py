"""The association's talent programmes (人才推荐项目): the editions, one edition's page with its
versioned settings, and each society's quota."""

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
from nominations.pages._shared import QUOTA_MAX, admin_only, json_document, json_text
from nominations.pages._vocabulary import vocabulary
from societies import services as societies
from xuehui.clock import today
from xuehui.errors import InvalidInput, Reason
from xuehui.form_action import form_action
from xuehui.i18n import gettext as _

PROGRAMME = "nominations/talent_programme.html"
# The editions a programme may be set up for: the youth award's first edition (1989) to far ahead.
FIRST_EDITION, LAST_EDITION = 1989, 2200
# Longest settings document the box takes.
CONFIG_MAX = 100_000
# Recommendation states the selection committee votes on: passed formal review, or tied last time.
VOTING = ("passed", "tied")

T = TypeVar("T")


@get("/admin/talent", include_in_schema=False, guards=admin_only)
async def programmes_page() -> Template:
    return Template(
        "nominations/talent_programmes.html",
        context={"programmes": await services.programmes(), "this_year": today().year, **vocabulary()},
    )


class ProgrammeForm(BaseModel):
    kind: str = Field(default="", max_length=30)
    edition_year: int = Field(ge=FIRST_EDITION, le=LAST_EDITION)


@post("/admin/talent", include_in_schema=False, status_code=303, guards=admin_only)
async def create_programme(actor: NamedDependency[Actor], data: URLEncodedBody[ProgrammeForm]) -> Redirect:
    programme_id = await services.ensure_programme(actor, data.kind, data.edition_year)
    return Redirect(f"/admin/talent/{programme_id}", status_code=303)


async def programme_context(actor: Actor, programme_id: int) -> dict[str, Any]:
    """One edition's page: settings, quotas, recommendations, ballots, the notice and the final
    list (a refusal's messages show at its top, whichever of its forms was sent)."""
    row = await services.programme_row(programme_id)
    recommendations = await services.list_recommendations(actor, programme_id=programme_id)
    return {
        "programme": row,
        "config": await services.programme_config(programme_id),
        "config_text": json_text(row["config"]),
        "quotas": await services.talent_quotas(programme_id),
        "recommendations": recommendations,
        "voting": [r for r in recommendations if r["status"] in VOTING],
        "ballots": await services.ballots(programme_id),
        "final": await services.final_list(actor, programme_id),
        "names": await societies.society_names(),
        "today": today().isoformat(),
        **vocabulary(),
    }


def on_programme_page(
    action: Callable[[], Awaitable[T]],
    actor: Actor,
    programme_id: int,
    done: str = "",
    success: str | Callable[[T], str] = "",
    **confirming: Any,
) -> Awaitable[Redirect | Template]:
    """A form of an edition's page: `action`, then `success` (by default the page saying
    `?done=<done>`), or the page again with the refusal at its top; an irreversible one passes
    its `confirm` and `request` on to `form_action`."""
    return form_action(
        action,
        success=success or f"/admin/talent/{programme_id}?done={done}",
        template=PROGRAMME,
        context=lambda: programme_context(actor, programme_id),
        **confirming,
    )


@get("/admin/talent/{programme_id:int}", include_in_schema=False, guards=admin_only)
async def programme_page(
    actor: NamedDependency[Actor], programme_id: FromPath[int], done: FromQuery[str] = ""
) -> Template:
    notices = {
        "saved": _("Saved as a new version."),
        "quota": _("The quota was set."),
        "ballot": _("The ballot was recorded."),
        "notice": _("The proposed list was put under notice."),
        "final": _("The final list was fixed."),
    }
    return Template(
        PROGRAMME, context={**await programme_context(actor, programme_id), "notice": notices.get(done, "")}
    )


class ProgrammeConfigForm(BaseModel):
    config: str = Field(default="", max_length=CONFIG_MAX)


@post("/admin/talent/{programme_id:int}", include_in_schema=False, status_code=303, guards=admin_only)
async def save_programme(
    actor: NamedDependency[Actor], programme_id: FromPath[int], data: URLEncodedBody[ProgrammeConfigForm]
) -> Response[Any]:
    async def save() -> None:
        config = json_document(data.config, "programme.json")
        if not isinstance(config, dict):
            raise InvalidInput(
                Reason("programme.json", "设置应为JSON对象", "the settings must be a JSON object", "config")
            )
        await services.save_programme(actor, programme_id, config)

    async def as_typed() -> dict[str, Any]:
        return {**await programme_context(actor, programme_id), "config_text": data.config}

    return await form_action(
        save, success=f"/admin/talent/{programme_id}?done=saved", template=PROGRAMME, context=as_typed
    )


class TalentQuotaForm(BaseModel):
    society_id: int
    quota: int = Field(ge=0, le=QUOTA_MAX)


@post("/admin/talent/{programme_id:int}/quotas", include_in_schema=False, status_code=303, guards=admin_only)
async def set_talent_quota(
    actor: NamedDependency[Actor], programme_id: FromPath[int], data: URLEncodedBody[TalentQuotaForm]
) -> Response[Any]:
    return await on_programme_page(
        lambda: services.set_talent_quota(actor, programme_id, data.society_id, data.quota),
        actor,
        programme_id,
        "quota",
    )


ROUTES = [programmes_page, create_programme, programme_page, save_programme, set_talent_quota]
