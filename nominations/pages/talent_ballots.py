"""The selection committee's anonymous ballot on an edition's recommendations: only the counts
are entered; the rules decide by the programme's threshold and rank within the places."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from accounts.rules import Actor
from expert_pool.services import Tally
from nominations import services
from nominations.pages._shared import admin_only, int_field
from nominations.pages.talent_programmes import on_programme_page
from xuehui.errors import InvalidInput, Reason

COUNTS = ("yes", "no", "abstain")


def tallies_from_form(form: Any) -> dict[int, Tally]:
    """Each candidate's counts from the fields `yes_<id>`, `no_<id>`, `abstain_<id>` (blank: 0)."""
    tallies: dict[int, Tally] = {}
    for key in form:
        if key.startswith("yes_") and key[4:].isdigit():
            rec = int(key[4:])
            counts = [str(form.get(f"{part}_{rec}", "")).strip() or "0" for part in COUNTS]
            if not all(c.isdigit() for c in counts):
                raise InvalidInput(
                    Reason("ballot.count", "票数须为非负整数", "votes are whole numbers of zero or more", key)
                )
            tallies[rec] = Tally(int(counts[0]), int(counts[1]), int(counts[2]))
    return tallies


@post("/admin/talent/{programme_id:int}/ballots", include_in_schema=False, status_code=303, guards=admin_only)
async def record_ballot(
    actor: NamedDependency[Actor], programme_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    form = await request.form()

    async def record() -> None:
        tallies = tallies_from_form(form)
        roll, present, places = (int_field(form, key) for key in ("roll", "present", "places"))
        await services.record_ballot(actor, programme_id, roll, present, places, tallies)

    return await on_programme_page(
        record, actor, programme_id, success=f"/admin/talent/{programme_id}?done=ballot#ballots"
    )


ROUTES = [record_ballot]
