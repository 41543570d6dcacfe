"""Account use cases: sign-in, sessions, users, API tokens and the audit log.

Services own transactions and authorisation; every state change writes an audit entry in
the same transaction, so the log can never disagree with the data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from accounts import passwords
from accounts.rules import (
    Actor,
    login_refusal,
    password_problems,
    require_admin,
    session_expired,
    should_touch,
    validate_role,
)
from accounts.tables import ApiToken, AuditEntry, LoginFailure, Session, User
from xuehui.clock import aware, now
from xuehui.db import serialize_on, write_transaction
from xuehui.errors import Conflict, Forbidden, InvalidInput, NotFound, Reason, TooManyRequests
from xuehui.settings import Settings, get_settings
from xuehui.text import line_problems

TOKEN_PREFIX = "xh_"  # noqa: S105 - a public marker, not a secret

BAD_LOGIN = Reason("login.invalid", "用户名或密码不正确", "wrong user name or password")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _actor(user: dict[str, Any], ip: str = "", session_id: int | None = None) -> Actor:
    return Actor(
        user_id=user["id"],
        username=user["username"],
        display_name=user["display_name"],
        role=user["role"],
        society_id=user["society_id"],
        ip=ip,
        session_id=session_id,
    )


# --- audit -------------------------------------------------------------------------------


async def audit(
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: object = "",
    summary: dict[str, Any] | None = None,
    society_id: int | None = None,
    note: str = "",
) -> None:
    """Append one entry. Call inside the write transaction of the change it describes."""
    await AuditEntry.insert(
        AuditEntry(
            at=now(),
            actor_id=actor.user_id if actor else None,
            actor_name=actor.username if actor else "",
            actor_role=actor.role if actor else "public",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            society_id=society_id,
            summary=json.dumps(summary or {}, ensure_ascii=False, default=str, sort_keys=True),
            ip=actor.ip if actor else "",
            note=note,
        )
    )


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    object_type: str = ""
    actor: str = ""
    society_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None


async def list_audit(actor: Actor, filters: AuditFilter, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    if not actor.is_admin:
        raise Forbidden(
            Reason("audit.forbidden", "只有管理员可以查看审计日志", "only administrators read the audit log")
        )
    query = AuditEntry.select().order_by(AuditEntry.id, ascending=False).limit(limit).offset(offset)
    if filters.action:
        query = query.where(AuditEntry.action.like(f"{filters.action}%"))
    if filters.object_type:
        query = query.where(AuditEntry.object_type == filters.object_type)
    if filters.actor:
        query = query.where(AuditEntry.actor_name == filters.actor)
    if filters.society_id is not None:
        query = query.where(AuditEntry.society_id == filters.society_id)
    if filters.since:
        query = query.where(AuditEntry.at >= dt.datetime.combine(filters.since, dt.time(), dt.UTC))
    if filters.until:
        query = query.where(
            AuditEntry.at < dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time(), dt.UTC)
        )
    rows = await query.output(load_json=True)
    for row in rows:
        row["at"] = aware(row["at"])
    return rows


# --- sign-in and sessions ------------------------------------------------------------------


async def _failures_since(username: str, ip: str, since: dt.datetime) -> tuple[int, int]:
    per_account = await LoginFailure.count().where((LoginFailure.username == username) & (LoginFailure.at >= since))
    per_address = await LoginFailure.count().where((LoginFailure.ip == ip) & (LoginFailure.at >= since))
    return per_account, per_address


async def login(username: str, password: str, ip: str, user_agent: str = "") -> tuple[str, Actor]:
    """Check the credentials and open a new session; returns the session cookie value.

    The session id is always freshly generated here, whatever cookie the client sent, so a
    fixated id can never become authenticated.
    """
    settings = get_settings()
    username = username.strip()
    window_start = now() - dt.timedelta(minutes=settings.login_window_minutes)
    # Count and record the attempt as a failure before the password is checked, one transaction
    # per account and address at a time: simultaneous guesses (on any instance) each see the
    # ones before them, so no burst gets more checks than the limit. Success deletes the record.
    async with write_transaction():
        await serialize_on(f"login:{username}")
        await serialize_on(f"login-ip:{ip}")
        refusal = login_refusal(
            *await _failures_since(username, ip, window_start),
            settings.login_max_failures_per_account,
            settings.login_max_failures_per_address,
        )
        if refusal:
            raise TooManyRequests(refusal)
        await LoginFailure.insert(LoginFailure(username=username, ip=ip, at=now()))
    user = await User.objects().where(User.username == username).first()
    if user is None:
        await passwords.verify_password(
            passwords.dummy_hash(settings.argon2_profile), password, settings.argon2_profile
        )
        ok = False
    else:
        ok = await passwords.verify_password(user.password_hash, password, settings.argon2_profile) and user.active
    if user is None or not ok:
        raise InvalidInput(BAD_LOGIN)
    token = secrets.token_urlsafe(32)
    rehashed = (
        await passwords.hash_password(password, settings.argon2_profile)
        if passwords.needs_rehash(user.password_hash, settings.argon2_profile)
        else None
    )
    async with write_transaction():
        if rehashed:
            await User.update({User.password_hash: rehashed}).where(User.id == user.id)
        await LoginFailure.delete().where(LoginFailure.username == username)
        moment = now()
        session = Session(
            token_hash=_digest(token),
            user=user.id,
            created_at=moment,
            last_seen_at=moment,
            ip=ip,
            user_agent=user_agent[:300],
        )
        await session.save()
        actor = _actor(user.to_dict(), ip, session.id)
        await audit(actor, "account.login", "user", user.id, {"rehashed": bool(rehashed)})
    return token, actor


async def resolve_session(token: str, ip: str = "") -> Actor | None:
    """The actor behind a session cookie, or None when it is unknown, expired or disabled."""
    if not token or len(token) > 200:
        return None
    settings = get_settings()
    row = await (
        Session.select(
            Session.id,
            Session.created_at,
            Session.last_seen_at,
            *Session.user.all_columns(exclude=[Session.user.password_hash]),
        )
        .where(Session.token_hash == _digest(token))
        .first()
    )
    if row is None:
        return None
    moment = now()
    created, seen = aware(row["created_at"]), aware(row["last_seen_at"])
    idle = dt.timedelta(minutes=settings.session_idle_minutes)
    absolute = dt.timedelta(hours=settings.session_absolute_hours)
    if session_expired(created, seen, moment, idle, absolute) or not row["user.active"]:
        async with write_transaction():
            await Session.delete().where(Session.id == row["id"])
        return None
    if should_touch(seen, moment):
        async with write_transaction():
            await Session.update({Session.last_seen_at: moment}).where(Session.id == row["id"])
    user = {key.removeprefix("user."): value for key, value in row.items() if key.startswith("user.")}
    return _actor(user, ip, row["id"])


async def logout(actor: Actor) -> None:
    async with write_transaction():
        if actor.session_id is not None:
            await Session.delete().where(Session.id == actor.session_id)
        await audit(actor, "account.logout", "user", actor.user_id)


async def change_password(actor: Actor, current: str, new: str) -> str:
    """Change the actor's password, end all their sessions and open a fresh one (returned)."""
    settings = get_settings()
    user = await User.objects().where(User.id == actor.user_id).first()
    if user is None:
        raise NotFound(Reason("user.not_found", "用户不存在", "user not found"))
    if not await passwords.verify_password(user.password_hash, current, settings.argon2_profile):
        raise InvalidInput(
            Reason("password.wrong_current", "当前密码不正确", "the current password is wrong", "current_password")
        )
    problems = password_problems(new, user.username)
    if problems:
        raise InvalidInput(problems)
    new_hash = await passwords.hash_password(new, settings.argon2_profile)
    token = secrets.token_urlsafe(32)
    async with write_transaction():
        moment = now()
        await User.update(
            {User.password_hash: new_hash, User.password_changed_at: moment, User.must_change_password: False}
        ).where(User.id == user.id)
        await Session.delete().where(Session.user == user.id)
        await Session.insert(
            Session(token_hash=_digest(token), user=user.id, created_at=moment, last_seen_at=moment, ip=actor.ip)
        )
        await audit(actor, "account.password_changed", "user", user.id)
    return token


# --- users ---------------------------------------------------------------------------------


async def create_user(
    actor: Actor | None,
    *,
    username: str,
    display_name: str,
    role: str,
    password: str,
    society_id: int | None = None,
    email: str = "",
    must_change_password: bool = True,
    settings: Settings | None = None,
) -> int:
    """Create an account. `actor` None means the command line (trusted operator)."""
    if actor is not None:
        require_admin(actor)
    settings = settings or get_settings()
    username = username.strip()
    problems: list[Reason] = []
    if not username or len(username) > 64 or not all(c.isalnum() or c in "._-@" for c in username):
        problems.append(
            Reason(
                "user.username",
                "用户名须为1-64位字母、数字或 . _ - @",
                "the user name must be 1-64 letters, digits or . _ - @",
                "username",
            )
        )
    if not display_name.strip():
        problems.append(Reason("user.display_name", "请填写姓名", "the name is required", "display_name"))
    problems += line_problems({"display_name": display_name})
    problems += line_problems({"email": email}, max_length=200)
    problems += validate_role(role, society_id)
    problems += password_problems(password, username, "password")
    if problems:
        raise InvalidInput(problems)
    if await User.exists().where(User.username == username):
        raise Conflict(Reason("user.exists", "用户名已被使用", "this user name is taken", "username"))
    password_hash = await passwords.hash_password(password, settings.argon2_profile)
    async with write_transaction():
        moment = now()
        user = User(
            username=username,
            display_name=display_name.strip(),
            email=email.strip(),
            role=role,
            society_id=society_id,
            password_hash=password_hash,
            active=True,
            must_change_password=must_change_password,
            created_at=moment,
            password_changed_at=moment,
        )
        await user.save()
        await audit(actor, "account.user_created", "user", user.id, {"username": username, "role": role}, society_id)
    return int(user.id)


async def set_active(actor: Actor, user_id: int, active: bool) -> None:
    """Enable or disable an account; disabling ends its sessions and revokes nothing else."""
    require_admin(actor)
    if user_id == actor.user_id and not active:
        raise Conflict(Reason("user.self_disable", "不能停用自己的账号", "you cannot disable your own account"))
    async with write_transaction():
        updated = await User.update({User.active: active}).where(User.id == user_id).returning(User.id)
        if not updated:
            raise NotFound(Reason("user.not_found", "用户不存在", "user not found"))
        if not active:
            await Session.delete().where(Session.user == user_id)
        await audit(actor, "account.enabled" if active else "account.disabled", "user", user_id)


USER_COLUMNS = (
    User.id,
    User.username,
    User.display_name,
    User.email,
    User.role,
    User.society_id,
    User.active,
    User.created_at,
)


async def list_users(actor: Actor, role: str = "", society_id: int | None = None) -> list[dict[str, Any]]:
    require_admin(actor)
    query = User.select(*USER_COLUMNS).order_by(User.username)
    if role:
        query = query.where(User.role == role)
    if society_id is not None:
        query = query.where(User.society_id == society_id)
    return await query


async def users_of_society(society_id: int) -> list[dict[str, Any]]:
    return await User.select(*USER_COLUMNS).where(User.society_id == society_id).order_by(User.username)


async def get_user(actor: Actor, user_id: int) -> dict[str, Any]:
    if not (actor.is_admin or actor.user_id == user_id):
        raise NotFound(Reason("user.not_found", "用户不存在", "user not found"))
    row = await User.select(*USER_COLUMNS).where(User.id == user_id).first()
    if row is None:
        raise NotFound(Reason("user.not_found", "用户不存在", "user not found"))
    return row


# --- API tokens ----------------------------------------------------------------------------


async def create_api_token(actor: Actor, name: str) -> tuple[int, str]:
    """Create a personal token; the plain value is returned once and stored only as a hash."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput(
            Reason("token.name", "请填写令牌名称（不超过100字）", "name the token (at most 100 characters)", "name")
        )
    if problems := line_problems({"name": name}):
        raise InvalidInput(problems)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    async with write_transaction():
        token = ApiToken(user=actor.user_id, name=name, prefix=plain[:10], token_hash=_digest(plain), created_at=now())
        await token.save()
        await audit(actor, "account.token_created", "api_token", token.id, {"name": name})
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
        await audit(actor, "account.token_revoked", "api_token", token_id)


async def resolve_api_token(plain: str, ip: str = "") -> Actor | None:
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    row = await (
        ApiToken.select(
            ApiToken.id, ApiToken.last_used_at, *ApiToken.user.all_columns(exclude=[ApiToken.user.password_hash])
        )
        .where((ApiToken.token_hash == _digest(plain)) & ApiToken.revoked_at.is_null())
        .first()
    )
    if row is None or not row["user.active"]:
        return None
    moment = now()
    if row["last_used_at"] is None or should_touch(aware(row["last_used_at"]), moment):
        async with write_transaction():
            await ApiToken.update({ApiToken.last_used_at: moment}).where(ApiToken.id == row["id"])
    user = {key.removeprefix("user."): value for key, value in row.items() if key.startswith("user.")}
    return _actor(user, ip)


async def count_active_sessions(user_id: int) -> int:
    return int(await Session.count().where(Session.user == user_id))
