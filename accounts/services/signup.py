"""Public sign-up: throttled per address, the user name stored in its canonical form, look-alikes
of existing names refused, and one answer whether or not the name was free."""

from __future__ import annotations

import datetime as dt

from accounts import passwords
from accounts.rules import AccountsAudit, AccountsObject, password_problems
from accounts.services.audit_log import audit
from accounts.services.users import create_user, user_problems
from accounts.tables import AuditEntry, User
from accounts.usernames import canonical_username, username_script_problems, username_skeleton
from xuehui.clock import aware, now
from xuehui.db import serialize_on, write_transaction
from xuehui.errors import Conflict, InvalidInput, Reason, TooManyRequests
from xuehui.settings import get_settings
from xuehui.throttle import wait_seconds

SIGNUP_THROTTLED = Reason(
    "signup.throttled",
    "来自此地址的注册过多，请稍后再试",
    "too many sign-ups from this address, please try again later",
)


async def _throttle(ip: str, username: str) -> None:
    """Count this address's sign-ups in the window and record this one, one at a time per
    address (so a burst gets no more than the limit); refuse past the limit."""
    settings = get_settings()
    window = dt.timedelta(minutes=settings.signup_window_minutes)
    async with write_transaction():
        await serialize_on(f"signup-ip:{ip}")
        moment = now()
        recent = await AuditEntry.select(AuditEntry.at).where(
            (AuditEntry.action == AccountsAudit.SIGNUP) & (AuditEntry.ip == ip) & (AuditEntry.at > moment - window)
        )
        held = len(recent) >= settings.signup_max_per_address
        action = AccountsAudit.SIGNUP_THROTTLED if held else AccountsAudit.SIGNUP
        await audit(None, action, AccountsObject.USER, "", {"username": username}, ip=ip)
    if held:
        wait = wait_seconds(
            [aware(row["at"]) for row in recent], settings.signup_max_per_address, int(window.total_seconds()), moment
        )
        raise TooManyRequests(SIGNUP_THROTTLED, retry_after=wait)


async def _name_is_free(username: str) -> bool:
    """No existing user name looks like this one (same skeleton)."""
    skeleton = username_skeleton(username)
    return all(username_skeleton(row["username"]) != skeleton for row in await User.select(User.username))


# The only role anyone may give themselves.
SELF_SERVICE_ROLE = "candidate"


async def sign_up(*, username: str, display_name: str, email: str, password: str, ip: str) -> None:
    """Create a candidate's own account, or quietly not when the name (or a look-alike) is taken.

    The caller answers the same either way; a taken name still costs one password hash, so the
    time taken does not tell either.
    """
    settings = get_settings()
    username = canonical_username(username)
    problems = user_problems(username, display_name, email, SELF_SERVICE_ROLE, None) + username_script_problems(
        username
    )
    problems += password_problems(password, username, "password")
    if problems:
        raise InvalidInput(problems)
    await _throttle(ip, username)
    if await _name_is_free(username):
        try:
            await create_user(
                None,
                username=username,
                display_name=display_name,
                role=SELF_SERVICE_ROLE,
                password=password,
                email=email,
                must_change_password=False,
            )
            return
        except Conflict:  # taken in the meantime
            pass
    else:
        await passwords.hash_password(password, settings.argon2_profile)
    async with write_transaction():
        await audit(None, AccountsAudit.SIGNUP_NAME_TAKEN, AccountsObject.USER, "", {"username": username}, ip=ip)
