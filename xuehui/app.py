"""The app factory: composes every package's routes, templates, middleware and error mapping."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

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
from xuehui.composition import route_lists, template_directories
from xuehui.errors import DomainError, Reason
from xuehui.i18n import current_language, gettext, ngettext
from xuehui.jobs import fail_stale_jobs
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
    return _error_response(request, exc.status, exc.reasons)


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
            Reason("invalid", f"字段 {key} 无效：{message}", f"field {key} is invalid: {message}", key or None)
        )
    if not reasons:
        reasons = [Reason("invalid", f"请求无效：{exc.detail}", f"invalid request: {exc.detail}")]
    return _error_response(request, 400, reasons)


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if status == 413:
        reason = Reason("too_large", "上传内容过大", "the upload is too large")
    else:
        reason = Reason("http", f"请求无法完成（{status}）", f"the request could not be completed ({status})")
    return _error_response(request, status, [reason])


def server_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    status, reason = _database_fault(exc)
    return _error_response(request, status, [reason])


def _database_fault(exc: Exception) -> tuple[int, Reason]:
    """Tell a passing database fault (503) or a full disk (507) from a bug (500)."""
    text = f"{type(exc).__name__}: {exc}".lower()
    if "disk is full" in text or "no space left" in text or "diskfull" in text:
        return 507, Reason("storage_full", "存储空间已满，请稍后再试", "storage is full, try again later")
    if any(word in text for word in ("database is locked", "connection", "cannotconnectnow", "shutdown")):
        return 503, Reason("unavailable", "服务暂时不可用，请稍后再试", "the service is briefly unavailable, try again")
    return 500, Reason("internal", "服务器内部错误，已记录", "internal error; it has been logged")


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    settings = get_settings()
    if settings.production and (problems := settings.production_problems()):
        raise RuntimeError("refusing to start with production settings that are unsafe: " + "; ".join(problems))
    await db.prepare_sqlite()
    async with db.connection_pool(settings.pg_pool_max_size):
        # Jobs whose process died with it are marked failed now, not only when someone reads them.
        await fail_stale_jobs()
        yield


async def society_choices() -> list[tuple[int, str]]:
    """Society names for pages of packages that may not import `societies` (accounts)."""
    from societies.services import society_choices as choices

    return await choices()


def route_handlers() -> list[Any]:
    return [
        *route_lists(),
        create_static_files_router(path="/static", directories=[ROOT / "xuehui" / "static"], name="static"),
    ]


def create_app() -> Litestar:
    settings = get_settings()
    template_dirs: list[Path | os.PathLike[Any] | str] = [*template_directories()]
    return Litestar(
        route_handlers=route_handlers(),
        middleware=[RequestContextMiddleware()],
        before_request=csrf_protect,
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
        openapi_config=OpenAPIConfig(title="Xuehui API", version="1.0.0", path="/schema"),
        debug=False,
    )


__all__ = ["create_app", "gettext", "ngettext"]
