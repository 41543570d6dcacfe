"""Signing in and out: throttled login with a fresh session id, the session behind a cookie,
logout, and a password change that ends every other session."""

from __future__ import annotations

import datetime as dt
import secrets

from accounts import passwords
from accounts.rules import (
    AccountsAudit,
    AccountsObject,
    Actor,
    login_refusal,
    password_problems,
    session_expired,
    should_touch,
)
from accounts.services._shared import actor_of, digest, user_not_found
from accounts.services.audit_log import audit
from accounts.tables import LoginFailure, Session, User
from xuehui.clock import aware, now
from xuehui.db import serialize_on, write_transaction
from xuehui.errors import InvalidInput, Reason, TooManyRequests
from xuehui.settings import get_settings

BAD_LOGIN = Reason("login.invalid", "用户名或密码不正确", "wrong user name or password")
# Random bytes in a session cookie (256 bits), and the longest cookie looked up at all.
SESSION_TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 200
# The longest user agent kept with a session (the column's length).
MAX_USER_AGENT = 300


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
    token = secrets.token_urlsafe(SESSION_TOKEN_BYTES)
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
            token_hash=digest(token),
            user=user.id,
            created_at=moment,
            last_seen_at=moment,
            ip=ip,
            user_agent=user_agent[:MAX_USER_AGENT],
        )
        await session.save()
        actor = actor_of(user.to_dict(), ip, session.id)
        await audit(actor, AccountsAudit.LOGIN, AccountsObject.USER, user.id, {"rehashed": bool(rehashed)})
    return token, actor


async def resolve_session(token: str, ip: str = "") -> Actor | None:
    """The actor behind a session cookie, or None when it is unknown, expired or disabled."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    settings = get_settings()
    row = await (
        Session.select(
            Session.id,
            Session.created_at,
            Session.last_seen_at,
            *Session.user.all_columns(exclude=[Session.user.password_hash]),
        )
        .where(Session.token_hash == digest(token))
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
    return actor_of(user, ip, row["id"])


async def logout(actor: Actor) -> None:
    async with write_transaction():
        if actor.session_id is not None:
            await Session.delete().where(Session.id == actor.session_id)
        await audit(actor, AccountsAudit.LOGOUT, AccountsObject.USER, actor.user_id)


async def change_password(actor: Actor, current: str, new: str) -> str:
    """Change the actor's password, end all their sessions and open a fresh one (returned)."""
    settings = get_settings()
    user = await User.objects().where(User.id == actor.user_id).first()
    if user is None:
        raise user_not_found()
    if not await passwords.verify_password(user.password_hash, current, settings.argon2_profile):
        raise InvalidInput(
            Reason("password.wrong_current", "当前密码不正确", "the current password is wrong", "current_password")
        )
    problems = password_problems(new, user.username)
    if problems:
        raise InvalidInput(problems)
    new_hash = await passwords.hash_password(new, settings.argon2_profile)
    token = secrets.token_urlsafe(SESSION_TOKEN_BYTES)
    async with write_transaction():
        moment = now()
        await User.update(
            {User.password_hash: new_hash, User.password_changed_at: moment, User.must_change_password: False}
        ).where(User.id == user.id)
        await Session.delete().where(Session.user == user.id)
        await Session.insert(
            Session(token_hash=digest(token), user=user.id, created_at=moment, last_seen_at=moment, ip=actor.ip)
        )
        await audit(actor, AccountsAudit.PASSWORD_CHANGED, AccountsObject.USER, user.id)
    return token


async def count_active_sessions(user_id: int) -> int:
    return int(await Session.count().where(Session.user == user_id))
