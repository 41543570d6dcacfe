"""Mailed single-use links: the confirmation of a self sign-up's e-mail address (it enables the
account) and the reset of a forgotten password (for every user). Only the SHA-256 of a link's
token is stored; a link works once, until it expires, and a reset request never tells whether
the address belongs to anyone."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from accounts import passwords
from accounts.rules import AccountsAudit, AccountsObject, LinkPurpose, password_problems
from accounts.services._shared import digest
from accounts.services.audit_log import audit
from accounts.services.throttle import count_and_record
from accounts.services.tokens import end_tokens_of
from accounts.tables import AccountLink, Session, User
from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.errors import InvalidInput, Reason
from xuehui.i18n import gettext as _
from xuehui.notify import Recipient, enqueue
from xuehui.settings import get_settings

LINK_BYTES = 32
LINK_INVALID = Reason(
    "link.invalid",
    "链接无效、已使用或已过期，请重新申请",
    "the link is not valid, was used already or has expired; ask for a new one",
    "token",
)
PASSWORD_MISMATCH = Reason("password.mismatch", "两次输入的密码不一致", "the two passwords differ", "confirm_password")
RESET_THROTTLED = Reason(
    "reset.throttled",
    "来自此地址的重置申请过多，请稍后再试",
    "too many reset requests from this address, please try again later",
)


def email_problems(email: str, field: str = "email") -> list[Reason]:
    """An address that can take mail: one @, something before it and a dotted domain after."""
    local, at, domain = email.strip().rpartition("@")
    if not at or not local or "." not in domain.strip(".") or " " in email.strip() or "@" in local:
        return [Reason("user.email", "请填写有效的电子邮箱", "enter a valid e-mail address", field)]
    return []


async def issue_link(user_id: int, purpose: LinkPurpose) -> str:
    """A new link's token (inside the event's write transaction)."""
    token = secrets.token_urlsafe(LINK_BYTES)
    moment = now()
    await AccountLink.insert(
        AccountLink(
            user=user_id,
            purpose=purpose,
            token_hash=digest(token),
            created_at=moment,
            expires_at=moment + dt.timedelta(hours=get_settings().link_hours),
        )
    )
    return token


def _url(path: str, token: str) -> str:
    return f"{get_settings().base_url}{path}?token={token}"


async def send_confirmation(user_id: int, display_name: str, email: str, lang: str) -> None:
    """Queue the confirmation mail of a new sign-up; inside its write transaction."""
    token = await issue_link(user_id, LinkPurpose.CONFIRM_EMAIL)
    url = _url("/account/confirm", token)
    hours = get_settings().link_hours

    def compose() -> tuple[str, str]:
        return _("Confirm your e-mail address"), _(
            "Hello %(name)s,\n\nopen this link to confirm your e-mail address and enable your candidate"
            " account:\n%(url)s\n\nThe link works once, for %(hours)s hours. If you did not sign up, ignore this mail.",
            name=display_name,
            url=url,
            hours=hours,
        )

    await enqueue([Recipient(user_id, email, lang)], f"account.confirm:{digest(token)[:16]}", compose)


async def send_name_taken(username: str, email: str, lang: str) -> None:
    """Tell the address given with a taken name to choose another (only its owner reads it)."""

    def compose() -> tuple[str, str]:
        return _("Your sign-up was not completed"), _(
            "Someone (perhaps you) tried to create a candidate account with the user name %(username)s and"
            " this address. That name, or one that looks like it, is taken: sign up again with another.",
            username=username,
        )

    await enqueue([Recipient(None, email, lang)], f"account.name_taken:{secrets.token_hex(8)}", compose)


async def _consume(token: str, purpose: LinkPurpose) -> int:
    """Use a link (once): the user it belongs to, or the refusal. Inside a write transaction."""
    moment = now()
    used = await (
        AccountLink.update({AccountLink.used_at: moment})
        .where(
            (AccountLink.token_hash == digest(token))
            & (AccountLink.purpose == purpose)
            & AccountLink.used_at.is_null()
            & (AccountLink.expires_at > moment)
        )
        .returning(AccountLink.user)
    )
    if not used:
        raise InvalidInput(LINK_INVALID)
    return int(used[0]["user"])


async def link_works(token: str, purpose: LinkPurpose) -> bool:
    """Whether a link still works (to show its form or say at once that it does not)."""
    return bool(
        token
        and await AccountLink.exists().where(
            (AccountLink.token_hash == digest(token))
            & (AccountLink.purpose == purpose)
            & AccountLink.used_at.is_null()
            & (AccountLink.expires_at > now())
        )
    )


async def confirm_email(token: str) -> None:
    """The confirmation link was opened: the address is confirmed and the account enabled."""
    async with write_transaction():
        user_id = await _consume(token, LinkPurpose.CONFIRM_EMAIL)
        await User.update({User.active: True, User.email_confirmed_at: now()}).where(
            (User.id == user_id) & User.email_confirmed_at.is_null()
        )
        await audit(None, AccountsAudit.EMAIL_CONFIRMED, AccountsObject.USER, user_id)


async def request_password_reset(email: str, ip: str, lang: str) -> None:
    """Mail a reset link to every active account with this address; the same answer (none)
    whether there is one or not. Throttled per address like the sign-up."""
    if problems := email_problems(email):
        raise InvalidInput(problems)
    settings = get_settings()
    await count_and_record(
        ip,
        AccountsAudit.RESET_REQUESTED,
        AccountsAudit.RESET_THROTTLED,
        settings.reset_max_per_address,
        settings.signup_window_minutes,
        RESET_THROTTLED,
    )
    address = email.strip().lower()
    rows = await User.select(User.id, User.display_name, User.email, User.language).where(User.active == True)  # noqa: E712
    hours = settings.link_hours
    async with write_transaction():
        for row in rows:
            if str(row["email"]).strip().lower() != address:
                continue
            token = await issue_link(int(row["id"]), LinkPurpose.RESET_PASSWORD)
            url = _url("/password/reset", token)

            def compose(name: str = str(row["display_name"]), url: str = url) -> tuple[str, str]:
                return _("Reset your password"), _(
                    "Hello %(name)s,\n\nopen this link to choose a new password:\n%(url)s\n\nThe link works once,"
                    " for %(hours)s hours. If you did not ask for it, ignore this mail: your password stays as it is.",
                    name=name,
                    url=url,
                    hours=hours,
                )

            recipient = Recipient(int(row["id"]), str(row["email"]), str(row["language"]))
            await enqueue([recipient], f"account.reset:{digest(token)[:16]}", compose)


async def _link_user(token: str, purpose: LinkPurpose) -> dict[str, Any]:
    moment = now()
    found = await (
        AccountLink.select(AccountLink.user.id, AccountLink.user.username)
        .where(
            (AccountLink.token_hash == digest(token))
            & (AccountLink.purpose == purpose)
            & AccountLink.used_at.is_null()
            & (AccountLink.expires_at > moment)
        )
        .first()
    )
    if found is None:
        raise InvalidInput(LINK_INVALID)
    return found


async def reset_password(token: str, new: str, confirm: str) -> None:
    """Set a new password by a reset link: the link and every other reset link of the user are
    used up, and all the user's sessions and API tokens end."""
    found = await _link_user(token, LinkPurpose.RESET_PASSWORD)
    problems = password_problems(new, str(found["user.username"]), "new_password")
    if new != confirm:
        problems.append(PASSWORD_MISMATCH)
    if problems:
        raise InvalidInput(problems)
    new_hash = await passwords.hash_password(new, get_settings().argon2_profile)
    async with write_transaction():
        user_id = await _consume(token, LinkPurpose.RESET_PASSWORD)
        moment = now()
        await AccountLink.update({AccountLink.used_at: moment}).where(
            (AccountLink.user == user_id)
            & (AccountLink.purpose == LinkPurpose.RESET_PASSWORD)
            & AccountLink.used_at.is_null()
        )
        await User.update(
            {User.password_hash: new_hash, User.password_changed_at: moment, User.must_change_password: False}
        ).where(User.id == user_id)
        await Session.delete().where(Session.user == user_id)
        await audit(None, AccountsAudit.PASSWORD_RESET, AccountsObject.USER, user_id)
        if ended := await end_tokens_of(user_id, moment):
            await audit(None, AccountsAudit.TOKENS_ENDED, AccountsObject.USER, user_id, {"tokens": ended})
