"""Room pages for exam staff: a room's door list and sign-in sheet, on screen and as `.xlsx`."""

from __future__ import annotations

from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from accounts.rules import Actor
from exams import services
from exams.pages._shared import staff, vocabulary
from xuehui.excel_export import xlsx_response
from xuehui.i18n import gettext as _

SIGN_IN = "signin"  # the sheet kind candidates sign; any other kind is the door list
DOOR = "door"


def _known(kind: str) -> str:
    """The sheet kind the URL asks for, as one of the two known kinds (never the URL's text)."""
    return SIGN_IN if kind == SIGN_IN else DOOR


@get("/exams/rooms/{room_id:int}/sheet", include_in_schema=False, guards=staff)
async def room_sheet(actor: NamedDependency[Actor], room_id: FromPath[int], kind: FromQuery[str] = DOOR) -> Template:
    sheet = await services.room_sheet(actor, room_id)
    return Template("exams/room_sheet.html", context={**sheet, "kind": _known(kind), **vocabulary()})


@get("/exams/rooms/{room_id:int}/sheet.xlsx", include_in_schema=False, guards=staff)
async def room_sheet_xlsx(
    actor: NamedDependency[Actor], room_id: FromPath[int], kind: FromQuery[str] = DOOR
) -> Response[bytes]:
    sheet = await services.room_sheet(actor, room_id)
    room = sheet["room"]
    kind = _known(kind)
    if kind == SIGN_IN:
        headers = [_("Seat"), _("Ticket number"), _("Name"), _("Identity number"), _("Signature")]
        rows = ([c["seat_no"], c["ticket_no"], c["name"], c["id_number"], ""] for c in sheet["candidates"])
        title = _("Sign-in sheet")
    else:
        headers = [_("Seat"), _("Ticket number"), _("Name"), _("Subjects")]
        rows = ([c["seat_no"], c["ticket_no"], c["name"], " ".join(c["subjects"])] for c in sheet["candidates"])
        title = _("Door list")
    return xlsx_response(f"{kind}-{room['site_code']}-{room['room_no']}.xlsx", title, headers, rows)


ROUTES = [room_sheet, room_sheet_xlsx]
