"""The results of project nominations: a later stage's outcome (remote review, panel review,
award committee) and the winners entered in the register that bars recent winners."""

from __future__ import annotations

from typing import Any

from litestar import Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from pydantic import BaseModel, Field

from accounts.rules import Actor
from nominations import services
from nominations.pages._shared import NOTE_MAX, admin_only
from nominations.pages.cycles import on_cycle_page
from nominations.pages.formal_review import on_review_page


class StageForm(BaseModel):
    stage: str = Field(default="", max_length=30)
    outcome: str = Field(default="", max_length=30)
    grade: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=NOTE_MAX)


@post("/admin/nominations/{nomination_id:int}/stage", include_in_schema=False, status_code=303, guards=admin_only)
async def record_stage(
    actor: NamedDependency[Actor], nomination_id: FromPath[int], data: URLEncodedBody[StageForm]
) -> Response[Any]:
    return await on_review_page(
        lambda: services.record_stage(actor, nomination_id, data.stage, data.outcome, data.grade, data.note),
        actor,
        nomination_id,
        "stage",
        {"stage": data},
    )


@post("/admin/award-cycles/{cycle_id:int}/winners", include_in_schema=False, status_code=303, guards=admin_only)
async def record_winners(actor: NamedDependency[Actor], cycle_id: FromPath[int]) -> Response[Any]:
    return await on_cycle_page(lambda: services.record_winners(actor, cycle_id), cycle_id, "winners")


ROUTES = [record_winners, record_stage]
