"""JSON API for award nominations: the society's nominations with live rule checks and
submission, the association's cycles and formal review, and the public notices."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, TypeAlias

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter

from accounts.rules import Actor
from nominations import services
from nominations.rules.eligibility import DraftCheck
from nominations.schemas import (
    CheckOut,
    CycleIn,
    FormalReviewIn,
    NominationIn,
    NominationOut,
    NoticeIn,
    NoticeOut,
    QuotaOut,
    ReasonOut,
    StageIn,
    SubmitIn,
)
from xuehui.openapi import SIGNED_IN, QueryText, RowId, errors
from xuehui.web import requires_role

# The years an award cycle may have (as `NominationIn.cycle_year` accepts).
FIRST_CYCLE_YEAR, LAST_CYCLE_YEAR = 2000, 2100
# A cycle's year in a path, and the optional year filter (0: the current cycle).
CycleYear: TypeAlias = Annotated[
    int, PathParameter(ge=FIRST_CYCLE_YEAR, le=LAST_CYCLE_YEAR, description="The award cycle's year")
]
YearFilter: TypeAlias = Annotated[
    int, QueryParameter(ge=0, le=LAST_CYCLE_YEAR, description="The award cycle's year; 0 for the current cycle")
]


def _check_out(check: DraftCheck) -> CheckOut:
    def reasons(items: tuple[object, ...] | list[object]) -> list[ReasonOut]:
        return [ReasonOut.model_validate(r, from_attributes=True) for r in items]

    return CheckOut(ok=check.ok, problems=reasons(list(check.problems)), incomplete=reasons(list(check.incomplete)))


def _out(view: dict[str, object]) -> NominationOut:
    return NominationOut.model_validate(view)


def _move(path: str, role: str, *codes: int) -> post:
    """A POST that moves one nomination on (submission, withdrawal, a review decision)."""
    return post(path, status_code=200, guards=[requires_role(role)], responses=errors(401, 403, 404, 409, *codes))


async def _after(actor: Actor, nomination_id: int, step: Awaitable[object]) -> NominationOut:
    """The nomination as it is once `step` is taken."""
    await step
    return _out(await services.get_nomination(actor, nomination_id))


async def _cycle(year: int | None) -> int:
    return await services.find_cycle(year)


class NominationApi(Controller):
    path = "/api/nominations"
    tags = ["Award nominations"]
    guards = [requires_role("society", "admin")]
    security = SIGNED_IN

    @get("/", responses=errors(401, 403, 404))
    async def list_nominations(
        self, actor: NamedDependency[Actor], year: YearFilter = 0, status: QueryText = ""
    ) -> list[NominationOut]:
        return [_out(v) for v in await services.list_nominations(actor, cycle_id=await _cycle(year), status=status)]

    @get("/quota", responses=errors(401, 403, 404))
    async def quota(self, actor: NamedDependency[Actor], year: YearFilter = 0) -> list[QuotaOut]:
        if actor.society_id is None:
            return []
        return [QuotaOut(**q) for q in await services.society_quotas(actor, await _cycle(year), actor.society_id)]

    @post("/", status_code=201, guards=[requires_role("society")], responses=errors(401, 403, 404, 409, 413, 422))
    async def create(self, actor: NamedDependency[Actor], data: JSONBody[NominationIn]) -> NominationOut:
        nomination_id = await services.create_nomination(actor, await _cycle(data.cycle_year), data)
        return _out(await services.get_nomination(actor, nomination_id))

    @get("/{nomination_id:int}", responses=errors(401, 403, 404))
    async def get_one(self, actor: NamedDependency[Actor], nomination_id: RowId) -> NominationOut:
        return _out(await services.get_nomination(actor, nomination_id))

    @put("/{nomination_id:int}", guards=[requires_role("society")], responses=errors(401, 403, 404, 409, 413, 422))
    async def update(
        self, actor: NamedDependency[Actor], nomination_id: RowId, data: JSONBody[NominationIn]
    ) -> NominationOut:
        return await _after(actor, nomination_id, services.update_nomination(actor, nomination_id, data))

    @post("/check", status_code=200, guards=[requires_role("society")], responses=errors(401, 403, 404, 413))
    async def check(self, actor: NamedDependency[Actor], data: JSONBody[NominationIn]) -> CheckOut:
        return _check_out(await services.check(actor, await _cycle(data.cycle_year), data))

    @_move("/{nomination_id:int}/submit", "society", 413, 422)
    async def submit(
        self, actor: NamedDependency[Actor], nomination_id: RowId, data: JSONBody[SubmitIn]
    ) -> NominationOut:
        return await _after(actor, nomination_id, services.submit(actor, nomination_id, data.idempotency_key))

    @_move("/{nomination_id:int}/withdraw", "society")
    async def withdraw(self, actor: NamedDependency[Actor], nomination_id: RowId) -> NominationOut:
        """Withdraw a submitted nomination where the cycle allows it; the quota place comes back."""
        return await _after(actor, nomination_id, services.withdraw(actor, nomination_id))

    @_move("/{nomination_id:int}/formal-review", "admin", 413, 422)
    async def formal_review(
        self, actor: NamedDependency[Actor], nomination_id: RowId, data: JSONBody[FormalReviewIn]
    ) -> NominationOut:
        return await _after(
            actor, nomination_id, services.formal_review(actor, nomination_id, data.decision, data.reasons)
        )

    @_move("/{nomination_id:int}/stages", "admin", 413, 422)
    async def record_stage(
        self, actor: NamedDependency[Actor], nomination_id: RowId, data: JSONBody[StageIn]
    ) -> NominationOut:
        return await _after(
            actor,
            nomination_id,
            services.record_stage(actor, nomination_id, data.stage, data.outcome, data.grade, data.note),
        )


class CycleApi(Controller):
    path = "/api/award-cycles"
    tags = ["Award nominations"]
    guards = [requires_role("admin")]
    security = SIGNED_IN

    @get("/{year:int}", responses=errors(401, 403, 404))
    async def get_cycle(self, year: CycleYear) -> dict[str, object]:
        cycle_id = await services.find_cycle(year)
        row = await services.cycle_row(cycle_id)
        return {
            "year": row["year"],
            "version": row["version"],
            "config": (await services.cycle_config(cycle_id)).to_dict(),
            "policy": (await services.cycle_policy(cycle_id)).model_dump(mode="json"),
        }

    @put("/{year:int}", responses=errors(401, 403, 404, 409, 413, 422))
    async def save_cycle(
        self, actor: NamedDependency[Actor], year: CycleYear, data: JSONBody[CycleIn]
    ) -> dict[str, int]:
        cycle_id = await services.ensure_cycle(actor, year)
        return {"version": await services.save_cycle(actor, cycle_id, data.config, data.policy, data.note)}

    @post("/{year:int}/notices", status_code=201, responses=errors(401, 403, 404, 409, 413, 422))
    async def publish_notice(
        self, actor: NamedDependency[Actor], year: CycleYear, data: JSONBody[NoticeIn]
    ) -> NoticeOut:
        """Publish one of the cycle's configured notice windows (its length and unit are the cycle's)."""
        cycle_id = await services.find_cycle(year)
        notice_id = await services.publish_notice(actor, cycle_id, data.window, data.title, data.starts_on)
        return NoticeOut.model_validate(await services.public_notice(notice_id))


class PublicNoticeApi(Controller):
    path = "/api/public/notices"
    tags = ["Public disclosure"]

    @get("/")
    async def notices(self) -> list[NoticeOut]:
        return [NoticeOut.model_validate(n) for n in await services.public_notices()]


ROUTES = [NominationApi, CycleApi, PublicNoticeApi]
