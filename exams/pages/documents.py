"""Printable exam documents (PDF): a candidate's admission ticket, every ticket of a plan in one
document, a room's door list and sign-in sheet, a certificate; and the public ticket check the
ticket's QR code opens. Each PDF has the access of the page that shows its record."""

from __future__ import annotations

import contextlib
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from accounts.rules import Actor
from exams.pages._shared import candidate_or_staff, staff, vocabulary
from exams.pages.rooms import _known
from exams.services import documents
from xuehui.errors import NotFound
from xuehui.pdf import pdf_response, template_environment


@get("/candidate/registrations/{registration_id:int}/ticket.pdf", include_in_schema=False, guards=candidate_or_staff)
async def ticket_pdf(
    actor: NamedDependency[Actor], registration_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[bytes]:
    doc = await documents.ticket_document(actor, registration_id)
    name = f"准考证-{doc['tickets'][0]['reg']['ticket_no']}.pdf"
    return await pdf_response(
        template_environment(request), "exams/pdf/tickets.html", doc, created=doc["created"], filename=name
    )


@get("/exams/{plan_id:int}/tickets.pdf", include_in_schema=False, guards=staff)
async def plan_tickets_pdf(
    actor: NamedDependency[Actor], plan_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[bytes]:
    doc = await documents.plan_tickets_document(actor, plan_id)
    name = f"准考证-{doc['plan']['code']}.pdf"
    return await pdf_response(
        template_environment(request), "exams/pdf/tickets.html", doc, created=doc["created"], filename=name
    )


@get("/exams/rooms/{room_id:int}/sheet.pdf", include_in_schema=False, guards=staff)
async def room_sheet_pdf(
    actor: NamedDependency[Actor], room_id: FromPath[int], request: Request[Any, Any, Any], kind: FromQuery[str] = ""
) -> Response[bytes]:
    doc = await documents.room_sheet_document(actor, room_id)
    kind = _known(kind)
    room = doc["room"]
    name = f"{'签到表' if kind == 'signin' else '门贴'}-{room['site_code']}-{room['room_no']}.pdf"
    context = {**doc, "kind": kind, **vocabulary()}
    return await pdf_response(
        template_environment(request), "exams/pdf/room_sheet.html", context, created=doc["created"], filename=name
    )


@get("/exams/certificates/{certificate_id:int}/certificate.pdf", include_in_schema=False, guards=staff)
async def certificate_pdf(
    actor: NamedDependency[Actor], certificate_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[bytes]:
    doc = await documents.certificate_document(actor, certificate_id)
    context = {**doc, **vocabulary()}
    name = f"证书-{doc['certificate']['number']}.pdf"
    return await pdf_response(
        template_environment(request), "exams/pdf/certificate.html", context, created=doc["created"], filename=name
    )


@get("/public/tickets/{ticket_no:str}", include_in_schema=False)
async def ticket_check(ticket_no: FromPath[str], code: FromQuery[str] = "") -> Template:
    """The door staff's check of a scanned ticket (no login: the code printed on it is the key)."""
    context: dict[str, Any] = {"found": None}
    with contextlib.suppress(NotFound):
        context["found"] = await documents.check_ticket(ticket_no[:40], code[:64])
    return Template("exams/ticket_check.html", context=context, status_code=200 if context["found"] else 404)


ROUTES = [ticket_pdf, plan_tickets_pdf, room_sheet_pdf, certificate_pdf, ticket_check]
