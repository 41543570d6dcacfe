"""JSON API for exams: plans, registrations, review, seating, publication, results, re-checks,
score-import jobs, and the public result look-up and certificate verification."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from accounts.rules import Actor
from exams import services
from exams.schemas import (
    JobOut,
    LookupIn,
    PlanIn,
    PlanOut,
    RecheckDecisionIn,
    RecheckIn,
    RegistrationIn,
    RegistrationOut,
    ReviewIn,
    RoomIn,
    ScoreCommitIn,
    SubjectIn,
)
from xuehui import jobs
from xuehui.openapi import MAX_ROW_ID, SIGNED_IN, PathText, QueryText, RowId, errors
from xuehui.web import client_ip, requires_role


def _registration_out(row: dict[str, Any]) -> RegistrationOut:
    return RegistrationOut.model_validate(row)


class ExamPlanApi(Controller):
    path = "/api/exams/plans"
    tags = ["Exams"]
    guards = [requires_role("admin", "exam_admin")]
    security = SIGNED_IN

    @get("/", responses=errors(401, 403))
    async def list_plans(self, actor: NamedDependency[Actor]) -> list[PlanOut]:
        return [PlanOut.model_validate(p) for p in await services.list_plans(actor)]

    @post("/", status_code=201, responses=errors(401, 403, 409, 413, 422))
    async def create_plan(self, actor: NamedDependency[Actor], data: JSONBody[PlanIn]) -> PlanOut:
        plan_id = await services.create_plan(actor, data)
        return PlanOut.model_validate(await services.get_plan(actor, plan_id))

    @get("/{plan_id:int}", responses=errors(401, 403, 404))
    async def get_plan(self, actor: NamedDependency[Actor], plan_id: RowId) -> PlanOut:
        return PlanOut.model_validate(await services.get_plan(actor, plan_id))

    @post("/{plan_id:int}/subjects", status_code=201, responses=errors(401, 403, 404, 409, 413, 422))
    async def add_subject(self, actor: NamedDependency[Actor], plan_id: RowId, data: JSONBody[SubjectIn]) -> PlanOut:
        await services.add_subject(actor, plan_id, data)
        return PlanOut.model_validate(await services.get_plan(actor, plan_id))

    @post("/{plan_id:int}/rooms", status_code=201, responses=errors(401, 403, 404, 409, 413, 422))
    async def add_room(self, actor: NamedDependency[Actor], plan_id: RowId, data: JSONBody[RoomIn]) -> PlanOut:
        await services.add_room(actor, plan_id, data)
        return PlanOut.model_validate(await services.get_plan(actor, plan_id))

    @get("/{plan_id:int}/registrations", responses=errors(401, 403, 404))
    async def registrations(
        self, actor: NamedDependency[Actor], plan_id: RowId, status: QueryText = ""
    ) -> list[RegistrationOut]:
        return [_registration_out(r) for r in await services.list_registrations(actor, plan_id, status)]

    @post("/{plan_id:int}/seating", status_code=200, responses=errors(401, 403, 404, 409, 422))
    async def allocate(self, actor: NamedDependency[Actor], plan_id: RowId) -> dict[str, Any]:
        return await services.allocate_seats(actor, plan_id)

    @post("/{plan_id:int}/publish", status_code=200, responses=errors(401, 403, 404, 409))
    async def publish(self, actor: NamedDependency[Actor], plan_id: RowId) -> dict[str, Any]:
        await services.publish(actor, plan_id)
        return {"published": True}

    @post("/{plan_id:int}/certificates", status_code=200, responses=errors(401, 403, 404, 409))
    async def certificates(self, actor: NamedDependency[Actor], plan_id: RowId) -> dict[str, Any]:
        return {"issued": await services.issue_certificates(actor, plan_id)}

    @get("/{plan_id:int}/results", responses=errors(401, 403, 404))
    async def results(self, actor: NamedDependency[Actor], plan_id: RowId) -> dict[str, Any]:
        found = await services.plan_results(actor, plan_id)
        return {
            "stats": [{k: v for k, v in s.items() if k != "sum"} for s in found["stats"]],
            "rows": [
                {
                    "registration_id": row["registration"]["id"],
                    "ticket_no": row["registration"]["ticket_no"],
                    "results": row["results"],
                    "qualified": row["qualified"],
                }
                for row in found["rows"]
            ],
        }

    @get("/kpis", responses=errors(401, 403, 404))
    async def kpis(
        self,
        actor: NamedDependency[Actor],
        society_id: Annotated[
            int | None, QueryParameter(ge=1, le=MAX_ROW_ID, description="A society (admin only)")
        ] = None,
    ) -> list[dict[str, Any]]:
        wanted = society_id if actor.is_admin and society_id is not None else actor.society_id
        return [asdict(k) for k in await services.pilot_kpis(wanted)] if wanted is not None else []


class ExamRegistrationApi(Controller):
    path = "/api/exams"
    tags = ["Exams"]
    security = SIGNED_IN

    @post(
        "/plans/{plan_id:int}/register",
        status_code=201,
        guards=[requires_role("candidate")],
        responses=errors(401, 403, 404, 409, 413, 422),
    )
    async def register(
        self, actor: NamedDependency[Actor], plan_id: RowId, data: JSONBody[RegistrationIn]
    ) -> RegistrationOut:
        registration_id = await services.register(actor, plan_id, data)
        return _registration_out(await services.get_registration(actor, registration_id))

    @get("/my-registrations", guards=[requires_role("candidate")], responses=errors(401, 403))
    async def mine(self, actor: NamedDependency[Actor]) -> list[RegistrationOut]:
        return [_registration_out(r) for r in await services.my_registrations(actor)]

    @get(
        "/registrations/{registration_id:int}",
        guards=[requires_role("admin", "exam_admin", "candidate")],
        responses=errors(401, 403, 404),
    )
    async def get_registration(self, actor: NamedDependency[Actor], registration_id: RowId) -> RegistrationOut:
        return _registration_out(await services.get_registration(actor, registration_id))

    @post(
        "/registrations/{registration_id:int}/review",
        status_code=200,
        guards=[requires_role("admin", "exam_admin")],
        responses=errors(401, 403, 404, 409, 413, 422),
    )
    async def review(
        self, actor: NamedDependency[Actor], registration_id: RowId, data: JSONBody[ReviewIn]
    ) -> RegistrationOut:
        await services.review(actor, registration_id, data)
        return _registration_out(await services.get_registration(actor, registration_id))

    @post(
        "/registrations/{registration_id:int}/paid",
        status_code=200,
        guards=[requires_role("admin", "exam_admin")],
        responses=errors(401, 403, 404, 409),
    )
    async def paid(self, actor: NamedDependency[Actor], registration_id: RowId) -> RegistrationOut:
        await services.mark_paid(actor, registration_id)
        return _registration_out(await services.get_registration(actor, registration_id))

    @post(
        "/registrations/{registration_id:int}/rechecks",
        status_code=201,
        guards=[requires_role("candidate")],
        responses=errors(401, 403, 404, 409, 413, 422),
    )
    async def recheck(
        self, actor: NamedDependency[Actor], registration_id: RowId, data: JSONBody[RecheckIn]
    ) -> dict[str, Any]:
        return {"id": await services.request_recheck(actor, registration_id, data)}

    @post(
        "/rechecks/{recheck_id:int}/decision",
        status_code=200,
        guards=[requires_role("admin", "exam_admin")],
        responses=errors(401, 403, 404, 409, 413, 422),
    )
    async def decide(
        self, actor: NamedDependency[Actor], recheck_id: RowId, data: JSONBody[RecheckDecisionIn]
    ) -> dict[str, Any]:
        return {"outcome": await services.decide_recheck(actor, recheck_id, data)}

    @post(
        "/imports/{import_id:int}/commit",
        status_code=202,
        guards=[requires_role("admin", "exam_admin")],
        responses=errors(401, 403, 404, 409, 413, 422),
    )
    async def commit(
        self, actor: NamedDependency[Actor], import_id: RowId, data: JSONBody[ScoreCommitIn]
    ) -> dict[str, Any]:
        return {
            "job_id": await services.commit_score_import(actor, import_id, data.confirm_replace, data.remove_missing)
        }

    @get("/jobs/{job_id:int}", guards=[requires_role("admin", "exam_admin")], responses=errors(401, 403, 404))
    async def job(self, actor: NamedDependency[Actor], job_id: RowId) -> JobOut:
        return JobOut.model_validate(await jobs.get_job(actor, job_id))


class PublicExamApi(Controller):
    path = "/api/public"
    tags = ["Public"]

    @post("/exam-results", status_code=200, responses=errors(403, 404, 429))
    async def lookup(self, request: Request[Any, Any, Any], data: JSONBody[LookupIn]) -> dict[str, Any]:
        """Published results by name, ticket and identity number, sent in the body (never the URL)."""
        found = await services.public_lookup(data.name, data.ticket_no, data.id_number, client_ip(request.scope))
        return {
            "name": found["registration"]["name"],
            "plan": found["registration"]["plan_row"]["name"],
            "results": found["results"]["subjects"],
            "qualified": found["results"]["qualified"],
        }

    @get("/certificates/{number:str}", responses=errors(404, 422))
    async def verify(self, number: PathText) -> dict[str, Any]:
        found = await services.verify_certificate(number)
        keys = ("number", "name", "id_number", "issued_on", "status", "plan.name", "valid_until", "revoked_on")
        return {
            **{k: found[k] for k in keys},
            "state": str(found["state"]),
            "revoked_reason": found["revoked_reason"],
            "notes": found["notes"],
        }


ROUTES = [ExamPlanApi, ExamRegistrationApi, PublicExamApi]
