"""Sending a cycle's nominations, or a programme's recommendations, that passed formal review to
review by the expert pool."""

from __future__ import annotations

from typing import Any

from litestar import Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from pydantic import BaseModel, Field

from accounts.rules import Actor
from nominations import services
from nominations.pages._shared import TITLE_MAX, admin_only
from nominations.pages.cycles import on_cycle_page
from nominations.pages.talent_programmes import on_programme_page

# Experts who score each nomination, unless the form says otherwise; at most MAX_REQUIRED.
DEFAULT_REQUIRED, MAX_REQUIRED = 5, 50
# Nominations one expert scores at most, unless the form says otherwise; at most MAX_LOAD.
DEFAULT_MAX_LOAD, MAX_LOAD = 10, 1000


def _batch_page(batch_id: int) -> str:
    return f"/admin/review-batches/{batch_id}"


class RemoteReviewForm(BaseModel):
    name: str = Field(default="", max_length=TITLE_MAX)
    required: int = Field(default=DEFAULT_REQUIRED, ge=1, le=MAX_REQUIRED)
    max_load: int = Field(default=DEFAULT_MAX_LOAD, ge=1, le=MAX_LOAD)


@post("/admin/award-cycles/{cycle_id:int}/remote-review", include_in_schema=False, status_code=303, guards=admin_only)
async def send_to_remote_review(
    actor: NamedDependency[Actor], cycle_id: FromPath[int], data: URLEncodedBody[RemoteReviewForm]
) -> Response[Any]:
    return await on_cycle_page(
        lambda: services.send_to_remote_review(actor, cycle_id, data.name, data.required, data.max_load),
        cycle_id,
        "remote_review",
        success=_batch_page,
    )


@post("/admin/talent/{programme_id:int}/expert-review", include_in_schema=False, status_code=303, guards=admin_only)
async def send_recommendations_to_review(
    actor: NamedDependency[Actor], programme_id: FromPath[int], data: URLEncodedBody[RemoteReviewForm]
) -> Response[Any]:
    return await on_programme_page(
        lambda: services.send_recommendations_to_review(actor, programme_id, data.name, data.required, data.max_load),
        actor,
        programme_id,
        success=_batch_page,
    )


ROUTES = [send_to_remote_review, send_recommendations_to_review]
