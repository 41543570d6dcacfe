"""Pure account rules: roles, password policy, login throttling and session lifetimes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, get_args

from xuehui.errors import Forbidden, Reason

Role = Literal["admin", "society", "expert", "exam_admin", "candidate"]
ROLES: tuple[Role, ...] = get_args(Role)
# Roles that act for one society and therefore must name it.
SOCIETY_ROLES: frozenset[str] = frozenset({"society", "exam_admin"})

ROLE_NAMES: dict[str, tuple[str, str]] = {
    "admin": ("省科协管理员", "Association administrator"),
    "society": ("学会填报人", "Society nominator"),
    "expert": ("评审专家", "Review expert"),
    "exam_admin": ("考务管理员", "Exam administrator"),
    "candidate": ("考生", "Candidate"),
}

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
# A short list of the passwords people still choose; a real deployment can extend it.
COMMON_PASSWORDS = frozenset(
    {"1234567890", "12345678910", "password123", "qwertyuiop", "a123456789", "1qaz2wsx3edc", "woaini1314"}
)


def password_problems(password: str, username: str, field: str = "new_password") -> list[Reason]:
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(
            Reason(
                "password.too_short",
                f"密码至少需要{MIN_PASSWORD_LENGTH}个字符",
                f"the password needs at least {MIN_PASSWORD_LENGTH} characters",
                field,
            )
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(
            Reason(
                "password.too_long",
                f"密码不能超过{MAX_PASSWORD_LENGTH}个字符",
                f"the password may have at most {MAX_PASSWORD_LENGTH} characters",
                field,
            )
        )
    if password.lower() == username.lower() or password.lower() in COMMON_PASSWORDS:
        problems.append(
            Reason(
                "password.guessable",
                "密码过于常见或与用户名相同",
                "the password is too common or equals the user name",
                field,
            )
        )
    return problems


def validate_role(role: str, society_id: int | None) -> list[Reason]:
    if role not in ROLES:
        return [Reason("user.role", "角色无效", f"unknown role {role!r}", "role")]
    if role in SOCIETY_ROLES and society_id is None:
        return [
            Reason(
                "user.society_required", "该角色必须属于一个学会", "this role must belong to a society", "society_id"
            )
        ]
    if role not in SOCIETY_ROLES and society_id is not None:
        return [
            Reason("user.society_forbidden", "该角色不属于任何学会", "this role belongs to no society", "society_id")
        ]
    return []


def login_refusal(account_failures: int, address_failures: int, max_account: int, max_address: int) -> Reason | None:
    """Refuse further attempts once either counter within the window reaches its limit.

    The message is the same whether or not the account exists, so it reveals nothing.
    """
    if account_failures >= max_account or address_failures >= max_address:
        return Reason(
            "login.throttled",
            "登录失败次数过多，请稍后再试",
            "too many failed logins, please try again later",
        )
    return None


def session_expired(
    created_at: dt.datetime, last_seen_at: dt.datetime, now: dt.datetime, idle: dt.timedelta, absolute: dt.timedelta
) -> bool:
    """A session ends after `idle` without use or `absolute` after login, whichever comes first."""
    return now - last_seen_at >= idle or now - created_at >= absolute


def should_touch(last_seen_at: dt.datetime, now: dt.datetime) -> bool:
    """Refresh `last_seen_at` at most once a minute: a write per request would serialise SQLite."""
    return now - last_seen_at >= dt.timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: the signed-in user as services see it (never a table row)."""

    user_id: int
    username: str
    display_name: str
    role: str
    society_id: int | None = None
    ip: str = ""
    session_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def acts_for(self, society_id: int) -> bool:
        """True when this actor may read and write the records of `society_id`."""
        return self.is_admin or (self.role in SOCIETY_ROLES and self.society_id == society_id)


def require_admin(actor: Actor) -> None:
    """Refuse anyone but association staff (the one admin check every service uses)."""
    if not actor.is_admin:
        raise Forbidden(Reason("forbidden", "只有管理员可以执行此操作", "only administrators may do this"))


def require_role(actor: Actor, roles: tuple[str, ...]) -> None:
    """Refuse anyone whose role is not one of `roles`."""
    if actor.role not in roles:
        raise Forbidden(Reason("forbidden", "您的角色不能执行此操作", "your role may not do this"))
