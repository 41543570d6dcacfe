"""Public disclosure pages (信息公开) of pilot projects, readable without signing in."""

from __future__ import annotations

from litestar import Response, get
from litestar.params import FromPath
from litestar.response import Template

from societies import services
from societies.pages._shared import pilot_row, vocabulary
from xuehui.excel_export import xlsx_response
from xuehui.i18n import gettext as _


@get("/public/pilots", include_in_schema=False)
async def public_pilots_page() -> Template:
    return Template("societies/public_pilots.html", context={"pilots": await services.public_pilots(), **vocabulary()})


@get("/public/pilots.xlsx", include_in_schema=False)
async def export_public_pilots() -> Response[bytes]:
    pilots = await services.public_pilots()
    return xlsx_response(
        "pilot-disclosure.xlsx",
        _("Pilot disclosure"),
        [_("Society"), _("Title"), _("Function"), _("Department"), _("Status"), _("Current stage")],
        (pilot_row(p) for p in pilots),
    )


@get("/public/pilots/{project_id:int}", include_in_schema=False)
async def public_pilot_page(project_id: FromPath[int]) -> Template:
    return Template(
        "societies/public_pilot.html", context={"project": await services.public_pilot(project_id), **vocabulary()}
    )


ROUTES = [public_pilots_page, export_public_pilots, public_pilot_page]
