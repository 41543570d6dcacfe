"""User accounts: create, enable and disable, read; and the plain look-ups other packages
read users through (by id or user name), so that none of them imports the user table."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from accounts import passwords
from accounts.rules import (
    LOGIN_PURPOSE,
    USER_LIFECYCLE,
    AccountsAudit,
    AccountsObject,
    Actor,
    UserStatus,
    password_problems,
    require_admin,
    validate_role,
)
from accounts.services._shared import user_not_found
from accounts.services.audit_log import audit
from accounts.services.tokens import end_tokens_of
from accounts.tables import LoginFailure, Session, User
from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.errors import Conflict, InvalidInput, Reason
from xuehui.settings import Settings, get_settings
from xuehui.text import line_problems

# The user name's longest length (the column's) and the characters it may hold besides
# letters and digits (those of an e-mail address, so one can serve as a user name).
MAX_USERNAME = 64
USERNAME_EXTRA = "._-@"
# The longest e-mail address kept.
MAX_EMAIL = 200

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
# What another package may know of a user: who they are and what they may do, nothing more.
CARD_COLUMNS = (User.id, User.username, User.display_name, User.role, User.society_id, User.active)

# The admins' list of accounts counts the failed logins of the last day.
FAILED_LOGIN_HOURS = 24


def user_problems(username: str, display_name: str, email: str, role: str, society_id: int | None) -> list[Reason]:
    problems: list[Reason] = []
    if not username or len(username) > MAX_USERNAME or not all(c.isalnum() or c in USERNAME_EXTRA for c in username):
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
    problems += line_problems({"email": email}, max_length=MAX_EMAIL)
    problems += validate_role(role, society_id)
    return problems


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
    active: bool = True,
    language: str = "zh",
    after: Callable[[int], Awaitable[None]] | None = None,
) -> int:
    """Create an account. `actor` None means the command line (trusted operator) or a self
    sign-up; `after(user_id)` runs in the same write transaction (its confirmation mail)."""
    if actor is not None:
        require_admin(actor)
    settings = settings or get_settings()
    username = username.strip()
    problems = user_problems(username, display_name, email, role, society_id)
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
            active=active,
            must_change_password=must_change_password,
            language=language,
            created_at=moment,
            password_changed_at=moment,
        )
        await user.save()
        created = {"username": username, "role": role}
        await audit(actor, AccountsAudit.USER_CREATED, AccountsObject.USER, user.id, created, society_id)
        if after is not None:
            await after(int(user.id))
    return int(user.id)


async def set_active(actor: Actor, user_id: int, active: bool) -> None:
    """Enable or disable an account; disabling ends its sessions and revokes its API tokens."""
    require_admin(actor)
    if user_id == actor.user_id and not active:
        raise Conflict(Reason("user.self_disable", "不能停用自己的账号", "you cannot disable your own account"))
    target = UserStatus.of(active)
    async with write_transaction():
        row = await User.select(User.active).where(User.id == user_id).first()
        if row is None:
            raise user_not_found()
        current = UserStatus.of(row["active"])
        if current != target:
            USER_LIFECYCLE.move(current, target, actor.role)
        await User.update({User.active: active}).where(User.id == user_id)
        if not active:
            await Session.delete().where(Session.user == user_id)
        await audit(actor, AccountsAudit.ENABLED if active else AccountsAudit.DISABLED, AccountsObject.USER, user_id)
        if not active and (ended := await end_tokens_of(user_id, now())):
            await audit(actor, AccountsAudit.TOKENS_ENDED, AccountsObject.USER, user_id, {"tokens": ended})


async def list_users(actor: Actor, role: str = "", society_id: int | None = None) -> list[dict[str, Any]]:
    require_admin(actor)
    query = User.select(*USER_COLUMNS).order_by(User.username)
    if role:
        query = query.where(User.role == role)
    if society_id is not None:
        query = query.where(User.society_id == society_id)
    return await query


async def failed_logins(actor: Actor, hours: int = FAILED_LOGIN_HOURS) -> dict[str, int]:
    """Failed logins per account name in the last `hours`, whether or not they still count."""
    require_admin(actor)
    since = now() - dt.timedelta(hours=hours)
    rows = await LoginFailure.select(LoginFailure.username).where(
        (LoginFailure.at >= since) & (LoginFailure.purpose == LOGIN_PURPOSE)
    )
    return dict(Counter(r["username"] for r in rows))


async def users_of_society(society_id: int) -> list[dict[str, Any]]:
    return await User.select(*USER_COLUMNS).where(User.society_id == society_id).order_by(User.username)


async def get_user(actor: Actor, user_id: int) -> dict[str, Any]:
    if not (actor.is_admin or actor.user_id == user_id):
        raise user_not_found()
    row = await User.select(*USER_COLUMNS).where(User.id == user_id).first()
    if row is None:
        raise user_not_found()
    return row


async def users_by_id(user_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Each user's card (id, username, display_name, role, society_id, active) by id; ids that
    do not exist are left out."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return {}
    return {row["id"]: row for row in await User.select(*CARD_COLUMNS).where(User.id.is_in(wanted))}


async def user_names(user_ids: Iterable[int]) -> dict[int, str]:
    """Each user's display name by id."""
    return {user_id: card["display_name"] for user_id, card in (await users_by_id(user_ids)).items()}


async def users_by_username(usernames: Iterable[str], role: str = "") -> dict[str, dict[str, Any]]:
    """The cards of the users with these user names (only those of `role`, when given), by
    user name; names that do not exist are left out."""
    wanted = sorted({name for name in usernames if name})
    if not wanted:
        return {}
    query = User.select(*CARD_COLUMNS).where(User.username.is_in(wanted))
    if role:
        query = query.where(User.role == role)
    return {row["username"]: row for row in await query}


async def user_by_username(username: str) -> dict[str, Any] | None:
    """One user's card by user name, or None."""
    return (await users_by_username([username])).get(username)
