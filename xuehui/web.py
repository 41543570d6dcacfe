"""Request plumbing shared by every page and API route: who is asking, in which language,
CSRF protection, security headers and role guards.

Authentication is our own small middleware rather than Litestar's session backend, whose
server-side store keeps whatever session id the client sends (session fixation, F1): here a
session id is only ever created by `accounts.services.login`, and only its hash is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import ClientException, NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, HTTPResponseBodyEvent, HTTPResponseStartEvent, Message, Receive, Scope, Send
from markupsafe import Markup

from accounts import services as accounts
from accounts.rules import Actor, token_allows
from xuehui.errors import Reason
from xuehui.flash import FLASH_COOKIE, decode_flash
from xuehui.i18n import current_language, normalise_language
from xuehui.notify.inbox import unread_count
from xuehui.settings import get_settings

SESSION_COOKIE = "xh_session"
ANON_COOKIE = "xh_anon"
LANG_COOKIE = "xh_lang"
CSRF_FIELD = "_csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: S112 - a malformed cookie header is simply ignored
                continue
    return {key: morsel.value for key, morsel in jar.items()}


def _header(scope: Scope, wanted: bytes) -> str:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return str(value.decode("latin-1"))
    return ""


def host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """Compare the Host header without its port against the allowed names (`*.x` for subdomains).

    Litestar's own check compares the whole header, port included, which a server on a
    configurable port cannot list in advance.
    """
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip().lower()
    if not name:
        return False
    for pattern in allowed:
        if pattern == "*" or name == pattern or (pattern.startswith("*.") and name.endswith(pattern[1:])):
            return True
    return False


def client_ip(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else ""


def csrf_token_for(base: str) -> str:
    """The CSRF token is bound to the session (or the anonymous visitor): another session's token fails."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"csrf:{base}".encode(), hashlib.sha256).hexdigest()


def cookie_header(name: str, value: str, max_age: int | None = None) -> bytes:
    settings = get_settings()
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if settings.secure_cookies:
        parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts).encode("latin-1")


def _security_headers(scope: Scope, signed_in: bool) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if not scope["path"].startswith("/schema"):
        headers.append(
            (
                b"content-security-policy",
                b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
            )
        )
    if get_settings().secure_cookies:
        headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
    if signed_in:
        headers.append((b"cache-control", b"no-store"))
    return headers


class RequestContextMiddleware(ASGIMiddleware):
    """Resolve the actor (session cookie or bearer token), the language and the CSRF token."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if not host_allowed(_header(scope, b"host"), get_settings().allowed_hosts):
            raise ClientException(detail="invalid host")
        cookies = _cookies(scope)
        ip = client_ip(scope)
        actor: Actor | None = None
        auth: str | None = None
        authorization = _header(scope, b"authorization")
        if authorization.lower().startswith("bearer "):
            actor = await accounts.resolve_api_token(authorization[7:].strip(), ip)
            auth = "token" if actor else None
        elif session_token := cookies.get(SESSION_COOKIE, ""):
            actor = await accounts.resolve_session(session_token, ip)
            auth = "session" if actor else None
        new_anon = ""
        if actor is not None and auth == "session":
            csrf_base = cookies[SESSION_COOKIE]
        else:
            csrf_base = cookies.get(ANON_COOKIE, "")
            if not csrf_base and auth != "token":
                csrf_base = new_anon = secrets.token_urlsafe(24)
        scope["user"] = actor
        scope["auth"] = auth
        state = scope.setdefault("state", {})
        state["csrf_token"] = csrf_token_for(csrf_base) if csrf_base else ""
        state["had_cookies"] = bool(cookies)
        state["flash"] = decode_flash(cookies.get(FLASH_COOKIE, ""))
        had_flash = FLASH_COOKIE in cookies
        lang = normalise_language(cookies.get(LANG_COOKIE))
        state["lang"] = lang
        path = str(scope.get("path", ""))
        if auth == "session" and actor is not None and not path.startswith(("/api", "/static", "/health")):
            state["unread"] = await unread_count(actor.user_id)  # the inbox count in the page header
        reset = current_language.set(lang)
        drop_session = bool(cookies.get(SESSION_COOKIE)) and actor is None and auth != "token"

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [h for h in _security_headers(scope, actor is not None) if h[0] not in names]
                if new_anon:
                    headers.append((b"set-cookie", cookie_header(ANON_COOKIE, new_anon)))
                if drop_session and not any(
                    n == b"set-cookie" and v.startswith(SESSION_COOKIE.encode()) for n, v in headers
                ):
                    headers.append((b"set-cookie", cookie_header(SESSION_COOKIE, "", max_age=0)))
                if had_flash and _shows_page(message["status"], headers):
                    headers.append((b"set-cookie", cookie_header(FLASH_COOKIE, "", max_age=0)))
                message["headers"] = headers
            await send(message)

        try:
            if actor is not None and actor.must_change_password and not _allowed_before_change(scope):
                await _send_to_password_change(scope, send_wrapper)
            else:
                await next_app(scope, receive, send_wrapper)
        finally:
            current_language.reset(reset)


def _shows_page(status: int, headers: list[tuple[bytes, bytes]]) -> bool:
    """A flash is spent by the first HTML page answered after it, unless that answer sets a new one."""
    if 300 <= status < 400:
        return False
    if any(n.lower() == b"set-cookie" and v.startswith(FLASH_COOKIE.encode() + b"=") for n, v in headers):
        return False
    return any(n.lower() == b"content-type" and v.startswith(b"text/html") for n, v in headers)


MUST_CHANGE = Reason("password.must_change", "请先修改密码再继续", "change your password before you go on")
# What an account that must change its password may still reach: its account page (where the
# change is made), the change itself, signing out, the language switch and the static files.
_BEFORE_CHANGE = ("/account", "/account/password", "/logout", "/lang")


def _allowed_before_change(scope: Scope) -> bool:
    path = str(scope.get("path", ""))
    return path in _BEFORE_CHANGE or path.startswith(("/static/", "/lang/"))


async def _send_to_password_change(scope: Scope, send: Send) -> None:
    """Pages go to the account page to change the password first; the API answers 403."""
    if str(scope.get("path", "")).startswith("/api/"):
        refusal = {"status": 403, "errors": [MUST_CHANGE.as_dict(current_language.get())]}
        body = json.dumps(refusal, ensure_ascii=False).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        status = 403
    else:
        body, headers, status = b"", [(b"location", b"/account?done=must_change")], 303
    start: HTTPResponseStartEvent = {"type": "http.response.start", "status": status, "headers": headers}
    end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(start)
    await send(end)


# The area of the API each path prefix belongs to, for tokens limited to some areas; "" marks
# paths open to every token (who am I, the public API). A path in none of these (a page, a new
# API) is reached only by a token limited to no area.
TOKEN_AREAS: tuple[tuple[str, str], ...] = (
    ("/api/me", ""),
    ("/api/public", ""),
    ("/api/tokens", "accounts"),
    ("/api/users", "accounts"),
    ("/api/audit", "accounts"),
    ("/api/societies", "societies"),
    ("/api/pilots", "societies"),
    ("/api/nominations", "nominations"),
    ("/api/award-cycles", "nominations"),
    ("/api/experts", "experts"),
    ("/api/expert", "experts"),
    ("/api/conflicts", "experts"),
    ("/api/review-batches", "experts"),
    ("/api/exams", "exams"),
)


def token_area(path: str) -> str | None:
    """The token area of a request path, "" for an open path, None for none."""
    for prefix, area in TOKEN_AREAS:
        if path == prefix or path.startswith(prefix + "/"):
            return area
    return None


async def csrf_protect(request: Request[Any, Any, Any]) -> None:
    """Refuse a state-changing request that does not carry this session's CSRF token.

    Scripted API calls with a bearer token carry no cookies, so no browser can forge them;
    they are exempt, and a read-only token may make none.
    """
    if request.scope.get("auth") == "token":
        actor = current_actor(request)
        area = token_area(request.url.path)
        if actor is None or not token_allows(actor.token_scope or "", actor.token_areas, request.method, area):
            raise PermissionDeniedException(detail="outside the token's scope")
        return
    if request.method in SAFE_METHODS:
        return
    expected = request.scope["state"].get("csrf_token", "")
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and request.content_type[0] in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        sent = str(form.get(CSRF_FIELD, ""))
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise PermissionDeniedException(detail="csrf")


def csrf_input(request: Request[Any, Any, Any]) -> Markup:
    token = request.scope["state"].get("csrf_token", "")
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)


def current_actor(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor | None:
    actor = connection.scope.get("user")
    return actor if isinstance(actor, Actor) else None


def signed_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if current_actor(connection) is None:
        raise NotAuthorizedException(detail="login required")


def requires_role(*roles: str) -> Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]:
    """A guard letting through signed-in users with one of `roles` (deny by default)."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
        actor = current_actor(connection)
        if actor is None:
            raise NotAuthorizedException(detail="login required")
        if actor.role not in roles:
            raise PermissionDeniedException(detail="role")

    guard.__name__ = f"requires_role_{'_'.join(roles)}"
    return guard


def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    actor = current_actor(request)
    if actor is None:
        raise NotAuthorizedException(detail="login required")
    return actor
