"""Public sign-up: throttled per address, the user name stored in its canonical form, look-alikes
of existing names refused, and one answer whether or not the name was free."""

from __future__ import annotations

from accounts import passwords
from accounts.rules import AccountsAudit, AccountsObject, password_problems
from accounts.services.audit_log import audit
from accounts.services.links import PASSWORD_MISMATCH, email_problems, send_confirmation, send_name_taken
from accounts.services.throttle import count_and_record
from accounts.services.users import create_user, user_problems
from accounts.tables import User
from accounts.usernames import canonical_username, username_script_problems, username_skeleton
from xuehui.db import write_transaction
from xuehui.errors import Conflict, InvalidInput, Reason
from xuehui.settings import get_settings

SIGNUP_THROTTLED = Reason(
    "signup.throttled",
    "来自此地址的注册过多，请稍后再试",
    "too many sign-ups from this address, please try again later",
)


async def _throttle(ip: str, username: str) -> None:
    settings = get_settings()
    await count_and_record(
        ip,
        AccountsAudit.SIGNUP,
        AccountsAudit.SIGNUP_THROTTLED,
        settings.signup_max_per_address,
        settings.signup_window_minutes,
        SIGNUP_THROTTLED,
        {"username": username},
    )


async def _name_is_free(username: str) -> bool:
    """No existing user name looks like this one (same skeleton)."""
    skeleton = username_skeleton(username)
    return all(username_skeleton(row["username"]) != skeleton for row in await User.select(User.username))


# The only role anyone may give themselves.
SELF_SERVICE_ROLE = "candidate"


async def sign_up(
    *,
    username: str,
    display_name: str,
    email: str,
    password: str,
    ip: str,
    confirm: str | None = None,
    lang: str = "zh",
) -> None:
    """Create a candidate's own account, not yet enabled, and mail the link that confirms the
    address and enables it; or quietly not when the name (or a look-alike) is taken (then the
    address is told to choose another name).

    The caller answers the same either way; a taken name still costs one password hash, so the
    time taken does not tell either. `confirm` is the password typed again (None: not asked).
    """
    settings = get_settings()
    username = canonical_username(username)
    problems = user_problems(username, display_name, email, SELF_SERVICE_ROLE, None) + username_script_problems(
        username
    )
    problems += email_problems(email)
    problems += password_problems(password, username, "password")
    if confirm is not None and confirm != password:
        problems.append(PASSWORD_MISMATCH)
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
                active=False,
                language=lang,
                after=lambda user_id: send_confirmation(user_id, display_name.strip(), email.strip(), lang),
            )
            return
        except Conflict:  # taken in the meantime
            pass
    else:
        await passwords.hash_password(password, settings.argon2_profile)
    async with write_transaction():
        await audit(None, AccountsAudit.SIGNUP_NAME_TAKEN, AccountsObject.USER, "", {"username": username}, ip=ip)
        await send_name_taken(username, email.strip(), lang)
