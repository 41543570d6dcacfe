"""The association's formal review (形式审查) of one talent recommendation."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Template

from accounts.rules import Actor
from nominations import services
from nominations.pages._shared import ChecklistReviewForm, admin_only, review_page_context
from nominations.pages._vocabulary import label
from nominations.rules.formal_checklist import TALENT_ITEMS
from nominations.rules.programme.model import MATERIAL_LABELS
from xuehui.form_action import form_action

REVIEW = "nominations/talent_review.html"


async def review_context(actor: Actor, recommendation_id: int) -> dict[str, Any]:
    """One recommendation as the association reviews it: the person as submitted (identity
    number whole only to admins), the materials by kind and name, the checklist, decisions and
    objections."""
    snapshot = await services.recommendation_snapshot(actor, recommendation_id)
    return {
        **await review_page_context(
            "r",
            await services.get_recommendation(actor, recommendation_id),
            snapshot,
            await services.recommendation_steps(actor, recommendation_id),
            await services.objections(actor, recommendation_id=recommendation_id),
        ),
        "materials": [
            {"kind": label(MATERIAL_LABELS, m["material"]), "filename": m["filename"], "size": m["size"]}
            for m in snapshot.get("materials", [])
        ],
        "checklist_items": TALENT_ITEMS,
        "full_ids": actor.is_admin,
    }


@get("/admin/talent/recommendations/{recommendation_id:int}", include_in_schema=False, guards=admin_only)
async def recommendation_review_page(actor: NamedDependency[Actor], recommendation_id: FromPath[int]) -> Template:
    return Template(REVIEW, context=await review_context(actor, recommendation_id))


@post(
    "/admin/talent/recommendations/{recommendation_id:int}/review",
    include_in_schema=False,
    status_code=303,
    guards=admin_only,
)
async def review_recommendation(
    actor: NamedDependency[Actor], recommendation_id: FromPath[int], data: URLEncodedBody[ChecklistReviewForm]
) -> Response[Any]:
    marks = data.marks(TALENT_ITEMS)

    async def as_typed() -> dict[str, Any]:
        return {**await review_context(actor, recommendation_id), "review_reasons": data.reasons, "marks": marks}

    return await form_action(
        lambda: services.review_recommendation(actor, recommendation_id, data.decision, data.reasons, marks),
        success=f"/admin/talent/recommendations/{recommendation_id}",
        template=REVIEW,
        context=as_typed,
    )


ROUTES = [recommendation_review_page, review_recommendation]
