"""Account pages: sign in and out, password, API tokens, user administration, audit log."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from accounts import services
from accounts.rules import ROLES, Actor
from accounts.schemas import LoginForm, PasswordForm, TokenForm, UserForm
from xuehui.errors import DomainError, InvalidInput, Reason
from xuehui.excel_export import xlsx_response
from xuehui.i18n import gettext as _
from xuehui.pages import safe_next
from xuehui.settings import get_settings
from xuehui.templating import errors_by_field
from xuehui.web import SESSION_COOKIE, client_ip, requires_role, signed_in

admin_only = [requires_role("admin")]


def _session_cookie(response: Response[Any], token: str) -> None:
    settings = get_settings()
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_absolute_hours * 3600,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
        path="/",
    )


@get("/login", include_in_schema=False)
async def login_page(next_url: Annotated[str, QueryParameter(name="next")] = "/") -> Template:
    return Template("accounts/login.html", context={"next": safe_next(next_url), "form": {}})


@post("/login", include_in_schema=False, status_code=303)
async def login_submit(request: Request[Any, Any, Any], data: URLEncodedBody[LoginForm]) -> Response[Any]:
    try:
        token, _actor = await services.login(
            data.username, data.password, client_ip(request.scope), request.headers.get("user-agent", "")
        )
    except DomainError as error:
        return Template(
            "accounts/login.html",
            context={
                "next": safe_next(data.next),
                "form": {"username": data.username},
                "errors": errors_by_field(error.reasons),
            },
            status_code=error.status,
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
    return {"tokens": await services.list_api_tokens(actor)}


@get("/account", include_in_schema=False, guards=[signed_in])
async def account_page(actor: NamedDependency[Actor], done: FromQuery[str] = "") -> Template:
    notices = {"password": _("Your password was changed."), "revoked": _("The token was revoked.")}
    return Template("accounts/account.html", context={**await _account_context(actor), "notice": notices.get(done, "")})


@post("/account/password", include_in_schema=False, status_code=303, guards=[signed_in])
async def change_password(actor: NamedDependency[Actor], data: URLEncodedBody[PasswordForm]) -> Response[Any]:
    try:
        if data.new_password != data.confirm_password:
            raise InvalidInput(
                Reason(
                    "password.mismatch", "两次输入的新密码不一致", "the two new passwords differ", "confirm_password"
                )
            )
        token = await services.change_password(actor, data.current_password, data.new_password)
    except DomainError as error:
        return Template(
            "accounts/account.html",
            context={**await _account_context(actor), "errors": errors_by_field(error.reasons)},
            status_code=error.status,
        )
    response: Response[Any] = Redirect("/account?done=password", status_code=303)
    _session_cookie(response, token)
    return response


@post("/account/tokens", include_in_schema=False, guards=[signed_in])
async def create_token(actor: NamedDependency[Actor], data: URLEncodedBody[TokenForm]) -> Template:
    try:
        _token_id, plain = await services.create_api_token(actor, data.name)
    except DomainError as error:
        return Template(
            "accounts/account.html",
            context={**await _account_context(actor), "token_errors": errors_by_field(error.reasons)},
            status_code=error.status,
        )
    return Template(
        "accounts/account.html", context={**await _account_context(actor), "new_token": plain}, status_code=201
    )


@post("/account/tokens/{token_id:int}/revoke", include_in_schema=False, status_code=303, guards=[signed_in])
async def revoke_token(actor: NamedDependency[Actor], token_id: FromPath[int]) -> Redirect:
    await services.revoke_api_token(actor, token_id)
    return Redirect("/account?done=revoked", status_code=303)


# --- administration ------------------------------------------------------------------------


async def _users_context(actor: Actor, society_choices: list[tuple[int, str]], role: str) -> dict[str, Any]:
    return {
        "users": await services.list_users(actor, role=role),
        "roles": ROLES,
        "role_filter": role,
        "societies": society_choices,
        "society_names": dict(society_choices),
    }


@get("/admin/users", include_in_schema=False, guards=admin_only)
async def users_page(
    actor: NamedDependency[Actor],
    society_choices: NamedDependency[list[tuple[int, str]]],
    role: FromQuery[str] = "",
    done: FromQuery[str] = "",
) -> Template:
    context = await _users_context(actor, society_choices, role)
    notices = {
        "created": _("The account was created."),
        "disabled": _("The account was disabled."),
        "enabled": _("The account was enabled."),
    }
    return Template("accounts/users.html", context={**context, "form": {}, "notice": notices.get(done, "")})


@post("/admin/users", include_in_schema=False, status_code=303, guards=admin_only)
async def create_user(
    actor: NamedDependency[Actor],
    society_choices: NamedDependency[list[tuple[int, str]]],
    data: URLEncodedBody[UserForm],
) -> Response[Any]:
    try:
        society_id = None
        if data.society_id.strip():
            if not data.society_id.strip().isdigit():
                raise InvalidInput(Reason("user.society", "学会无效", "unknown society", "society_id"))
            society_id = int(data.society_id)
        await services.create_user(
            actor,
            username=data.username,
            display_name=data.display_name,
            role=data.role,
            password=data.password,
            society_id=society_id,
            email=data.email,
        )
    except DomainError as error:
        context = await _users_context(actor, society_choices, "")
        form = data.model_dump(exclude={"password"})
        return Template(
            "accounts/users.html",
            context={**context, "form": form, "errors": errors_by_field(error.reasons)},
            status_code=error.status,
        )
    return Redirect("/admin/users?done=created", status_code=303)


@post("/admin/users/{user_id:int}/disable", include_in_schema=False, status_code=303, guards=admin_only)
async def disable_user(actor: NamedDependency[Actor], user_id: FromPath[int]) -> Redirect:
    await services.set_active(actor, user_id, False)
    return Redirect("/admin/users?done=disabled", status_code=303)


@post("/admin/users/{user_id:int}/enable", include_in_schema=False, status_code=303, guards=admin_only)
async def enable_user(actor: NamedDependency[Actor], user_id: FromPath[int]) -> Redirect:
    await services.set_active(actor, user_id, True)
    return Redirect("/admin/users?done=enabled", status_code=303)


@get("/admin/users.xlsx", include_in_schema=False, guards=admin_only)
async def export_users(
    actor: NamedDependency[Actor], society_choices: NamedDependency[list[tuple[int, str]]]
) -> Response[bytes]:
    names = dict(society_choices)
    users = await services.list_users(actor)
    return xlsx_response(
        "users.xlsx",
        _("Users"),
        [_("User name"), _("Name"), _("Role"), _("Society"), _("E-mail"), _("Active"), _("Created")],
        (
            [
                u["username"],
                u["display_name"],
                u["role"],
                names.get(u["society_id"], ""),
                u["email"],
                u["active"],
                u["created_at"],
            ]
            for u in users
        ),
    )


def _audit_filter(action: str, object_type: str, user: str, since: str, until: str) -> services.AuditFilter:
    def parse_day(raw: str, field: str) -> dt.date | None:
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError as error:
            raise InvalidInput(
                Reason("date.invalid", "日期格式应为YYYY-MM-DD", "dates are written YYYY-MM-DD", field)
            ) from error

    return services.AuditFilter(
        action=action.strip(),
        object_type=object_type.strip(),
        actor=user.strip(),
        since=parse_day(since, "since"),
        until=parse_day(until, "until"),
    )


@get("/admin/audit", include_in_schema=False, guards=admin_only)
async def audit_page(
    actor: NamedDependency[Actor],
    action: FromQuery[str] = "",
    object_type: FromQuery[str] = "",
    user: FromQuery[str] = "",
    since: FromQuery[str] = "",
    until: FromQuery[str] = "",
    page: FromQuery[int] = 1,
) -> Template:
    filters = _audit_filter(action, object_type, user, since, until)
    page = max(page, 1)
    entries = await services.list_audit(actor, filters, limit=100, offset=(page - 1) * 100)
    query = {"action": action, "object_type": object_type, "user": user, "since": since, "until": until}
    return Template("accounts/audit.html", context={"entries": entries, "q": query, "page": page})


@get("/admin/audit.xlsx", include_in_schema=False, guards=admin_only)
async def export_audit(
    actor: NamedDependency[Actor],
    action: FromQuery[str] = "",
    object_type: FromQuery[str] = "",
    user: FromQuery[str] = "",
    since: FromQuery[str] = "",
    until: FromQuery[str] = "",
) -> Response[bytes]:
    entries = await services.list_audit(actor, _audit_filter(action, object_type, user, since, until), limit=100_000)
    return xlsx_response(
        "audit.xlsx",
        _("Audit log"),
        [_("Time"), _("User"), _("Role"), _("Action"), _("Object"), _("Object id"), _("Summary"), _("Address")],
        (
            [
                e["at"],
                e["actor_name"],
                e["actor_role"],
                e["action"],
                e["object_type"],
                e["object_id"],
                str(e["summary"]),
                e["ip"],
            ]
            for e in entries
        ),
    )


ROUTES = [
    login_page,
    login_submit,
    logout,
    account_page,
    change_password,
    create_token,
    revoke_token,
    users_page,
    create_user,
    disable_user,
    enable_user,
    export_users,
    audit_page,
    export_audit,
]
