"""JSON API for accounts: who am I, users (admin), personal tokens, the audit log (admin)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody, QueryParameter

from accounts import services
from accounts.rules import Actor
from accounts.schemas import AuditOut, MeOut, TokenCreatedOut, TokenIn, TokenOut, UserIn, UserOut
from xuehui.openapi import MAX_ROW_ID, SIGNED_IN, QueryText, RowId, errors
from xuehui.web import requires_role, signed_in


class AccountApi(Controller):
    path = "/api"
    tags = ["Accounts"]
    guards = [signed_in]
    security = SIGNED_IN

    @get("/me", responses=errors(401))
    async def me(self, actor: NamedDependency[Actor]) -> MeOut:
        return MeOut(
            id=actor.user_id,
            username=actor.username,
            display_name=actor.display_name,
            role=actor.role,
            society_id=actor.society_id,
        )

    @get("/tokens", responses=errors(401))
    async def tokens(self, actor: NamedDependency[Actor]) -> list[TokenOut]:
        return [TokenOut(**row) for row in await services.list_api_tokens(actor)]

    @post("/tokens", status_code=201, responses=errors(401, 403, 413, 422))
    async def create_token(self, actor: NamedDependency[Actor], data: JSONBody[TokenIn]) -> TokenCreatedOut:
        token_id, plain = await services.create_api_token(actor, data.name, data.days, data.scope, data.areas)
        made = next(t for t in await services.list_api_tokens(actor) if t["id"] == token_id)
        return TokenCreatedOut(
            id=token_id,
            name=made["name"],
            token=plain,
            scope=made["scope"],
            areas=made["areas"],
            expires_at=made["expires_at"],
        )

    @delete("/tokens/{token_id:int}", status_code=204, responses=errors(401, 403, 404))
    async def revoke_token(self, actor: NamedDependency[Actor], token_id: RowId) -> None:
        await services.revoke_api_token(actor, token_id)


class UserAdminApi(Controller):
    path = "/api/users"
    tags = ["Accounts"]
    guards = [requires_role("admin")]
    security = SIGNED_IN

    @get("/", responses=errors(401, 403))
    async def list_users(self, actor: NamedDependency[Actor], role: QueryText = "") -> list[UserOut]:
        return [UserOut(**row) for row in await services.list_users(actor, role=role)]

    @post("/", status_code=201, responses=errors(401, 403, 409, 413, 422))
    async def create_user(self, actor: NamedDependency[Actor], data: JSONBody[UserIn]) -> UserOut:
        user_id = await services.create_user(
            actor,
            username=data.username,
            display_name=data.display_name,
            role=data.role,
            password=data.password,
            society_id=data.society_id,
            email=data.email,
        )
        return UserOut(**await services.get_user(actor, user_id))

    @post("/{user_id:int}/disable", status_code=200, responses=errors(401, 403, 404, 409))
    async def disable(self, actor: NamedDependency[Actor], user_id: RowId) -> UserOut:
        await services.set_active(actor, user_id, False)
        return UserOut(**await services.get_user(actor, user_id))

    @post("/{user_id:int}/enable", status_code=200, responses=errors(401, 403, 404, 409))
    async def enable(self, actor: NamedDependency[Actor], user_id: RowId) -> UserOut:
        await services.set_active(actor, user_id, True)
        return UserOut(**await services.get_user(actor, user_id))


class AuditApi(Controller):
    path = "/api/audit"
    tags = ["Audit"]
    guards = [requires_role("admin")]
    security = SIGNED_IN

    @get("/", responses=errors(401, 403))
    async def list_entries(
        self,
        actor: NamedDependency[Actor],
        action: QueryText = "",
        object_type: QueryText = "",
        user: QueryText = "",
        since: FromQuery[dt.date | None] = None,
        until: FromQuery[dt.date | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000, description="At most this many entries")] = 100,
        offset: Annotated[int, QueryParameter(ge=0, le=MAX_ROW_ID, description="Skip this many entries")] = 0,
    ) -> list[AuditOut]:
        filters = services.AuditFilter(action=action, object_type=object_type, actor=user, since=since, until=until)
        rows = await services.list_audit(actor, filters, limit=limit, offset=offset)
        return [AuditOut(**row) for row in rows]


ROUTES = [AccountApi, UserAdminApi, AuditApi]
