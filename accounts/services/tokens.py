"""Personal API tokens: created once in plain view, stored as a hash, revoked by their owner."""

from __future__ import annotations

import secrets
from typing import Any

from accounts.rules import AccountsAudit, AccountsObject, Actor, should_touch
from accounts.services._shared import actor_of, digest
from accounts.services.audit_log import audit
from accounts.tables import ApiToken
from xuehui.clock import aware, now
from xuehui.db import write_transaction
from xuehui.errors import InvalidInput, NotFound, Reason
from xuehui.text import line_problems

TOKEN_PREFIX = "xh_"  # noqa: S105 - a public marker, not a secret
# Random bytes in a token (256 bits); how much of it is kept in clear to tell tokens apart;
# the longest value looked up at all; the longest name.
TOKEN_BYTES = 32
SHOWN_PREFIX = 10
MAX_TOKEN_LENGTH = 200
MAX_NAME_LENGTH = 100


async def create_api_token(actor: Actor, name: str) -> tuple[int, str]:
    """Create a personal token; the plain value is returned once and stored only as a hash."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(
            Reason("token.name", "请填写令牌名称（不超过100字）", "name the token (at most 100 characters)", "name")
        )
    if problems := line_problems({"name": name}):
        raise InvalidInput(problems)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    async with write_transaction():
        token = ApiToken(
            user=actor.user_id, name=name, prefix=plain[:SHOWN_PREFIX], token_hash=digest(plain), created_at=now()
        )
        await token.save()
        await audit(actor, AccountsAudit.TOKEN_CREATED, AccountsObject.API_TOKEN, token.id, {"name": name})
    return int(token.id), plain


async def list_api_tokens(actor: Actor) -> list[dict[str, Any]]:
    return await (
        ApiToken.select(
            ApiToken.id, ApiToken.name, ApiToken.prefix, ApiToken.created_at, ApiToken.last_used_at, ApiToken.revoked_at
        )
        .where(ApiToken.user == actor.user_id)
        .order_by(ApiToken.id)
    )


async def revoke_api_token(actor: Actor, token_id: int) -> None:
    async with write_transaction():
        done = await (
            ApiToken.update({ApiToken.revoked_at: now()})
            .where((ApiToken.id == token_id) & (ApiToken.user == actor.user_id) & ApiToken.revoked_at.is_null())
            .returning(ApiToken.id)
        )
        if not done:
            raise NotFound(Reason("token.not_found", "令牌不存在或已撤销", "token not found or already revoked"))
        await audit(actor, AccountsAudit.TOKEN_REVOKED, AccountsObject.API_TOKEN, token_id)


async def resolve_api_token(plain: str, ip: str = "") -> Actor | None:
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > MAX_TOKEN_LENGTH:
        return None
    row = await (
        ApiToken.select(
            ApiToken.id, ApiToken.last_used_at, *ApiToken.user.all_columns(exclude=[ApiToken.user.password_hash])
        )
        .where((ApiToken.token_hash == digest(plain)) & ApiToken.revoked_at.is_null())
        .first()
    )
    if row is None or not row["user.active"]:
        return None
    moment = now()
    if row["last_used_at"] is None or should_touch(aware(row["last_used_at"]), moment):
        async with write_transaction():
            await ApiToken.update({ApiToken.last_used_at: moment}).where(ApiToken.id == row["id"])
    user = {key.removeprefix("user."): value for key, value in row.items() if key.startswith("user.")}
    return actor_of(user, ip)
