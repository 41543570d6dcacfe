"""The association's formal review (形式审查) of project nominations: the review queue, one
nomination's review page, the decision, and a sanction for misconduct."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel, Field

from accounts.rules import Actor
from nominations import services
from nominations.pages._shared import (
    TEXT_MAX,
    ChecklistReviewForm,
    admin_only,
    cycle_id_for,
    review_page_context,
)
from nominations.pages._vocabulary import vocabulary
from nominations.rules.formal_checklist import PROJECT_ITEMS
from nominations.schemas import NominationIn
from societies import services as societies
from xuehui.form_action import form_action
from xuehui.i18n import pick

REVIEW = "nominations/review.html"
# Nominations a queue page lists: one screen an administrator works through, and a page
# that stays fast with thousands of nominations in a cycle.
QUEUE_PAGE = 100
# The longest search text the queue takes.
SEARCH_MAX = 100
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
    q: FromQuery[str] = "",
) -> Template:
    cycle_id = await cycle_id_for(year)
    page = max(page, 1)
    q = q[:SEARCH_MAX]
    rows = await services.list_nominations(
        actor, cycle_id=cycle_id, status=status, limit=QUEUE_PAGE, offset=(page - 1) * QUEUE_PAGE, search=q
    )
    cycle = await services.cycle_row(cycle_id)
    return Template(
        "nominations/queue.html",
        context={
            "nominations": rows,
            "page": page,
            "more": len(rows) == QUEUE_PAGE,
            "status_filter": status,
            "search": q,
            "queue_query": queue_query(status, cycle["year"] if cycle else year, q),
            "cycle": cycle,
            "names": await societies.society_names(),
            **vocabulary(),
        },
    )


def queue_query(status: str, year: int, search: str) -> str:
    """The queue's filters and search as a query string, kept on every link and form of the
    review pages so that next / previous and the way back stay in the same queue."""
    return urlencode({"status": status, "year": year, "q": search})


class Queue(BaseModel):
    """Where in the review queue a review page was opened from."""

    status: str = "submitted"
    year: int = 0
    q: str = ""


async def attachment_rows(actor: Actor, nomination_id: int) -> list[dict[str, Any]]:
    """The nomination's files as the record's file list shows them, each opening in the browser."""
    return [
        {
            "kind": pick(*a["kind_label"]),
            "filename": a["filename"],
            "size": a["size"],
            "href": f"/nominations/{nomination_id}/attachments/{a['id']}",
        }
        for a in await services.attachments(actor, nomination_id)
    ]


async def review_context(actor: Actor, nomination_id: int, queue: Queue | None = None) -> dict[str, Any]:
    """One nomination as the association reviews it: everything the submitted snapshot holds
    (people with their identity numbers, units, papers, patents, texts), the eligibility results
    with their reasons, the checklist, decisions and objections, the selection record, and the
    previous and next nomination of the queue it was opened from."""
    queue = queue or Queue()
    nomination = await services.get_nomination(actor, nomination_id)
    snapshot = await services.snapshot(actor, nomination_id)
    as_submitted = (
        NominationIn.model_validate({k: v for k, v in snapshot.items() if k != "submitted_at"})
        if snapshot.get("body")
        else services.stored_input(nomination)
    )
    submitted = as_submitted.body
    year = queue.year or nomination["cycle_year"]
    cycle_id = await cycle_id_for(year)
    previous, following = await services.queue_neighbours(actor, nomination_id, cycle_id, queue.status, queue.q)
    return {
        **await review_page_context(
            "n",
            nomination,
            snapshot,
            await services.review_steps(actor, nomination_id),
            await services.objections(actor, nomination_id),
        ),
        "submitted": submitted,
        "attachments": await attachment_rows(actor, nomination_id),
        "eligibility": await services.check(actor, nomination["cycle"], as_submitted, nomination_id),
        "checklist_items": PROJECT_ITEMS,
        "full_ids": actor.is_admin,
        "queue_query": queue_query(queue.status, year, queue.q),
        "previous_id": previous,
        "next_id": following,
    }


@get("/admin/nominations/{nomination_id:int}", include_in_schema=False, guards=admin_only)
async def review_page(
    actor: NamedDependency[Actor],
    nomination_id: FromPath[int],
    status: FromQuery[str] = "submitted",
    year: FromQuery[int] = 0,
    q: FromQuery[str] = "",
) -> Template:
    queue = Queue(status=status, year=year, q=q[:SEARCH_MAX])
    return Template(REVIEW, context=await review_context(actor, nomination_id, queue))


def on_review_page(
    action: Callable[[], Awaitable[object]],
    actor: Actor,
    nomination_id: int,
    form: str,
    typed: dict[str, Any],
    queue: Queue | None = None,
) -> Awaitable[Redirect | Template]:
    """A form of the review page: `action`, then the page again (in the same queue); refused,
    the page with the refusal beside `form` and what was `typed` into it."""
    queue = queue or Queue()

    async def as_typed() -> dict[str, Any]:
        return {**await review_context(actor, nomination_id, queue), "refused_form": form, **typed}

    page = f"/admin/nominations/{nomination_id}"
    if queue.year or queue.q or queue.status != Queue().status:
        page += "?" + queue_query(queue.status, queue.year, queue.q)
    return form_action(action, success=page, template=REVIEW, context=as_typed)


@post("/admin/nominations/{nomination_id:int}/review", include_in_schema=False, status_code=303, guards=admin_only)
async def formal_review(
    actor: NamedDependency[Actor],
    nomination_id: FromPath[int],
    data: URLEncodedBody[ChecklistReviewForm],
    status: FromQuery[str] = "submitted",
    year: FromQuery[int] = 0,
    q: FromQuery[str] = "",
) -> Response[Any]:
    marks = data.marks(PROJECT_ITEMS)
    return await on_review_page(
        lambda: services.formal_review(actor, nomination_id, data.decision, data.reasons, marks),
        actor,
        nomination_id,
        "review",
        {"review_reasons": data.reasons, "marks": marks},
        Queue(status=status, year=year, q=q[:SEARCH_MAX]),
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
