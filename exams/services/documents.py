"""The printable exam documents' contents: admission tickets (one, or every ticket of a plan),
door lists and sign-in sheets of a room, and certificates; and the door staff's ticket check
behind the ticket's QR code. The pages render them (`exams/pages/documents.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accounts.rules import Actor
from exams.rules.lifecycles import RegistrationStatus
from exams.rules.tickets import ticket_check_url, ticket_code_matches
from exams.services._shared import (
    get_registration,
    plan_for_staff,
    registration_view,
    rooms_of,
    subjects_of,
)
from exams.services.certificates import get_certificate
from exams.services.seating import room_sheet
from exams.tables import ExamRoom, Registration
from xuehui import files, idcard
from xuehui.clock import aware
from xuehui.errors import InvalidInput, NotFound, Reason
from xuehui.pdf import image_data_uri, qr_data_uri
from xuehui.settings import get_settings

EMPTY_SHEET_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # a sheet of a room nobody was seated in


def _no_ticket() -> InvalidInput:
    return InvalidInput(Reason("ticket.none", "尚未生成准考证", "no ticket has been issued yet"))


async def _photo(sha: str) -> str:
    """The photo as a data URI for the document, or "" (the document then prints a box)."""
    stored = await files.load(sha) if sha else None
    return image_data_uri(*stored) if stored else ""


def check_url(ticket_no: str) -> str:
    settings = get_settings()
    return ticket_check_url(settings.base_url, settings.secret_key, ticket_no)


async def _ticket(reg: dict[str, Any], room: dict[str, Any] | None, subjects: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "reg": reg,
        "room": room,
        "subjects": [s for s in subjects if s["code"] in reg["subjects"]],
        "photo": await _photo(reg["photo_sha"]),
        "qr": qr_data_uri(check_url(reg["ticket_no"])),
        "check_url": check_url(reg["ticket_no"]),
    }


async def ticket_document(actor: Actor | None, registration_id: int) -> dict[str, Any]:
    """One admission ticket, for its candidate and for the staff of its plan."""
    reg = await get_registration(actor, registration_id)
    if not reg["ticket_no"]:
        raise _no_ticket()
    ticket = await _ticket(reg, reg["room_row"], await subjects_of(reg["plan"]))
    return {"plan": reg["plan_row"], "tickets": [ticket], "created": aware(reg["updated_at"])}


async def plan_tickets_document(actor: Actor | None, plan_id: int) -> dict[str, Any]:
    """Every admission ticket of a plan in seat order, one per page, for the staff who print them."""
    plan = await plan_for_staff(actor, plan_id)
    subjects = await subjects_of(plan_id)
    rooms = {r["id"]: r for r in await rooms_of(plan_id)}
    regs = [
        registration_view(r)
        for r in await Registration.select()
        .where(Registration.plan == plan_id, Registration.ticket_no.is_not_null())
        .order_by(Registration.ticket_no)
    ]
    if not regs:
        raise _no_ticket()
    tickets = [await _ticket(r, rooms.get(r["room"]), subjects) for r in regs]
    created = max(aware(r["updated_at"]) for r in regs)
    return {"plan": plan, "tickets": tickets, "created": created}


async def room_sheet_document(actor: Actor | None, room_id: int) -> dict[str, Any]:
    """A room's door list or sign-in sheet with each candidate's photo."""
    sheet = await room_sheet(actor, room_id)
    for c in sheet["candidates"]:
        c["photo"] = await _photo(c["photo_sha"])
        c["id_masked"] = idcard.mask(c["id_number"])
    stamps = [aware(c["updated_at"]) for c in sheet["candidates"]]
    fallback = sheet["plan"]["seated_at"] or EMPTY_SHEET_DATE
    sheet["created"] = max(stamps) if stamps else aware(fallback)
    return sheet


async def certificate_document(actor: Actor | None, certificate_id: int) -> dict[str, Any]:
    """A certificate as printed: its number with check character and the QR code to public
    verification."""
    cert = await get_certificate(actor, certificate_id)
    url = f"{get_settings().base_url.rstrip('/')}/public/certificates?number={cert['number']}"
    issued = dt.datetime.combine(cert["revoked_on"] or cert["issued_on"], dt.time(), tzinfo=dt.UTC)
    return {"certificate": cert, "plan": cert["plan_row"], "qr": qr_data_uri(url), "check_url": url, "created": issued}


async def check_ticket(ticket_no: str, code: str) -> dict[str, Any]:
    """What the door staff see after scanning a ticket: whose it is and where they sit, for a
    ticket number with its printed code (anything else is "no such ticket", so numbers cannot be
    probed)."""
    missing = NotFound(Reason("ticket.not_found", "查无此准考证", "no such admission ticket"))
    if not ticket_code_matches(get_settings().secret_key, ticket_no, code):
        raise missing
    row = await Registration.select().where(Registration.ticket_no == ticket_no).first()
    if row is None:
        raise missing
    reg = registration_view(row)
    plan = await plan_for_staff(None, reg["plan"])
    room = await ExamRoom.select().where(ExamRoom.id == reg["room"]).first() if reg["room"] else None
    subjects = [s for s in await subjects_of(reg["plan"]) if s["code"] in reg["subjects"]]
    return {
        "plan": plan,
        "ticket_no": ticket_no,
        "name": reg["name"],
        "id_masked": idcard.mask(reg["id_number"]),
        "room": room,
        "seat_no": reg["seat_no"],
        "subjects": subjects,
        "valid": reg["status"] == RegistrationStatus.APPROVED.value,
    }
