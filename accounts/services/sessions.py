"""Signing in and out: throttled login with a fresh session id, the session behind a cookie,
logout, and a password change that ends every other session and every API token."""

from __future__ import annotations

import datetime as dt
import secrets

from accounts import passwords
from accounts.rules import (
    LOGIN_PURPOSE,
    PASSWORD_CHANGE_PURPOSE,
    AccountsAudit,
    AccountsObject,
    Actor,
    LoginLimits,
    login_refusal,
    password_change_refusal,
    password_problems,
    session_expired,
    should_touch,
)
from accounts.services._shared import actor_of, digest, user_not_found
from accounts.services.audit_log import audit
from accounts.services.tokens import end_tokens_of
from accounts.tables import LoginFailure, Session, User
from accounts.usernames import canonical_username
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


def _limits() -> LoginLimits:
    settings = get_settings()
    return LoginLimits(
        per_pair=settings.login_max_failures_per_account,
        per_address=settings.login_max_failures_per_address,
        account_free=settings.login_max_failures_per_account,
        account_max_delay=settings.login_max_delay_seconds,
        window_seconds=settings.login_window_minutes * 60,
    )


async def _refusal(username: str, ip: str, moment: dt.datetime) -> tuple[Reason, int] | None:
    """Count the failures that still count: in the window, and for the account only those after
    its last successful login."""
    window_start = moment - dt.timedelta(minutes=get_settings().login_window_minutes)
    user = await User.select(User.last_login_at).where(User.username == username).first()
    last_login = aware(user["last_login_at"]) if user and user["last_login_at"] else None
    since = max(window_start, last_login) if last_login else window_start
    logins = LoginFailure.purpose == LOGIN_PURPOSE
    account = LoginFailure.select(LoginFailure.at).where(
        (LoginFailure.username == username) & (LoginFailure.at > since) & logins
    )
    account_times = [aware(r["at"]) for r in await account]
    pair = await LoginFailure.count().where(
        (LoginFailure.username == username) & (LoginFailure.ip == ip) & (LoginFailure.at > since) & logins
    )
    address = await LoginFailure.count().where((LoginFailure.ip == ip) & (LoginFailure.at >= window_start) & logins)
    last = (moment - max(account_times)).total_seconds() if account_times else None
    return login_refusal(int(pair), int(address), len(account_times), last, _limits())


async def _account_name(typed: str) -> str:
    """The name as typed when an account has it, else its canonical form (signed-up names are
    stored so): `Alice` signs in as `alice`, and case variants share one throttle."""
    name = typed.strip()
    folded = canonical_username(name)
    if folded != name and not await User.exists().where(User.username == name):
        return folded
    return name


async def login(username: str, password: str, ip: str, user_agent: str = "") -> tuple[str, Actor]:
    """Check the credentials and open a new session; returns the session cookie value.

    The session id is always freshly generated here, whatever cookie the client sent, so a
    fixated id can never become authenticated. Every failure and every held-back attempt is
    audited; a success stops earlier failures counting but keeps them on record.
    """
    settings = get_settings()
    username = await _account_name(username)
    # Count and record the attempt as a failure before the password is checked, one transaction
    # per account and address at a time: simultaneous guesses (on any instance) each see the
    # ones before them, so no burst gets more checks than the limits allow.
    async with write_transaction():
        await serialize_on(f"login:{username}")
        await serialize_on(f"login-ip:{ip}")
        refusal = await _refusal(username, ip, now())
        if refusal:
            await audit(None, AccountsAudit.LOGIN_THROTTLED, AccountsObject.USER, "", {"username": username}, ip=ip)
        else:
            attempt = await LoginFailure.insert(LoginFailure(username=username, ip=ip, at=now())).returning(
                LoginFailure.id
            )
    if refusal:
        raise TooManyRequests(refusal[0], retry_after=refusal[1])
    user = await User.objects().where(User.username == username).first()
    if user is None:
        await passwords.verify_password(
            passwords.dummy_hash(settings.argon2_profile), password, settings.argon2_profile
        )
        ok = False
    else:
        ok = await passwords.verify_password(user.password_hash, password, settings.argon2_profile) and user.active
    if user is None or not ok:
        async with write_transaction():
            await audit(None, AccountsAudit.LOGIN_FAILED, AccountsObject.USER, "", {"username": username}, ip=ip)
        raise InvalidInput(BAD_LOGIN)
    token = secrets.token_urlsafe(SESSION_TOKEN_BYTES)
    rehashed = (
        await passwords.hash_password(password, settings.argon2_profile)
        if passwords.needs_rehash(user.password_hash, settings.argon2_profile)
        else None
    )
    async with write_transaction():
        moment = now()
        await User.update({User.last_login_at: moment, **({User.password_hash: rehashed} if rehashed else {})}).where(
            User.id == user.id
        )
        # This attempt was no failure; the failures before it stay on record.
        await LoginFailure.delete().where(LoginFailure.id == attempt[0]["id"])
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


async def _check_current(actor: Actor, username: str, password_hash: str, current: str) -> None:
    """Check the current password, throttled like sign-in: each check is recorded as a failure
    first (one at a time per account, so a burst gets no more checks than the limit) and the
    record dropped when the password was right; wrong and held-back attempts are audited."""
    settings = get_settings()
    window = settings.login_window_minutes * 60
    async with write_transaction():
        await serialize_on(f"password-change:{actor.user_id}")
        moment = now()
        rows = await LoginFailure.select(LoginFailure.at).where(
            (LoginFailure.username == username)
            & (LoginFailure.purpose == PASSWORD_CHANGE_PURPOSE)
            & (LoginFailure.at > moment - dt.timedelta(seconds=window))
        )
        refusal = password_change_refusal(
            [aware(r["at"]) for r in rows], moment, settings.password_change_max_failures, window
        )
        if refusal:
            await audit(actor, AccountsAudit.PASSWORD_CHANGE_THROTTLED, AccountsObject.USER, actor.user_id)
        else:
            attempt = await LoginFailure.insert(
                LoginFailure(username=username, ip=actor.ip, at=moment, purpose=PASSWORD_CHANGE_PURPOSE)
            ).returning(LoginFailure.id)
    if refusal:
        raise TooManyRequests(refusal[0], retry_after=refusal[1])
    right = await passwords.verify_password(password_hash, current, settings.argon2_profile)
    async with write_transaction():
        if right:
            await LoginFailure.delete().where(LoginFailure.id == attempt[0]["id"])
        else:
            await audit(actor, AccountsAudit.PASSWORD_CHANGE_FAILED, AccountsObject.USER, actor.user_id)
    if not right:
        raise InvalidInput(
            Reason("password.wrong_current", "当前密码不正确", "the current password is wrong", "current_password")
        )


async def change_password(actor: Actor, current: str, new: str) -> str:
    """Change the actor's password, end all their sessions and open a fresh one (returned)."""
    settings = get_settings()
    user = await User.objects().where(User.id == actor.user_id).first()
    if user is None:
        raise user_not_found()
    await _check_current(actor, user.username, user.password_hash, current)
    problems = password_problems(new, user.username)
    if not problems and await passwords.verify_password(user.password_hash, new, settings.argon2_profile):
        problems.append(
            Reason(
                "password.reused",
                "新密码不能与当前密码相同",
                "the new password must differ from the current one",
                "new_password",
            )
        )
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
        if ended := await end_tokens_of(user.id, moment):
            await audit(actor, AccountsAudit.TOKENS_ENDED, AccountsObject.USER, user.id, {"tokens": ended})
    return token


async def count_active_sessions(user_id: int) -> int:
    return int(await Session.count().where(Session.user == user_id))
