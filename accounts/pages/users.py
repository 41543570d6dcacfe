"""User administration pages (admin): the list with its role filter and export, a new account,
enabling and disabling."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from accounts import services
from accounts.rules import ROLES, Actor, RoleName, UserStatus
from accounts.schemas import UserForm
from xuehui.errors import InvalidInput, Reason
from xuehui.excel_export import xlsx_response
from xuehui.form_action import form_action
from xuehui.i18n import gettext as _
from xuehui.web import requires_role

admin_only = [requires_role("admin")]
USERS_TEMPLATE = "accounts/users.html"


async def _users_context(actor: Actor, society_choices: list[tuple[int, str]], role: str) -> dict[str, Any]:
    return {
        "users": await services.list_users(actor, role=role),
        "failed_logins": await services.failed_logins(actor),
        "roles": ROLES,
        "role_filter": role,
        "societies": society_choices,
        "society_names": dict(society_choices),
        "USER_STATUSES": UserStatus,
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
    return Template(USERS_TEMPLATE, context={**context, "form": {}, "notice": notices.get(done, "")})


@post("/admin/users", include_in_schema=False, status_code=303, guards=admin_only)
async def create_user(
    actor: NamedDependency[Actor],
    society_choices: NamedDependency[list[tuple[int, str]]],
    data: URLEncodedBody[UserForm],
) -> Response[Any]:
    async def create() -> int:
        society_id = None
        if data.society_id.strip():
            if not data.society_id.strip().isdigit():
                raise InvalidInput(Reason("user.society", "学会无效", "unknown society", "society_id"))
            society_id = int(data.society_id)
        return await services.create_user(
            actor,
            username=data.username,
            display_name=data.display_name,
            role=data.role,
            password=data.password,
            society_id=society_id,
            email=data.email,
        )

    async def again() -> dict[str, Any]:
        context = await _users_context(actor, society_choices, "")
        return {**context, "form": data.model_dump(exclude={"password"})}

    return await form_action(create, success="/admin/users?done=created", template=USERS_TEMPLATE, context=again)


@post("/admin/users/{user_id:int}/disable", include_in_schema=False, status_code=303, guards=admin_only)
async def disable_user(actor: NamedDependency[Actor], user_id: FromPath[int]) -> Redirect:
    await services.set_active(actor, user_id, False)
    return Redirect("/admin/users?done=disabled", status_code=303)


@post("/admin/users/{user_id:int}/enable", include_in_schema=False, status_code=303, guards=admin_only)
async def enable_user(actor: NamedDependency[Actor], user_id: FromPath[int]) -> Redirect:
    await services.set_active(actor, user_id, True)
    return Redirect("/admin/users?done=enabled", status_code=303)


def _role_label(role: str) -> str:
    found = RoleName.parse(role)
    return found.label() if found is not None else role


@get("/admin/users.xlsx", include_in_schema=False, guards=admin_only)
async def export_users(
    actor: NamedDependency[Actor], society_choices: NamedDependency[list[tuple[int, str]]]
) -> Response[bytes]:
    names = dict(society_choices)
    users = await services.list_users(actor)
    return xlsx_response(
        "users.xlsx",
        _("Users"),
        [_("User name"), _("Name"), _("Role"), _("Society"), _("E-mail"), _("Status"), _("Created")],
        (
            [
                u["username"],
                u["display_name"],
                _role_label(u["role"]),
                names.get(u["society_id"], ""),
                u["email"],
                UserStatus.of(u["active"]).label(),
                u["created_at"],
            ]
            for u in users
        ),
    )


ROUTES = [users_page, create_user, disable_user, enable_user, export_users]
