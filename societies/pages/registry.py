"""Pages of the society register (admin): the list and its export, one society with its
status and staff accounts, and a society's own page for its staff."""

from __future__ import annotations

import re
from typing import Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel, Field

from accounts import services as accounts
from accounts.rules import Actor
from societies import rules, services
from societies.pages._shared import admin_only, label, vocabulary
from societies.schemas import SocietyIn
from xuehui.errors import InvalidInput, Reason
from xuehui.excel_export import xlsx_response
from xuehui.form_action import form_action
from xuehui.i18n import gettext as _
from xuehui.web import requires_role

STAFF_ROLES = ("society", "exam_admin")
SOCIETY_TEMPLATE = "societies/society.html"


class SocietyForm(BaseModel):
    code: str = Field(default="", max_length=20)
    name_zh: str = Field(default="", max_length=100)
    name_en: str = Field(default="", max_length=200)
    discipline_field: str = Field(default="", max_length=100)
    registration_no: str = Field(default="", max_length=50)
    secretary_general: str = Field(default="", max_length=50)
    president: str = Field(default="", max_length=50)
    vice_presidents: str = Field(default="", max_length=1000)  # names separated by 、 , ; or lines


class StatusForm(BaseModel):
    status: str = Field(default="", max_length=20)
    reason: str = Field(default="", max_length=2000)


class StaffForm(BaseModel):
    username: str = Field(default="", max_length=200)
    display_name: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=200)
    role: str = Field(default="society", max_length=20)
    password: str = Field(default="", max_length=500)


NAME_SEPARATORS = re.compile(r"[、,，;；\n]+")
MAX_VICE_PRESIDENTS = 20
MAX_NAME = 50


def _society_in(form: SocietyForm) -> SocietyIn:
    problems = []
    if not form.code.strip():
        problems.append(Reason("society.code", "请填写学会代码", "the code is required", "code"))
    if not form.name_zh.strip():
        problems.append(Reason("society.name", "请填写学会中文名称", "the Chinese name is required", "name_zh"))
    vice_presidents = [name.strip() for name in NAME_SEPARATORS.split(form.vice_presidents) if name.strip()]
    if len(vice_presidents) > MAX_VICE_PRESIDENTS or any(len(name) > MAX_NAME for name in vice_presidents):
        problems.append(
            Reason(
                "society.vice_presidents",
                f"副理事长至多{MAX_VICE_PRESIDENTS}位，每个姓名不超过{MAX_NAME}个字",
                f"at most {MAX_VICE_PRESIDENTS} vice-presidents, each name at most {MAX_NAME} characters",
                "vice_presidents",
            )
        )
    if problems:
        raise InvalidInput(problems)
    return SocietyIn(**{**form.model_dump(), "vice_presidents": vice_presidents})


@get("/admin/societies", include_in_schema=False, guards=admin_only)
async def societies_page(actor: NamedDependency[Actor], done: FromQuery[str] = "") -> Template:
    notices = {"created": _("The society was registered.")}
    return Template(
        "societies/societies.html",
        context={
            "societies": await services.list_societies(actor),
            "form": {},
            "notice": notices.get(done, ""),
            **vocabulary(),
        },
    )


@post("/admin/societies", include_in_schema=False, status_code=303, guards=admin_only)
async def create_society(actor: NamedDependency[Actor], data: URLEncodedBody[SocietyForm]) -> Response[Any]:
    async def create() -> int:
        return await services.create_society(actor, _society_in(data))

    async def again() -> dict[str, Any]:
        return {"societies": await services.list_societies(actor), "form": data.model_dump(), **vocabulary()}

    return await form_action(
        create,
        success=lambda society_id: f"/admin/societies/{society_id}?done=created",
        template="societies/societies.html",
        context=again,
    )


@get("/admin/societies.xlsx", include_in_schema=False, guards=admin_only)
async def export_societies(actor: NamedDependency[Actor]) -> Response[bytes]:
    rows = await services.list_societies(actor)
    return xlsx_response(
        "societies.xlsx",
        _("Societies"),
        [
            _("Code"),
            _("Chinese name"),
            _("English name"),
            _("Discipline field"),
            _("Registration number"),
            _("Secretary-general"),
            _("Status"),
        ],
        (
            [
                r["code"],
                r["name_zh"],
                r["name_en"],
                r["discipline_field"],
                r["registration_no"],
                r["secretary_general"],
                label(rules.SocietyStatus, r["status"]),
            ]
            for r in rows
        ),
    )


async def society_context(actor: Actor, society_id: int) -> dict[str, Any]:
    society = await services.get_society(actor, society_id)
    return {
        "society": society,
        "staff": await accounts.users_of_society(society_id),
        "pilots": await services.list_pilots(actor, society_id=society_id)
        if actor.is_admin
        else await services.list_pilots(actor),
        "sanctions": await services.sanctions_of([society_id]) if actor.is_admin else [],
        "violations": await services.integrity_violations_of([society_id]) if actor.is_admin else [],
        **vocabulary(),
    }


@get("/admin/societies/{society_id:int}", include_in_schema=False, guards=admin_only)
async def society_page(actor: NamedDependency[Actor], society_id: FromPath[int], done: FromQuery[str] = "") -> Template:
    notices = {
        "created": _("The society was registered."),
        "saved": _("Saved."),
        "staff": _("The staff account was created."),
        "status": _("The status was changed."),
        "violation": _("The integrity violation was recorded."),
    }
    context = await society_context(actor, society_id)
    return Template(SOCIETY_TEMPLATE, context={**context, "form": context["society"], "notice": notices.get(done, "")})


@post("/admin/societies/{society_id:int}", include_in_schema=False, status_code=303, guards=admin_only)
async def update_society(
    actor: NamedDependency[Actor], society_id: FromPath[int], data: URLEncodedBody[SocietyForm]
) -> Response[Any]:
    async def again() -> dict[str, Any]:
        return {**await society_context(actor, society_id), "form": data.model_dump()}

    return await form_action(
        lambda: services.update_society(actor, society_id, _society_in(data)),
        success=f"/admin/societies/{society_id}?done=saved",
        template=SOCIETY_TEMPLATE,
        context=again,
    )


@post("/admin/societies/{society_id:int}/status", include_in_schema=False, status_code=303, guards=admin_only)
async def society_status(
    actor: NamedDependency[Actor], society_id: FromPath[int], data: URLEncodedBody[StatusForm]
) -> Response[Any]:
    async def again() -> dict[str, Any]:
        context = await society_context(actor, society_id)
        return {**context, "form": context["society"], "failed": "status"}

    return await form_action(
        lambda: services.set_society_status(actor, society_id, data.status, data.reason),
        success=f"/admin/societies/{society_id}?done=status",
        template=SOCIETY_TEMPLATE,
        context=again,
    )


@post("/admin/societies/{society_id:int}/staff", include_in_schema=False, status_code=303, guards=admin_only)
async def add_staff(
    actor: NamedDependency[Actor], society_id: FromPath[int], data: URLEncodedBody[StaffForm]
) -> Response[Any]:
    async def create() -> int:
        await services.get_society(actor, society_id)
        if data.role not in STAFF_ROLES:
            raise InvalidInput(Reason("staff.role", "学会工作人员角色无效", "choose a society staff role", "role"))
        return await accounts.create_user(
            actor,
            username=data.username,
            display_name=data.display_name,
            role=data.role,
            password=data.password,
            society_id=society_id,
            email=data.email,
        )

    async def again() -> dict[str, Any]:
        context = await society_context(actor, society_id)
        staff_form = data.model_dump(exclude={"password"})
        return {**context, "form": context["society"], "staff_form": staff_form, "failed": "staff"}

    return await form_action(
        create, success=f"/admin/societies/{society_id}?done=staff", template=SOCIETY_TEMPLATE, context=again
    )


@get("/my-society", include_in_schema=False, guards=[requires_role(*STAFF_ROLES)])
async def my_society(actor: NamedDependency[Actor]) -> Template:
    if actor.society_id is None:
        raise InvalidInput(Reason("society.none", "您的账号未关联学会", "your account belongs to no society"))
    return Template("societies/my_society.html", context=await society_context(actor, actor.society_id))


ROUTES = [
    societies_page,
    create_society,
    export_societies,
    society_page,
    update_society,
    society_status,
    add_staff,
    my_society,
]
