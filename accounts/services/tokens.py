"""Personal API tokens: created once in plain view from a signed-in session (never by another
token), stored as a hash, with an expiry and a scope; revoked by their owner, and all of them
at once when the owner's password changes or the account is disabled."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from accounts.rules import (
    DEFAULT_TOKEN_DAYS,
    MAX_TOKEN_DAYS,
    AccountsAudit,
    AccountsObject,
    Actor,
    TokenArea,
    TokenScope,
    should_touch,
    token_expired,
)
from accounts.services._shared import actor_of, digest
from accounts.services.audit_log import audit
from accounts.tables import ApiToken
from xuehui.clock import aware, now
from xuehui.db import write_transaction
from xuehui.errors import Forbidden, InvalidInput, NotFound, Reason
from xuehui.text import line_problems

TOKEN_PREFIX = "xh_"  # noqa: S105 - a public marker, not a secret
# Random bytes in a token (256 bits); how much of it is kept in clear to tell tokens apart;
# the longest value looked up at all; the longest name.
TOKEN_BYTES = 32
SHOWN_PREFIX = 10
MAX_TOKEN_LENGTH = 200
MAX_NAME_LENGTH = 100


SESSION_ONLY = Reason(
    "token.session_only",
    "只能在登录后的页面或会话中创建令牌，不能用令牌创建令牌",
    "tokens are created from a signed-in session, not with another token",
)


async def create_api_token(
    actor: Actor,
    name: str,
    days: int = DEFAULT_TOKEN_DAYS,
    scope: str = TokenScope.READ.value,
    areas: Sequence[str] = (),
) -> tuple[int, str]:
    """Create a personal token; the plain value is returned once and stored only as a hash."""
    if actor.token_scope is not None:
        raise Forbidden(SESSION_ONLY)
    name = name.strip()
    problems: list[Reason] = []
    if not 1 <= days <= MAX_TOKEN_DAYS:
        problems.append(
            Reason(
                "token.days",
                f"有效期须为1至{MAX_TOKEN_DAYS}天",
                f"the lifetime must be 1 to {MAX_TOKEN_DAYS} days",
                "days",
            )
        )
    if TokenScope.parse(scope) is None:
        problems.append(Reason("token.scope", "请选择令牌权限", "choose what the token may do", "scope"))
    if any(TokenArea.parse(area) is None for area in areas):
        problems.append(Reason("token.areas", "令牌范围无效", "unknown area for the token", "areas"))
    chosen = ",".join(area.value for area in TokenArea if area.value in areas)
    if problems:
        raise InvalidInput(problems)
    if not name or len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(
            Reason("token.name", "请填写令牌名称（不超过100字）", "name the token (at most 100 characters)", "name")
        )
    if problems := line_problems({"name": name}):
        raise InvalidInput(problems)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    async with write_transaction():
        moment = now()
        token = ApiToken(
            user=actor.user_id,
            name=name,
            prefix=plain[:SHOWN_PREFIX],
            token_hash=digest(plain),
            created_at=moment,
            expires_at=moment + dt.timedelta(days=days),
            scope=scope,
            areas=chosen,
        )
        await token.save()
        summary = {"name": name, "days": days, "scope": scope, "areas": chosen}
        await audit(actor, AccountsAudit.TOKEN_CREATED, AccountsObject.API_TOKEN, token.id, summary)
    return int(token.id), plain


async def list_api_tokens(actor: Actor) -> list[dict[str, Any]]:
    """The actor's tokens, each with its areas as a list (empty: all) and `expired` set when its
    lifetime is over."""
    rows = await (
        ApiToken.select(
            ApiToken.id,
            ApiToken.name,
            ApiToken.prefix,
            ApiToken.scope,
            ApiToken.areas,
            ApiToken.created_at,
            ApiToken.expires_at,
            ApiToken.last_used_at,
            ApiToken.revoked_at,
        )
        .where(ApiToken.user == actor.user_id)
        .order_by(ApiToken.id)
    )
    moment = now()
    return [
        {
            **row,
            "areas": [area for area in row["areas"].split(",") if area],
            "expired": token_expired(aware(row["expires_at"]) if row["expires_at"] else None, moment),
        }
        for row in rows
    ]


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


async def end_tokens_of(user_id: int, moment: dt.datetime) -> int:
    """Inside the write transaction of a password change or a disable: revoke every live token
    of the user; returns how many."""
    ended = await (
        ApiToken.update({ApiToken.revoked_at: moment})
        .where((ApiToken.user == user_id) & ApiToken.revoked_at.is_null())
        .returning(ApiToken.id)
    )
    return len(ended)


async def resolve_api_token(plain: str, ip: str = "") -> Actor | None:
    """The actor behind a live token: not revoked, not expired, its owner active and its
    password unchanged since the token was made."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > MAX_TOKEN_LENGTH:
        return None
    row = await (
        ApiToken.select(
            ApiToken.id,
            ApiToken.last_used_at,
            ApiToken.created_at,
            ApiToken.expires_at,
            ApiToken.scope,
            ApiToken.areas,
            *ApiToken.user.all_columns(exclude=[ApiToken.user.password_hash]),
        )
        .where((ApiToken.token_hash == digest(plain)) & ApiToken.revoked_at.is_null())
        .first()
    )
    moment = now()
    if row is None or not row["user.active"]:
        return None
    expires = aware(row["expires_at"]) if row["expires_at"] else None
    if token_expired(expires, moment) or aware(row["user.password_changed_at"]) > aware(row["created_at"]):
        return None
    if row["last_used_at"] is None or should_touch(aware(row["last_used_at"]), moment):
        async with write_transaction():
            await ApiToken.update({ApiToken.last_used_at: moment}).where(ApiToken.id == row["id"])
    user = {key.removeprefix("user."): value for key, value in row.items() if key.startswith("user.")}
    return replace(actor_of(user, ip), token_scope=row["scope"], token_areas=row["areas"])
