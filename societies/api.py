"""JSON API for societies, pilot projects and the public disclosure list."""

from __future__ import annotations

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from accounts.rules import Actor
from societies import services
from societies.schemas import (
    ActionIn,
    AmendmentIn,
    AmendmentOut,
    DecisionIn,
    EvaluationIn,
    EvaluationOut,
    IntegrityViolationIn,
    IntegrityViolationOut,
    KpiReadingIn,
    MeetingIn,
    MeetingOut,
    PilotIn,
    PilotOut,
    PublicPilotOut,
    ReportIn,
    ReportOut,
    SocietyIn,
    SocietyOut,
)
from xuehui.openapi import SIGNED_IN, QueryText, RowId, errors
from xuehui.web import requires_role, signed_in


def _pilot_out(view: dict[str, object]) -> PilotOut:
    return PilotOut.model_validate(view)


class SocietyApi(Controller):
    path = "/api/societies"
    tags = ["Societies"]
    guards = [signed_in]
    security = SIGNED_IN

    @get("/", responses=errors(401))
    async def list_societies(self, actor: NamedDependency[Actor]) -> list[SocietyOut]:
        return [SocietyOut(**row) for row in await services.list_societies(actor)]

    @get("/{society_id:int}", responses=errors(401, 404))
    async def get_society(self, actor: NamedDependency[Actor], society_id: RowId) -> SocietyOut:
        return SocietyOut(**await services.get_society(actor, society_id))

    @post("/", status_code=201, guards=[requires_role("admin")], responses=errors(401, 403, 404, 409, 413, 422))
    async def create_society(self, actor: NamedDependency[Actor], data: JSONBody[SocietyIn]) -> SocietyOut:
        society_id = await services.create_society(actor, data)
        return SocietyOut(**await services.get_society(actor, society_id))

    @put("/{society_id:int}", guards=[requires_role("admin")], responses=errors(401, 403, 404, 409, 413, 422))
    async def update_society(
        self, actor: NamedDependency[Actor], society_id: RowId, data: JSONBody[SocietyIn]
    ) -> SocietyOut:
        await services.update_society(actor, society_id, data)
        return SocietyOut(**await services.get_society(actor, society_id))

    @get("/{society_id:int}/integrity-violations", guards=[requires_role("admin")], responses=errors(401, 403, 404))
    async def list_violations(self, actor: NamedDependency[Actor], society_id: RowId) -> list[IntegrityViolationOut]:
        await services.get_society(actor, society_id)
        return [IntegrityViolationOut(**row) for row in await services.integrity_violations_of([society_id])]

    @post(
        "/{society_id:int}/integrity-violations",
        status_code=201,
        guards=[requires_role("admin")],
        responses=errors(401, 403, 404, 409, 413, 422),
    )
    async def record_violation(
        self, actor: NamedDependency[Actor], society_id: RowId, data: JSONBody[IntegrityViolationIn]
    ) -> list[IntegrityViolationOut]:
        await services.record_integrity_violation(
            actor, society_id, data.kind, data.found_on, data.description, data.source
        )
        return [IntegrityViolationOut(**row) for row in await services.integrity_violations_of([society_id])]


class PilotApi(Controller):
    path = "/api/pilots"
    tags = ["Pilot projects"]
    guards = [requires_role("admin", "society", "exam_admin")]
    security = SIGNED_IN

    @get("/", responses=errors(401, 403))
    async def list_pilots(self, actor: NamedDependency[Actor], status: QueryText = "") -> list[PilotOut]:
        return [_pilot_out(view) for view in await services.list_pilots(actor, status=status)]

    @get("/{project_id:int}", responses=errors(401, 403, 404))
    async def get_pilot(self, actor: NamedDependency[Actor], project_id: RowId) -> PilotOut:
        return _pilot_out(await services.get_pilot(actor, project_id))

    @post("/", status_code=201, responses=errors(401, 403, 404, 409, 413, 422))
    async def create_pilot(self, actor: NamedDependency[Actor], data: JSONBody[PilotIn]) -> PilotOut:
        project_id = await services.create_pilot(actor, data)
        return _pilot_out(await services.get_pilot(actor, project_id))

    @put("/{project_id:int}", responses=errors(401, 403, 404, 409, 413, 422))
    async def update_pilot(self, actor: NamedDependency[Actor], project_id: RowId, data: JSONBody[PilotIn]) -> PilotOut:
        await services.update_pilot(actor, project_id, data)
        return _pilot_out(await services.get_pilot(actor, project_id))

    @post("/{project_id:int}/actions", status_code=200, responses=errors(401, 403, 404, 409, 413, 422))
    async def act(self, actor: NamedDependency[Actor], project_id: RowId, data: JSONBody[ActionIn]) -> PilotOut:
        await services.act(actor, project_id, data)
        return _pilot_out(await services.get_pilot(actor, project_id))

    @post("/{project_id:int}/amendments", status_code=201, responses=errors(401, 403, 404, 409, 413, 422))
    async def propose_amendment(
        self, actor: NamedDependency[Actor], project_id: RowId, data: JSONBody[AmendmentIn]
    ) -> list[AmendmentOut]:
        await services.propose_amendment(actor, project_id, data)
        return [AmendmentOut(**row) for row in await services.list_amendments(actor, project_id)]

    @post(
        "/amendments/{amendment_id:int}/decision",
        status_code=200,
        guards=[requires_role("admin")],
        responses=errors(401, 403, 404, 409, 413),
    )
    async def decide_amendment(
        self, actor: NamedDependency[Actor], amendment_id: RowId, data: JSONBody[DecisionIn]
    ) -> None:
        await services.decide_amendment(actor, amendment_id, data.approve, data.note)

    @post("/{project_id:int}/reports", status_code=201, responses=errors(401, 403, 404, 409, 413, 422))
    async def add_report(
        self, actor: NamedDependency[Actor], project_id: RowId, data: JSONBody[ReportIn]
    ) -> list[ReportOut]:
        await services.add_report(actor, project_id, data)
        records = await services.project_records(actor, project_id)
        return [ReportOut(**row) for row in records["reports"]]

    @post("/{project_id:int}/meetings", status_code=201, responses=errors(401, 403, 404, 409, 413, 422))
    async def add_meeting(
        self, actor: NamedDependency[Actor], project_id: RowId, data: JSONBody[MeetingIn]
    ) -> list[MeetingOut]:
        await services.add_meeting(actor, project_id, data)
        records = await services.project_records(actor, project_id)
        return [MeetingOut(**row) for row in records["meetings"]]

    @post(
        "/{project_id:int}/evaluations",
        status_code=201,
        guards=[requires_role("admin")],
        responses=errors(401, 403, 404, 409, 413, 422),
    )
    async def add_evaluation(
        self, actor: NamedDependency[Actor], project_id: RowId, data: JSONBody[EvaluationIn]
    ) -> list[EvaluationOut]:
        await services.add_evaluation(actor, project_id, data)
        records = await services.project_records(actor, project_id)
        return [EvaluationOut(**row) for row in records["evaluations"]]

    @post("/{project_id:int}/kpi-readings", status_code=201, responses=errors(401, 403, 404, 409, 413, 422))
    async def add_kpi_reading(
        self, actor: NamedDependency[Actor], project_id: RowId, data: JSONBody[KpiReadingIn]
    ) -> list[dict[str, object]]:
        await services.add_kpi_reading(actor, project_id, data)
        return await services.kpi_table(await services.get_pilot(actor, project_id))


class PublicPilotApi(Controller):
    path = "/api/public/pilots"
    tags = ["Public disclosure"]

    @get("/")
    async def list_public(self) -> list[PublicPilotOut]:
        return [
            PublicPilotOut(**{**view, "society_name": view["society_name"], "reports": []})
            for view in await services.public_pilots()
        ]

    @get("/{project_id:int}", responses=errors(404))
    async def get_public(self, project_id: RowId) -> PublicPilotOut:
        view = await services.public_pilot(project_id)
        return PublicPilotOut(**{**view, "reports": [ReportOut(**r) for r in view["reports"]]})


ROUTES = [SocietyApi, PilotApi, PublicPilotApi]
