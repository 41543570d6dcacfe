"""Settings read from environment variables, once per process.

Every variable is documented in the README. Defaults suit a developer's machine; the start-up
self-check (`Settings.production_problems`) refuses a production run with a default secret or
without secure cookies.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from xuehui.notify.rules import MailSettings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = ROOT / "var" / "xuehui.sqlite"
DEFAULT_SECRET = "dev-only-secret-change-me-dev-only-secret-change-me"  # noqa: S105 - refused in production


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return default if raw in (None, "") else int(raw)


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=database_url)
    secret_key: str = DEFAULT_SECRET
    secure_cookies: bool = False
    production: bool = False
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "testserver", "testserver.local", "*.localhost")
    session_idle_minutes: int = 30
    session_absolute_hours: int = 8
    login_max_failures_per_account: int = 5  # from one address; past it, per account delays rise
    login_max_failures_per_address: int = 20
    login_window_minutes: int = 15
    login_max_delay_seconds: int = 60
    password_change_max_failures: int = 5  # wrong current passwords per account in the login window
    signup_max_per_address: int = 5  # public sign-ups per address within the sign-up window
    signup_window_minutes: int = 60
    max_request_bytes: int = 1_000_000
    max_upload_bytes: int = 20_000_000
    max_upload_uncompressed_bytes: int = 200_000_000
    pg_pool_max_size: int = 10
    argon2_profile: str = "rfc9106-low-memory"
    # The public objection form (nominations.rules.objection_limits).
    objection_max_files: int = 10
    objection_max_evidence_bytes: int = 20_000_000
    objection_max_per_address: int = 5
    objection_max_per_identity: int = 3
    objection_window_minutes: int = 60
    objection_max_evidence_per_notice_bytes: int = 500_000_000
    # The public exam result look-up (exams.rules.lookups): look-ups that find nothing.
    lookup_max_misses_per_address: int = 10
    lookup_max_misses_per_identity: int = 5
    lookup_window_minutes: int = 15
    # Mail (xuehui.notify): the server; and the site's public address, which the links in mails and
    # printed documents (the QR codes of tickets and certificates) start with.
    mail: MailSettings = field(default_factory=MailSettings)
    base_url: str = "http://127.0.0.1:8000"
    outbox_poll_seconds: float = 5.0  # 0: no sender in this process (`xuehui outbox send` instead)
    link_hours: int = 24  # how long a mailed confirmation or password-reset link works
    reset_max_per_address: int = 5  # password-reset requests per address within the sign-up window

    @property
    def is_sqlite(self) -> bool:
        return not self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def sqlite_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))

    def production_problems(self) -> list[str]:
        """What makes these settings unfit for production; empty when they are fit."""
        problems = list(self.mail.problems())
        if self.secret_key == DEFAULT_SECRET or len(self.secret_key) < 32:
            problems.append("XUEHUI_SECRET_KEY must be set to a random value of at least 32 characters")
        if not self.secure_cookies:
            problems.append("XUEHUI_SECURE_COOKIES must be on (the site must be served over HTTPS)")
        if "*" in self.allowed_hosts:
            problems.append("XUEHUI_ALLOWED_HOSTS must list the real host names, not *")
        return problems


def load_settings() -> Settings:
    hosts = os.environ.get("XUEHUI_ALLOWED_HOSTS")
    return Settings(
        database_url=database_url(),
        secret_key=os.environ.get("XUEHUI_SECRET_KEY") or DEFAULT_SECRET,
        secure_cookies=_bool("XUEHUI_SECURE_COOKIES", False),
        production=_bool("XUEHUI_PRODUCTION", False),
        allowed_hosts=tuple(h.strip() for h in hosts.split(",") if h.strip()) if hosts else Settings.allowed_hosts,
        session_idle_minutes=_int("XUEHUI_SESSION_IDLE_MINUTES", 30),
        session_absolute_hours=_int("XUEHUI_SESSION_ABSOLUTE_HOURS", 8),
        login_max_failures_per_account=_int("XUEHUI_LOGIN_MAX_FAILURES", 5),
        login_max_failures_per_address=_int("XUEHUI_LOGIN_MAX_FAILURES_PER_ADDRESS", 20),
        login_window_minutes=_int("XUEHUI_LOGIN_WINDOW_MINUTES", 15),
        login_max_delay_seconds=_int("XUEHUI_LOGIN_MAX_DELAY_SECONDS", 60),
        password_change_max_failures=_int("XUEHUI_PASSWORD_CHANGE_MAX_FAILURES", 5),
        signup_max_per_address=_int("XUEHUI_SIGNUP_MAX_PER_ADDRESS", 5),
        signup_window_minutes=_int("XUEHUI_SIGNUP_WINDOW_MINUTES", 60),
        max_request_bytes=_int("XUEHUI_MAX_REQUEST_BYTES", 1_000_000),
        max_upload_bytes=_int("XUEHUI_MAX_UPLOAD_BYTES", 20_000_000),
        max_upload_uncompressed_bytes=_int("XUEHUI_MAX_UPLOAD_UNCOMPRESSED_BYTES", 200_000_000),
        pg_pool_max_size=_int("XUEHUI_PG_POOL_SIZE", 10),
        argon2_profile=os.environ.get("XUEHUI_ARGON2_PROFILE", "rfc9106-low-memory"),
        objection_max_files=_int("XUEHUI_OBJECTION_MAX_FILES", 10),
        objection_max_evidence_bytes=_int("XUEHUI_OBJECTION_MAX_EVIDENCE_BYTES", 20_000_000),
        objection_max_per_address=_int("XUEHUI_OBJECTION_MAX_PER_ADDRESS", 5),
        objection_max_per_identity=_int("XUEHUI_OBJECTION_MAX_PER_IDENTITY", 3),
        objection_window_minutes=_int("XUEHUI_OBJECTION_WINDOW_MINUTES", 60),
        objection_max_evidence_per_notice_bytes=_int("XUEHUI_OBJECTION_MAX_EVIDENCE_PER_NOTICE_BYTES", 500_000_000),
        lookup_max_misses_per_address=_int("XUEHUI_LOOKUP_MAX_MISSES_PER_ADDRESS", 10),
        lookup_max_misses_per_identity=_int("XUEHUI_LOOKUP_MAX_MISSES_PER_IDENTITY", 5),
        lookup_window_minutes=_int("XUEHUI_LOOKUP_WINDOW_MINUTES", 15),
        mail=MailSettings(
            host=os.environ.get("XUEHUI_SMTP_HOST", ""),
            port=_int("XUEHUI_SMTP_PORT", 25),
            tls=os.environ.get("XUEHUI_SMTP_TLS", "none").strip().lower(),
            user=os.environ.get("XUEHUI_SMTP_USER", ""),
            password=os.environ.get("XUEHUI_SMTP_PASSWORD", ""),
            sender=os.environ.get("XUEHUI_SMTP_SENDER", "xuehui@localhost"),
        ),
        base_url=(os.environ.get("XUEHUI_BASE_URL") or Settings.base_url).rstrip("/"),
        outbox_poll_seconds=float(os.environ.get("XUEHUI_OUTBOX_POLL_SECONDS") or 5.0),
        link_hours=_int("XUEHUI_LINK_HOURS", 24),
        reset_max_per_address=_int("XUEHUI_RESET_MAX_PER_ADDRESS", 5),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
