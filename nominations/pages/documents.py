"""Printable nomination documents (PDF): the 提名书 of a submitted project nomination, from its
snapshot, for its society and for the association's staff (the same reach as its pages); a
public notice (公示) with its list, for anyone."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from accounts.rules import Actor
from nominations.pages._shared import admin_only
from nominations.pages._vocabulary import label, vocabulary
from nominations.services import KIND_NAMES
from nominations.services.documents import (
    final_list_document,
    nomination_document,
    notice_document,
    recommendation_document,
)
from xuehui.i18n import gettext as _
from xuehui.pdf import pdf_response, template_environment
from xuehui.web import requires_role


@get(
    "/nominations/{nomination_id:int}/nomination.pdf",
    include_in_schema=False,
    guards=[requires_role("society", "admin")],
)
async def nomination_pdf(
    actor: NamedDependency[Actor], nomination_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[bytes]:
    doc = await nomination_document(actor, nomination_id)
    context = {**doc, **vocabulary()}
    return await pdf_response(
        template_environment(request),
        "nominations/pdf/nomination.html",
        context,
        created=doc["created"],
        filename=f"提名书-{doc['data'].title}.pdf",
    )


@get("/public/notices/{notice_id:int}/notice.pdf", include_in_schema=False)
async def notice_pdf(notice_id: FromPath[int], request: Request[Any, Any, Any]) -> Response[bytes]:
    doc = await notice_document(notice_id)
    return await pdf_response(
        template_environment(request),
        "nominations/pdf/notice.html",
        {**doc, **vocabulary()},
        created=doc["created"],
        filename=f"公示-{doc['pn']['title']}.pdf",
    )


@get(
    "/talent/{recommendation_id:int}/recommendation.pdf",
    include_in_schema=False,
    guards=[requires_role("society", "admin")],
)
async def recommendation_pdf(
    actor: NamedDependency[Actor], recommendation_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[bytes]:
    doc = await recommendation_document(actor, recommendation_id)
    return await pdf_response(
        template_environment(request),
        "nominations/pdf/recommendation.html",
        {**doc, **vocabulary()},
        created=doc["created"],
        filename=f"推荐书-{doc['data'].name}.pdf",
    )


@get("/admin/talent/{programme_id:int}/final.pdf", include_in_schema=False, guards=admin_only)
async def final_list_pdf(
    actor: NamedDependency[Actor], programme_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[bytes]:
    doc = await final_list_document(actor, programme_id)
    programme = doc["programme"]
    title = f"{programme['edition_year']} {label(KIND_NAMES, programme['kind'])} {_('Final list')}"
    return await pdf_response(
        template_environment(request),
        "nominations/pdf/final_list.html",
        {**doc, **vocabulary(), "title": title},
        created=doc["created"],
        filename=f"{title}.pdf",
    )


ROUTES = [nomination_pdf, recommendation_pdf, notice_pdf, final_list_pdf]
