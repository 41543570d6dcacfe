"""Certificate pages for exam staff: one certificate with its notes (加注), the note form and the
revocation form (reason and date, asking once more). The list lives on the results page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel, Field

from accounts.rules import Actor
from exams import services
from exams.pages._shared import notice, staff, vocabulary
from exams.schemas import CertificateNoteIn, CertificateRevokeIn
from xuehui.clock import today
from xuehui.errors import InvalidInput, Reason
from xuehui.form_action import Confirmation, form_action
from xuehui.i18n import gettext as _

TEMPLATE = "exams/certificate.html"
CERTIFICATE_NOTICES = {
    "noted": ("加注已添加。", "The note was added."),
    "revoked": ("证书已撤销。", "The certificate was revoked."),
}


def _day(raw: str, field: str, required: bool) -> dt.date | None:
    if not raw and not required:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(Reason("form.date", "请填写日期", "enter a date", field)) from None


async def _context(actor: Actor, certificate_id: int, failed_form: str = "", **forms: Any) -> dict[str, Any]:
    cert = await services.get_certificate(actor, certificate_id)
    return {
        "certificate": cert,
        "plan": cert["plan_row"],
        "failed_form": failed_form,
        "note_form": forms.get("note_form", {}),
        "revoke_form": forms.get("revoke_form", {"revoked_on": today().isoformat()}),
        **vocabulary(),
    }


@get("/exams/certificates/{certificate_id:int}", include_in_schema=False, guards=staff)
async def certificate_page(
    actor: NamedDependency[Actor], certificate_id: FromPath[int], done: FromQuery[str] = ""
) -> Template:
    context = await _context(actor, certificate_id)
    return Template(TEMPLATE, context={**context, "notice": notice(CERTIFICATE_NOTICES, done)})


class NoteForm(BaseModel):
    text: str = Field(default="", max_length=500)
    valid_until: str = Field(default="", max_length=20)


@post("/exams/certificates/{certificate_id:int}/notes", include_in_schema=False, status_code=303, guards=staff)
async def add_note(
    actor: NamedDependency[Actor], certificate_id: FromPath[int], data: URLEncodedBody[NoteForm]
) -> Response[Any]:
    async def action() -> int:
        until = _day(data.valid_until, "valid_until", required=False)
        return await services.add_certificate_note(
            actor, certificate_id, CertificateNoteIn(text=data.text, valid_until=until)
        )

    return await form_action(
        action,
        success=f"/exams/certificates/{certificate_id}?done=noted",
        template=TEMPLATE,
        context=lambda: _context(actor, certificate_id, "note", note_form=data.model_dump()),
    )


class RevokeForm(BaseModel):
    reason: str = Field(default="", max_length=2000)
    revoked_on: str = Field(default="", max_length=20)


@post("/exams/certificates/{certificate_id:int}/revoke", include_in_schema=False, status_code=303, guards=staff)
async def revoke(
    actor: NamedDependency[Actor],
    certificate_id: FromPath[int],
    data: URLEncodedBody[RevokeForm],
    request: Request[Any, Any, Any],
) -> Response[Any]:
    async def revoking() -> Confirmation:
        _day(data.revoked_on, "revoked_on", required=True)
        if not data.reason.strip():
            raise InvalidInput(Reason("certificate.revoke_reason", "请写明撤销理由", "give the reason", "reason"))
        cert = await services.get_certificate(actor, certificate_id)
        return Confirmation(
            heading=_("Revoke certificate %(number)s?", number=cert["number"]),
            consequences=[
                _("The revocation is final: the certificate cannot be restored."),
                _("Public verification of the certificate shows it as revoked from %(day)s.", day=data.revoked_on),
            ],
            cancel=f"/exams/certificates/{certificate_id}",
            button=_("Revoke"),
        )

    async def action() -> None:
        day = _day(data.revoked_on, "revoked_on", required=True)
        assert day is not None
        await services.revoke_certificate(
            actor, certificate_id, CertificateRevokeIn(reason=data.reason, revoked_on=day)
        )

    return await form_action(
        action,
        success=f"/exams/certificates/{certificate_id}?done=revoked",
        template=TEMPLATE,
        context=lambda: _context(actor, certificate_id, "revoke", revoke_form=data.model_dump()),
        confirm=revoking,
        request=request,
    )


ROUTES = [certificate_page, add_note, revoke]
