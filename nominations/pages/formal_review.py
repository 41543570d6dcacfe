"""The association's formal review (形式审查) of project nominations: the review queue, one
nomination's review page, the decision, and a sanction for misconduct."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel, Field

from accounts.rules import Actor
from nominations import services
from nominations.pages._shared import TEXT_MAX, ReviewForm, admin_only, cycle_id_for, review_page_context
from nominations.pages._vocabulary import vocabulary
from nominations.schemas import NominationBody
from societies import services as societies
from xuehui.form_action import form_action

REVIEW = "nominations/review.html"
# Nominations a queue page lists: one screen an administrator works through, and a page
# that stays fast with thousands of nominations in a cycle.
QUEUE_PAGE = 100
# The longest sanction the page takes (ten years), in months.
MAX_SANCTION_MONTHS = 120
# A sanction's default length when the form sends none.
DEFAULT_SANCTION_MONTHS = 12


@get("/admin/nominations", include_in_schema=False, guards=admin_only)
async def review_queue(
    actor: NamedDependency[Actor],
    status: FromQuery[str] = "submitted",
    year: FromQuery[int] = 0,
    page: FromQuery[int] = 1,
) -> Template:
    cycle_id = await cycle_id_for(year)
    page = max(page, 1)
    rows = await services.list_nominations(
        actor, cycle_id=cycle_id, status=status, limit=QUEUE_PAGE, offset=(page - 1) * QUEUE_PAGE
    )
    return Template(
        "nominations/queue.html",
        context={
            "nominations": rows,
            "page": page,
            "more": len(rows) == QUEUE_PAGE,
            "status_filter": status,
            "cycle": await services.cycle_row(cycle_id),
            "names": await societies.society_names(),
            **vocabulary(),
        },
    )


async def review_context(actor: Actor, nomination_id: int) -> dict[str, Any]:
    """One nomination as the association reviews it: the snapshot, decisions and objections,
    and the selection record (the society's review and notices) as it was submitted."""
    nomination = await services.get_nomination(actor, nomination_id)
    snapshot = await services.snapshot(actor, nomination_id)
    submitted = NominationBody.model_validate(snapshot["body"]) if snapshot.get("body") else nomination["body"]
    return {
        **await review_page_context(
            "n",
            nomination,
            snapshot,
            await services.review_steps(actor, nomination_id),
            await services.objections(actor, nomination_id),
        ),
        "submitted": submitted,
    }


@get("/admin/nominations/{nomination_id:int}", include_in_schema=False, guards=admin_only)
async def review_page(actor: NamedDependency[Actor], nomination_id: FromPath[int]) -> Template:
    return Template(REVIEW, context=await review_context(actor, nomination_id))


def on_review_page(
    action: Callable[[], Awaitable[object]], actor: Actor, nomination_id: int, form: str, typed: dict[str, Any]
) -> Awaitable[Redirect | Template]:
    """A form of the review page: `action`, then the page again; refused, the page with the
    refusal beside `form` and what was `typed` into it."""

    async def as_typed() -> dict[str, Any]:
        return {**await review_context(actor, nomination_id), "refused_form": form, **typed}

    return form_action(action, success=f"/admin/nominations/{nomination_id}", template=REVIEW, context=as_typed)


@post("/admin/nominations/{nomination_id:int}/review", include_in_schema=False, status_code=303, guards=admin_only)
async def formal_review(
    actor: NamedDependency[Actor], nomination_id: FromPath[int], data: URLEncodedBody[ReviewForm]
) -> Response[Any]:
    return await on_review_page(
        lambda: services.formal_review(actor, nomination_id, data.decision, data.reasons),
        actor,
        nomination_id,
        "review",
        {"review_reasons": data.reasons},
    )


class SanctionForm(BaseModel):
    kind: str = Field(default="", max_length=30)
    reason: str = Field(default="", max_length=TEXT_MAX)
    months: int = Field(default=DEFAULT_SANCTION_MONTHS, ge=1, le=MAX_SANCTION_MONTHS)


@post("/admin/nominations/{nomination_id:int}/sanction", include_in_schema=False, status_code=303, guards=admin_only)
async def sanction(
    actor: NamedDependency[Actor], nomination_id: FromPath[int], data: URLEncodedBody[SanctionForm]
) -> Response[Any]:
    return await on_review_page(
        lambda: services.sanction_nomination(actor, nomination_id, data.kind, data.reason, data.months),
        actor,
        nomination_id,
        "sanction",
        {"sanction": data},
    )


ROUTES = [review_queue, review_page, formal_review, sanction]
