"""An edition's public notice of the proposed list, and the final list fixed after it (with its
export)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from pydantic import BaseModel, Field

from accounts.rules import Actor
from nominations import services
from nominations.pages._shared import TITLE_MAX, admin_only
from nominations.pages._vocabulary import sex_label
from nominations.pages.talent_programmes import on_programme_page
from societies import services as societies
from xuehui.clock import today
from xuehui.excel_export import xlsx_response
from xuehui.form_action import Confirmation
from xuehui.i18n import gettext as _


class TalentNoticeForm(BaseModel):
    title: str = Field(default="", max_length=TITLE_MAX)
    starts_on: str = Field(default="", max_length=20)


@post("/admin/talent/{programme_id:int}/notice", include_in_schema=False, status_code=303, guards=admin_only)
async def publish_talent_notice(
    actor: NamedDependency[Actor],
    programme_id: FromPath[int],
    data: URLEncodedBody[TalentNoticeForm],
    request: Request[Any, Any, Any],
) -> Response[Any]:
    async def publish() -> None:
        starts = societies.as_date(data.starts_on, "starts_on") or today()
        await services.publish_talent_notice(actor, programme_id, data.title, starts)

    def publishing() -> Confirmation:
        societies.as_date(data.starts_on, "starts_on")
        return Confirmation(
            heading=_("Publish the notice “%(title)s”?", title=data.title.strip()),
            consequences=[
                _("The proposed list is shown to the public at once."),
                _("Anyone may raise an objection while it runs; a published notice is not withdrawn."),
            ],
            cancel=f"/admin/talent/{programme_id}",
            button=_("Publish the notice"),
        )

    return await on_programme_page(publish, actor, programme_id, "notice", confirm=publishing, request=request)


@post("/admin/talent/{programme_id:int}/final", include_in_schema=False, status_code=303, guards=admin_only)
async def finalise_list(
    actor: NamedDependency[Actor], programme_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    def finalising() -> Confirmation:
        return Confirmation(
            heading=_("Fix the final list?"),
            consequences=[
                _("The proposed people become selected and enter the register of winners."),
                _("The final list cannot be changed afterwards."),
            ],
            cancel=f"/admin/talent/{programme_id}",
            button=_("Fix the final list"),
        )

    return await on_programme_page(
        lambda: services.finalise_list(actor, programme_id),
        actor,
        programme_id,
        "final",
        confirm=finalising,
        request=request,
    )


@get("/admin/talent/{programme_id:int}/final.xlsx", include_in_schema=False, guards=admin_only)
async def export_final_list(actor: NamedDependency[Actor], programme_id: FromPath[int]) -> Response[bytes]:
    row = await services.programme_row(programme_id)
    rows = await services.final_list(actor, programme_id)
    return xlsx_response(
        f"talent-{row['kind']}-{row['edition_year']}.xlsx",
        _("Final list"),
        [_("Name"), _("Sex"), _("Unit"), _("Title"), _("Discipline"), _("Society"), _("Votes")],
        (
            [r["name"], sex_label(r["sex"]), r["unit"], r["title"], r["discipline"], r["society"], r["votes"]]
            for r in rows
        ),
    )


ROUTES = [publish_talent_notice, finalise_list, export_final_list]
