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
from nominations.pages.cycles import CYCLE, cycle_context
from nominations.pages.formal_review import REVIEW, review_context
from xuehui.form_action import form_action


class StageForm(BaseModel):
    stage: str = Field(default="", max_length=30)
    outcome: str = Field(default="", max_length=30)
    grade: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=NOTE_MAX)


@post("/admin/nominations/{nomination_id:int}/stage", include_in_schema=False, status_code=303, guards=admin_only)
async def record_stage(
    actor: NamedDependency[Actor], nomination_id: FromPath[int], data: URLEncodedBody[StageForm]
) -> Response[Any]:
    async def as_typed() -> dict[str, Any]:
        return {**await review_context(actor, nomination_id), "refused_form": "stage", "stage": data}

    return await form_action(
        lambda: services.record_stage(actor, nomination_id, data.stage, data.outcome, data.grade, data.note),
        success=f"/admin/nominations/{nomination_id}",
        template=REVIEW,
        context=as_typed,
    )


@post("/admin/award-cycles/{cycle_id:int}/winners", include_in_schema=False, status_code=303, guards=admin_only)
async def record_winners(actor: NamedDependency[Actor], cycle_id: FromPath[int]) -> Response[Any]:
    return await form_action(
        lambda: services.record_winners(actor, cycle_id),
        success=f"/admin/award-cycles/{cycle_id}?done=winners",
        template=CYCLE,
        context=lambda: cycle_context(cycle_id, refused_form="winners"),
    )


ROUTES = [record_winners, record_stage]
