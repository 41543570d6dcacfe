"""Pages of one's own account: sign in and out, the account page, password and API tokens."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from accounts import services
from accounts.rules import DEFAULT_TOKEN_DAYS, TOKEN_LIFETIME_DAYS, Actor, TokenArea, TokenScope
from accounts.schemas import LoginForm, PasswordForm, TokenForm
from xuehui.errors import DomainError, InvalidInput, Reason
from xuehui.form_action import refused
from xuehui.i18n import gettext as _
from xuehui.pages import safe_next
from xuehui.settings import get_settings
from xuehui.web import SESSION_COOKIE, client_ip, signed_in

ACCOUNT_TEMPLATE = "accounts/account.html"
SECONDS_PER_HOUR = 3600


def _session_cookie(response: Response[Any], token: str) -> None:
    settings = get_settings()
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_absolute_hours * SECONDS_PER_HOUR,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
        path="/",
    )


@get("/login", include_in_schema=False)
async def login_page(
    next_url: Annotated[str, QueryParameter(name="next")] = "/", done: FromQuery[str] = ""
) -> Template:
    notices = {
        "confirmed": _("Your e-mail address is confirmed and your account is ready: sign in."),
        "reset": _("Your password was reset: sign in with the new one."),
    }
    return Template(
        "accounts/login.html", context={"next": safe_next(next_url), "form": {}, "notice": notices.get(done, "")}
    )


@post("/login", include_in_schema=False, status_code=303)
async def login_submit(request: Request[Any, Any, Any], data: URLEncodedBody[LoginForm]) -> Response[Any]:
    # Not a form action: the redirect carries the new session's cookie.
    try:
        token, _actor = await services.login(
            data.username, data.password, client_ip(request.scope), request.headers.get("user-agent", "")
        )
    except DomainError as error:
        return await refused(
            error,
            template="accounts/login.html",
            context=lambda: {"next": safe_next(data.next), "form": {"username": data.username}},
        )
    response: Response[Any] = Redirect(safe_next(data.next), status_code=303)
    _session_cookie(response, token)
    return response


@post("/logout", include_in_schema=False, status_code=303, guards=[signed_in])
async def logout(actor: NamedDependency[Actor]) -> Response[Any]:
    await services.logout(actor)
    response: Response[Any] = Redirect("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def _account_context(actor: Actor) -> dict[str, Any]:
    return {
        "tokens": await services.list_api_tokens(actor),
        "token_days": [(d, _("%(days)s days", days=d)) for d in TOKEN_LIFETIME_DAYS],
        "default_token_days": DEFAULT_TOKEN_DAYS,
        "TOKEN_SCOPES": TokenScope,
        "TOKEN_AREAS": TokenArea,
    }


@get("/account", include_in_schema=False, guards=[signed_in])
async def account_page(actor: NamedDependency[Actor], done: FromQuery[str] = "") -> Template:
    notices = {
        "password": _("Your password was changed."),
        "revoked": _("The token was revoked."),
        "must_change": _("Please change your password before you go on."),
    }
    return Template(ACCOUNT_TEMPLATE, context={**await _account_context(actor), "notice": notices.get(done, "")})


@post("/account/password", include_in_schema=False, status_code=303, guards=[signed_in])
async def change_password(actor: NamedDependency[Actor], data: URLEncodedBody[PasswordForm]) -> Response[Any]:
    # Not a form action: the redirect carries the fresh session's cookie.
    try:
        if data.new_password != data.confirm_password:
            raise InvalidInput(
                Reason(
                    "password.mismatch", "两次输入的新密码不一致", "the two new passwords differ", "confirm_password"
                )
            )
        token = await services.change_password(actor, data.current_password, data.new_password)
    except DomainError as error:
        return await refused(error, template=ACCOUNT_TEMPLATE, context=lambda: _account_context(actor))
    response: Response[Any] = Redirect("/account?done=password", status_code=303)
    _session_cookie(response, token)
    return response


@post("/account/tokens", include_in_schema=False, guards=[signed_in])
async def create_token(actor: NamedDependency[Actor], request: Request[Any, Any, Any]) -> Template:
    # Not a form action: the new token is shown once on the page itself, not after a redirect.
    form = await request.form()
    data = TokenForm(
        name=str(form.get("name", ""))[:200],
        days=str(form.get("days", ""))[:10],
        scope=str(form.get("scope", ""))[:20],
        areas=[str(a)[:20] for a in form.getall("areas", [])][:10],
    )
    try:
        days = int(data.days) if data.days.strip().isdigit() else 0
        _token_id, plain = await services.create_api_token(actor, data.name, days, data.scope, data.areas)
    except DomainError as error:

        async def again() -> dict[str, Any]:
            return {**await _account_context(actor), "failed": "token", "form": data.model_dump()}

        return await refused(error, template=ACCOUNT_TEMPLATE, context=again)
    return Template(ACCOUNT_TEMPLATE, context={**await _account_context(actor), "new_token": plain}, status_code=201)


@post("/account/tokens/{token_id:int}/revoke", include_in_schema=False, status_code=303, guards=[signed_in])
async def revoke_token(actor: NamedDependency[Actor], token_id: FromPath[int]) -> Redirect:
    await services.revoke_api_token(actor, token_id)
    return Redirect("/account?done=revoked", status_code=303)


ROUTES = [login_page, login_submit, logout, account_page, change_password, create_token, revoke_token]
