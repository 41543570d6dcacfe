"""Pure account rules: roles and their names, password policy, login throttling, session
lifetimes, the account status and every audit action the package writes, labelled."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Literal, get_args

from zxcvbn import zxcvbn

from xuehui.errors import Forbidden, Reason
from xuehui.lifecycle import Lifecycle, move
from xuehui.throttle import wait_seconds
from xuehui.vocabulary import Labelled

Role = Literal["admin", "society", "expert", "exam_admin", "candidate"]
ROLES: tuple[Role, ...] = get_args(Role)
# Roles that act for one society and therefore must name it.
SOCIETY_ROLES: frozenset[str] = frozenset({"society", "exam_admin"})


class RoleName(Labelled, vocabulary="accounts.role"):
    """Every role with its name as pages show it."""

    ADMIN = "admin", "省科协管理员", "Association administrator"
    SOCIETY = "society", "学会填报人", "Society nominator"
    EXPERT = "expert", "评审专家", "Review expert"
    EXAM_ADMIN = "exam_admin", "考务管理员", "Exam administrator"
    CANDIDATE = "candidate", "考生", "Candidate"


# The (zh, en) names by role, as the page shell reads them.
ROLE_NAMES: dict[str, tuple[str, str]] = RoleName.labels()


class UserStatus(Labelled, vocabulary="accounts.user_status"):
    """An account is active or disabled (stored as `User.active`); disabling ends its sessions."""

    ACTIVE = "active", "正常", "Active"
    DISABLED = "disabled", "已停用", "Disabled"

    @classmethod
    def of(cls, active: bool) -> UserStatus:
        return cls.ACTIVE if active else cls.DISABLED


USER_LIFECYCLE = Lifecycle(
    "user",
    UserStatus,
    (
        move(UserStatus.ACTIVE, UserStatus.DISABLED, "admin", name="disable"),
        move(UserStatus.DISABLED, UserStatus.ACTIVE, "admin", name="enable"),
    ),
    initial=UserStatus.ACTIVE,
)


class AccountsAudit(Labelled, vocabulary="audit.accounts"):
    """Every action code the accounts package writes to the audit log."""

    LOGIN = "account.login", "登录", "Signed in"
    LOGIN_FAILED = "account.login_failed", "登录失败", "Sign-in failed"
    LOGIN_THROTTLED = "account.login_throttled", "登录被限制", "Sign-in held back after failures"
    LOGOUT = "account.logout", "退出登录", "Signed out"
    PASSWORD_CHANGED = "account.password_changed", "修改密码", "Password changed"
    USER_CREATED = "account.user_created", "创建账号", "Account created"
    SIGNUP = "account.signup", "公开注册申请", "Public sign-up requested"
    SIGNUP_THROTTLED = "account.signup_throttled", "公开注册被限制", "Public sign-up held back"
    SIGNUP_NAME_TAKEN = "account.signup_name_taken", "注册用户名已占用或相似", "Sign-up name taken or a look-alike"
    EMAIL_CONFIRMED = "account.email_confirmed", "确认邮箱并启用账号", "E-mail confirmed, account enabled"
    RESET_REQUESTED = "account.reset_requested", "申请重置密码", "Password reset requested"
    RESET_THROTTLED = "account.reset_throttled", "重置密码申请被限制", "Password reset request held back"
    PASSWORD_RESET = "account.password_reset", "通过邮件链接重置密码", "Password reset by a mailed link"
    ENABLED = "account.enabled", "启用账号", "Account enabled"
    DISABLED = "account.disabled", "停用账号", "Account disabled"
    PASSWORD_CHANGE_FAILED = "account.password_change_failed", "修改密码时当前密码错误", "Wrong current password"
    PASSWORD_CHANGE_THROTTLED = (
        "account.password_change_throttled",
        "修改密码被限制",
        "Password change held back after wrong current passwords",
    )
    TOKEN_CREATED = "account.token_created", "创建API令牌", "API token created"
    TOKEN_REVOKED = "account.token_revoked", "撤销API令牌", "API token revoked"
    TOKENS_ENDED = (
        "account.tokens_ended",
        "API令牌随密码修改或停用失效",
        "API tokens ended with a password change or disable",
    )


class LinkPurpose(Labelled, vocabulary="accounts.link_purpose"):
    """What a mailed single-use link does."""

    CONFIRM_EMAIL = "confirm_email", "确认邮箱", "Confirm the e-mail address"
    RESET_PASSWORD = "reset_password", "重置密码", "Reset the password"


class TokenScope(Labelled, vocabulary="accounts.token_scope"):
    """What a personal API token may do: read only (GET), or read and write."""

    READ = "read", "只读", "Read only"
    READ_WRITE = "read_write", "读写", "Read and write"


# A token's lifetime in days: the choices offered, the default and the longest allowed.
TOKEN_LIFETIME_DAYS: tuple[int, ...] = (7, 30, 90, 180, 365)
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 365
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenArea(Labelled, vocabulary="accounts.token_area"):
    """The parts of the API a token may be limited to (none chosen: all of them)."""

    ACCOUNTS = "accounts", "账号与审计日志", "Accounts and the audit log"
    SOCIETIES = "societies", "学会与试点项目", "Societies and pilot projects"
    NOMINATIONS = "nominations", "奖励与人才推荐", "Award and talent nominations"
    EXPERTS = "experts", "专家与评审", "Experts and reviews"
    EXAMS = "exams", "考试", "Exams"


def token_allows(scope: str, areas: str, method: str, area: str | None) -> bool:
    """Whether a token may make this request: a read-only token may only read; a token limited
    to some areas (`areas`, comma-separated; empty for all) reaches only those and the
    open paths (`area` ""); a path of no known area (`area` None) only an unlimited token."""
    if scope != TokenScope.READ_WRITE.value and method.upper() not in READ_METHODS:
        return False
    if not areas or area == "":
        return True
    return area is not None and area in areas.split(",")


def token_expired(expires_at: dt.datetime | None, now: dt.datetime) -> bool:
    """A token without an expiry (made before tokens had one) counts as expired."""
    return expires_at is None or now >= expires_at


class AccountsObject(Labelled, vocabulary="audit_object.accounts"):
    USER = "user", "用户", "User"
    API_TOKEN = "api_token", "API令牌", "API token"


MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
# A short list of the passwords people still choose; a real deployment can extend it.
# zxcvbn's score a new password must reach (3: "safely unguessable", about 10^8 guesses), and
# the longest text the estimator takes.
MIN_PASSWORD_STRENGTH = 3
ZXCVBN_MAX_LENGTH = 72
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
    elif not problems and password_strength(password, username) < MIN_PASSWORD_STRENGTH:
        problems.append(
            Reason(
                "password.weak",
                "密码太容易被猜到（重复字符、常见词、键盘或数字序列等），请换一个更长、更不规则的密码",
                "the password is easy to guess (repeats, common words, keyboard or number runs); choose a"
                " longer, less regular one",
                field,
            )
        )
    return problems


def password_strength(password: str, username: str) -> int:
    """zxcvbn's guessability score, 0 (guessed at once) to 4, with the user name as a known word;
    the estimator reads at most its first 72 characters (a longer tail only adds strength)."""
    return int(zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=[username])["score"])


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


@dataclass(frozen=True, slots=True)
class LoginLimits:
    """Failed logins counted in the window: hard limits per (account, address) and per address;
    per account, past `account_free` failures from anywhere, each further attempt waits a delay
    that doubles with every failure up to `account_max_delay` seconds. So a guesser spread over
    many addresses gets one guess per delay, and the owner from a new address waits seconds,
    never a lock-out."""

    per_pair: int
    per_address: int
    account_free: int
    account_max_delay: int  # seconds
    window_seconds: int


THROTTLED = Reason("login.throttled", "登录失败次数过多，请稍后再试", "too many failed logins, please try again later")


def login_refusal(
    pair_failures: int,
    address_failures: int,
    account_failures: int,
    since_last_account_failure: float | None,
    limits: LoginLimits,
) -> tuple[Reason, int] | None:
    """The refusal and the seconds to wait, or None to check the password.

    The message is the same whether or not the account exists, so it reveals nothing.
    """
    if pair_failures >= limits.per_pair or address_failures >= limits.per_address:
        return THROTTLED, limits.window_seconds
    if account_failures >= limits.account_free and since_last_account_failure is not None:
        delay = min(limits.account_max_delay, 2 ** (account_failures - limits.account_free))
        if since_last_account_failure < delay:
            return THROTTLED, max(1, math.ceil(delay - since_last_account_failure))
    return None


# What a failure row counts against (`LoginFailure.purpose`).
LOGIN_PURPOSE = "login"
PASSWORD_CHANGE_PURPOSE = "password_change"  # noqa: S105 - a label, not a secret
PASSWORD_CHANGE_THROTTLED = Reason(
    "password.throttled",
    "当前密码输错次数过多，请稍后再试",
    "too many wrong current passwords, please try again later",
    "current_password",
)


def password_change_refusal(
    failures: list[dt.datetime], now: dt.datetime, limit: int, window_seconds: int
) -> tuple[Reason, int] | None:
    """The refusal and the seconds to wait once `limit` wrong current passwords fall in the
    window, or None to check it; the wait lasts until the oldest of them leaves the window."""
    wait = wait_seconds(failures, limit, window_seconds, now)
    return None if wait is None else (PASSWORD_CHANGE_THROTTLED, wait)


def session_expired(
    created_at: dt.datetime, last_seen_at: dt.datetime, now: dt.datetime, idle: dt.timedelta, absolute: dt.timedelta
) -> bool:
    """A session ends after `idle` without use or `absolute` after login, whichever comes first."""
    return now - last_seen_at >= idle or now - created_at >= absolute


# How often a session's or token's `last_seen_at` is refreshed: a write per request would
# serialise SQLite, and a minute is finer than any idle timeout.
TOUCH_INTERVAL = dt.timedelta(minutes=1)


def should_touch(last_seen_at: dt.datetime, now: dt.datetime) -> bool:
    """Refresh `last_seen_at` at most once per `TOUCH_INTERVAL`."""
    return now - last_seen_at >= TOUCH_INTERVAL


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
    must_change_password: bool = False  # signed in, but may do nothing else until it is changed
    token_scope: str | None = None  # set when the request is signed with an API token
    token_areas: str = ""  # and the areas it is limited to (comma-separated; empty: all)

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
