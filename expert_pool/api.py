"""JSON API of the expert pool: registry, conflicts, review batches (admin) and the expert's own
assignments. No response available to a society user names an expert: society users reach none
of these routes, and `results` names no expert."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post, put
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED

from accounts.rules import Actor
from expert_pool import services
from expert_pool.schemas import (
    BatchIn,
    BatchOut,
    ConflictDecisionIn,
    ConflictOut,
    ExpertIn,
    ExpertOut,
    ItemResultOut,
    MyAssignmentOut,
    ProfileIn,
    RelationIn,
    ReminderIn,
    RespondIn,
    ReviewIn,
    ReviewItemIn,
    RunIn,
    RunOut,
    RunQueuedOut,
    UnitDecisionIn,
)
from expert_pool.services import JOB_THRESHOLD_ITEMS, deadlines
from xuehui.openapi import SIGNED_IN, QueryText, RowId, errors
from xuehui.web import requires_role


def _batch_out(row: dict[str, Any]) -> BatchOut:
    return BatchOut.model_validate({k: row[k] for k in BatchOut.model_fields})


def _reasons(reasons: list[Any]) -> list[dict[str, object]]:
    return [r.as_dict() for r in reasons]


class ExpertApi(Controller):
    path = "/api/experts"
    tags = ["Expert pool"]
    guards = [requires_role("admin")]
    security = SIGNED_IN

    @get("/", responses=errors(401, 403))
    async def list_experts(
        self, actor: NamedDependency[Actor], status: QueryText = "", discipline: QueryText = ""
    ) -> list[ExpertOut]:
        return [ExpertOut(**e) for e in await services.list_experts(actor, status, discipline)]

    @post("/", status_code=201, responses=errors(401, 403, 409, 413, 422))
    async def register(self, actor: NamedDependency[Actor], data: JSONBody[ExpertIn]) -> ExpertOut:
        expert_id = await services.register_expert(actor, data)
        return ExpertOut(**await services.get_expert(actor, expert_id))

    @get("/{expert_id:int}", responses=errors(401, 403, 404))
    async def get_expert(self, actor: NamedDependency[Actor], expert_id: RowId) -> ExpertOut:
        return ExpertOut(**await services.get_expert(actor, expert_id))

    @put("/{expert_id:int}", responses=errors(401, 403, 404, 409, 413, 422))
    async def update(self, actor: NamedDependency[Actor], expert_id: RowId, data: JSONBody[ExpertIn]) -> ExpertOut:
        await services.update_expert(actor, expert_id, data)
        return ExpertOut(**await services.get_expert(actor, expert_id))

    @post("/{expert_id:int}/unit-change", status_code=200, responses=errors(401, 403, 404, 409, 422))
    async def decide_unit_change(
        self, actor: NamedDependency[Actor], expert_id: RowId, data: JSONBody[UnitDecisionIn]
    ) -> ExpertOut:
        await services.decide_unit_change(actor, expert_id, data.decision == "confirm")
        return ExpertOut(**await services.get_expert(actor, expert_id))


class ConflictApi(Controller):
    path = "/api/conflicts"
    tags = ["Expert pool"]
    guards = [requires_role("admin")]
    security = SIGNED_IN

    @get("/", responses=errors(401, 403))
    async def list_conflicts(self, actor: NamedDependency[Actor], status: QueryText = "potential") -> list[ConflictOut]:
        return [
            ConflictOut(**{k: c[k] for k in ConflictOut.model_fields})
            for c in await services.list_conflicts(actor, status)
        ]

    @post("/decisions", status_code=200, responses=errors(401, 403, 409, 413, 422))
    async def decide(self, actor: NamedDependency[Actor], data: JSONBody[ConflictDecisionIn]) -> dict[str, int]:
        return {"decided": await services.decide_conflicts(actor, data.ids, data.decision)}


class BatchApi(Controller):
    path = "/api/review-batches"
    tags = ["Expert pool"]
    guards = [requires_role("admin")]
    security = SIGNED_IN

    @get("/", responses=errors(401, 403))
    async def list_batches(self, actor: NamedDependency[Actor]) -> list[BatchOut]:
        return [_batch_out(b) for b in await services.list_batches(actor)]

    @post("/", status_code=201, responses=errors(401, 403, 409, 413, 422))
    async def create(self, actor: NamedDependency[Actor], data: JSONBody[BatchIn]) -> BatchOut:
        batch_id = await services.create_batch(actor, data)
        return _batch_out(await services.get_batch(actor, batch_id))

    @get("/{batch_id:int}", responses=errors(401, 403, 404))
    async def get_batch(self, actor: NamedDependency[Actor], batch_id: RowId) -> BatchOut:
        return _batch_out(await services.get_batch(actor, batch_id))

    @post("/{batch_id:int}/items", status_code=201, responses=errors(401, 403, 404, 409, 413, 422))
    async def add_items(
        self, actor: NamedDependency[Actor], batch_id: RowId, data: JSONBody[list[ReviewItemIn]]
    ) -> BatchOut:
        await services.add_items(actor, batch_id, data)
        return _batch_out(await services.get_batch(actor, batch_id))

    @get("/{batch_id:int}/check", responses=errors(401, 403, 404))
    async def check(self, actor: NamedDependency[Actor], batch_id: RowId) -> list[dict[str, object]]:
        return _reasons(await services.check_batch(actor, batch_id))

    @post(
        "/{batch_id:int}/run",
        status_code=200,
        responses={
            **errors(401, 403, 404, 409, 413, 422),
            202: ResponseSpec(
                data_container=RunQueuedOut,
                description=(
                    f"A batch of {JOB_THRESHOLD_ITEMS} items or more is assigned as a background job: "
                    "the answer names the job and its state; poll the batch until its status is "
                    '"assigned" (the job\'s errors say why, if it cannot be staffed).'
                ),
            ),
        },
        description=(
            "Assign experts to a draft batch. A smaller batch is solved at once (200, the run's summary); "
            f"a batch of {JOB_THRESHOLD_ITEMS} items or more runs as a background job (202, the job id)."
        ),
    )
    async def run(
        self, actor: NamedDependency[Actor], batch_id: RowId, data: JSONBody[RunIn]
    ) -> Response[RunOut | RunQueuedOut]:
        outcome = await services.assign(actor, batch_id, data.mode, data.seed)
        return Response(outcome, status_code=HTTP_202_ACCEPTED if isinstance(outcome, RunQueuedOut) else HTTP_200_OK)

    @get("/{batch_id:int}/results", responses=errors(401, 403, 404))
    async def results(self, actor: NamedDependency[Actor], batch_id: RowId) -> list[ItemResultOut]:
        return await services.batch_results(actor, batch_id)

    @post("/{batch_id:int}/reminders", status_code=201, responses=errors(401, 403, 404, 413, 422))
    async def remind(
        self, actor: NamedDependency[Actor], batch_id: RowId, data: JSONBody[ReminderIn]
    ) -> dict[str, int]:
        return {"id": await services.send_reminder(actor, batch_id, data.expert_id, data.message)}

    @post("/{batch_id:int}/deadline-reminders", status_code=200, responses=errors(401, 403, 404, 422))
    async def remind_outstanding(self, actor: NamedDependency[Actor], batch_id: RowId) -> dict[str, int]:
        return {"sent": await deadlines.remind_batch_now(actor, batch_id)}

    @post(
        "/{batch_id:int}/assignments/{assignment_id:int}/withdraw-overdue",
        status_code=200,
        responses=errors(401, 403, 404, 409),
    )
    async def withdraw_overdue(
        self, actor: NamedDependency[Actor], batch_id: RowId, assignment_id: RowId
    ) -> dict[str, list[dict[str, object]]]:
        problems = await deadlines.withdraw_overdue(actor, assignment_id, batch_id)
        return {"replacement_problems": _reasons(problems)}


class MyReviewApi(Controller):
    path = "/api/expert"
    tags = ["Expert portal"]
    guards = [requires_role("expert")]
    security = SIGNED_IN

    @get("/assignments", responses=errors(401, 403, 404))
    async def assignments(self, actor: NamedDependency[Actor]) -> list[MyAssignmentOut]:
        return [MyAssignmentOut(**a) for a in await services.my_assignments(actor)]

    @post("/assignments/{assignment_id:int}/respond", status_code=200, responses=errors(401, 403, 404, 409, 413, 422))
    async def respond(
        self, actor: NamedDependency[Actor], assignment_id: RowId, data: JSONBody[RespondIn]
    ) -> dict[str, object]:
        reasons = await services.respond(actor, assignment_id, data.action, data.reason)
        return {"replacement_problems": _reasons(reasons)}

    @put("/assignments/{assignment_id:int}/review", responses=errors(401, 403, 404, 409, 413, 422))
    async def review(
        self, actor: NamedDependency[Actor], assignment_id: RowId, data: JSONBody[ReviewIn]
    ) -> dict[str, str]:
        return {"status": await services.save_review(actor, assignment_id, data)}

    @get("/profile", responses=errors(401, 403, 404))
    async def profile(self, actor: NamedDependency[Actor]) -> ExpertOut:
        return ExpertOut(**await services.my_expert(actor))

    @put("/profile", responses=errors(401, 403, 404, 413, 422))
    async def update_profile(self, actor: NamedDependency[Actor], data: JSONBody[ProfileIn]) -> ExpertOut:
        await services.update_profile(actor, data)
        return ExpertOut(**await services.my_expert(actor))

    @post("/relations", status_code=201, responses=errors(401, 403, 404, 413, 422))
    async def add_relation(self, actor: NamedDependency[Actor], data: JSONBody[RelationIn]) -> dict[str, int]:
        return {"id": await services.add_relation(actor, data)}


ROUTES = [ExpertApi, ConflictApi, BatchApi, MyReviewApi]
