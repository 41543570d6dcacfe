"""Public pages (no login): the result look-up by name, ticket and identity number, and certificate
verification by number."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Template

from exams import services
from exams.pages._shared import vocabulary
from xuehui.errors import DomainError
from xuehui.form_action import refused
from xuehui.templating import errors_by_field
from xuehui.web import client_ip

RESULTS = "exams/public_results.html"
LOOKUP_FIELDS = ("name", "ticket_no", "id_number")
FIELD_MAX = 50  # longer than any name, ticket or identity number


@get("/public/exam-results", include_in_schema=False)
async def public_results() -> Template:
    """The look-up form; the query goes by POST, so no identity number reaches a URL or a log."""
    return Template(RESULTS, context={"form": {}, **vocabulary()})


@post("/public/exam-results", include_in_schema=False, status_code=200)
async def look_up_results(request: Request[Any, Any, Any]) -> Template:
    form = await request.form()
    fields = {k: str(form.get(k, ""))[:FIELD_MAX] for k in LOOKUP_FIELDS}
    context: dict[str, Any] = {"form": {k: fields[k] for k in ("name", "ticket_no")}, **vocabulary()}
    try:
        context["found"] = await services.public_lookup(
            fields["name"], fields["ticket_no"], fields["id_number"], client_ip(request.scope)
        )
    except DomainError as error:
        return await refused(error, template=RESULTS, context=lambda: context)
    return Template(RESULTS, context=context)


@get("/public/certificates", include_in_schema=False)
async def public_certificate(number: FromQuery[str] = "") -> Template:
    context: dict[str, Any] = {"number": number, **vocabulary()}
    if number:
        try:
            context["certificate"] = await services.verify_certificate(number)
        except DomainError as error:
            context["errors"] = errors_by_field(error.reasons)
    return Template("exams/public_certificate.html", context=context)


ROUTES = [public_results, look_up_results, public_certificate]
