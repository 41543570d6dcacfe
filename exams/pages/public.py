"""Public pages (no login): the result look-up by ticket and identity number, and certificate
verification by number."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.params import FromQuery
from litestar.response import Template

from exams import services
from exams.pages._shared import vocabulary
from xuehui.errors import DomainError
from xuehui.templating import errors_by_field


@get("/public/exam-results", include_in_schema=False)
async def public_results(ticket_no: FromQuery[str] = "", id_number: FromQuery[str] = "") -> Template:
    context: dict[str, Any] = {"form": {"ticket_no": ticket_no}, **vocabulary()}
    if ticket_no or id_number:
        try:
            context["found"] = await services.public_lookup(ticket_no, id_number)
        except DomainError as error:
            context["errors"] = errors_by_field(error.reasons)
    return Template("exams/public_results.html", context=context)


@get("/public/certificates", include_in_schema=False)
async def public_certificate(number: FromQuery[str] = "") -> Template:
    context: dict[str, Any] = {"number": number, **vocabulary()}
    if number:
        try:
            context["certificate"] = await services.verify_certificate(number)
        except DomainError as error:
            context["errors"] = errors_by_field(error.reasons)
    return Template("exams/public_certificate.html", context=context)


ROUTES = [public_results, public_certificate]
