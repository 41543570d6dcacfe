"""The app factory: composes every package's routes, templates, middleware and error mapping."""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg
from litestar import Litestar, MediaType, Request, Response
from litestar.di import Provide
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from xuehui import db
from xuehui.bounds import check_url_numbers
from xuehui.composition import register_kpi_providers, route_lists, template_directories
from xuehui.errors import DomainError, Reason, retry_headers
from xuehui.i18n import current_language, gettext, ngettext
from xuehui.jobs import fail_stale_jobs
from xuehui.json_depth import refuse_deep_json
from xuehui.notify import run_sender
from xuehui.openapi import components
from xuehui.settings import get_settings
from xuehui.templating import configure_environment
from xuehui.web import RequestContextMiddleware, csrf_protect, provide_actor

log = logging.getLogger("xuehui")
ROOT = Path(__file__).resolve().parent.parent


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith("/api") or request.scope.get("auth") == "token"


def _error_response(request: Request[Any, Any, Any], status: int, reasons: list[Reason]) -> Response[Any]:
    lang = current_language.get()
    if _wants_json(request):
        return Response(
            {"status": status, "errors": [r.as_dict(lang) for r in reasons]},
            status_code=status,
            media_type=MediaType.JSON,
        )
    return Template("error.html", context={"status": status, "reasons": reasons}, status_code=status)


def domain_error_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    response = _error_response(request, exc.status, exc.reasons)
    response.headers.update(retry_headers(exc))
    return response


def not_authorized_handler(request: Request[Any, Any, Any], exc: NotAuthorizedException) -> Response[Any]:
    if _wants_json(request):
        return _error_response(request, 401, [Reason("auth.required", "请先登录", "sign in first")])
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(f"/login?next={quote(target)}")


def permission_denied_handler(request: Request[Any, Any, Any], exc: PermissionDeniedException) -> Response[Any]:
    if exc.detail == "csrf":
        reason = Reason(
            "csrf.invalid",
            "表单已过期或来源无效，请返回刷新后重试",
            "the form expired or came from elsewhere; reload and try again",
        )
    else:
        reason = Reason("forbidden", "您没有权限访问此页面", "you are not allowed to open this page")
    return _error_response(request, 403, [reason])


def not_found_handler(request: Request[Any, Any, Any], exc: NotFoundException) -> Response[Any]:
    return _error_response(request, 404, [Reason("not_found", "页面不存在", "page not found")])


def validation_handler(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    reasons = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        key = str(item.get("key", "")) if isinstance(item, dict) else ""
        message = str(item.get("message", "")) if isinstance(item, dict) else str(item)
        reasons.append(
            Reason(
                "invalid", f"字段 {key} 无效：{_chinese(message)}", f"field {key} is invalid: {message}", key or None
            )
        )
    if not reasons:
        reasons = [Reason("invalid", f"请求无效：{exc.detail}", f"invalid request: {exc.detail}")]
    return _error_response(request, 400, reasons)


# pydantic words its messages in English; these are the ones a caller of our forms meets.
_PYDANTIC_IN_CHINESE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Field required$"), "必填"),
    (re.compile(r"^String should have at most (\d+) characters?$"), "最多 {0} 个字符"),
    (re.compile(r"^String should have at least (\d+) characters?$"), "至少 {0} 个字符"),
    (re.compile(r"^List should have at most (\d+) items?.*$"), "最多 {0} 项"),
    (re.compile(r"^Input should be a valid integer.*$"), "应为整数"),
    (re.compile(r"^Input should be a valid number.*$"), "应为数字"),
    (re.compile(r"^Input should be a valid string$"), "应为文本"),
    (re.compile(r"^Input should be a valid date.*$"), "应为日期（YYYY-MM-DD）"),
    (re.compile(r"^Input should be a valid boolean.*$"), "应为是或否"),
    (re.compile(r"^Input should be a valid list$"), "应为列表"),
    (re.compile(r"^Input should be greater than or equal to (\S+)$"), "应不小于 {0}"),
    (re.compile(r"^Input should be less than or equal to (\S+)$"), "应不大于 {0}"),
    (re.compile(r"^Input should be greater than (\S+)$"), "应大于 {0}"),
    (re.compile(r"^Input should be less than (\S+)$"), "应小于 {0}"),
    (re.compile(r"^Extra inputs are not permitted$"), "不允许的字段"),
)


def _chinese(message: str) -> str:
    """The Chinese wording of a pydantic message, or the message itself when we have none."""
    for pattern, wording in _PYDANTIC_IN_CHINESE:
        if found := pattern.match(message):
            return wording.format(*found.groups())
    return message.removeprefix("Value error, ")


MALFORMED_BODY = Reason(
    "malformed_body",
    "请求内容无法解析（不是有效的JSON或表单数据）",
    "the request body cannot be parsed (not valid JSON or form data)",
    "body",
)


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if status == 413:
        reason = Reason("too_large", "上传内容过大", "the upload is too large")
    elif status == 400:
        reason = MALFORMED_BODY
    else:
        reason = Reason("http", f"请求无法完成（{status}）", f"the request could not be completed ({status})")
    return _error_response(request, status, [reason])


def server_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    status, reason = _database_fault(exc)
    if status == 500:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return _error_response(request, status, [reason])
    # A database outage or a full disk is not a bug: one line per request, not a traceback each.
    log.warning("%s on %s %s: %s: %s", status, request.method, request.url.path, type(exc).__name__, exc)
    response = _error_response(request, status, [reason])
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


RETRY_AFTER_SECONDS = 5
STORAGE_FULL = Reason("storage_full", "存储空间已满，请稍后再试", "storage is full, try again later")
UNAVAILABLE = Reason("unavailable", "服务暂时不可用，请稍后再试", "the service is briefly unavailable, try again")
INTERNAL = Reason("internal", "服务器内部错误，已记录", "internal error; it has been logged")
_SQLITE_FULL = ("database or disk is full", "disk is full")
_SQLITE_BUSY = ("database is locked", "database table is locked", "disk i/o error", "unable to open database file")
_NETWORK_ERRNOS = frozenset(
    {
        errno.ECONNREFUSED,
        errno.ECONNRESET,
        errno.ECONNABORTED,
        errno.EHOSTUNREACH,
        errno.ENETUNREACH,
        errno.ENETDOWN,
        errno.ETIMEDOUT,
        errno.EADDRNOTAVAIL,
        errno.EPIPE,
    }
)


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception, what it was raised from or during, and the members of exception groups."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo and len(seen) < 20:
        current = todo.pop(0)
        if any(current is s for s in seen):
            continue
        seen.append(current)
        if isinstance(current, BaseExceptionGroup):
            todo.extend(current.exceptions)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                todo.append(linked)
    return seen


def _fault_status(exc: BaseException) -> int | None:
    """507 for a full disk, 503 for a database that is away or busy, None for anything else."""
    text = str(exc).lower()
    if isinstance(exc, sqlite3.Error):
        if any(words in text for words in _SQLITE_FULL):
            return 507
        if any(words in text for words in _SQLITE_BUSY):
            return 503
        return None
    if isinstance(exc, asyncpg.exceptions.DiskFullError):
        return 507
    if isinstance(
        exc,
        asyncpg.exceptions.PostgresConnectionError  # class 08: the connection failed or is gone
        | asyncpg.exceptions.OperatorInterventionError  # class 57: shutdown, crash, starting up
        | asyncpg.exceptions.InsufficientResourcesError  # class 53: too many connections, out of memory
        | asyncpg.exceptions.TransactionRollbackError,  # class 40: serialization failure, deadlock
    ):
        return 503
    if isinstance(exc, asyncpg.exceptions.InterfaceError):
        # The client side of a lost connection ("connection is closed", "pool is closing", ...).
        return 503 if any(w in text for w in ("connection", "closed", "pool")) else None
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return 507
        if (
            isinstance(exc, ConnectionError | TimeoutError)
            or exc.errno in _NETWORK_ERRNOS
            # asyncio's create_connection when every address of a host name refused
            or text.startswith(("multiple exceptions:", "connect call failed"))
        ):
            return 503
    return None


def _database_fault(exc: BaseException) -> tuple[int, Reason]:
    """Tell a passing database fault (503) or a full disk (507) from a bug (500).

    Decided by the exception's type (and the SQLite message, SQLite has no finer type), looking
    through its causes: an exception that merely mentions "connection" is still a bug.
    """
    statuses = [status for cause in _causes(exc) if (status := _fault_status(cause)) is not None]
    if 507 in statuses:
        return 507, STORAGE_FULL
    if statuses:
        return 503, UNAVAILABLE
    return 500, INTERNAL


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    settings = get_settings()
    if settings.production and (problems := settings.production_problems()):
        raise RuntimeError("refusing to start with production settings that are unsafe: " + "; ".join(problems))
    await db.prepare_sqlite()
    async with db.connection_pool(settings.pg_pool_max_size):
        # Jobs whose process died with it are marked failed now, not only when someone reads them.
        await fail_stale_jobs()
        stop = asyncio.Event()
        sender = None
        if settings.outbox_poll_seconds > 0:
            sender = asyncio.create_task(run_sender(settings.mail, settings.outbox_poll_seconds, stop))
        try:
            yield
        finally:
            stop.set()
            if sender is not None:
                await sender


async def society_choices() -> list[tuple[int, str]]:
    """Society names for pages of packages that may not import `societies` (accounts)."""
    from societies.services import society_choices as choices

    return await choices()


async def before_request(request: Request[Any, Any, Any]) -> None:
    """Before any handler reads its arguments: numbers in the URL in range, CSRF, then a JSON
    body's depth (before anything parses it)."""
    check_url_numbers(request)
    await csrf_protect(request)
    await refuse_deep_json(request)


def route_handlers() -> list[Any]:
    return [
        *route_lists(),
        create_static_files_router(path="/static", directories=[ROOT / "xuehui" / "static"], name="static"),
    ]


def create_app() -> Litestar:
    register_kpi_providers()
    settings = get_settings()
    template_dirs: list[Path | os.PathLike[Any] | str] = [*template_directories()]
    return Litestar(
        route_handlers=route_handlers(),
        middleware=[RequestContextMiddleware()],
        before_request=before_request,
        template_config=TemplateConfig(
            directory=template_dirs, engine=JinjaTemplateEngine, engine_callback=configure_environment
        ),
        exception_handlers={
            DomainError: domain_error_handler,
            NotAuthorizedException: not_authorized_handler,
            PermissionDeniedException: permission_denied_handler,
            NotFoundException: not_found_handler,
            ValidationException: validation_handler,
            HTTPException: http_error_handler,
            Exception: server_error_handler,
        },
        dependencies={
            "actor": Provide(provide_actor, sync_to_thread=False),
            "society_choices": Provide(society_choices),
        },
        lifespan=[lifespan],
        request_max_body_size=settings.max_request_bytes,
        multipart_form_part_limit=200,
        openapi_config=OpenAPIConfig(title="Xuehui API", version="1.0.0", path="/schema", components=components()),
        debug=False,
    )


__all__ = ["create_app", "gettext", "ngettext"]
