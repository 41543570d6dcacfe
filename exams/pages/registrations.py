"""Registration pages for exam staff: the list (and its export), one registration with its
review, fee, seat and move forms and its violation cases, and the candidate's photo."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel, Field

from accounts.rules import Actor
from exams import services
from exams.pages._shared import candidate_or_staff, label, notice, staff, vocabulary
from exams.rules.lifecycles import RegistrationStatus
from exams.schemas import MoveIn, ReviewIn
from xuehui.errors import InvalidInput, Reason
from xuehui.excel_export import xlsx_response
from xuehui.file_responses import file_response
from xuehui.form_action import form_action
from xuehui.i18n import gettext as _
from xuehui.i18n import pick

TEMPLATE = "exams/registration.html"
# How a stored file's type shows at the end of the name a file list gives it.
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
REG_NOTICES = {
    "reviewed": ("审核结论已保存。", "The review was saved."),
    "paid": ("已确认缴费。", "The fee was marked paid."),
    "seated": ("已安排座位。", "A seat was allocated."),
    "moved": ("座位已调整，准考证已重新生成。", "The candidate was moved and the ticket re-issued."),
}


@get("/exams/{plan_id:int}/registrations", include_in_schema=False, guards=staff)
async def registrations_page(
    actor: NamedDependency[Actor], plan_id: FromPath[int], status: FromQuery[str] = ""
) -> Template:
    plan = await services.plan_for_staff(actor, plan_id)
    regs = await services.list_registrations(actor, plan_id, status)
    return Template(
        "exams/registrations.html",
        context={"plan": plan, "registrations": regs, "status_filter": status, **vocabulary()},
    )


@get("/exams/{plan_id:int}/registrations.xlsx", include_in_schema=False, guards=staff)
async def export_registrations(
    actor: NamedDependency[Actor], plan_id: FromPath[int], status: FromQuery[str] = ""
) -> Response[bytes]:
    regs = await services.list_registrations(actor, plan_id, status)
    return xlsx_response(
        "registrations.xlsx",
        _("Registrations"),
        [
            _("Name"),
            _("Identity number"),
            _("Employer"),
            _("Subjects"),
            _("Status"),
            _("Eligibility"),
            _("Fee paid"),
            _("Ticket number"),
        ],
        (
            [
                r["name"],
                r["id_number"],
                r["employer"],
                " ".join(r["subjects"]),
                label(RegistrationStatus, r["status"]),
                pick(r["eligibility_zh"], r["eligibility_en"]),
                r["paid"],
                r["ticket_no"] or "",
            ]
            for r in regs
        ),
    )


async def _registration_context(actor: Actor, registration_id: int, failed_form: str = "") -> dict[str, Any]:
    """The registration page; `failed_form` names the form whose refusal is shown."""
    reg = await services.get_registration(actor, registration_id)
    return {
        "reg": reg,
        "plan": reg["plan_row"],
        "rooms": await services.rooms_of(reg["plan_row"]["id"]),
        "cases": await services.cases_of_registration(actor, registration_id),
        "violation_form": {},
        "failed_form": failed_form,
        "files": [
            {
                "kind": _("Photo") if f["kind"] == "photo" else _("Proof"),
                "filename": (_("Photo") if f["kind"] == "photo" else _("Proof")) + EXTENSIONS.get(f["media_type"], ""),
                "size": f["size"],
                "href": f"/exams/registrations/{registration_id}/photo" if f["kind"] == "photo" else None,
            }
            for f in await services.registration_files(actor, registration_id)
        ],
        **vocabulary(),
    }


def registration_again(actor: Actor, registration_id: int, failed_form: str) -> Any:
    """The registration page again when the action of `failed_form` is refused."""
    return lambda: _registration_context(actor, registration_id, failed_form)


@get("/exams/registrations/{registration_id:int}", include_in_schema=False, guards=staff)
async def registration_page(
    actor: NamedDependency[Actor], registration_id: FromPath[int], done: FromQuery[str] = ""
) -> Template:
    context = await _registration_context(actor, registration_id)
    return Template(TEMPLATE, context={**context, "notice": notice(REG_NOTICES, done)})


class ReviewForm(BaseModel):
    decision: str = Field(default="", max_length=10)
    note: str = Field(default="", max_length=2000)


@post("/exams/registrations/{registration_id:int}/review", include_in_schema=False, status_code=303, guards=staff)
async def review(
    actor: NamedDependency[Actor], registration_id: FromPath[int], data: URLEncodedBody[ReviewForm]
) -> Response[Any]:
    return await form_action(
        lambda: services.review(actor, registration_id, ReviewIn(decision=data.decision, note=data.note)),
        success=f"/exams/registrations/{registration_id}?done=reviewed",
        template=TEMPLATE,
        context=registration_again(actor, registration_id, "review"),
    )


@post("/exams/registrations/{registration_id:int}/paid", include_in_schema=False, status_code=303, guards=staff)
async def mark_paid(actor: NamedDependency[Actor], registration_id: FromPath[int]) -> Response[Any]:
    return await form_action(
        lambda: services.mark_paid(actor, registration_id),
        success=f"/exams/registrations/{registration_id}?done=paid",
        template=TEMPLATE,
        context=registration_again(actor, registration_id, "seat"),
    )


@post("/exams/registrations/{registration_id:int}/seat", include_in_schema=False, status_code=303, guards=staff)
async def seat_one(actor: NamedDependency[Actor], registration_id: FromPath[int]) -> Response[Any]:
    return await form_action(
        lambda: services.seat_one(actor, registration_id),
        success=f"/exams/registrations/{registration_id}?done=seated",
        template=TEMPLATE,
        context=registration_again(actor, registration_id, "seat"),
    )


class MoveForm(BaseModel):
    room_id: str = Field(default="", max_length=10)
    seat_no: str = Field(default="", max_length=5)


@post("/exams/registrations/{registration_id:int}/move", include_in_schema=False, status_code=303, guards=staff)
async def move(
    actor: NamedDependency[Actor], registration_id: FromPath[int], data: URLEncodedBody[MoveForm]
) -> Response[Any]:
    async def action() -> None:
        if not (data.room_id.isdigit() and data.seat_no.isdigit()):
            raise InvalidInput(Reason("move.input", "请选择考场并填写座位号", "choose a room and a seat", "seat_no"))
        await services.move_candidate(
            actor, registration_id, MoveIn(room_id=int(data.room_id), seat_no=int(data.seat_no))
        )

    return await form_action(
        action,
        success=f"/exams/registrations/{registration_id}?done=moved",
        template=TEMPLATE,
        context=registration_again(actor, registration_id, "seat"),
    )


@get("/exams/registrations/{registration_id:int}/photo", include_in_schema=False, guards=candidate_or_staff)
async def photo(actor: NamedDependency[Actor], registration_id: FromPath[int]) -> Response[bytes]:
    stored = await services.registration_photo(actor, registration_id)
    if stored is None:
        raise InvalidInput(Reason("photo.none", "没有照片", "no photo"))
    return file_response(stored[0], stored[1], "photo", "photo")


@get("/exams/registrations/{registration_id:int}/proof", include_in_schema=False, guards=candidate_or_staff)
async def proof(actor: NamedDependency[Actor], registration_id: FromPath[int]) -> Response[bytes]:
    stored = await services.registration_proof(actor, registration_id)
    if stored is None:
        raise InvalidInput(Reason("proof.none", "没有证明材料", "no proof uploaded"))
    return file_response(stored[0], stored[1], "proof", "proof")


ROUTES = [
    registrations_page,
    export_registrations,
    registration_page,
    review,
    mark_paid,
    seat_one,
    move,
    photo,
    proof,
]
