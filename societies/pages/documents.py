"""The printable task agreement (任务书) of a pilot project (PDF): the agreement as the project
page shows it, with the signature and seal page of the three parties; the same access as the
project page."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from accounts.rules import Actor
from societies import services
from societies.pages._shared import society_staff, vocabulary
from xuehui.clock import aware
from xuehui.pdf import content_hash, pdf_response, template_environment


@get("/pilots/{project_id:int}/agreement.pdf", include_in_schema=False, guards=society_staff)
async def agreement_pdf(
    actor: NamedDependency[Actor], project_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[bytes]:
    project = await services.get_pilot(actor, project_id)
    context = {**vocabulary(), "project": project, "hash": content_hash(project["agreement"].model_dump_json())}
    return await pdf_response(
        template_environment(request),
        "societies/pdf/agreement.html",
        context,
        created=aware(project["updated_at"]),
        filename=f"任务书-{project['title']}.pdf",
    )


ROUTES = [agreement_pdf]
